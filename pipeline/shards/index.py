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

from pipeline.schema import Schema, arrow_type
from pipeline.shards import layout
from pipeline.shards.layout import PAIRS, VIEWS
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
REJECTED_SCHEMA = pa.schema([("key", pa.string()), ("scene_id", pa.string()), ("what", pa.string()),
                             ("reason", pa.string())])
VIEW_FACTS = tuple(f.name for f in VIEW_SCHEMA if f.name not in ("key", "shard", "offset", "size"))


def pair_schema(roundtrip: Schema) -> pa.Schema:
    """Pair facts only (join the views index on ``view_key`` for the view's); ``roundtrip`` is a typed
    struct of every task's figures (the pair json's ``roundtrip`` schema, from the tasks), ``meta`` the
    whole pair json as a string."""
    return pa.schema(_PLACE + [
        ("view_key", pa.string()), ("view_keys", pa.list_(pa.string())), ("task", pa.string()), ("prompt", pa.string()), ("prompt_tokens", pa.int32()),
        ("template_id", pa.string()), ("template_version", pa.int32()), ("target_classes", pa.list_(pa.string())),
        ("seed", pa.int64()), ("view_seed", pa.int64()), ("codec_version", pa.string()),
        ("roundtrip", arrow_type(roundtrip)), ("meta", pa.string()),
    ])


FIXED_SCHEMAS = {VIEWS: VIEW_SCHEMA, layout.REJECTED: REJECTED_SCHEMA}  # the pairs' depends on the tasks


def _schema(output: Output | None, series: str, files: list[str] | None = None) -> pa.Schema:
    """The schema of ``series``: fixed for views and rejected; for pairs the one its parts were written
    with (every part of a dataset shares it), or the task-free columns when there are none yet."""
    if series != PAIRS:
        return FIXED_SCHEMAS[series]
    if files:
        return pq.read_schema(output.fs.open(files[0], "rb"))
    return pair_schema({})


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
        "view_key": meta["view_key"], "view_keys": meta.get("view_keys") or [meta["view_key"]],
        "task": pair.task, "prompt": pair.prompt,
        "prompt_tokens": meta.get("prompt_tokens"),
        "template_id": str(meta.get("template_id", "")), "template_version": meta.get("template_version"),
        "target_classes": list(pair.target_classes), "seed": meta.get("seed"),
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


def write_rows(output: Output, rel: str, rows: list[dict], scratch_dir, series: str,
               schema: pa.Schema | None = None) -> None:
    """Publish ``rows`` of ``series`` (``layout.PAIRS``, ``VIEWS`` or ``REJECTED``) as one Parquet file at
    ``rel``; pairs need their ``schema`` (:func:`pair_schema` of the tasks' round-trip fields)."""
    if schema is None:
        if series == PAIRS:
            raise ValueError("write_rows: the pairs index needs its schema (pair_schema of the tasks' roundtrip fields)")
        schema = FIXED_SCHEMAS[series]
    table = pa.Table.from_pylist(rows, schema=schema)  # written even when empty: the unit is there
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
    return pds.dataset(files, schema=_schema(output, series, files), format="parquet", filesystem=output.fs)


def read_index(output: Output, series: str, manifest: dict | None = None,
               columns: list[str] | None = None) -> pa.Table:
    """The whole index of ``series`` (only ``columns``, if given) as one table, in unit order: the
    Parquet dataset under ``index/<series>/``, or the single ``index/<series>.parquet`` of datasets
    written before it."""
    rel = (manifest or {}).get("index", {}).get(series, layout.INDEX_DIRS[series])
    if rel.endswith(".parquet"):
        return pq.read_table(io.BytesIO(output.read_bytes(rel)), columns=columns)
    return index_dataset(output, series).to_table(columns=columns)
