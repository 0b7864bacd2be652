"""Render-stage benchmarks on procedural scenes (indoor, street, nature), one RenderWorker per part.

(a) ``label``: cost of exact labels as a ratio to a plain RGB render of the same view. Interleaved pairs,
    the order alternating: plain = the RGB render with the label passes removed from the view layer;
    labelled = the production path (RGB render with the passes, then the label render). Goal <= 1.05.
(b) ``share``: share of the worker's wall time (``render_scene`` calls) spent inside Cycles render calls,
    over ``--share-scenes`` scenes. Goal >= 0.95.
(c) ``presets``: seconds per view for draft/standard/high on the same scenes, and the core-hours implied
    for one million training pairs, with the pairs per view counted by ``make_pairs`` on those views.

Both wall-clock and process CPU seconds are recorded: on a shared machine the wall clock moves with
other people's load, while CPU seconds (all render threads) are the core-seconds a view costs, so
ratios and core-hours are taken from CPU time and wall figures are reported beside them.

(e) ``views`` (only when asked): standard preset, the same scenes with 1, 4 and 16 views each: CPU
    seconds per view, i.e. how much of a view's cost its scene's build, BVH and shaders are.

(d) ``content`` (only when asked): standard preset, the same scenes with ``content: primitive`` and with
    Infinigen content from ``--bank``: CPU seconds per view before/after and the scene build share.

    nice -n 10 .venv/bin/python benchmarks/render.py --part all --size 512
    nice -n 10 .venv/bin/python benchmarks/render.py --part content --size 320 \
        --config configs/mixed200.yaml --bank out/mixed200/bank
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bank_content

FAMILIES = ("indoor_room", "outdoor_street", "outdoor_nature")


def _scene(k: int, size: int, views: int = 1, catalogue=None):
    from scenes import build

    family = FAMILIES[k % len(FAMILIES)]
    params = {"views": views, "resolutions": [[size, size]], **bank_content.params(family, catalogue)}
    return build(family, params, seed=1000 + k, scene_id=f"bench_{k:03d}", catalogue=catalogue)


def _timed(fn, *args) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of ``fn(*args)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def label_cost(size: int, pairs: int, scenes: int) -> dict:
    from pipeline.render import blender_render as br
    from pipeline.render.blender_render import release_render_data
    from pipeline.render.blender_scene import build_scene, clear_scene, set_cameras
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    settings = RenderSettings(quality="standard")
    worker = RenderWorker(settings)  # brings Blender up and prepares the renderer; scenes are driven by hand here
    work = Path(tempfile.mkdtemp(prefix="render_bench_"))

    def plain() -> dict:
        br.set_label_passes(False)
        (wall, cpu) = _timed(br.render_rgb, work / "plain.png", settings)
        return {"plain": wall, "plain_cpu": cpu}

    def labelled() -> dict:
        br.set_label_passes(True)
        (rgb, rgb_cpu) = _timed(br.render_rgb, work / "rgb.png", settings)
        (label, label_cpu) = _timed(br.render_labels, work / "labels.exr")
        return {"rgb": rgb, "rgb_cpu": rgb_cpu, "label": label, "label_cpu": label_cpu}

    rows = []
    for k in range(scenes):
        spec = _scene(k, size)
        build_scene(spec)
        set_cameras(spec.cameras[:1])
        plain(), labelled()  # warm-up: first sync of the scene, kernels, images
        for p in range(pairs):
            row = {"scene": spec.family}
            for run in ((plain, labelled) if p % 2 == 0 else (labelled, plain)):
                row.update(run())
            row["ratio_cpu"] = (row["rgb_cpu"] + row["label_cpu"]) / row["plain_cpu"]
            row["ratio_wall"] = (row["rgb"] + row["label"]) / row["plain"]
            rows.append(row)
            print(f"  label pair {spec.family:15s} cpu s: plain {row['plain_cpu']:7.2f} rgb {row['rgb_cpu']:7.2f} "
                  f"label {row['label_cpu']:6.3f} ratio {row['ratio_cpu']:.3f} | wall s: plain {row['plain']:7.2f} "
                  f"rgb {row['rgb']:7.2f} label {row['label']:6.3f} ratio {row['ratio_wall']:.3f}", flush=True)
        clear_scene()
        release_render_data()
    br.set_label_passes(True)
    worker.close()
    shutil.rmtree(work, ignore_errors=True)

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 4)

    return {
        "pairs": len(rows),
        "ratio_cpu_median": med("ratio_cpu"),
        "ratio_cpu_min_max": [round(min(r["ratio_cpu"] for r in rows), 4), round(max(r["ratio_cpu"] for r in rows), 4)],
        "ratio_wall_median": med("ratio_wall"),
        "label_over_rgb_cpu_median": round(statistics.median(r["label_cpu"] / r["rgb_cpu"] for r in rows), 4),
        "rgb_with_passes_over_plain_cpu_median": round(statistics.median(r["rgb_cpu"] / r["plain_cpu"] for r in rows), 4),
        "seconds_median": {key: med(key) for key in ("plain", "rgb", "label", "plain_cpu", "rgb_cpu", "label_cpu")},
        "goal": "ratio <= 1.05",
    }


def _run_scenes(quality: str, size: int, scene_ids: range, views: int, catalogue=None, resolver=None,
                ) -> tuple[list, dict]:
    """Render the scenes with a fresh worker; return (specs and views, time totals). ``generate`` is the
    pure scene generation, timed apart from ``wall``/``cpu`` (the ``render_scene`` calls)."""
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    worker = RenderWorker(RenderSettings(quality=quality), resolver)
    out, wall, cpu, generate = [], 0.0, 0.0, 0.0
    for k in scene_ids:
        g0 = time.perf_counter()
        spec = _scene(k, size, views, catalogue)
        generate += time.perf_counter() - g0
        t0, c0 = time.perf_counter(), time.process_time()
        rendered = worker.render_scene(spec)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        wall, cpu = wall + dt, cpu + dc
        out.append((spec, rendered))
        t = {key: sum(v.timings[key] for v in rendered) for key in rendered[0].timings}
        print(f"  {quality:8s} scene {k:3d} {spec.family:15s} wall {dt:7.2f} s cpu {dc:7.2f} s  "
              + "  ".join(f"{key} {val:.3f}" for key, val in t.items()), flush=True)
    worker.close()
    totals = {"wall": wall, "cpu": cpu, "generate": generate}
    for _, rendered in out:
        for v in rendered:
            for key, val in v.timings.items():
                totals[key] = totals.get(key, 0.0) + val
    totals["views"] = sum(len(r) for _, r in out)
    return out, totals


def wall_share(size: int, scenes: int, views: int) -> dict:
    _, t = _run_scenes("standard", size, range(scenes), views)
    cycles = t["rgb_render"] + t["label_render"]
    return {
        "scenes": scenes,
        "views": t["views"],
        "share_in_cycles": round(cycles / t["wall"], 4),
        "seconds": {key: round(val, 2) for key, val in t.items() if key != "views"},
        "outside_cycles_per_view_s": round((t["wall"] - cycles) / t["views"], 3),
        "goal": "share >= 0.95",
    }


def presets(size: int, scenes: int) -> dict:
    from pipeline.tasks import make_pairs, names

    TASKS = names()
    from pipeline.scene_graph import build_scene_graph

    out: dict = {"cores": os.cpu_count(), "views_per_preset": scenes}
    pairs_per_view = None
    for quality in ("draft", "standard", "high"):
        rendered, t = _run_scenes(quality, size, range(scenes), 1)
        per_view, cpu_per_view = t["wall"] / t["views"], t["cpu"] / t["views"]
        if pairs_per_view is None:
            counts = [len(make_pairs(v, build_scene_graph(spec, v), seed=k, tasks=TASKS, roundtrip=False))
                      for k, (spec, views) in enumerate(rendered) for v in views]
            pairs_per_view = statistics.fmean(counts)
            out["pairs_per_view"] = round(pairs_per_view, 2)
            out["tasks"] = list(TASKS)
        out[quality] = {
            "wall_seconds_per_view": round(per_view, 2),
            "cpu_seconds_per_view": round(cpu_per_view, 2),
            "core_hours_per_million_views": round(cpu_per_view * 1e6 / 3600),
            "core_hours_per_million_pairs": round(cpu_per_view * 1e6 / 3600 / pairs_per_view),
        }
    return out


def content(size: int, scenes: int, catalogue, resolver) -> dict:
    """Standard preset, the same scenes with primitive and with Infinigen content: CPU seconds per view and
    the scene build share (generation + Blender build with bank loads, over Cycles render time)."""
    if catalogue is None:
        raise SystemExit("--part content needs --config and --bank")
    out: dict = {"views": scenes}
    for name, cat, res in (("primitive", None, None), ("infinigen", catalogue, resolver)):
        _, t = _run_scenes("standard", size, range(scenes), 1, cat, res)
        render = t["rgb_render"] + t["label_render"]
        out[name] = {"cpu_seconds_per_view": round(t["cpu"] / t["views"], 2),
                     "wall_seconds_per_view": round(t["wall"] / t["views"], 2),
                     "scene_build_share_of_render": round((t["generate"] + t["scene_build"]) / render, 4)}
    out["cpu_ratio_infinigen_to_primitive"] = round(out["infinigen"]["cpu_seconds_per_view"]
                                                    / out["primitive"]["cpu_seconds_per_view"], 3)
    return out


def views_per_scene(size: int, scenes: int, counts: list[int], catalogue, resolver) -> dict:
    """Standard preset, the same ``scenes`` (one per family in turn) rendered with 1, 4, 16 ... views each:
    CPU seconds per view of the whole ``render_scene`` call (scene build, BVH, shader compile and every
    view), so what one view of a scene shares with the others shows as a falling per-view cost."""
    out: dict = {"scenes": scenes}
    for n in counts:
        _, t = _run_scenes("standard", size, range(scenes), n, catalogue, resolver)
        out[f"{n}_views"] = {"cpu_seconds_per_view": round(t["cpu"] / t["views"], 2),
                             "wall_seconds_per_view": round(t["wall"] / t["views"], 2),
                             "scene_build_seconds_per_scene": round(t["scene_build"] / scenes, 3)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=["label", "share", "presets", "content", "views", "all"], default="all")
    ap.add_argument("--size", type=int, default=512, help="square image size in pixels")
    ap.add_argument("--label-pairs", type=int, default=4, help="interleaved pairs per scene for (a)")
    ap.add_argument("--label-scenes", type=int, default=3)
    ap.add_argument("--share-scenes", type=int, default=20)
    ap.add_argument("--share-views", type=int, default=1, help="views per scene for (b); 1 is the worst case")
    ap.add_argument("--preset-scenes", type=int, default=3)
    ap.add_argument("--content-scenes", type=int, default=6, help="scenes per content mode for (d)")
    ap.add_argument("--views-scenes", type=int, default=3, help="scenes for (e)")
    ap.add_argument("--views", type=int, nargs="+", default=[1, 4, 16], help="views per scene for (e)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    bank_content.add_arguments(ap)
    args = ap.parse_args(argv)
    catalogue, resolver = bank_content.source(args)

    results: dict = {"size": f"{args.size}x{args.size}", "loadavg_start": os.getloadavg()}
    if args.part in ("label", "all"):
        results["label_cost"] = label_cost(args.size, args.label_pairs, args.label_scenes)
        print(json.dumps(results["label_cost"]), flush=True)
    if args.part in ("share", "all"):
        results["wall_share"] = wall_share(args.size, args.share_scenes, args.share_views)
        print(json.dumps(results["wall_share"]), flush=True)
    if args.part in ("presets", "all"):
        results["presets"] = presets(args.size, args.preset_scenes)
        print(json.dumps(results["presets"]), flush=True)
    if args.part == "content":
        results["content"] = content(args.size, args.content_scenes, catalogue, resolver)
        print(json.dumps(results["content"]), flush=True)
    if args.part == "views":
        results["views_per_scene"] = views_per_scene(args.size, args.views_scenes, args.views, catalogue, resolver)
        print(json.dumps(results["views_per_scene"]), flush=True)
    results["loadavg_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
