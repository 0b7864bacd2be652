"""Room shells: rectangular or L-shaped floor plans, walls built from box segments around door/window holes.

The floor polygon is axis-aligned and counter-clockwise; walls are slabs *outside* it, so the interior
faces lie exactly on the polygon. At a convex corner the wall that ends there runs on by its thickness
(closing the corner, and only one wall owns the corner block); at the reflex corner of an L the wall
that starts there begins a thickness later, since the incoming wall's end already fills that block.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from scenes.shared.geometry import box
from scenes.shared.materials import material
from scenes.shared.sizes import sample

Point = tuple[float, float]


@dataclass(frozen=True)
class Opening:
    """A hole in wall ``edge`` from ``u0`` to ``u1`` along it and ``z0`` to ``z1`` in height."""

    edge: int
    u0: float
    u1: float
    z0: float
    z1: float
    kind: str  # "door" | "window"


@dataclass(frozen=True)
class Edge:
    p0: Point
    p1: Point

    @property
    def length(self) -> float:
        return abs(self.p1[0] - self.p0[0]) + abs(self.p1[1] - self.p0[1])

    @property
    def direction(self) -> Point:
        n = self.length
        return ((self.p1[0] - self.p0[0]) / n, (self.p1[1] - self.p0[1]) / n)

    @property
    def inward(self) -> Point:
        e = self.direction
        return (-e[1], e[0])

    def at(self, u: float, v: float = 0.0) -> Point:
        """World point ``u`` along the edge and ``v`` into the room."""
        e, n = self.direction, self.inward
        return (self.p0[0] + e[0] * u + n[0] * v, self.p0[1] + e[1] * u + n[1] * v)


@dataclass(frozen=True)
class Room:
    polygon: tuple[Point, ...]  # counter-clockwise
    height: float
    wall_t: float
    notch: tuple[float, float, float, float] | None = None  # removed corner of an L, (x0, y0, x1, y1)
    openings: tuple[Opening, ...] = field(default=())

    @property
    def edges(self) -> tuple[Edge, ...]:
        n = len(self.polygon)
        return tuple(Edge(self.polygon[i], self.polygon[(i + 1) % n]) for i in range(n))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        xs, ys = [p[0] for p in self.polygon], [p[1] for p in self.polygon]
        return (min(xs), min(ys), max(xs), max(ys))

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.bounds
        a = (x1 - x0) * (y1 - y0)
        if self.notch:
            a -= (self.notch[2] - self.notch[0]) * (self.notch[3] - self.notch[1])
        return a

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        """Point inside the floor plan, at least ``margin`` from its boundary."""
        x0, y0, x1, y1 = self.bounds
        if not (x0 + margin <= x <= x1 - margin and y0 + margin <= y <= y1 - margin):
            return False
        if self.notch:
            nx0, ny0, nx1, ny1 = self.notch
            if nx0 - margin < x and ny0 - margin < y:
                return False
        return True

    def contains_rect(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """An axis-aligned rectangle lies inside (corner checks suffice: the notch is a corner of the bounds)."""
        return all(self.contains(x, y) for x in (x0, x1) for y in (y0, y1))

    def convex_at(self, i: int) -> bool:
        """Whether polygon vertex ``i`` is a convex corner."""
        n = len(self.polygon)
        a, b, c = self.polygon[i - 1], self.polygon[i], self.polygon[(i + 1) % n]
        return (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) > 0


def sample_room(rng: random.Random, width: tuple[float, float], depth: tuple[float, float],
                l_shape_prob: float) -> Room:
    """A rectangle ``W x D`` with its origin at a corner, or an L with its (+x, +y) corner removed."""
    s = sample(rng, "room")
    w, d = rng.uniform(*width), rng.uniform(*depth)
    if rng.random() < l_shape_prob and min(w, d) >= 3.0:
        a, b = w * rng.uniform(0.3, 0.5), d * rng.uniform(0.3, 0.5)
        poly = ((0.0, 0.0), (w, 0.0), (w, d - b), (w - a, d - b), (w - a, d), (0.0, d))
        return Room(poly, s["ceiling_h"], s["wall_t"], notch=(w - a, d - b, w, d))
    return Room(((0.0, 0.0), (w, 0.0), (w, d), (0.0, d)), s["ceiling_h"], s["wall_t"])


def floor_rects(room: Room) -> list[tuple[float, float, float, float]]:
    """Non-overlapping rectangles covering the floor plan grown by the wall thickness (under the walls)."""
    t = room.wall_t
    x0, y0, x1, y1 = room.bounds
    if room.notch is None:
        return [(x0 - t, y0 - t, x1 + t, y1 + t)]
    nx0, ny0 = room.notch[0], room.notch[1]
    return [(x0 - t, y0 - t, nx0 + t, y1 + t), (nx0 + t, y0 - t, x1 + t, ny0 + t)]


def shell_parts(rng: random.Random, room: Room, slab_t: float = 0.1):
    """Floor, ceiling and per-edge wall parts: ``(floor_parts, ceiling_parts, [wall_parts per edge])``."""
    floor_mat = material(rng, rng.choice(["wood", "tile", "concrete", "stone"]))
    ceil_mat = material(rng, "plaster", ("white", "cream", "light gray"))
    wall_mat = material(rng, rng.choice(["plaster", "plaster", "plaster", "tile", "concrete"]))
    floor, ceiling = [], []
    for fx0, fy0, fx1, fy1 in floor_rects(room):
        c, size = ((fx0 + fx1) / 2, (fy0 + fy1) / 2), (fx1 - fx0, fy1 - fy0)
        floor.append(box((c[0], c[1], -slab_t / 2), (size[0], size[1], slab_t), floor_mat))
        ceiling.append(box((c[0], c[1], room.height + slab_t / 2), (size[0], size[1], slab_t), ceil_mat))
    walls = [_wall(room, i, wall_mat) for i in range(len(room.polygon))]
    return floor, ceiling, walls


def _wall(room: Room, i: int, mat):
    edge, t, h = room.edges[i], room.wall_t, room.height
    n = len(room.polygon)
    start = 0.0 if room.convex_at(i) else t  # at the reflex corner the incoming wall already fills the block
    end = edge.length + (t if room.convex_at((i + 1) % n) else 0.0)  # the corner block belongs to one wall
    holes = sorted((o for o in room.openings if o.edge == i), key=lambda o: o.u0)
    spans: list[tuple[float, float, float, float]] = []  # u0, u1, z0, z1
    u = start
    for o in holes:
        spans.append((u, o.u0, 0.0, h))
        if o.z0 > 0:
            spans.append((o.u0, o.u1, 0.0, o.z0))
        if o.z1 < h:
            spans.append((o.u0, o.u1, o.z1, h))
        u = o.u1
    spans.append((u, end, 0.0, h))
    return [edge_box(edge, u0, u1, -t, 0.0, z0, z1, mat)
            for u0, u1, z0, z1 in spans if u1 - u0 > 1e-6 and z1 - z0 > 1e-6]


def edge_box(edge: Edge, u0: float, u1: float, v0: float, v1: float, z0: float, z1: float, mat):
    """A box given in wall coordinates: ``u`` along the edge, ``v`` into the room, ``z`` up."""
    cx, cy = edge.at((u0 + u1) / 2, (v0 + v1) / 2)
    along, across = u1 - u0, v1 - v0
    size = (along, across, z1 - z0) if abs(edge.direction[0]) > 0.5 else (across, along, z1 - z0)
    return box((cx, cy, (z0 + z1) / 2), size, mat)
