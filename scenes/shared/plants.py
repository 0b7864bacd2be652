"""Trees, bushes and hedges from trunks and ellipsoid/cone crowns (local frame, origin at the ground)."""

from __future__ import annotations

import random

from scenes.shared.geometry import box, cone, cylinder, sphere
from scenes.shared.materials import material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample


def tree(rng: random.Random, name: str = "tree") -> Piece:
    """A deciduous (ellipsoid crown) or conifer (stacked cones) tree; ``name`` is ``tree`` or ``street_tree``."""
    s = sample(rng, name)
    h, cd, td = s["h"], s["crown_d"], s["trunk_d"]
    bark = material(rng, "bark")
    leaves = material(rng, "foliage")
    if rng.random() < 0.3 and name == "tree":
        trunk_h = h * rng.uniform(0.15, 0.3)
        parts = [cylinder((0, 0, trunk_h / 2), td, trunk_h, bark, segments=12)]
        tiers = rng.randint(2, 4)
        tier_h = (h - trunk_h) / tiers * 1.6
        for k in range(tiers):
            d = cd * (1.0 - 0.6 * k / tiers)
            z0 = trunk_h + k * (h - trunk_h - tier_h) / max(tiers - 1, 1)
            parts.append(cone((0, 0, z0 + tier_h / 2), d, tier_h, leaves, segments=16))
        return Piece("tree", tuple(parts))
    crown_h = min(h * rng.uniform(0.45, 0.65), cd * 1.6)
    trunk_h = h - crown_h * 0.8
    parts = (cylinder((0, 0, trunk_h / 2), td, trunk_h, bark, segments=12),
             sphere((0, 0, h - crown_h / 2), (cd, cd * rng.uniform(0.85, 1.0), crown_h), leaves, segments=20, rings=10))
    return Piece("tree", parts)


def bush(rng: random.Random) -> Piece:
    s = sample(rng, "bush")
    h, d = s["h"], s["d"]
    return Piece("vegetation", (sphere((0, 0, h / 2), (d, d * rng.uniform(0.7, 1.0), h), material(rng, "foliage"),
                                       segments=16, rings=8),))


def hedge(rng: random.Random, length: float) -> Piece:
    """A clipped hedge ``length`` long along local x."""
    s = sample(rng, "hedge")
    return Piece("vegetation", (box((0, 0, s["h"] / 2), (length, s["d"], s["h"]), material(rng, "foliage")),))
