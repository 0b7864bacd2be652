"""The class taxonomy: natural-language class names and their ids, loaded from ``assets_manifest/taxonomy.yaml``.

Each class may map to a Cityscapes-19, NYU-40 and ADE20K-150 class; the mapped names are checked against the
benchmark lists stored in the same file, so a typo cannot slip into an evaluation mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from assets_manifest import MANIFEST_DIR

BENCHMARKS = ("cityscapes", "nyu40", "ade20k")


@dataclass(frozen=True)
class SemanticClass:
    id: int
    name: str
    cityscapes: str | None = None
    nyu40: str | None = None
    ade20k: str | None = None


@lru_cache(maxsize=1)
def _raw() -> dict:
    return yaml.safe_load((MANIFEST_DIR / "taxonomy.yaml").read_text())


@lru_cache(maxsize=1)
def load_taxonomy() -> dict[str, SemanticClass]:
    """Class name -> :class:`SemanticClass`; ids are unique and >= 1 (0 means "nothing")."""
    raw = _raw()
    lists = benchmark_classes()
    table: dict[str, SemanticClass] = {}
    seen: set[int] = set()
    for row in raw["classes"]:
        cls = SemanticClass(**row)
        if cls.id < 1 or cls.id in seen or cls.name in table:
            raise ValueError(f"assets_manifest/taxonomy.yaml: duplicate or invalid class {row}")
        for bench in BENCHMARKS:
            target = getattr(cls, bench)
            if target is not None and target not in lists[bench]:
                raise ValueError(f"assets_manifest/taxonomy.yaml: class {cls.name!r} maps to {target!r}, "
                                 f"which is not a {bench} class")
        seen.add(cls.id)
        table[cls.name] = cls
    return table


@lru_cache(maxsize=1)
def benchmark_classes() -> dict[str, tuple[str, ...]]:
    """Benchmark name -> its official class names, in benchmark order."""
    return {b: tuple(_raw()["benchmarks"][b]) for b in BENCHMARKS}


def mapping(benchmark: str) -> dict[str, str]:
    """Our class name -> the ``benchmark`` class name, for classes that have one."""
    if benchmark not in BENCHMARKS:
        raise KeyError(f"unknown benchmark {benchmark!r}; known: {', '.join(BENCHMARKS)}")
    return {c.name: getattr(c, benchmark) for c in load_taxonomy().values() if getattr(c, benchmark) is not None}


def class_id(name: str) -> int:
    try:
        return load_taxonomy()[name].id
    except KeyError:
        raise KeyError(f"class {name!r} is not in assets_manifest/taxonomy.yaml") from None


def class_name(cid: int) -> str:
    for cls in load_taxonomy().values():
        if cls.id == cid:
            return cls.name
    raise KeyError(f"class id {cid} is not in assets_manifest/taxonomy.yaml")
