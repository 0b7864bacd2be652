"""The Parquet index beside the shards: one row per pair and one per view, with fixed schemas.

It lets notebooks and tools filter by task, class, depth range or scene kind without opening tars.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import tasks
from pipeline.shards.layout import PAIRS, VIEWS
from pipeline.shards.storage import Output

_COMMON = [
    ("key", pa.string()), ("shard", pa.string()), ("view_key", pa.string()), ("scene_id", pa.string()),
    ("family", pa.string()), ("kind", pa.string()), ("scene_seed", pa.int64()),
    ("classes", pa.list_(pa.string())),
    ("depth_min", pa.float32()), ("depth_median", pa.float32()), ("depth_max", pa.float32()),
    ("width", pa.int32()), ("height", pa.int32()), ("hfov_deg", pa.float32()), ("camera_height", pa.float32()),
]
VIEW_SCHEMA = pa.schema(_COMMON + [("n_objects", pa.int32()), ("sky_fraction", pa.float32())])
PAIR_SCHEMA = pa.schema(_COMMON + [
    ("task", pa.string()), ("prompt", pa.string()), ("prompt_tokens", pa.int32()), ("template_id", pa.string()), ("template_version", pa.int32()),
    ("target_classes", pa.list_(pa.string())), ("seed", pa.int64()), ("view_seed", pa.int64()),
    ("codec_version", pa.string()), ("roundtrip", pa.string()),
    ("mask_iou_min", pa.float32()), ("instances_recovered", pa.int32()), ("instances_missed", pa.int32()),
    ("instances_ignored", pa.int32()), ("meta", pa.string()),
])
SCHEMAS = {VIEWS: VIEW_SCHEMA, PAIRS: PAIR_SCHEMA}


def view_facts(view, spec) -> dict:
    """Index columns shared by a view and all its pairs; computed once per view (depth median is a sort)."""
    finite = view.depth[np.isfinite(view.depth)]
    fx, w = view.intrinsics["fx"], view.intrinsics["width"]
    present = np.unique(view.semantic)
    return {
        "view_key": view.key, "scene_id": spec.scene_id, "family": spec.family, "kind": spec.kind,
        "scene_seed": spec.seed,
        "classes": sorted(view.class_table[int(c)] for c in present if int(c) in view.class_table),
        "depth_min": float(finite.min()) if finite.size else None,
        "depth_median": float(np.median(finite)) if finite.size else None,
        "depth_max": float(finite.max()) if finite.size else None,
        "width": int(w), "height": int(view.intrinsics["height"]),
        "hfov_deg": float(np.degrees(2 * np.arctan(w / (2 * fx)))),
        "camera_height": float(np.asarray(view.cam2world)[2][3]),
    }


def view_row(view, facts: dict, shard: str) -> dict:
    row = {"key": view.key, "shard": shard, **facts}
    row["n_objects"] = int(len(np.unique(view.instance[view.instance > 0])))
    row["sky_fraction"] = float((~np.isfinite(view.depth)).mean())
    return row


def pair_row(pair, facts: dict, shard: str) -> dict:
    """One index row per pair: the view's facts plus the pair's task, prompt, seeds, round-trip figures
    and its whole json member (``meta``), so tools can read a pair's codec metadata without its tar."""
    meta = pair.meta
    rt = meta.get("roundtrip") or {}
    return {
        "key": pair.key, "shard": shard, **facts, "task": pair.task, "prompt": pair.prompt,
        "prompt_tokens": meta.get("prompt_tokens"),
        "template_id": str(meta.get("template_id", "")), "template_version": meta.get("template_version"),
        "target_classes": tasks.get(pair.task).target_classes(meta), "seed": meta.get("seed"), "view_seed": meta.get("view_seed"),
        "codec_version": str(meta.get("codec_version", "")),
        "roundtrip": json.dumps(meta.get("roundtrip", {}), sort_keys=True),
        "mask_iou_min": rt.get("mask_iou_min"), "instances_recovered": rt.get("recovered"),
        "instances_missed": rt.get("missed"), "instances_ignored": rt.get("ignored"),
        "meta": json.dumps(meta, sort_keys=True, allow_nan=False, separators=(",", ":")),
    }


def write_rows(output: Output, rel: str, rows: list[dict], scratch_dir, series: str) -> None:
    """Publish ``rows`` of ``series`` (``layout.PAIRS`` or ``layout.VIEWS``) as one Parquet file at ``rel``."""
    table = pa.Table.from_pylist(rows, schema=SCHEMAS[series])
    buf = io.BytesIO()
    pq.write_table(table, buf)
    output.publish_bytes(buf.getvalue(), rel, scratch_dir)


def read_table(output: Output, rel: str) -> pa.Table:
    return pq.read_table(io.BytesIO(output.read_bytes(rel)))
