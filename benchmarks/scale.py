"""Scale of the steps around rendering (issue 16): finalize, index queries and validate on synthetic
datasets, without rendering at scale.

    .venv/bin/python benchmarks/scale.py --units 200 --rows 1000 5000 --out /tmp/scale [--s3]
    .venv/bin/python benchmarks/scale.py --validate-copies 10 --out /tmp/scale [--s3]

Finalize: for each rows-per-unit figure it writes ``--units`` done-records and per-unit index parts
(``index/pairs``, ``index/views``, ``index/rejected``) whose rows have the size of real ones (a pair's
``meta`` json is about 1.2 kB), then measures in a fresh process:
- ``finalize``: wall time and peak RSS (it must grow with the number of units, not of pairs);
- ``open``: ``pyarrow.dataset`` over ``index/pairs`` answering a filtered count (``task == "depth"``).
Shards are not written (finalize reads done-records only).

Validate (``--validate-copies C``): a small real dataset is rendered once (``SOURCE``: 4 scenes of
primitive content at 256x256, one unit each, into ``<out>/source``), then its units are copied C times
under new unit and scene ids (shards rewritten with the new keys, index parts, done-records; finalize
writes the manifest), so every copy is a valid unit with real tars. ``pipeline validate`` then runs on a
local Ray instance with at most 1 and then 2 workers; the figure is pairs validated per second, and
the ratio of the two.

``--s3``: the same on the moto S3 server the tests use (started here on loopback), with the datasets
written to and read from ``s3://bench/...``.
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


def make_skeleton(root: str, units: int, rows: int, scratch: Path) -> None:
    from pipeline.config import parse_config
    from pipeline.shards import layout
    from pipeline.shards.index import write_rows
    from pipeline.shards.storage import Output

    output = Output(root)
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
    output.publish_json(config.model_dump(mode="json"), "config.json", scratch)


def measure(root: str, units: int, scratch: Path) -> dict:
    """Run in a fresh process: finalize, then the filtered count (peak RSS is per process)."""
    from pipeline.shards.index import index_dataset
    from pipeline.shards.layout import PAIRS
    from pipeline.shards.manifest import finalize
    from pipeline.shards.storage import Output

    output = Output(root)
    config = output.read_json("config.json")
    t0 = time.perf_counter()
    manifest = finalize(output, config, "f", [f"u{u:06d}" for u in range(units)], str(scratch))
    finalize_s = time.perf_counter() - t0
    finalize_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import pyarrow.dataset as pds

    t0 = time.perf_counter()
    depth = index_dataset(output, PAIRS).count_rows(filter=pds.field("task") == "depth")
    return {"pairs": manifest["counts"]["pairs"], "finalize_s": round(finalize_s, 3),
            "finalize_peak_rss_mib": round(finalize_rss, 1), "filtered_count_s": round(time.perf_counter() - t0, 3),
            "depth_pairs": depth}


SOURCE = {
    "name": "scale-source", "seed": 3,
    "scenes": [{"family": "indoor_room", "count": 2, "params": {"content": "primitive", "views": 2,
                                                               "resolutions": [[256, 256]]}},
               {"family": "outdoor_street", "count": 2, "params": {"content": "primitive", "views": 2,
                                                                  "resolutions": [[256, 256]]}}],
    "render": {"quality": "draft", "samples": 4, "denoise": False, "device": "cpu"},
    "ray": {"num_workers": 2, "cpus_per_worker": 1, "scenes_per_unit": 1},
}


def render_source(root: Path) -> None:
    if (root / "manifest.json").exists():
        return
    from pipeline.config import parse_config
    from pipeline.job import render_job

    render_job(parse_config(SOURCE, "scale-source"), str(root), overwrite=True, progress=False)


def _renamed_tar(data: bytes, old: dict[str, str]) -> bytes:
    """The tar ``data`` with every scene id in member names and json members replaced (same lengths, so
    every member keeps its offset)."""
    import io
    import tarfile

    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data)) as src, tarfile.open(fileobj=out, mode="w", format=src.format) as dst:
        for info in src.getmembers():
            body = src.extractfile(info).read()
            for a, b in old.items():
                info.name = info.name.replace(a, b)
                if info.name.endswith(".json"):
                    body = body.replace(a.encode(), b.encode())
            dst.addfile(info, io.BytesIO(body))
    return out.getvalue()


def replicate(source: Path, root: str, copies: int, scratch: Path) -> dict:
    """``copies`` copies of every unit of ``source`` under new unit and scene ids, then finalize."""
    import hashlib

    from pipeline.shards import layout
    from pipeline.shards.index import read_table, write_rows
    from pipeline.shards.manifest import finalize
    from pipeline.shards.storage import Output

    src, out = Output(str(source)), Output(root)
    manifest = src.read_json(layout.MANIFEST)
    units = sorted(n.split(".")[0] for n in src.list(layout.UNITS_DIR))
    scenes = sorted({sc for u in units for sc in src.read_json(layout.done_record(u))["scenes"]})
    scratch.mkdir(parents=True, exist_ok=True)
    new_units = []
    for c in range(copies):
        for i, unit in enumerate(units):
            new = f"u{c * len(units) + i:06d}"
            rename = {sc: f"s{c * len(scenes) + scenes.index(sc):07d}" for sc in scenes}
            rename[unit] = new
            record = json.loads(json.dumps(src.read_json(layout.done_record(unit))))
            for shard in record["shards"]:
                data = _renamed_tar(src.read_bytes(shard["name"]), rename)
                for a, b in rename.items():
                    shard["name"] = shard["name"].replace(a, b)
                shard.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
                shard["keys"] = [k.replace(k[:8], rename.get(k[:8], k[:8])) for k in shard["keys"]]
                out.publish_bytes(data, shard["name"], scratch)
            record.update(unit_id=new, scenes=[rename[sc] for sc in record["scenes"]])
            for series in (layout.VIEWS, layout.PAIRS, layout.REJECTED):
                rows = read_table(src, layout.unit_index(unit, series)).to_pylist()
                for row in rows:
                    for col in ("key", "shard", "view_key", "scene_id", "meta"):
                        if isinstance(row.get(col), str):
                            for a, b in rename.items():
                                row[col] = row[col].replace(a, b)
                write_rows(out, layout.unit_index(new, series), rows, scratch, series)
            out.publish_json(record, layout.done_record(new), scratch)
            new_units.append(new)
    return finalize(out, manifest["config"], manifest["config_fingerprint"], new_units, str(scratch))


def measure_validate(root: str, workers: list[int], rounds: int = 2) -> list[dict]:
    """Validate ``root`` on a local Ray instance with at most each of ``workers`` tasks at once; one
    untimed run first (it starts the workers and their imports), then ``rounds`` alternating timed
    runs per figure, keeping the fastest (the machine is shared)."""
    from pipeline.consumers.validate import validate_dataset
    from pipeline.distributed.ray_backend import connect

    connect(None)  # one local instance for every run, so the timed runs find its workers warm
    report = validate_dataset(root, on_ray=True, workers=max(workers))
    if not report.ok:
        raise SystemExit(report.text())
    best: dict[int, float] = {}
    for _ in range(rounds):
        for n in workers:
            t0 = time.perf_counter()
            validate_dataset(root, on_ray=True, workers=n)
            best[n] = min(best.get(n, float("inf")), time.perf_counter() - t0)
    pairs = report.checked["pairs"]
    return [{"workers": n, "shards": report.checked["shards"], "pairs": pairs, "wall_s": round(best[n], 2),
             "pairs_per_s": round(pairs / best[n], 1)} for n in workers]


def _moto() -> None:
    """Start the moto S3 server on loopback and point fsspec (here and in Ray workers) at it."""
    import logging
    import os

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "FSSPEC_S3_ENDPOINT_URL": f"http://{host}:{port}"})
    import s3fs

    s3fs.S3FileSystem().mkdir("bench")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--rows", type=int, nargs="*", default=[1000, 5000])
    ap.add_argument("--validate-copies", type=int, default=0, metavar="C",
                    help="also measure validate on C copies of the rendered source's units")
    ap.add_argument("--out", default="/tmp/scale")
    ap.add_argument("--s3", action="store_true", help="write and read through the moto S3 server")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.units, Path(args.out) / "scratch")))
        return
    if args.s3:
        _moto()  # the measuring subprocesses inherit the endpoint; moto runs in this process
    base = "s3://bench" if args.s3 else args.out
    scratch = Path(args.out) / "scratch"
    results = []
    for rows in args.rows:
        root = f"{base}/{args.units}x{rows}"
        t0 = time.perf_counter()
        make_skeleton(root, args.units, rows, scratch)
        made = time.perf_counter() - t0
        run = subprocess.run([sys.executable, __file__, "--units", str(args.units), "--out", args.out,
                              "--measure", root], capture_output=True, text=True, check=True)
        results.append({"where": base, "units": args.units, "rows_per_unit": rows, "skeleton_s": round(made, 1),
                        **json.loads(run.stdout.strip().splitlines()[-1])})
    if args.validate_copies:
        source = Path(args.out) / "source"
        render_source(source)
        root = f"{base}/validate-{args.validate_copies}"
        t0 = time.perf_counter()
        manifest = replicate(source, root, args.validate_copies, scratch)
        made = time.perf_counter() - t0
        runs = measure_validate(root, [1, 2])
        results.append({"where": root, "units": manifest["counts"]["units"], "pairs": manifest["counts"]["pairs"],
                        "skeleton_s": round(made, 1), "validate": runs,
                        "ratio_2_to_1": round(runs[1]["pairs_per_s"] / runs[0]["pairs_per_s"], 2)})
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
