"""Furniture layout in a room: groups of pieces placed against walls or free-standing without overlaps.

Every placed piece's bounding box is checked against everything placed before it (plus reserved zones
such as the swing area in front of a door), so furniture never interpenetrates. Yaws are multiples of
90 degrees, which keeps bounding boxes tight in an axis-aligned room.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from scenes.shared.content import Kit
from scenes.shared.geometry import AABB
from scenes.shared.piece import Piece
from scenes.indoor.rooms import Room

GAP = 0.02  # minimum air between independent pieces


@dataclass(frozen=True)
class Member:
    """A piece inside a group, at ``(x, y, z)`` with ``yaw`` in the group frame; ``on`` indexes its support."""

    piece: Piece
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    yaw: float = 0.0
    on: int | None = None


def realise(members: list[Member], x: float, y: float, z: float, yaw: float) -> list[Piece]:
    c, s = math.cos(yaw), math.sin(yaw)
    return [m.piece.placed(x + c * m.x - s * m.y, y + s * m.x + c * m.y, z + m.z, _wrap(yaw + m.yaw))
            for m in members]


def _wrap(a: float) -> float:
    """Snap to the nearest multiple of pi/2 in [-pi, pi): keeps rotations exact and AABBs tight."""
    q = round(a / (math.pi / 2)) % 4
    return (0.0, math.pi / 2, math.pi, -math.pi / 2)[q]


class Layout:
    """Pieces placed so far in one room, with the boxes they occupy."""

    def __init__(self, room: Room, rng: random.Random, reserved: list[AABB] = (), kit: Kit | None = None):
        self.room = room
        self.rng = rng
        self.kit = kit or Kit(None, "")  # where pieces come from (primitives or bank assets)
        self.blocked: list[AABB] = list(reserved)
        self.pieces: list[Piece] = []
        self.support_of: list[int | None] = []

    def add(self, piece: Piece, on: int | None = None, block: bool = True) -> int:
        self.pieces.append(piece)
        self.support_of.append(on)
        if block:
            self.blocked.append(piece.bbox)
        return len(self.pieces) - 1

    def fits(self, pieces: list[Piece]) -> bool:
        for p in pieces:
            b = p.bbox
            if not self.room.contains_rect(b.lo[0], b.lo[1], b.hi[0], b.hi[1]) or b.hi[2] > self.room.height - 0.05:
                return False
            grown = AABB((b.lo[0] - GAP, b.lo[1] - GAP, b.lo[2]), (b.hi[0] + GAP, b.hi[1] + GAP, b.hi[2]))
            if any(grown.overlaps(o) for o in self.blocked):
                return False
        return True

    def commit(self, members: list[Member], pieces: list[Piece]) -> list[int]:
        first = len(self.pieces)
        return [self.add(p, None if m.on is None else first + m.on) for m, p in zip(members, pieces)]

    def against_wall(self, members: list[Member], z: float = 0.0, tries: int = 40,
                     edges: list[int] | None = None, rng: random.Random | None = None) -> list[int] | None:
        """Place a group with its back (local -y side) against a wall; returns layout indices or ``None``.
        ``rng``: draw the spots from this stream instead of the layout's."""
        rng = rng or self.rng
        local = _bbox(members)
        width = local.hi[0] - local.lo[0]
        choices = edges if edges is not None else list(range(len(self.room.edges)))
        for _ in range(tries):
            i = rng.choice(choices)
            edge = self.room.edges[i]
            if edge.length < width + 2 * GAP:
                continue
            u = rng.uniform(GAP - local.lo[0], edge.length - GAP - local.hi[0])
            x, y = edge.at(u, -local.lo[1] + 0.005)
            n = edge.inward
            pieces = realise(members, x, y, z, _wrap(math.atan2(n[1], n[0]) - math.pi / 2))
            if self.fits(pieces):
                return self.commit(members, pieces)
        return None

    def free(self, members: list[Member], margin: float = 0.5, tries: int = 40,
             rng: random.Random | None = None) -> list[int] | None:
        """Place a group anywhere on the floor, at least ``margin`` from the walls (spots drawn from
        ``rng``, else the layout's stream)."""
        rng = rng or self.rng
        x0, y0, x1, y1 = self.room.bounds
        for _ in range(tries):
            yaw = rng.choice((0.0, math.pi / 2, math.pi, -math.pi / 2))
            x, y = rng.uniform(x0 + margin, x1 - margin), rng.uniform(y0 + margin, y1 - margin)
            pieces = realise(members, x, y, 0.0, yaw)
            grown = [AABB((p.bbox.lo[0] - margin, p.bbox.lo[1] - margin, 0.0),
                          (p.bbox.hi[0] + margin, p.bbox.hi[1] + margin, 0.0)) for p in pieces]
            if all(self.room.contains_rect(g.lo[0], g.lo[1], g.hi[0], g.hi[1]) for g in grown) and self.fits(pieces):
                return self.commit(members, pieces)
        return None


def _bbox(members: list[Member]) -> AABB:
    boxes = [p.bbox for p in realise(members, 0.0, 0.0, 0.0, 0.0)]
    return AABB(tuple(min(b.lo[i] for b in boxes) for i in range(3)),  # type: ignore[arg-type]
                tuple(max(b.hi[i] for b in boxes) for i in range(3)))
