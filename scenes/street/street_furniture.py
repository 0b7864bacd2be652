"""Street furniture: lamp posts, traffic lights and signs on their poles, benches, bins, fences and walls.

Local frame: origin on the ground, +x the direction the object faces (the oncoming traffic for signals
and signs). Traffic lights and signs come as two pieces, a ``pole`` and the head/plate, as Cityscapes
labels them.
"""

from __future__ import annotations

import math
import random

from scenes.shared.geometry import box, cylinder
from scenes.shared.materials import material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample

FACE_X = (0.0, math.pi / 2, 0.0)  # turns a cylinder's axis from z onto x


def street_light(rng: random.Random, lit: bool) -> Piece:
    """A lamp post whose arm reaches towards local +y (over the road) with the lamp head at its end."""
    s = sample(rng, "street_light")
    h, d, arm = s["h"], s["d"], s["arm"]
    metal = material(rng, rng.choice(["metal", "paint"]), ("gray", "dark gray", "black", "silver", "green"))
    head = material(rng, "light", emission=rng.uniform(5.0, 20.0) if lit else 0.0)
    parts = (
        cylinder((0, 0, h / 2), d, h, metal, segments=12),
        box((0, arm / 2, h - 0.04), (0.08, arm, 0.08), metal),
        box((0, arm - 0.2, h - 0.12), (0.25, 0.5, 0.08), head),
    )
    return Piece("pole", parts)


def signal_pole(rng: random.Random, h: float, d: float = 0.14) -> Piece:
    metal = material(rng, rng.choice(["metal", "paint"]), ("gray", "dark gray", "black", "silver", "yellow"))
    return Piece("pole", (cylinder((0, 0, h / 2), d, h, metal, segments=12),))


def traffic_light(rng: random.Random) -> tuple[Piece, Piece]:
    """A pole and a three-lamp head on its top facing +x."""
    s = sample(rng, "traffic_light")
    ph, hw, hh, hd = s["pole_h"], s["head_w"], s["head_h"], s["head_d"]
    pole = signal_pole(rng, ph)
    case = material(rng, rng.choice(["paint", "plastic"]), ("black", "dark gray", "yellow"))
    lit = rng.randrange(3)
    parts = [box((0, 0, ph + hh / 2), (hd, hw, hh), case)]
    for k, color in enumerate(("red", "yellow", "green")):
        lens = material(rng, "light", (color,),
                        emission=rng.uniform(5.0, 15.0) if k == lit else 0.0)
        parts.append(cylinder((hd / 2 + 0.01, 0, ph + hh * (5 - 2 * k) / 6), hw * 0.6, 0.02, lens, rotation=FACE_X))
    return pole, Piece("traffic light", tuple(parts))


def traffic_sign(rng: random.Random) -> tuple[Piece, Piece]:
    """A post and a sign plate (round, triangular, octagonal or rectangular) facing +x."""
    s = sample(rng, "traffic_sign")
    w, t, bottom = s["w"], s["t"], s["bottom_h"]
    shape = rng.choice(["round", "triangle", "octagon", "rect"])
    color = {"round": ("red", "blue"), "triangle": ("white", "yellow"), "octagon": ("red",),
             "rect": ("blue", "white", "green", "yellow")}[shape]
    plate = material(rng, "paint", color)
    post_d = 0.06
    zc = bottom + w / 2
    x = post_d / 2 + t / 2 + 0.005
    if shape == "rect":
        part = box((x, 0, zc), (t, w, w * rng.uniform(0.6, 1.0)), plate)
    else:
        segs = {"round": 32, "triangle": 3, "octagon": 8}[shape]
        part = cylinder((x, 0, zc), w, t, plate, rotation=FACE_X, segments=segs)
    post = signal_pole(rng, bottom + w + 0.05, post_d)
    return post, Piece("traffic sign", (part,))


def bench(rng: random.Random) -> Piece:
    """A park bench facing +y."""
    s = sample(rng, "bench")
    w, d, sh, bh = s["w"], s["d"], s["seat_h"], s["back_h"]
    wood = material(rng, "wood")
    metal = material(rng, "metal", ("black", "dark gray", "green"))
    parts = [box((0, 0, sh - 0.02), (w, d, 0.04), wood),
             box((0, -d / 2 + 0.02, sh + bh / 2 + 0.04), (w, 0.04, bh), wood)]
    for sx in (-1, 1):
        parts.append(box((sx * (w / 2 - 0.1), 0, (sh - 0.04) / 2), (0.05, d - 0.05, sh - 0.04), metal))
    return Piece("bench", tuple(parts))


def trash_can(rng: random.Random) -> Piece:
    s = sample(rng, "trash_can")
    mat = material(rng, rng.choice(["metal", "plastic", "paint"]), ("green", "dark gray", "black", "gray", "orange"))
    return Piece("trash can", (cylinder((0, 0, s["h"] / 2), s["d"], s["h"], mat),))


def fence(rng: random.Random, length: float) -> Piece:
    """Posts and two rails (or boards) ``length`` long along local x."""
    s = sample(rng, "fence")
    h, spacing = s["h"], s["post_spacing"]
    mat = material(rng, rng.choice(["wood", "metal", "paint"]))
    n = max(1, int(length // spacing))
    parts = [box((-length / 2 + length * k / n, 0, h / 2), (0.08, 0.08, h), mat) for k in range(n + 1)]
    if rng.random() < 0.5:
        parts += [box((0, 0.06, z), (length, 0.04, 0.08), mat) for z in (h * 0.3, h * 0.85)]
    else:
        parts.append(box((0, 0.06, h / 2 + 0.02), (length, 0.03, h - 0.1), mat))
    return Piece("fence", tuple(parts))


def garden_wall(rng: random.Random, length: float) -> Piece:
    s = sample(rng, "wall")
    h, t = s["h"], s["t"]
    mat = material(rng, rng.choice(["concrete", "stone", "plaster", "tile"]))
    return Piece("wall", (box((0, 0, h / 2), (length, t, h), mat),))
