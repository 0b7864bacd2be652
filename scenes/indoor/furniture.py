"""Furniture generators: tables, seating, beds, storage and lamps built from box/cylinder parts.

Each generator draws its sizes from ``assets_manifest/generators.yaml`` (via :mod:`scenes.shared.sizes`) and
returns a :class:`~scenes.shared.piece.Piece` in its local frame (origin on the floor, front towards +Y).
"""

from __future__ import annotations

import random

from pipeline.scene_spec import Light
from scenes.shared.geometry import box, cylinder, sphere
from scenes.shared.materials import material
from scenes.shared.piece import Piece, Support
from scenes.shared.sizes import sample


def _legs(w: float, d: float, h: float, leg: float, mat, inset: float = 0.04, round_legs: bool = False):
    xs, ys = w / 2 - inset - leg / 2, d / 2 - inset - leg / 2
    out = []
    for sx in (-1, 1):
        for sy in (-1, 1):
            c = (sx * xs, sy * ys, h / 2)
            out.append(cylinder(c, leg, h, mat, segments=12) if round_legs else box(c, (leg, leg, h), mat))
    return out


def table(rng: random.Random, name: str = "table") -> Piece:
    """Four-legged table; ``name`` picks the size entry (``table`` or ``coffee_table``)."""
    s = sample(rng, name)
    w, d, h, t = s["w"], s["d"], s["h"], s["top_t"]
    top = material(rng, rng.choice(["wood", "wood", "stone", "glass", "plastic"]))
    legs = material(rng, rng.choice(["wood", "metal"]))
    parts = [box((0, 0, h - t / 2), (w, d, t), top)] + _legs(w, d, h - t, s["leg"], legs, round_legs=rng.random() < 0.4)
    return Piece("table", tuple(parts), (Support(-w / 2, -d / 2, w / 2, d / 2, h, 0.6),))


def chair(rng: random.Random) -> Piece:
    s = sample(rng, "chair")
    w, d, sh, bh, leg = s["w"], s["d"], s["seat_h"], s["back_h"], s["leg"]
    wood = material(rng, rng.choice(["wood", "metal", "plastic"]))
    seat_t = 0.04
    seat = material(rng, "fabric") if rng.random() < 0.4 else wood
    parts = [box((0, 0, sh - seat_t / 2), (w, d, seat_t), seat)]
    parts += _legs(w, d, sh - seat_t, leg, wood, inset=0.02)
    back_t = 0.03
    parts.append(box((0, -d / 2 + back_t / 2, sh + bh / 2), (w, back_t, bh), wood))
    return Piece("chair", tuple(parts))


def sofa(rng: random.Random) -> Piece:
    s = sample(rng, "sofa")
    w, d, h, sh, aw = s["w"], s["d"], s["h"], s["seat_h"], s["arm_w"]
    fab = material(rng, "fabric")
    back_t = rng.uniform(0.15, 0.25)
    base_h = sh - 0.15
    arm_h = min(h - 0.05, sh + rng.uniform(0.15, 0.25))
    parts = [
        box((0, 0, base_h / 2), (w, d, base_h), fab),
        box((0, (back_t) / 2, sh - 0.075), (w - 2 * aw, d - back_t, 0.15), fab),
        box((0, -d / 2 + back_t / 2, (h + base_h) / 2), (w, back_t, h - base_h), fab),
    ]
    for sx in (-1, 1):
        parts.append(box((sx * (w / 2 - aw / 2), back_t / 2, (arm_h + base_h) / 2),
                         (aw, d - back_t, arm_h - base_h), fab))
    seat = Support(-w / 2 + aw, -d / 2 + back_t, w / 2 - aw, d / 2, sh, 0.5, soft=True)
    return Piece("sofa", tuple(parts), (seat,))


def bed(rng: random.Random) -> Piece:
    s = sample(rng, "bed")
    w, d, h, hb = s["w"], s["d"], s["h"], s["headboard_h"]
    frame = material(rng, rng.choice(["wood", "fabric", "metal"]))
    sheet = material(rng, "fabric")
    mat_t = rng.uniform(0.18, 0.28)
    hb_t = 0.06
    frame_h = h - mat_t
    parts = [
        box((0, hb_t / 2, frame_h / 2), (w, d - hb_t, frame_h), frame),
        box((0, hb_t / 2, frame_h + mat_t / 2), (w - 0.02, d - hb_t - 0.02, mat_t), sheet),
        box((0, -d / 2 + hb_t / 2, hb / 2), (w, hb_t, hb), frame),
    ]
    top = Support(-w / 2 + 0.01, -d / 2 + hb_t, w / 2 - 0.01, -d / 2 + hb_t + 0.55, h, 0.5, soft=True)
    return Piece("bed", tuple(parts), (top,))


def desk(rng: random.Random) -> Piece:
    s = sample(rng, "desk")
    w, d, h, t = s["w"], s["d"], s["h"], s["top_t"]
    mat = material(rng, rng.choice(["wood", "wood", "plastic"]))
    side_t = 0.025
    parts = [box((0, 0, h - t / 2), (w, d, t), mat)]
    for sx in (-1, 1):
        parts.append(box((sx * (w / 2 - side_t / 2), 0, (h - t) / 2), (side_t, d - 0.04, h - t), mat))
    parts.append(box((0, -d / 2 + 0.03, (h - t) * 0.7), (w - 2 * side_t, 0.018, (h - t) * 0.5), mat))
    return Piece("desk", tuple(parts), (Support(-w / 2, -d / 2, w / 2, d / 2, h, 0.6),))


def bookshelf(rng: random.Random) -> Piece:
    s = sample(rng, "bookshelf")
    w, d, h, t, gap = s["w"], s["d"], s["h"], s["board_t"], s["shelf_gap"]
    mat = material(rng, rng.choice(["wood", "wood", "plastic", "metal"]))
    parts = [box((sx * (w / 2 - t / 2), 0, h / 2), (t, d, h), mat) for sx in (-1, 1)]
    parts.append(box((0, -d / 2 + t / 4, h / 2), (w - 2 * t, t / 2, h), mat))
    inner_w = w - 2 * t
    supports = []
    z = 0.06  # plinth
    levels = [z]
    while levels[-1] + gap + t <= h - t:
        levels.append(levels[-1] + gap)
    levels.append(h - t)
    for i, z in enumerate(levels):
        parts.append(box((0, t / 4, z + t / 2), (inner_w, d - t / 2, t), mat))
        if i + 1 < len(levels):
            clearance = levels[i + 1] - z - t
            supports.append(Support(-inner_w / 2, -d / 2 + t / 2, inner_w / 2, d / 2, z + t, clearance))
    supports.append(Support(-w / 2, -d / 2, w / 2, d / 2, h, 0.4))
    return Piece("bookshelf", tuple(parts), tuple(supports))


def wall_shelf(rng: random.Random) -> tuple[Piece, float]:
    """A single board for a wall; returns the piece (origin at its underside) and its mounting height."""
    s = sample(rng, "shelf")
    w, d, t = s["w"], s["d"], s["t"]
    mat = material(rng, rng.choice(["wood", "metal", "plastic"]))
    piece = Piece("shelf", (box((0, 0, t / 2), (w, d, t), mat),), (Support(-w / 2, -d / 2, w / 2, d / 2, t, 0.35),))
    return piece, s["mount_h"]


def _case(rng: random.Random, cls: str, name: str, rows: int | None = None, top_clearance: float = 0.5,
          h_max: float | None = None, h: float | None = None, d: float | None = None) -> Piece:
    """A box carcass with door or drawer fronts and handles: cabinet, wardrobe, dresser, night stand.

    ``h``/``d`` fix a size (kitchen base units under a worktop); ``h_max`` caps the drawn height.
    """
    s = sample(rng, name)
    w = s["w"]
    d = s["d"] if d is None else d
    h = min(s["h"] if h is None else h, h_max if h_max is not None else 10.0)
    body = material(rng, rng.choice(["wood", "wood", "plastic", "metal"]))
    handle = material(rng, "metal")
    plinth = 0.08
    parts = [box((0, 0, h / 2), (w, d, h), body)]
    front_t, gap = 0.018, 0.004
    y_front = d / 2 + front_t / 2
    if rows:
        fh = (h - plinth) / rows
        for r in range(rows):
            zc = plinth + fh * (r + 0.5)
            parts.append(box((0, y_front, zc), (w - 2 * gap, front_t, fh - 2 * gap), body))
            parts.append(box((0, d / 2 + front_t + 0.01, zc + fh * 0.2), (min(0.16, w * 0.3), 0.02, 0.02), handle))
    else:
        doors = 1 if w < 0.6 else 2
        dw = w / doors
        for i in range(doors):
            xc = -w / 2 + dw * (i + 0.5)
            parts.append(box((xc, y_front, (h + plinth) / 2), (dw - 2 * gap, front_t, h - plinth - 2 * gap), body))
            hx = xc - dw / 2 + 0.05 if i == 1 else xc + dw / 2 - 0.05
            parts.append(box((hx, d / 2 + front_t + 0.01, min(h - 0.15, 0.95)), (0.02, 0.02, 0.12), handle))
    supports = (Support(-w / 2, -d / 2, w / 2, d / 2, h, top_clearance),) if h < 1.6 else ()
    return Piece(cls, tuple(parts), supports)


def cabinet(rng: random.Random, h_max: float | None = None) -> Piece:
    return _case(rng, "cabinet", "cabinet", h_max=h_max)


def base_cabinet(rng: random.Random, h: float, d: float) -> Piece:
    """A kitchen base unit of height ``h`` and carcass depth ``d`` (worktop added separately)."""
    return _case(rng, "cabinet", "cabinet", h=h, d=d, top_clearance=0.0)


def wardrobe(rng: random.Random) -> Piece:
    return _case(rng, "wardrobe", "wardrobe")


def dresser(rng: random.Random) -> Piece:
    return _case(rng, "dresser", "dresser", rows=rng.randint(3, 5))


def night_stand(rng: random.Random) -> Piece:
    return _case(rng, "night stand", "night_stand", rows=rng.randint(1, 2))


def _lamp(rng: random.Random, name: str) -> Piece:
    s = sample(rng, name)
    h, bd, sd, shh = s["h"], s["base_d"], s["shade_d"], s["shade_h"]
    metal = material(rng, rng.choice(["metal", "ceramic", "wood"]))
    shade = material(rng, "fabric", ("white", "cream", "beige", "light gray"), emission=rng.uniform(1.0, 4.0))
    base_t = 0.03 if name == "floor_lamp" else 0.02
    pole_h = h - shh - base_t
    parts = (
        cylinder((0, 0, base_t / 2), bd, base_t, metal),
        cylinder((0, 0, base_t + pole_h / 2), 0.025 if name == "floor_lamp" else 0.03, pole_h, metal, segments=12),
        cylinder((0, 0, h - shh / 2), sd, shh, shade),
    )
    light = Light("point", (0.0, 0.0, h - shh - 0.06), rng.uniform(20.0, 60.0), color=(1.0, 0.85, 0.65),
                  size=0.05)
    return Piece("lamp", parts, lights=(light,))


def floor_lamp(rng: random.Random) -> Piece:
    return _lamp(rng, "floor_lamp")


def table_lamp(rng: random.Random) -> Piece:
    return _lamp(rng, "table_lamp")


def ceiling_light(rng: random.Random) -> Piece:
    """A flush fixture; origin at its top (to be placed at ceiling height), area light just below it."""
    s = sample(rng, "ceiling_light")
    d, h = s["d"], s["h"]
    mat = material(rng, "light", emission=rng.uniform(5.0, 15.0))
    parts = (cylinder((0, 0, -h / 2), d, h, mat),)
    light = Light("area", (0.0, 0.0, -h - 0.01), rng.uniform(60.0, 200.0),
                  color=(1.0, rng.uniform(0.85, 1.0), rng.uniform(0.7, 1.0)), size=d)
    return Piece("ceiling light", parts, lights=(light,))


def rug(rng: random.Random, max_w: float | None = None, max_d: float | None = None) -> Piece:
    s = sample(rng, "rug")
    w, d, h = s["w"], s["d"], s["h"]
    w, d = min(w, max_w or w), min(d, max_d or d)
    return Piece("rug", (box((0, 0, h / 2), (w, d, h), material(rng, "fabric")),))


def bath_mat(rng: random.Random) -> Piece:
    s = sample(rng, "bath_mat")
    w, d, h = s["w"], s["d"], s["h"]
    return Piece("rug", (box((0, 0, h / 2), (w, d, h), material(rng, "fabric")),))


def plant(rng: random.Random) -> Piece:
    s = sample(rng, "plant")
    pd, ph, h = s["pot_d"], s["pot_h"], s["h"]
    pot = material(rng, rng.choice(["ceramic", "plastic", "concrete"]))
    soil = material(rng, "soil")
    leaves = material(rng, "foliage")
    crown_h = h - ph
    crown_d = min(max(pd * 1.2, crown_h * rng.uniform(0.45, 0.8)), 1.1)
    parts = (
        cylinder((0, 0, ph / 2), pd, ph, pot),
        cylinder((0, 0, ph + 0.005), pd * 0.9, 0.01, soil),
        cylinder((0, 0, ph + 0.01 + crown_h * 0.15), 0.02, crown_h * 0.3, material(rng, "bark"), segments=8),
        sphere((0, 0, ph + 0.01 + crown_h * 0.65), (crown_d, crown_d, crown_h * 0.7), leaves, segments=16, rings=8),
    )
    return Piece("plant", parts)
