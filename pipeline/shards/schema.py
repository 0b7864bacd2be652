"""The fixed schema of each series' json member, and its Hugging Face ``datasets`` features.

Every sample's json has every key of its series, null where it does not apply, and no dict keyed by
ids, so a client that infers columns from the first samples (Hugging Face ``datasets``, Ray Data,
pandas) sees every field of every sample. Types are written in a small language: a dtype name
(``string``, ``int64``, ``float64``, ``bool``), ``[T]`` for a list of T, ``{name: T}`` for a struct.

The pairs' schema is the common fields plus the union of every registered task's ``json_fields`` and
``roundtrip_fields`` (:class:`pipeline.tasks.base.Task`), so a new task declares its own fields in
its own module.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline import tasks

Schema = dict  # name -> type

RGB = ["int64"]
PAIR_COMMON: Schema = {
    "task": "string", "key": "string", "view_key": "string", "scene_id": "string", "view_index": "int64",
    "codec_version": "string", "view_seed": "int64", "seed": "int64", "image_size": ["int64"],
    "template_id": "string", "template_version": "int64", "prompt_tokens": "int64",
}
VIEW_JSON: Schema = {
    "key": "string", "scene_id": "string", "family": "string", "kind": "string", "scene_seed": "int64",
    "view_index": "int64", "view_seed": "int64", "lighting": "string",
    "intrinsics": {"fx": "float64", "fy": "float64", "cx": "float64", "cy": "float64", "width": "int64",
                   "height": "int64"},
    "cam2world": [["float64"]],
    "class_table": [{"id": "int64", "class": "string"}],
    "instances": [{"id": "int64", "class": "string", "source": "string"}],
    "scene_graph": {
        "view_key": "string", "scene_id": "string", "view_index": "int64", "width": "int64", "height": "int64",
        "objects": [{"instance_id": "int64", "class_name": "string", "color_name": "string",
                     "bbox": ["int64"], "centroid": ["float64"], "pixel_count": "int64",
                     "pixel_fraction": "float64", "median_depth_m": "float64", "size_m": "float64",
                     "depth_rank": "int64", "depth_rank_in_class": "int64", "size_rank_in_class": "int64",
                     "supported_by": "int64", "supported_by_class": "string"}],
    },
    "timings": {"scene_build": "float64", "rgb_render": "float64", "label_render": "float64",
                "readback": "float64", "label_decode": "float64"},
    "extra": "string",  # the family's own facts (room type, view kinds, analytic primitives ...), as JSON
    "depth_units": "string", "normal_frame": "string",
}


class SchemaError(ValueError):
    """A json member holds a key its series' schema does not declare."""


def pair_json() -> Schema:
    """The pairs' json schema: common fields, every task's fields, and the union of round-trip figures
    (built once per set of registered tasks)."""
    return _pair_json(tasks.names())


@lru_cache(maxsize=8)
def _pair_json(names: tuple[str, ...]) -> Schema:
    fields, roundtrip = dict(PAIR_COMMON), {}
    for name in names:
        task = tasks.get(name)
        for target, new in ((fields, task.json_fields), (roundtrip, task.roundtrip_fields)):
            for key, kind in new.items():
                if target.get(key, kind) != kind:
                    raise SchemaError(f"task {name}: field {key!r} is {kind!r}, another task declares {target[key]!r}")
                target[key] = kind
    fields["roundtrip"] = roundtrip
    return fields


def conform(value, kind, where: str = "json"):
    """``value`` with every key of ``kind`` present (None where missing), recursively; raises
    :class:`SchemaError` for an undeclared key, so the card never misses a field."""
    if value is None:
        return None
    if isinstance(kind, dict):
        extra = sorted(set(value) - set(kind))
        if extra:
            raise SchemaError(f"{where}: keys {extra} are not in the schema")
        return {k: conform(value.get(k), t, f"{where}.{k}") for k, t in kind.items()}
    if isinstance(kind, list):
        return [conform(v, kind[0], f"{where}[]") for v in value]
    return value


def hf_features(kind) -> list | str | dict:
    """``kind`` as the ``features`` YAML of a Hugging Face dataset card (``dataset_info``)."""
    if isinstance(kind, dict):
        return [_hf_field(name, t) for name, t in kind.items()]
    raise TypeError("hf_features: expected a struct")


def _hf_field(name: str, kind) -> dict:
    if isinstance(kind, dict):
        return {"name": name, "struct": hf_features(kind)}
    if isinstance(kind, list):
        inner = kind[0]
        if isinstance(inner, dict):
            return {"name": name, "list": hf_features(inner)}
        if isinstance(inner, list):
            return {"name": name, "list": {"list": inner[0]}}
        return {"name": name, "list": inner}
    return {"name": name, "dtype": kind}


def arrow_type(kind):
    """``kind`` as a pyarrow type (the pairs index stores the round-trip figures as a typed struct)."""
    import pyarrow as pa

    if isinstance(kind, dict):
        return pa.struct([(name, arrow_type(t)) for name, t in kind.items()])
    if isinstance(kind, list):
        return pa.list_(arrow_type(kind[0]))
    return {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}[kind]
