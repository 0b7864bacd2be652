"""People-like figures from cylinders, a box torso and an ellipsoid head: standing/walking persons and riders.

Proportions follow standard anthropometric fractions of stature (crotch ~0.47, shoulder ~0.82,
head ~0.13 of height). Local frame: origin on the ground, facing +x.
"""

from __future__ import annotations

import math
import random

from scenes.shared.geometry import box, cylinder, sphere
from scenes.shared.materials import material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample
from scenes.street.vehicles import Mount


def _limb(top, bottom, d: float, mat):
    """A cylinder of diameter ``d`` from point ``top`` to point ``bottom`` (tilted in the x-z plane only)."""
    dx, dz = top[0] - bottom[0], top[2] - bottom[2]
    length = math.hypot(dx, dz)
    c = tuple((a + b) / 2 for a, b in zip(top, bottom))
    return cylinder(c, d, length, mat, rotation=(0.0, math.atan2(dx, dz), 0.0), segments=10)


def _upper_body(rng, h: float, sw: float, hip, lean: float, mats):
    """Torso, neck and head above ``hip`` leaning forward by ``lean`` rad; returns parts and shoulder points.

    The torso's lowest corner rests at ``hip`` height whatever the lean.
    """
    skin, shirt = mats
    torso_len = 0.35 * h
    depth = 0.13 * h
    tw = sw * 0.82
    sl, cl = math.sin(lean), math.cos(lean)
    hip = (hip[0], hip[1], hip[2] + depth / 2 * sl)
    centre = (hip[0] + sl * torso_len / 2, 0.0, hip[2] + cl * torso_len / 2)
    top = (hip[0] + sl * torso_len, 0.0, hip[2] + cl * torso_len)
    neck = 0.05 * h
    head_c = (top[0] + sl * (neck + 0.065 * h), 0.0, top[2] + cl * (neck + 0.065 * h))
    parts = [
        box(centre, (depth, tw, torso_len), shirt, rotation=(0.0, lean, 0.0)),
        sphere(head_c, (0.11 * h, 0.09 * h, 0.13 * h), skin, segments=16, rings=8),
        cylinder((top[0] + sl * neck / 2, 0.0, top[2] + cl * neck / 2), 0.055 * h, neck, skin,
                 rotation=(0.0, lean, 0.0), segments=10),
    ]
    shoulders = [(top[0] - sl * 0.03 * h, sy * (tw / 2 + 0.025 * h), top[2] - cl * 0.03 * h) for sy in (-1, 1)]
    return parts, shoulders


def person(rng: random.Random) -> Piece:
    """A standing or mid-stride pedestrian."""
    s = sample(rng, "person")
    h, sw = s["h"], s["shoulder_w"]
    skin = material(rng, "skin")
    shirt, trousers = material(rng, "fabric"), material(rng, "fabric")
    stride = math.radians(rng.uniform(0.0, 18.0))
    leg_d = 0.07 * h
    sole = leg_d / 2 * math.sin(stride)  # a tilted leg's end disc dips this far below the foot point
    leg_len = 0.47 * h - sole
    hip_z = sole + leg_len * math.cos(stride)
    parts = []
    for sy, sgn in ((-1, 1), (1, -1)):
        hip = (0.0, sy * 0.055 * h, hip_z)
        foot = (sgn * leg_len * math.sin(stride), sy * 0.055 * h, sole)
        parts.append(_limb(hip, foot, leg_d, trousers))
    body, shoulders = _upper_body(rng, h, sw, (0.0, 0.0, hip_z), 0.0, (skin, shirt))
    parts += body
    arm_len = 0.36 * h
    for (x, y, z), sgn in zip(shoulders, (-1, 1)):
        hand = (x + sgn * arm_len * math.sin(stride * 0.8), y, z - arm_len * math.cos(stride * 0.8))
        parts.append(_limb((x, y, z), hand, 0.045 * h, shirt))
    return Piece("person", tuple(parts))


def rider(rng: random.Random, mount: Mount) -> Piece:
    """A figure seated on ``mount``, feet to the footrests, hands short of the grips (never touching them)."""
    s = sample(rng, "rider")
    h, sw = s["h"], s["shoulder_w"]
    skin = material(rng, "skin")
    shirt, trousers = material(rng, "fabric"), material(rng, "fabric")
    leg_d = 0.065 * h
    hip = (mount.seat_x, 0.0, mount.seat_z + leg_d / 2)
    lean = math.radians(rng.uniform(15.0, 40.0))
    parts, shoulders = _upper_body(rng, h, sw, (hip[0], 0.0, mount.seat_z + 0.002), lean, (skin, shirt))
    lateral = mount.seat_half_w + leg_d / 2 + 0.01
    for sy in (-1, 1):
        parts.append(_limb((hip[0], sy * lateral, hip[2]), (mount.foot_x, sy * lateral, mount.foot_z + leg_d / 2),
                           leg_d, trousers))
    arm_d = 0.045 * h
    for (x, y, z) in shoulders:
        parts.append(_limb((x, y, z), (mount.grip_x - 0.03 - arm_d, y, mount.grip_z + 0.03 + arm_d), arm_d, shirt))
    return Piece("rider", tuple(parts))
