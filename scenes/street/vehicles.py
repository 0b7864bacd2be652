"""Road vehicles and trams from boxes and cylinders (local frame: origin on the ground, length along +x).

Wheels are cylinders turned onto the local y axis; bodies float at ground clearance above them so the
wheels carry the vehicle and touch the ground at z = 0.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from scenes.shared.geometry import box, cylinder
from scenes.shared.materials import material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample

AXLE = (math.pi / 2, 0.0, 0.0)  # turns a cylinder's axis from z onto y


def _wheels(xs, w: float, d: float, width: float, mat, inset: float = 0.0):
    return [cylinder((x, sy * (w / 2 - width / 2 - inset), d / 2), d, width, mat, rotation=AXLE, segments=20)
            for x in xs for sy in (-1, 1)]


def car(rng: random.Random) -> Piece:
    s = sample(rng, "car")
    l, w, h, wd = s["l"], s["w"], s["h"], s["wheel_d"]
    paint = material(rng, "paint")
    glass = material(rng, "glass")
    tyre = material(rng, "rubber")
    lamp = material(rng, "plastic", ("white", "yellow"))
    clear = wd * 0.35
    body_h = h * rng.uniform(0.42, 0.5) - clear + wd * 0.2
    body_top = clear + body_h
    cabin_l = l * rng.uniform(0.45, 0.6)
    cabin_x = -l * rng.uniform(0.0, 0.08)
    cabin_h = h - body_top
    parts = [
        box((0, 0, clear + body_h / 2), (l, w, body_h), paint),
        box((cabin_x, 0, body_top + cabin_h * 0.45), (cabin_l, w * 0.86, cabin_h * 0.9), glass),
        box((cabin_x, 0, h - cabin_h * 0.05), (cabin_l * 0.9, w * 0.84, cabin_h * 0.1), paint),
        box((l / 2 + 0.005, 0, clear + body_h * 0.7), (0.01, w * 0.8, body_h * 0.2), lamp),
    ]
    parts += _wheels((l / 2 - wd * 0.9, -l / 2 + wd * 0.9), w, wd, 0.2, tyre, inset=0.03)
    return Piece("car", tuple(parts))


def truck(rng: random.Random) -> Piece:
    s = sample(rng, "truck")
    l, w, h, wd = s["l"], s["w"], s["h"], s["wheel_d"]
    paint = material(rng, "paint")
    cargo = material(rng, rng.choice(["paint", "metal", "plastic"]))
    glass = material(rng, "glass")
    tyre = material(rng, "rubber")
    cab_l = rng.uniform(1.8, 2.3)
    clear = wd * 0.55
    cab_h = min(h, rng.uniform(2.6, 3.1))
    parts = [
        box((l / 2 - cab_l / 2, 0, clear + (cab_h - clear) * 0.4), (cab_l, w, (cab_h - clear) * 0.8), paint),
        box((l / 2 - cab_l / 2 - 0.05, 0, clear + (cab_h - clear) * 0.9),
            (cab_l - 0.1, w * 0.95, (cab_h - clear) * 0.2), glass),
        box((-cab_l / 2 - 0.05, 0, clear + (h - clear) / 2), (l - cab_l - 0.1, w, h - clear), cargo),
    ]
    parts += _wheels((l / 2 - cab_l / 2, -l / 2 + wd, -l / 2 + 2.1 * wd), w, wd, 0.3, tyre)
    return Piece("truck", tuple(parts))


def bus(rng: random.Random) -> Piece:
    s = sample(rng, "bus")
    l, w, h, wd = s["l"], s["w"], s["h"], s["wheel_d"]
    paint = material(rng, "paint")
    glass = material(rng, "glass")
    tyre = material(rng, "rubber")
    clear = wd * 0.35
    parts = [
        box((0, 0, clear + (h - clear) * 0.3), (l, w, (h - clear) * 0.6), paint),
        box((0, 0, clear + (h - clear) * 0.75), (l - 0.1, w - 0.04, (h - clear) * 0.3), glass),
        box((0, 0, h - (h - clear) * 0.05), (l, w, (h - clear) * 0.1), paint),
    ]
    parts += _wheels((l / 2 - 2.6, -l / 2 + 3.0), w, wd, 0.3, tyre, inset=0.02)
    return Piece("bus", tuple(parts))


def tram(rng: random.Random) -> Piece:
    """A low-floor tram (class ``train``) for standard-gauge track; bogies sit between the rails' heads."""
    s = sample(rng, "train")
    l, w, h = s["l"], s["w"], s["h"]
    paint = material(rng, "paint")
    glass = material(rng, "glass")
    dark = material(rng, "metal", ("dark gray", "black"))
    floor = 0.35
    parts = [
        box((0, 0, floor + (h - floor) * 0.3), (l, w, (h - floor) * 0.6), paint),
        box((0, 0, floor + (h - floor) * 0.72), (l - 0.2, w - 0.04, (h - floor) * 0.24), glass),
        box((0, 0, h - (h - floor) * 0.08), (l, w, (h - floor) * 0.16), paint),
        box((0, 0, h + 0.15), (1.5, 0.8, 0.3), dark),
    ]
    for x in (-l / 2 + 2.0, 0.0, l / 2 - 2.0):
        parts.append(box((x, 0, 0.05 + (floor - 0.05) / 2), (2.0, s["gauge"] - 0.12, floor - 0.05), dark))
    return Piece("train", tuple(parts))


@dataclass(frozen=True)
class Mount:
    """Where a rider sits on a two-wheeler (local frame): seat top, seat half-width, grips, footrests."""

    seat_x: float
    seat_z: float
    seat_half_w: float
    grip_x: float
    grip_z: float
    grip_half_span: float
    foot_x: float
    foot_z: float


def motorcycle(rng: random.Random) -> tuple[Piece, Mount]:
    s = sample(rng, "motorcycle")
    l, w, h, wd = s["l"], s["w"], s["h"], s["wheel_d"]
    paint = material(rng, "paint")
    metal = material(rng, "metal")
    tyre = material(rng, "rubber")
    seat = material(rng, "rubber", ("black",))
    wx = l / 2 - wd / 2
    parts = [
        cylinder((wx, 0, wd / 2), wd, 0.14, tyre, rotation=AXLE),
        cylinder((-wx, 0, wd / 2), wd, 0.16, tyre, rotation=AXLE),
        box((0, 0, wd * 0.75), (l - 2 * wd * 0.55, 0.3, wd * 0.6), paint),
        box((-l * 0.12, 0, wd * 1.05 + 0.04), (0.55, 0.28, 0.08), seat),
        box((wx - 0.12, 0, (wd * 0.6 + h - 0.05) / 2), (0.05, 0.08, h - 0.05 - wd * 0.6), metal),
        box((wx - 0.12, 0, h - 0.025), (0.05, w, 0.05), metal),
    ]
    mount = Mount(-l * 0.12, wd * 1.05 + 0.08, 0.16, wx - 0.12 - 0.025, h - 0.025, w / 2, 0.05, wd * 0.45)
    return Piece("motorcycle", tuple(parts)), mount


def bicycle(rng: random.Random) -> tuple[Piece, Mount]:
    s = sample(rng, "bicycle")
    l, wd, bh, w = s["l"], s["wheel_d"], s["bar_h"], s["w"]
    frame = material(rng, "paint")
    tyre = material(rng, "rubber")
    seat = material(rng, "plastic", ("black", "dark gray"))
    wx = l / 2 - wd / 2
    hub = wd / 2
    saddle_h = bh - rng.uniform(0.0, 0.08)
    parts = [
        cylinder((wx, 0, hub), wd, 0.035, tyre, rotation=AXLE),
        cylinder((-wx, 0, hub), wd, 0.035, tyre, rotation=AXLE),
        box((0, 0, hub + 0.12), (2 * wx - 0.1, 0.035, 0.035), frame),
        box((-wx * 0.35, 0, (hub + saddle_h) / 2), (0.035, 0.035, saddle_h - hub - 0.03), frame),
        box((wx - 0.05, 0, (hub + bh - 0.03) / 2), (0.035, 0.035, bh - 0.03 - hub), frame),
        box((wx - 0.05, 0, bh - 0.015), (0.035, w, 0.03), frame),
        box((-wx * 0.35, 0, saddle_h - 0.015), (0.25, 0.14, 0.03), seat),
    ]
    mount = Mount(-wx * 0.35, saddle_h, 0.07, wx - 0.05 - 0.0175, bh - 0.015, w / 2, 0.0, hub * 0.5)
    return Piece("bicycle", tuple(parts)), mount
