"""Small objects on support surfaces (books, cups, bottles, bowls, boxes, vases, pillows) and their packing.

Items are packed in the support's local frame as non-overlapping rectangles with a small gap, each
no taller than the free space above the surface, so clutter never interpenetrates anything.
"""

from __future__ import annotations

import math
import random

from scenes.shared.geometry import box, cylinder, sphere
from scenes.shared.materials import material
from scenes.shared.piece import Piece, Support
from scenes.shared.sizes import sample

ITEM_GAP = 0.015


def book(rng: random.Random) -> Piece:
    s = sample(rng, "book")
    w, d, h = s["w"], s["d"], s["h"]
    return Piece("book", (box((0, 0, h / 2), (w, d, h), material(rng, "paper")),))


def standing_book(rng: random.Random) -> Piece:
    """A book upright on a shelf, spine to the front: (w, d, h) become (thickness, depth, height)."""
    s = sample(rng, "book")
    w, d, h = s["w"], s["d"], s["h"]
    return Piece("book", (box((0, 0, w / 2), (h, d, w), material(rng, "paper")),))


def cup(rng: random.Random) -> Piece:
    s = sample(rng, "cup")
    d, h = s["d"], s["h"]
    mat = material(rng, rng.choice(["ceramic", "ceramic", "glass", "plastic"]))
    return Piece("cup", (cylinder((0, 0, h / 2), d, h, mat),
                         box((d / 2 + 0.012, 0, h * 0.55), (0.024, 0.01, h * 0.5), mat)))


def bottle(rng: random.Random) -> Piece:
    s = sample(rng, "bottle")
    d, h = s["d"], s["h"]
    mat = material(rng, rng.choice(["glass", "plastic"]))
    body = h * rng.uniform(0.6, 0.75)
    neck_d = min(d * 0.4, 0.03)
    return Piece("bottle", (cylinder((0, 0, body / 2), d, body, mat),
                            cylinder((0, 0, body + (h - body) / 2), neck_d, h - body, mat, segments=12)))


def bowl(rng: random.Random) -> Piece:
    s = sample(rng, "bowl")
    d, h = s["d"], s["h"]
    mat = material(rng, rng.choice(["ceramic", "wood", "glass", "plastic"]))
    return Piece("bowl", (cylinder((0, 0, h * 0.15), d * 0.5, h * 0.3, mat),
                          cylinder((0, 0, h * 0.65), d, h * 0.7, mat)))


def storage_box(rng: random.Random) -> Piece:
    s = sample(rng, "box")
    w, d, h = s["w"], s["d"], s["h"]
    mat = material(rng, rng.choice(["paper", "plastic", "wood"]))
    return Piece("box", (box((0, 0, h / 2), (w, d, h), mat),))


def vase(rng: random.Random) -> Piece:
    s = sample(rng, "vase")
    d, h = s["d"], s["h"]
    mat = material(rng, rng.choice(["ceramic", "glass"]))
    return Piece("vase", (cylinder((0, 0, h * 0.35), d, h * 0.7, mat),
                          cylinder((0, 0, h * 0.85), d * 0.55, h * 0.3, mat)))


def pillow(rng: random.Random) -> Piece:
    s = sample(rng, "pillow")
    w, d, h = s["w"], s["d"], s["h"]
    return Piece("pillow", (sphere((0, 0, h / 2), (w, d, h), material(rng, "fabric"), segments=16, rings=8),))


ITEMS = {"book": book, "standing_book": standing_book, "cup": cup, "bottle": bottle, "bowl": bowl,
         "box": storage_box, "vase": vase, "pillow": pillow}


def pack(rng: random.Random, support: Support, makers: list, count: int, tries: int = 12):
    """Fill a support with up to ``count`` items drawn from ``makers``; yields ``(piece, u, v, quarter_turns)``."""
    taken: list[tuple[float, float, float, float]] = []
    for _ in range(count):
        item = rng.choice(makers)(rng)
        b = item.bbox
        if b.hi[2] > support.clearance - 0.01:
            continue
        quarter = rng.randrange(4) if item.class_name != "pillow" else 0
        fw, fd = (b.hi[0] - b.lo[0], b.hi[1] - b.lo[1])
        if quarter % 2:
            fw, fd = fd, fw
        if support.x1 - support.x0 <= fw + 2 * ITEM_GAP or support.y1 - support.y0 <= fd + 2 * ITEM_GAP:
            continue
        for _try in range(tries):
            u0 = rng.uniform(support.x0 + ITEM_GAP, support.x1 - ITEM_GAP - fw)
            v0 = rng.uniform(support.y0 + ITEM_GAP, support.y1 - ITEM_GAP - fd)
            rect = (u0, v0, u0 + fw, v0 + fd)
            if all(rect[2] + ITEM_GAP <= r[0] or r[2] + ITEM_GAP <= rect[0] or rect[3] + ITEM_GAP <= r[1]
                   or r[3] + ITEM_GAP <= rect[1] for r in taken):
                taken.append(rect)
                # the item's bbox centre must land on the rect centre after the quarter turn
                cx, cy = (b.lo[0] + b.hi[0]) / 2, (b.lo[1] + b.hi[1]) / 2
                a = quarter * math.pi / 2
                rx, ry = math.cos(a) * cx - math.sin(a) * cy, math.sin(a) * cx + math.cos(a) * cy
                yield item, (u0 + u0 + fw) / 2 - rx, (v0 + v0 + fd) / 2 - ry, quarter
                break
