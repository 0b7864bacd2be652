"""Finishing a dataset: merge the per-unit Parquet parts and write ``manifest.json`` last.

The manifest is the dataset card: config, code version, counts and the sha256 of every shard. Its
presence means the dataset is complete; tools refuse a root without one.
"""

from __future__ import annotations

import io
import time
from collections import Counter

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.shards import layout
from pipeline.shards.card import card_text
from pipeline.shards.index import read_table, schemas
from pipeline.shards.storage import Output
from pipeline.version import code_version


def _merge_index(output: Output, unit_ids: list[str], series: str, scratch_dir) -> int:
    tables = [read_table(output, layout.unit_index(u, series)) for u in unit_ids]
    table = pa.concat_tables(tables) if tables else schemas()[series].empty_table()
    buf = io.BytesIO()
    pq.write_table(table, buf)
    output.publish_bytes(buf.getvalue(), layout.INDEX[series],
                         scratch_dir)
    return table.num_rows


def task_balance(rates: dict, per_task: Counter, n_views: int) -> dict:
    """Per task: the pairs per view the config asked for, those realised, and the task's share of pairs."""
    total = sum(per_task.values())
    return {task: {"pairs_per_view_config": rates.get(task),
                   "pairs_per_view": round(per_task[task] / n_views, 4) if n_views else None,
                   "share": round(per_task[task] / total, 4) if total else None}
            for task in sorted(set(rates) | set(per_task))}


def finalize(output: Output, config_dump: dict, fingerprint: str, unit_ids: list[str], scratch_dir,
             run_stats: dict | None = None) -> dict:
    """Merge indexes and publish the manifest from the done-records of ``unit_ids`` (all must exist)."""
    records = [output.read_json(layout.done_record(u)) for u in unit_ids]
    n_pairs = _merge_index(output, unit_ids, layout.PAIRS, scratch_dir)
    n_views = _merge_index(output, unit_ids, layout.VIEWS, scratch_dir)
    per_task: Counter = Counter()
    for r in records:
        per_task.update(r["pairs_per_task"])
    shards = [{k: s[k] for k in ("name", "count", "bytes", "sha256")} for r in records for s in r["shards"]]
    from pipeline.codecs import CODEC_VERSION

    manifest = {
        "format": "vision-banana-synth/1",
        "name": config_dump["name"], "created_unix": int(time.time()),
        "code_version": code_version(), "codec_version": CODEC_VERSION,
        "config": config_dump, "config_fingerprint": fingerprint,
        "counts": {
            "units": len(records), "scenes": sum(len(r["scenes"]) for r in records),
            "views": n_views, "pairs": n_pairs, "pairs_per_task": dict(sorted(per_task.items())),
            "rejected_views": sum(len(r["rejected"]) for r in records),
            "rejected_scenes": sum(len(r.get("rejected_scenes", ())) for r in records),
        },
        "task_balance": task_balance(config_dump.get("tasks") or {}, per_task, n_views),
        "rejected": [x for r in records for x in r["rejected"]],
        "rejected_scenes": [x for r in records for x in r.get("rejected_scenes", ())],
        "series": {
            series: [s for s in shards if s["name"].startswith(f"{series}/")] for series in layout.SERIES
        },
        "index": dict(layout.INDEX),
        "run": run_stats or {},
    }
    output.publish_bytes(card_text(manifest).encode(), layout.CARD, scratch_dir)
    output.publish_json(manifest, layout.MANIFEST, scratch_dir)
    return manifest
