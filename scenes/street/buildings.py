"""Buildings with facades: a block per building, window panes and a shop front on the street side.

Windows (and the entrance) are parts of the building object, as in Cityscapes where windows are
labelled "building". Two facade styles keep the part count low: punched windows in a grid, or one
ribbon window per storey.
"""

from __future__ import annotations

import random

from pipeline.scene_spec import Material
from scenes.shared.geometry import box
from scenes.shared.materials import material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample

MAX_COLUMNS = 8


def building(rng: random.Random, max_w: float, facade: Material | None = None) -> Piece:
    """A building facing +y (the street), origin on the ground under its centre; at most ``max_w`` wide.

    ``facade``: the wall material (e.g. an Infinigen brick or plaster), else a sampled primitive one."""
    s = sample(rng, "building")
    w, d, sh, n = min(s["w"], max_w), s["d"], s["storey_h"], s["storeys"]
    h = n * sh
    wall = material(rng, rng.choice(["plaster", "concrete", "stone", "tile"]))
    wall = facade or wall
    glass = material(rng, "glass")
    trim = material(rng, rng.choice(["concrete", "stone", "metal"]))
    door = material(rng, rng.choice(["wood", "metal", "paint"]))
    parts = [box((0, 0, h / 2), (w, d, h), wall)]
    front = d / 2
    cornice = rng.uniform(0.2, 0.5)
    parts.append(box((0, 0.15, h + cornice / 2), (w + 0.3, d + 0.3, cornice), trim))
    # ground floor: shop window band and an entrance
    door_w = rng.uniform(1.0, 1.8)
    dx = rng.uniform(-w / 2 + door_w / 2 + 0.5, w / 2 - door_w / 2 - 0.5)
    parts.append(box((dx, front + 0.03, 1.1), (door_w, 0.06, 2.2), door))
    for lo, hi in ((-w / 2 + 0.4, dx - door_w / 2 - 0.4), (dx + door_w / 2 + 0.4, w / 2 - 0.4)):
        if hi - lo > 0.8:
            parts.append(box(((lo + hi) / 2, front + 0.02, 0.5 + (sh - 1.2) / 2), (hi - lo, 0.04, sh - 1.2), glass))
    if rng.random() < 0.35:
        for k in range(1, n):
            parts.append(box((0, front + 0.02, k * sh + sh * 0.55), (w - 1.0, 0.04, sh * 0.5), glass))
    else:
        cols = max(1, min(MAX_COLUMNS, int(w / rng.uniform(2.4, 3.6))))
        ww, wh = rng.uniform(0.9, 1.5), rng.uniform(1.2, 1.8)
        pitch = w / cols
        for k in range(1, n):
            for c in range(cols):
                parts.append(box((-w / 2 + pitch * (c + 0.5), front + 0.02, k * sh + 0.9 + wh / 2),
                                 (min(ww, pitch - 0.4), 0.04, wh), glass))
    return Piece("building", tuple(parts))
