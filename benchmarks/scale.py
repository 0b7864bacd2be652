"""Scale of the steps around rendering (issue 16): finalize and index queries on a synthetic dataset
skeleton, without rendering.

    .venv/bin/python benchmarks/scale.py --units 200 --rows 1000 5000 --out /tmp/scale

For each rows-per-unit figure it writes, under ``--out``, ``--units`` done-records and per-unit index
parts (``index/pairs``, ``index/views``, ``index/rejected``) whose rows have the size of real ones (a
pair's ``meta`` json is about 1.2 kB), then measures in a fresh process:
- ``finalize``: wall time and peak RSS (it must grow with the number of units, not of pairs);
- ``open``: ``pyarrow.dataset`` over ``index/pairs`` answering a filtered count (``task == "depth"``).
Shards are not written (finalize reads done-records only); validate is not measured here yet.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

TASKS = ("depth", "normals", "semantic", "instance", "referring")


def _meta(key: str, task: str) -> dict:
    """A pair json of realistic size (the schema's keys, a semantic-like class list)."""
    classes = [{"id": i, "name": f"class{i}", "present": True, "rgb": [i, 2 * i % 256, 3 * i % 256],
                "view_ids": [i]} for i in range(12)]
    return {"task": task, "key": key, "view_key": key.rsplit("_", 1)[0], "scene_id": key[:8], "seed": 1,
            "classes": classes, "prompt_tokens": 60, "roundtrip": {"mask_iou_min": 1.0}}


def make_skeleton(root: Path, units: int, rows: int) -> None:
    from pipeline.config import parse_config
    from pipeline.shards import layout
    from pipeline.shards.index import write_rows
    from pipeline.shards.storage import Output

    output = Output(str(root))
    scratch = root / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    for u in range(units):
        unit = f"u{u:06d}"
        views = max(1, rows // 5)
        view_rows = [{"key": f"s{u:07d}_v{v:02d}", "shard": f"views/views-{unit}-0000.tar", "offset": v * 400_000,
                      "size": 400_000, "scene_id": f"s{u:07d}", "family": "indoor_room", "kind": "indoor",
                      "classes": ["floor", "wall", "chair"], "cam2world": [0.0] * 16} for v in range(views)]
        pair_rows = []
        for p in range(rows):
            key = f"s{u:07d}_v{p // 5:02d}_{TASKS[p % 5]}"
            meta = _meta(key, TASKS[p % 5])
            pair_rows.append({"key": key, "shard": f"pairs/pairs-{unit}-0000.tar", "offset": p * 120_000,
                              "size": 120_000, "view_key": meta["view_key"], "task": meta["task"],
                              "prompt": "Draw the depth of this scene as a colour map. " * 3,
                              "prompt_tokens": 60, "meta": json.dumps(meta)})
        write_rows(output, layout.unit_index(unit, layout.VIEWS), view_rows, scratch, layout.VIEWS)
        write_rows(output, layout.unit_index(unit, layout.PAIRS), pair_rows, scratch, layout.PAIRS)
        write_rows(output, layout.unit_index(unit, layout.REJECTED), [], scratch, layout.REJECTED)
        record = {"unit_id": unit, "fingerprint": "f", "scenes": [f"s{u:07d}"], "views": views, "pairs": rows,
                  "pairs_per_task": {t: rows // 5 for t in TASKS}, "rejected": [], "rejected_scenes": [],
                  "shards": [{"name": f"pairs/pairs-{unit}-0000.tar", "count": rows, "bytes": rows * 120_000,
                              "sha256": "0" * 64, "keys": []}], "timings": {}, "wall_s": 1.0}
        output.publish_json(record, layout.done_record(unit), scratch)
    config = parse_config({"name": "scale", "scenes": [{"family": "indoor_room", "count": units}]}, "scale")
    (root / "config.json").write_text(json.dumps(config.model_dump(mode="json")))


def measure(root: Path, units: int) -> dict:
    """Run in a fresh process: finalize, then the filtered count (peak RSS is per process)."""
    from pipeline.shards.manifest import finalize
    from pipeline.shards.storage import Output

    config = json.loads((root / "config.json").read_text())
    t0 = time.perf_counter()
    manifest = finalize(Output(str(root)), config, "f", [f"u{u:06d}" for u in range(units)], str(root / "scratch"))
    finalize_s = time.perf_counter() - t0
    finalize_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import pyarrow.dataset as pds

    t0 = time.perf_counter()
    depth = pds.dataset(str(root / "index" / "pairs"), format="parquet").count_rows(filter=pds.field("task") == "depth")
    return {"pairs": manifest["counts"]["pairs"], "finalize_s": round(finalize_s, 3),
            "finalize_peak_rss_mib": round(finalize_rss, 1), "filtered_count_s": round(time.perf_counter() - t0, 3),
            "depth_pairs": depth}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--rows", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--out", default="/tmp/scale")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.units)))
        return
    results = []
    for rows in args.rows:
        root = Path(args.out) / f"{args.units}x{rows}"
        t0 = time.perf_counter()
        make_skeleton(root, args.units, rows)
        made = time.perf_counter() - t0
        run = subprocess.run([sys.executable, __file__, "--units", str(args.units), "--measure", str(root)],
                             capture_output=True, text=True, check=True)
        results.append({"units": args.units, "rows_per_unit": rows, "skeleton_s": round(made, 1),
                        **json.loads(run.stdout.strip().splitlines()[-1])})
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
