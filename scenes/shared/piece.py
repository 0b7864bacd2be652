"""A generated object in its local frame, with the surfaces clutter may stand on and the lights it carries.

Local frame: origin on the floor (or the surface it stands on) under the centre of the footprint, +Z up,
+Y the object's front. :meth:`Piece.placed` moves all of it into the world with a yaw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from pipeline.scene_spec import Light, Part
from scenes.shared.geometry import AABB, parts_aabb, place


@dataclass(frozen=True)
class Support:
    """A horizontal rectangle ``x0..x1, y0..y1`` at height ``z`` with ``clearance`` metres free above it."""

    x0: float
    y0: float
    x1: float
    y1: float
    z: float
    clearance: float
    soft: bool = False  # beds and sofas: only pillows go there


@dataclass(frozen=True)
class Piece:
    class_name: str
    parts: tuple[Part, ...]
    supports: tuple[Support, ...] = ()
    lights: tuple[Light, ...] = ()
    yaw: float = 0.0
    origin: tuple[float, float, float] = (0.0, 0.0, 0.0)
    source: str = ""  # provenance of the scene object it becomes (see SceneObject.source)
    anchors: tuple[tuple[str, tuple[float, float, float]], ...] = ()  # named points, local frame

    def anchor(self, name: str) -> tuple[float, float, float] | None:
        """Named point of a procedural bank asset in the piece's local frame (``None``: not there)."""
        return dict(self.anchors).get(name)

    def placed(self, x: float, y: float, z: float = 0.0, yaw: float = 0.0) -> Piece:
        """The same piece moved to ``(x, y, z)`` and turned by ``yaw`` (supports and anchors keep their
        local frame)."""
        c, s = math.cos(yaw), math.sin(yaw)
        lights = tuple(replace(li, location=(x + c * li.location[0] - s * li.location[1],
                                             y + s * li.location[0] + c * li.location[1], z + li.location[2]))
                       for li in self.lights)
        return replace(self, parts=place(self.parts, x, y, z, yaw), lights=lights, yaw=yaw, origin=(x, y, z))

    @property
    def bbox(self) -> AABB:
        return parts_aabb(self.parts)

    def to_world(self, u: float, v: float) -> tuple[float, float]:
        """A point of the local frame (of a placed piece) in world x, y."""
        c, s = math.cos(self.yaw), math.sin(self.yaw)
        return (self.origin[0] + c * u - s * v, self.origin[1] + s * u + c * v)
