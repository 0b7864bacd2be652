"""The Parquet index beside the shards: one row per pair and one per view, with fixed schemas.

It lets notebooks and tools filter by task, class, depth range or scene kind without opening tars.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline import tasks
from pipeline.shards import layout
from pipeline.shards.layout import PAIRS, VIEWS
from pipeline.shards.schema import arrow_type, pair_json
from pipeline.shards.writer import Placement
from pipeline.shards.storage import Output

_PLACE = [("key", pa.string()), ("shard", pa.string()), ("offset", pa.int64()), ("size", pa.int64())]
VIEW_SCHEMA = pa.schema(_PLACE + [
    ("scene_id", pa.string()), ("family", pa.string()), ("kind", pa.string()), ("scene_seed", pa.int64()),
    ("lighting", pa.string()), ("classes", pa.list_(pa.string())),
    ("depth_min", pa.float32()), ("depth_median", pa.float32()), ("depth_max", pa.float32()),
    ("width", pa.int32()), ("height", pa.int32()), ("hfov_deg", pa.float32()), ("camera_height", pa.float32()),
    ("fx", pa.float64()), ("fy", pa.float64()), ("cx", pa.float64()), ("cy", pa.float64()),
    ("cam2world", pa.list_(pa.float64(), 16)), ("n_objects", pa.int32()), ("sky_fraction", pa.float32()),
])
VIEW_FACTS = tuple(f.name for f in VIEW_SCHEMA if f.name not in ("key", "shard", "offset", "size"))


def pair_schema() -> pa.Schema:
    """Pair facts only (join the views index on ``view_key`` for the view's); ``roundtrip`` is a typed
    struct of every task's figures, ``meta`` the whole pair json as a string."""
    return pa.schema(_PLACE + [
        ("view_key", pa.string()), ("task", pa.string()), ("prompt", pa.string()), ("prompt_tokens", pa.int32()),
        ("template_id", pa.string()), ("template_version", pa.int32()), ("target_classes", pa.list_(pa.string())),
        ("seed", pa.int64()), ("view_seed", pa.int64()), ("codec_version", pa.string()),
        ("roundtrip", arrow_type(pair_json()["roundtrip"])), ("meta", pa.string()),
    ])


def schemas() -> dict[str, pa.Schema]:
    return {VIEWS: VIEW_SCHEMA, PAIRS: pair_schema(), layout.REJECTED: REJECTED_SCHEMA}


def view_row(view, spec, placement: Placement) -> dict:
    """One index row per view: where it lies and the facts filters need."""
    finite = view.depth[np.isfinite(view.depth)]
    k = view.intrinsics
    present = np.unique(view.semantic)
    return {
        "key": view.key, "shard": placement.shard, "offset": placement.offset, "size": placement.size,
        "scene_id": spec.scene_id, "family": spec.family, "kind": spec.kind, "scene_seed": spec.seed,
        "lighting": spec.extra.get("lighting"),
        "classes": sorted(view.class_table[int(c)] for c in present if int(c) in view.class_table),
        "depth_min": float(finite.min()) if finite.size else None,
        "depth_median": float(np.median(finite)) if finite.size else None,
        "depth_max": float(finite.max()) if finite.size else None,
        "width": int(k["width"]), "height": int(k["height"]),
        "hfov_deg": float(np.degrees(2 * np.arctan(k["width"] / (2 * k["fx"])))),
        "camera_height": float(np.asarray(view.cam2world)[2][3]),
        "fx": float(k["fx"]), "fy": float(k["fy"]), "cx": float(k["cx"]), "cy": float(k["cy"]),
        "cam2world": np.asarray(view.cam2world, dtype=np.float64).ravel().tolist(),
        "n_objects": int(len(np.unique(view.instance[view.instance > 0]))),
        "sky_fraction": float((~np.isfinite(view.depth)).mean()),
    }


def pair_row(pair, placement: Placement) -> dict:
    """One index row per pair: where it lies, its task, prompt, seeds, round-trip figures and its whole
    json member (``meta``), so tools can read a pair's codec metadata without its tar."""
    meta = pair.meta
    return {
        "key": pair.key, "shard": placement.shard, "offset": placement.offset, "size": placement.size,
        "view_key": meta["view_key"], "task": pair.task, "prompt": pair.prompt,
        "prompt_tokens": meta.get("prompt_tokens"),
        "template_id": str(meta.get("template_id", "")), "template_version": meta.get("template_version"),
        "target_classes": tasks.get(pair.task).target_classes(meta), "seed": meta.get("seed"),
        "view_seed": meta.get("view_seed"), "codec_version": str(meta.get("codec_version", "")),
        "roundtrip": meta.get("roundtrip"),
        "meta": json.dumps(meta, sort_keys=True, allow_nan=False, separators=(",", ":")),
    }


def with_view_facts(pairs: pa.Table, views: pa.Table) -> pa.Table:
    """``pairs`` with its views' facts (family, kind, classes, depth range ...) as extra columns, in the
    pairs' order; indexes written before the split already carry them and are returned as they are."""
    wanted = [c for c in VIEW_FACTS if c in views.column_names and c not in pairs.column_names]
    if not wanted:
        return pairs
    at = pc.index_in(pairs["view_key"], value_set=views["key"])
    facts = views.select(wanted).take(at)
    for name in wanted:
        pairs = pairs.append_column(name, facts[name])
    return pairs


def write_rows(output: Output, rel: str, rows: list[dict], scratch_dir, series: str) -> None:
    """Publish ``rows`` of ``series`` (``layout.PAIRS`` or ``layout.VIEWS``) as one Parquet file at ``rel``."""
    table = pa.Table.from_pylist(rows, schema=schemas()[series])  # written even when empty: the unit is there
    buf = io.BytesIO()
    pq.write_table(table, buf)
    output.publish_bytes(buf.getvalue(), rel, scratch_dir)


def read_table(output: Output, rel: str) -> pa.Table:
    return pq.read_table(io.BytesIO(output.read_bytes(rel)))


def index_dataset(output: Output, series: str):
    """The index of ``series`` as a ``pyarrow.dataset`` over its per-unit Parquet parts (any fsspec
    filesystem); nothing is read until a scan asks for it."""
    import pyarrow.dataset as pds

    files = [f"{output.path(layout.INDEX_DIRS[series])}/{n}" for n in output.list(layout.INDEX_DIRS[series])
             if n.endswith(".parquet")]
    return pds.dataset(files, schema=schemas()[series], format="parquet", filesystem=output.fs)


def read_index(output: Output, series: str, manifest: dict | None = None,
               columns: list[str] | None = None) -> pa.Table:
    """The whole index of ``series`` (only ``columns``, if given) as one table, in unit order: the
    Parquet dataset under ``index/<series>/``, or the single ``index/<series>.parquet`` of datasets
    written before it."""
    rel = (manifest or {}).get("index", {}).get(series, layout.INDEX_DIRS[series])
    if rel.endswith(".parquet"):
        return pq.read_table(io.BytesIO(output.read_bytes(rel)), columns=columns)
    return index_dataset(output, series).to_table(columns=columns)


REJECTED_SCHEMA = pa.schema([("key", pa.string()), ("scene_id", pa.string()), ("what", pa.string()),
                             ("reason", pa.string())])
