"""The schema language of the json members and the index: typed fields, written small.

Every sample's json has every key of its series, null where it does not apply, and no dict keyed by
ids, so a client that infers columns from the first samples (Hugging Face ``datasets``, Ray Data,
pandas) sees every field of every sample. Types are written in a small language: a dtype name
(``string``, ``int64``, ``float64``, ``bool``), ``[T]`` for a list of T, ``{name: T}`` for a struct.
The schemas themselves live with what they describe: the view json in :mod:`pipeline.view`, the pair
json in :mod:`pipeline.tasks` (common fields plus every registered task's own).
"""

from __future__ import annotations

Schema = dict  # name -> type


class SchemaError(ValueError):
    """A json member holds a key its series' schema does not declare."""


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
