"""The class taxonomy: natural-language class names and their ids, loaded from ``assets_manifest/taxonomy.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from assets_manifest import MANIFEST_DIR


@dataclass(frozen=True)
class SemanticClass:
    id: int
    name: str
    cityscapes: str | None = None
    nyu40: str | None = None
    ade20k: str | None = None


@lru_cache(maxsize=1)
def load_taxonomy() -> dict[str, SemanticClass]:
    """Class name -> :class:`SemanticClass`; ids are unique and >= 1 (0 means "nothing")."""
    raw = yaml.safe_load((MANIFEST_DIR / "taxonomy.yaml").read_text())
    table: dict[str, SemanticClass] = {}
    seen: set[int] = set()
    for row in raw["classes"]:
        cls = SemanticClass(**row)
        if cls.id < 1 or cls.id in seen or cls.name in table:
            raise ValueError(f"assets_manifest/taxonomy.yaml: duplicate or invalid class {row}")
        seen.add(cls.id)
        table[cls.name] = cls
    return table


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
