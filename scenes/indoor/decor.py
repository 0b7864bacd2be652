"""Wall-hung and soft furnishings: television, picture, mirror, curtains (local frame, back at y = -d/2).

Curtains are primitive panels, or with bank content a curtain pair that fits the window (:func:`curtain_asset`).
"""

from __future__ import annotations

import math
import random

from scenes.shared.content import Kit, Variant, variant_piece
from scenes.shared.geometry import AABB, box
from scenes.shared.materials import material
from scenes.shared.piece import Piece
from scenes.indoor.rooms import Opening, Room, edge_box
from scenes.shared.sizes import sample


def television(rng: random.Random, stand: bool) -> Piece:
    """A 16:9 panel; with ``stand`` it has a foot (for a cabinet top), else it hangs flat on a wall."""
    s = sample(rng, "television")
    w = s["diagonal_in"] * 0.0254 * 16 / math.hypot(16, 9)
    h, t = w * 9 / 16, s["t"]
    case = material(rng, rng.choice(["plastic", "metal"]), ("black", "dark gray", "silver"))
    screen = material(rng, "glass", ("clear",))
    z0 = 0.08 if stand else 0.0
    parts = [box((0, 0, z0 + h / 2), (w, t, h), case),
             box((0, t / 2 + 0.002, z0 + h / 2), (w - 0.02, 0.004, h - 0.02), screen)]
    if stand:
        parts.append(box((0, 0, 0.005), (min(0.4, w * 0.4), 0.22, 0.01), case))
        parts.append(box((0, 0, 0.045), (0.06, 0.03, 0.07), case))
    return Piece("television", tuple(parts))


def picture(rng: random.Random) -> tuple[Piece, float]:
    """A framed picture; returns the piece (origin at its bottom centre) and the height of its centre."""
    s = sample(rng, "picture")
    w, h, t = s["w"], s["h"], s["t"]
    frame = material(rng, rng.choice(["wood", "metal", "plastic"]))
    canvas = material(rng, "paper")
    fw = min(0.05, w * 0.08)
    parts = (box((0, 0, h / 2), (w, t, h), frame),
             box((0, t / 2 + 0.001, h / 2), (w - 2 * fw, 0.002, h - 2 * fw), canvas))
    return Piece("picture", parts), s["center_h"]


def mirror(rng: random.Random) -> tuple[Piece, float]:
    s = sample(rng, "mirror")
    w, h, t = s["w"], s["h"], s["t"]
    frame = material(rng, rng.choice(["wood", "metal", "plastic"]))
    glass = material(rng, "mirror")
    parts = (box((0, 0, h / 2), (w, t, h), frame),
             box((0, t / 2 + 0.001, h / 2), (w - 0.04, 0.002, h - 0.04), glass))
    return Piece("mirror", parts), s["center_h"]


def curtains(rng: random.Random, room: Room, o: Opening, sill_reach: float) -> list:
    """Two panels and a rod in front of window ``o``, clear of its sill; hang to the floor or below the sill."""
    s = sample(rng, "curtain")
    edge = room.edges[o.edge]
    fabric = material(rng, "fabric")
    rod = material(rng, "metal")
    over, t = s["overhang"], s["t"]
    v0 = sill_reach + 0.03
    top = min(o.z1 + 0.12, room.height - 0.03)
    bottom = 0.01 if rng.random() < 0.5 else max(0.01, o.z0 - s["drop_below_sill"])
    cover = min(0.35, (o.u1 - o.u0) * 0.3)
    return [
        edge_box(edge, o.u0 - over, o.u1 + over, v0 + t / 2 - 0.01, v0 + t / 2 + 0.01, top - 0.02, top, rod),
        edge_box(edge, o.u0 - over, o.u0 + cover, v0, v0 + t, bottom, top - 0.03, fabric),
        edge_box(edge, o.u1 - cover, o.u1 + over, v0, v0 + t, bottom, top - 0.03, fabric),
    ]


CURTAIN_OVER = (-0.12, 0.6)  # how far a bank curtain rod may reach past each side of its window (below
# zero: the panels, 0.2-0.4 m each, are drawn partly over the glass)


def curtain_asset(rng: random.Random, kit: Kit, room: Room, o: Opening, sill_reach: float,
                  others: list[AABB]) -> Piece | None:
    """A bank curtain pair (role ``curtains``) hung over window ``o``, or ``None`` (primitives only, or no
    variant fits). A variant fits when its rod reaches ``CURTAIN_OVER`` past each side of the window and
    stays on the wall, its fabric clears the sill (``sill_reach``), its rod sits above the window and under
    the ceiling with the hem on the floor or below the sill, and it overlaps none of ``others``."""
    if kit.catalogue is None:
        return None
    edge = room.edges[o.edge]
    nx, ny = edge.inward
    yaw = math.atan2(-nx, ny)
    fitting = [p for p in (_hung_curtain(v, room, o, sill_reach, yaw) for v in kit.catalogue.for_role("curtains"))
               if p is not None and not any(p.bbox.overlaps(b) for b in others)]
    return rng.choice(fitting) if fitting else None


def _hung_curtain(v: Variant, room: Room, o: Opening, sill_reach: float, yaw: float) -> Piece | None:
    w, d, h = v.size
    edge = room.edges[o.edge]
    over = (w - (o.u1 - o.u0)) / 2
    back = dict(v.anchors).get("fabric_back")
    if (not CURTAIN_OVER[0] <= over <= CURTAIN_OVER[1] or o.u0 - over < 0.05 or o.u1 + over > edge.length - 0.05
            or back is None or back[1] + d / 2 < sill_reach + 0.01):
        return None
    top_max = room.height - 0.03
    top = min(o.z1 + 0.12, top_max)
    bottom = min(max(0.005, top - h), o.z0)  # on the floor, else hanging at least to the sill
    if bottom + h > top_max or bottom + h < o.z1 + 0.05:
        return None
    x, y = edge.at((o.u0 + o.u1) / 2, d / 2)
    return variant_piece(v).placed(x, y, bottom, yaw)
