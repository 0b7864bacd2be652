"""Kitchen and bathroom fixtures: toilet, sink, bathtub, counter, refrigerator, stove (local frame, front +Y)."""

from __future__ import annotations

import random

from scenes.shared.geometry import box, cylinder
from scenes.shared.materials import material
from scenes.shared.piece import Piece, Support
from scenes.shared.sizes import sample


def toilet(rng: random.Random) -> Piece:
    s = sample(rng, "toilet")
    w, d, sh, th = s["w"], s["d"], s["seat_h"], s["tank_h"]
    china = material(rng, "ceramic", ("white", "cream", "light gray"))
    seat = material(rng, rng.choice(["plastic", "wood"]), ("white", "black", "light brown"))
    tank_d = 0.18
    bowl_d = d - tank_d
    parts = (
        box((0, -d / 2 + tank_d / 2, (th + sh - 0.06) / 2), (w, tank_d, th - sh + 0.06), china),
        box((0, -d / 2 + tank_d / 2, (sh - 0.06) / 2), (w * 0.5, tank_d, sh - 0.06), china),
        cylinder((0, -d / 2 + tank_d + bowl_d * 0.35, (sh - 0.04) / 2), (w * 0.55, bowl_d * 0.6), sh - 0.04, china),
        cylinder((0, -d / 2 + tank_d + bowl_d / 2, sh - 0.055), (w * 0.95, bowl_d * 0.98), 0.03, china),
        cylinder((0, -d / 2 + tank_d + bowl_d / 2, sh - 0.02), (w * 0.95, bowl_d * 0.98), 0.04, seat),
    )
    return Piece("toilet", parts)


def sink(rng: random.Random) -> Piece:
    """A pedestal wash basin with a tap."""
    s = sample(rng, "sink")
    w, d, h = s["w"], s["d"], s["h"]
    china = material(rng, "ceramic", ("white", "cream", "light gray", "black"))
    tap = material(rng, "metal", ("silver", "gold", "black"))
    basin_h = 0.16
    parts = (
        box((0, 0, h - basin_h / 2), (w, d, basin_h), china),
        cylinder((0, -d / 2 + 0.12, (h - basin_h) / 2), (0.18, 0.16), h - basin_h, china),
        cylinder((0, -d / 2 + 0.05, h + 0.08), 0.03, 0.16, tap, segments=12),
        box((0, -d / 2 + 0.1, h + 0.15), (0.025, 0.1, 0.02), tap),
    )
    return Piece("sink", parts)


def bathtub(rng: random.Random) -> Piece:
    """A hollow alcove tub: bottom plus four rims, long side along local x."""
    s = sample(rng, "bathtub")
    w, d, h = s["w"], s["d"], s["h"]
    china = material(rng, "ceramic", ("white", "cream"))
    rim, bottom = 0.07, 0.08
    parts = (
        box((0, 0, bottom / 2), (w, d, bottom), china),
        box((0, -d / 2 + rim / 2, (h + bottom) / 2), (w, rim, h - bottom), china),
        box((0, d / 2 - rim / 2, (h + bottom) / 2), (w, rim, h - bottom), china),
        box((-w / 2 + rim / 2, 0, (h + bottom) / 2), (rim, d - 2 * rim, h - bottom), china),
        box((w / 2 - rim / 2, 0, (h + bottom) / 2), (rim, d - 2 * rim, h - bottom), china),
    )
    return Piece("bathtub", parts)


def counter_top(rng: random.Random, w: float, d: float, h: float) -> Piece:
    """A worktop slab ``w x d`` whose top is at ``h`` (the manifest's counter height) over base cabinets."""
    t = sample(rng, "counter")["top_t"]
    mat = material(rng, rng.choice(["stone", "wood", "tile", "concrete"]))
    top = Support(-w / 2, -d / 2, w / 2, d / 2, h, 0.45)
    return Piece("counter", (box((0, 0, h - t / 2), (w, d, t), mat),), (top,))


def refrigerator(rng: random.Random) -> Piece:
    s = sample(rng, "refrigerator")
    w, d, h = s["w"], s["d"], s["h"]
    body = material(rng, rng.choice(["paint", "metal"]), ("white", "silver", "black", "gray"))
    handle = material(rng, "metal")
    split = h * rng.uniform(0.3, 0.4)
    parts = [box((0, -0.03, h / 2), (w, d - 0.06, h), body),
             box((0, d / 2 - 0.03, split / 2 + 0.01), (w - 0.01, 0.05, split - 0.015), body),
             box((0, d / 2 - 0.03, (split + h) / 2), (w - 0.01, 0.05, h - split - 0.015), body)]
    for zc, hh in ((split - 0.25, 0.3), (split + 0.35, 0.4)):
        parts.append(box((w / 2 - 0.06, d / 2 + 0.015, zc), (0.025, 0.03, hh), handle))
    return Piece("refrigerator", tuple(parts))


def stove(rng: random.Random, h: float | None = None) -> Piece:
    s = sample(rng, "stove")
    w, d = s["w"], s["d"]
    h = s["h"] if h is None else h
    body = material(rng, rng.choice(["metal", "paint"]), ("white", "silver", "black"))
    top = material(rng, "glass")
    burner = material(rng, "metal", ("black", "dark gray"))
    parts = [box((0, 0, (h - 0.01) / 2), (w, d, h - 0.01), body),
             box((0, 0, h - 0.005), (w, d, 0.01), top),
             box((0, d / 2 + 0.01, h * 0.45), (w - 0.08, 0.02, h * 0.55), top)]
    for sx in (-1, 1):
        for sy in (-1, 1):
            parts.append(cylinder((sx * w / 4, sy * d / 4, h + 0.005), 0.16, 0.01, burner))
    return Piece("stove", tuple(parts))
