"""Scaling benchmark: 1 actor x 2 threads against 2 actors x 1 thread, and driver overhead per unit.

Runs the same small job both ways on a local Ray instance, interleaved (A B A B ...) because the machine
is shared and noisy, and reports views/s, the throughput ratio (2x1 over 1x2, goal >= 0.95), and the
driver's own time per work unit (wall time minus the time actors spent inside units, per unit).

    .venv/bin/python benchmarks/scaling.py --rounds 2 --scenes 8 --size 256
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time

import ray

from pipeline.config import parse_config
from pipeline.job import render_job


def job(scenes: int, size: int, workers: int, threads: int, seed: int) -> dict:
    return {
        "name": f"scaling{workers}x{threads}", "seed": seed,
        "scenes": [{"family": "indoor_room", "count": scenes, "params": {"views": 2, "resolutions": [[size, size]],
                                                                         "content": "primitive"}}],
        "tasks": ["depth", "normals", "semantic"],
        "render": {"quality": "draft", "device": "cpu", "threads": threads},
        "ray": {"num_workers": workers, "cpus_per_worker": threads, "scenes_per_unit": 1},
    }


def run_once(raw: dict) -> dict:
    config = parse_config(raw, "scaling")
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        manifest = render_job(config, out, overwrite=True, progress=False)
        wall = time.perf_counter() - t0
    units = manifest["counts"]["units"]
    views = manifest["counts"]["views"]
    run = manifest["run"]
    return {"wall_s": wall, "views": views, "views_per_s": views / wall, "units": units,
            "driver_busy_s_per_unit": run["driver_busy_s"] / units,
            "dispatch_overhead_s_per_unit": run["dispatch_overhead_s_per_unit"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--scenes", type=int, default=8)
    p.add_argument("--size", type=int, default=256)
    args = p.parse_args()
    ray.init(num_cpus=2, include_dashboard=False)
    shapes = {"1x2": (1, 2), "2x1": (2, 1)}
    results: dict[str, list[dict]] = {k: [] for k in shapes}
    for r in range(args.rounds):
        for name, (workers, threads) in shapes.items():
            res = run_once(job(args.scenes, args.size, workers, threads, seed=r))
            results[name].append(res)
            print(name, json.dumps({k: round(v, 3) for k, v in res.items()}), flush=True)
    vps = {k: statistics.median(x["views_per_s"] for x in v) for k, v in results.items()}
    ratio = statistics.median(b["views_per_s"] / a["views_per_s"] for a, b in zip(results["1x2"], results["2x1"]))
    print(json.dumps({"views_per_s": vps, "ratio_2x1_over_1x2": round(ratio, 3)}, indent=1))
    ray.shutdown()


if __name__ == "__main__":
    main()
