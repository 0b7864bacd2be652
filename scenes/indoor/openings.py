"""Doors and windows: where the holes go in a room's walls, and the objects that fill them.

Door and window parts stay inside their hole (linings, leaf, glass) except a handle and an interior
window sill that reach a few centimetres into the room, so they never cut into wall segments.
With Infinigen content the hole is cut to a bank door or window (its real size plus ``FIT`` of air on
each side) and the asset fills it, centred in the wall's thickness.
"""

from __future__ import annotations

import random
from dataclasses import replace

import math

from scenes.shared.content import Kit, variant_piece
from scenes.shared.geometry import AABB, parts_aabb
from scenes.shared.piece import Piece
from scenes.shared.materials import material
from scenes.indoor.rooms import Opening, Room, edge_box
from scenes.shared.sizes import sample

LINING = 0.02  # jamb lining thickness around a hole
CORNER_GAP = 0.3  # keep holes this far from wall ends
HOLE_GAP = 0.4  # and from each other
HEAD_ROOM = 0.2  # wall left above the highest hole
FIT = 0.002  # air between an asset and the sides of its hole


def plan_openings(rng: random.Random, room: Room, windows: int, kit: Kit | None = None,
                  ) -> tuple[Room, dict[Opening, dict]]:
    """Cut one door and up to ``windows`` windows; returns the room and each opening's sampled sizes.

    With a ``kit`` that has bank doors or windows fitting under the ceiling (windows: and on the longest
    wall), holes take the asset's size and the size dict carries the variant under ``"asset"``."""
    sizes: dict[Opening, dict] = {}
    openings: list[Opening] = []
    edges = room.edges
    kit = kit or Kit(None, "")
    door = sample(rng, "door")
    dw, top = door["w"] + 2 * LINING, min(door["h"] + LINING, room.height - HEAD_ROOM)
    asset = kit.pick("door", rng, lambda s: s[2] + FIT <= room.height - HEAD_ROOM)
    if asset:
        door = {**door, "asset": asset}
        dw, top = asset.size[0] + 2 * FIT, asset.size[2] + FIT
    longest = max(e.length for e in edges)  # bank windows wider than every wall are never picked
    order = list(range(len(edges)))
    rng.shuffle(order)
    for i in order:
        o = _fit(rng, room, i, dw, 0.0, top, "door", openings)
        if o:
            openings.append(o)
            sizes[o] = door
            break
    for _ in range(windows):
        win = sample(rng, "window")
        width, top = win["w"], min(win["sill_h"] + win["h"], room.height - HEAD_ROOM)
        asset = kit.pick("window", rng, lambda s: win["sill_h"] + s[2] + FIT <= room.height - HEAD_ROOM
                         and s[0] + 2 * (FIT + CORNER_GAP) <= longest)
        if asset:
            win = {**win, "asset": asset}
            width, top = asset.size[0] + 2 * FIT, win["sill_h"] + asset.size[2] + FIT
        for _try in range(8):
            o = _fit(rng, room, rng.randrange(len(edges)), width, win["sill_h"], top, "window", openings)
            if o:
                openings.append(o)
                sizes[o] = win
                break
    return replace(room, openings=tuple(openings)), sizes


def _fit(rng, room: Room, i: int, width: float, z0: float, z1: float, kind: str, taken: list[Opening]):
    length = room.edges[i].length
    if length < width + 2 * CORNER_GAP:
        return None
    for _ in range(8):
        u0 = rng.uniform(CORNER_GAP, length - CORNER_GAP - width)
        if all(o.edge != i or u0 + width + HOLE_GAP <= o.u0 or o.u1 + HOLE_GAP <= u0 for o in taken):
            return Opening(i, u0, u0 + width, z0, z1, kind)
    return None


def door_parts(rng: random.Random, room: Room, o: Opening, size: dict):
    """Linings, a closed leaf centred in the wall and a handle on the room side."""
    edge, t = room.edges[o.edge], room.wall_t
    frame = material(rng, rng.choice(["wood", "paint"]), ("white", "light brown", "brown", "gray"))
    leaf = material(rng, rng.choice(["wood", "paint"]))
    metal = material(rng, "metal")
    lt = min(size["leaf_t"], t * 0.6)
    parts = [
        edge_box(edge, o.u0, o.u0 + LINING, -t, 0.0, 0.0, o.z1, frame),
        edge_box(edge, o.u1 - LINING, o.u1, -t, 0.0, 0.0, o.z1, frame),
        edge_box(edge, o.u0 + LINING, o.u1 - LINING, -t, 0.0, o.z1 - LINING, o.z1, frame),
        edge_box(edge, o.u0 + LINING, o.u1 - LINING, -t / 2 - lt / 2, -t / 2 + lt / 2, 0.005, o.z1 - LINING, leaf),
    ]
    hu = o.u1 - LINING - 0.07
    parts.append(edge_box(edge, hu - 0.12, hu, -t / 2 + lt / 2, -t / 2 + lt / 2 + 0.06, 0.98, 1.0, metal))
    return parts


def window_parts(rng: random.Random, room: Room, o: Opening, size: dict):
    """Linings, a glass pane with an optional mullion, and an interior sill board."""
    edge, t = room.edges[o.edge], room.wall_t
    frame = material(rng, rng.choice(["wood", "paint", "plastic"]), ("white", "light gray", "brown", "dark gray"))
    sill = material(rng, rng.choice(["stone", "wood", "plastic"]))
    glass = material(rng, "glass")
    f = size["frame"]
    sill_t, sill_p = 0.025, rng.uniform(0.03, 0.1)
    z0 = o.z0 + sill_t
    parts = [
        edge_box(edge, o.u0, o.u1, -t, 0.0, o.z0, z0, sill),
        edge_box(edge, o.u0 - 0.04, o.u1 + 0.04, 0.0, sill_p, o.z0, z0, sill),
        edge_box(edge, o.u0, o.u0 + f, -t, 0.0, z0, o.z1, frame),
        edge_box(edge, o.u1 - f, o.u1, -t, 0.0, z0, o.z1, frame),
        edge_box(edge, o.u0 + f, o.u1 - f, -t, 0.0, o.z1 - f, o.z1, frame),
        edge_box(edge, o.u0 + f, o.u1 - f, -t / 2 - 0.004, -t / 2 + 0.004, z0, o.z1 - f, glass),
    ]
    if o.u1 - o.u0 > 1.0:
        mid = (o.u0 + o.u1) / 2
        parts.append(edge_box(edge, mid - f / 2, mid + f / 2, -t / 2 - 0.03, -t / 2 + 0.03, z0, o.z1 - f, frame))
    return parts


def opening_asset(room: Room, o: Opening, size: dict) -> Piece:
    """The bank door or window of ``size["asset"]`` in hole ``o``: centred in the wall, front into the room."""
    edge = room.edges[o.edge]
    x, y = edge.at((o.u0 + o.u1) / 2, -room.wall_t / 2)
    nx, ny = edge.inward
    return variant_piece(size["asset"]).placed(x, y, o.z0, math.atan2(-nx, ny))


def door_clearance(room: Room, o: Opening, depth: float = 1.0) -> AABB:
    """The floor area in front of a door that furniture must leave free."""
    edge = room.edges[o.edge]
    return parts_aabb([edge_box(edge, o.u0 - 0.1, o.u1 + 0.1, 0.0, depth, 0.0, o.z1 + 0.1, None)])
