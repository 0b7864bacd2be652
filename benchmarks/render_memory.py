"""Memory of one long-lived RenderWorker: render many scenes in a row and watch the process RSS.

Scenes cycle through the procedural families (indoor, street, nature) at a small image size, so the run
measures what a worker keeps between scenes rather than render buffers. RSS is read after each scene
(after ``gc.collect()``); the goal is growth from scene 10 to scene ``--scenes`` within 5%, also per
family (RSS after a scene depends on its content), and, with ``--repeat``, over one scene rendered again
and again. Also prints the mean seconds per scene at the start and the end, to catch a worker that
slows down over time.

    nice -n 10 .venv/bin/python benchmarks/render_memory.py --scenes 100
    nice -n 10 .venv/bin/python benchmarks/render_memory.py --scenes 100 --repeat 16 \
        --config configs/mixed200.yaml --bank out/mixed200/bank
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time

import bank_content

FAMILIES = ("indoor_room", "outdoor_street", "outdoor_nature")


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenes", type=int, default=100)
    ap.add_argument("--width", type=int, default=96)
    ap.add_argument("--height", type=int, default=72)
    ap.add_argument("--samples", type=int, default=4)
    ap.add_argument("--max-growth", type=float, default=0.05)
    ap.add_argument("--repeat", type=int, default=0,
                    help="then render one outdoor_nature scene (the heaviest family) this many times in a row: "
                         "RSS of the same scene again and again separates a leak from content variance")
    bank_content.add_arguments(ap)
    args = ap.parse_args(argv)
    if args.scenes < 10:
        ap.error("--scenes must be at least 10")

    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker
    from scenes import build

    catalogue, resolver = bank_content.source(args)
    rss = {"start": rss_mib()}
    worker = RenderWorker(RenderSettings(quality="draft", samples=args.samples), resolver)
    rss["after_init"] = rss_mib()
    seconds: list[float] = []
    params = {"views": 1, "resolutions": [[args.width, args.height]]}
    for k in range(1, args.scenes + 1):
        family = FAMILIES[k % len(FAMILIES)]
        spec = build(family, {**params, **bank_content.params(family, catalogue)}, seed=k, scene_id=f"mem_{k:04d}",
                     catalogue=catalogue)
        t0 = time.perf_counter()
        worker.render_scene(spec)
        seconds.append(time.perf_counter() - t0)
        gc.collect()
        rss[k] = rss_mib()
        if k in (1, 10) or k % 10 == 0:
            print(f"scene {k:4d} ({family:15s}) rss {rss[k]:8.1f} MiB  {seconds[-1]:.2f} s", flush=True)
    repeat = []
    for _ in range(args.repeat):
        spec = build("outdoor_nature", {**params, **bank_content.params("outdoor_nature", catalogue)}, seed=2,
                     scene_id="mem_repeat", catalogue=catalogue)
        worker.render_scene(spec)
        gc.collect()
        repeat.append(rss_mib())
    worker.close()

    growth = (rss[args.scenes] - rss[10]) / rss[10]
    # RSS after a scene depends on that scene's content (a nature scene with bank trees holds more), so
    # also compare each family with itself: median RSS of its scenes in the second third vs the last third
    by_family: dict = {}
    third = args.scenes // 3
    for fam in FAMILIES:
        mid = [rss[k] for k in range(third + 1, 2 * third + 1) if FAMILIES[k % len(FAMILIES)] == fam]
        last = [rss[k] for k in range(2 * third + 1, args.scenes + 1) if FAMILIES[k % len(FAMILIES)] == fam]
        if mid and last:
            m0, m1 = statistics.median(mid), statistics.median(last)
            by_family[fam] = {"median_mib_second_third": round(m0, 1), "median_mib_last_third": round(m1, 1),
                              "growth": round((m1 - m0) / m0, 4)}
    summary = {
        "scenes": args.scenes,
        "image": f"{args.width}x{args.height}",
        "content": "infinigen" if catalogue is not None else "primitive",
        "samples": args.samples,
        "rss_mib": {"start": round(rss["start"], 1), "after_init": round(rss["after_init"], 1),
                    "scene_1": round(rss[1], 1), "scene_10": round(rss[10], 1),
                    f"scene_{args.scenes}": round(rss[args.scenes], 1),
                    "max_after_10": round(max(rss[k] for k in range(10, args.scenes + 1)), 1)},
        "growth_10_to_last": round(growth, 4),
        "per_family": by_family,
        "same_scene_repeated": {"renders": len(repeat), "first_mib": round(repeat[0], 1),
                                "last_mib": round(repeat[-1], 1), "min_mib": round(min(repeat), 1),
                                "max_mib": round(max(repeat), 1),
                                "growth": round((repeat[-1] - repeat[0]) / repeat[0], 4)} if repeat else None,
        "seconds_per_scene_first_10": round(sum(seconds[:10]) / 10, 3),
        "seconds_per_scene_last_10": round(sum(seconds[-10:]) / 10, 3),
        "ok": growth <= args.max_growth and all(f["growth"] <= args.max_growth for f in by_family.values())
              and (not repeat or (repeat[-1] - repeat[0]) / repeat[0] <= args.max_growth),
    }
    print(json.dumps(summary, indent=2))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
