"""The registry of tasks by name, and the pair json schema their declarations add up to.

Kept apart from :mod:`pipeline.tasks.base` so the base class can ask for the schema without an import
circle; :mod:`pipeline.tasks` re-exports it and registers the built-in tasks.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.schema import Schema, SchemaError
from pipeline.tasks.pair import PAIR_COMMON

if TYPE_CHECKING:
    from pipeline.tasks.base import Task

_REGISTRY: dict[str, Task] = {}


def register(task: Task) -> Task:
    """Add ``task`` (its ``name`` must be new and a plain word, its channels declared)."""
    from pipeline import channels

    if not task.name.isidentifier() or task.name in _REGISTRY:
        raise ValueError(f"task name {task.name!r}: must be a new identifier")
    for name in task.channels:
        channels.get(name)
    _REGISTRY[task.name] = task
    return task


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def names(inputs: int | None = None) -> tuple[str, ...]:
    """Registered task names, in registration order (only those taking ``inputs`` views, if given)."""
    return tuple(n for n, t in _REGISTRY.items() if inputs is None or t.inputs == inputs)


def get(name: str) -> Task:
    task = _REGISTRY.get(name)
    if task is None:
        raise ValueError(f"unknown task {name!r}; known: {names()}")
    return task


def pair_schema() -> Schema:
    """The pairs' json schema: common fields, every task's fields, and the union of round-trip figures."""
    return _pair_schema(names())


@lru_cache(maxsize=8)
def _pair_schema(task_names: tuple[str, ...]) -> Schema:
    fields, roundtrip = dict(PAIR_COMMON), {}
    for name in task_names:
        task = get(name)
        for target, new in ((fields, task.json_fields), (roundtrip, task.roundtrip_fields)):
            for key, kind in new.items():
                if target.get(key, kind) != kind:
                    raise SchemaError(f"task {name}: field {key!r} is {kind!r}, another task declares {target[key]!r}")
                target[key] = kind
    fields["roundtrip"] = roundtrip
    return fields
