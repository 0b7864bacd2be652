"""Real-world size ranges of the procedural generators, read from ``assets_manifest/generators.yaml``.

The manifest is the single source of the numbers: generators draw their dimensions through
:func:`sample`, so the documented ranges (and their sources) are exactly what the code uses.
"""

from __future__ import annotations

import random
from functools import lru_cache

import yaml

from assets_manifest import MANIFEST_DIR


@lru_cache(maxsize=1)
def generators() -> dict[str, dict]:
    """Generator name -> manifest entry (class, module, size, source)."""
    raw = yaml.safe_load((MANIFEST_DIR / "generators.yaml").read_text())
    return raw["generators"]


def ranges(name: str) -> dict[str, tuple[float, float]]:
    try:
        return {k: (v[0], v[1]) for k, v in generators()[name]["size"].items()}
    except KeyError:
        raise KeyError(f"generator {name!r} has no entry in assets_manifest/generators.yaml") from None


def sample(rng: random.Random, name: str) -> dict[str, float]:
    """Draw every size of generator ``name`` uniformly from its range (integers when both ends are ints)."""
    out: dict[str, float] = {}
    for key, (lo, hi) in ranges(name).items():
        out[key] = rng.randint(lo, hi) if isinstance(lo, int) and isinstance(hi, int) else rng.uniform(lo, hi)
    return out
