"""Small pure-Python geometry for scene generators: rotations, placing parts, axis-aligned boxes.

Generators build objects in a local frame (origin on the floor under the object's centre, +Y its front)
and place them with a yaw; everything here works on :class:`pipeline.scene_spec.Part` without numpy so a
scene builds in milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from pipeline.scene_spec import Material, Part, Vec3

Mat3 = tuple[Vec3, Vec3, Vec3]


def euler_to_matrix(rot: Vec3) -> Mat3:
    """Blender XYZ Euler angles -> rotation matrix R = Rz @ Ry @ Rx (row-major)."""
    a, b, c = rot
    ca, sa, cb, sb, cc, sc = math.cos(a), math.sin(a), math.cos(b), math.sin(b), math.cos(c), math.sin(c)
    return (
        (cc * cb, cc * sb * sa - sc * ca, cc * sb * ca + sc * sa),
        (sc * cb, sc * sb * sa + cc * ca, sc * sb * ca - cc * sa),
        (-sb, cb * sa, cb * ca),
    )


def matrix_to_euler(m: Mat3) -> Vec3:
    """Inverse of :func:`euler_to_matrix` (XYZ order)."""
    sb = max(-1.0, min(1.0, -m[2][0]))
    b = math.asin(sb)
    if abs(sb) < 0.999999:
        return (math.atan2(m[2][1], m[2][2]), b, math.atan2(m[1][0], m[0][0]))
    return (math.atan2(-m[1][2], m[1][1]), b, 0.0)


def matmul(p: Mat3, q: Mat3) -> Mat3:
    rows = (tuple(sum(p[i][k] * q[k][j] for k in range(3)) for j in range(3)) for i in range(3))
    return tuple(rows)  # type: ignore[return-value]


def apply(m: Mat3, v: Vec3) -> Vec3:
    return (m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
            m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
            m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2])


def box(center: Vec3, size: Vec3, material: Material, rotation: Vec3 = (0.0, 0.0, 0.0)) -> Part:
    """A cuboid with full extents ``size`` centred at ``center``."""
    return Part("cube", _f3(center), _f3(size), material, rotation=_f3(rotation))


def cylinder(center: Vec3, diameter: float, height: float, material: Material,
             rotation: Vec3 = (0.0, 0.0, 0.0), segments: int = 24) -> Part:
    """An upright (local Z) cylinder; ``diameter`` may be a pair for an elliptic section."""
    dx, dy = (diameter, diameter) if isinstance(diameter, (int, float)) else diameter
    return Part("cylinder", _f3(center), _f3((dx, dy, height)), material, rotation=_f3(rotation),
                segments=segments, smooth=True)


def cone(center: Vec3, diameter: float, height: float, material: Material, segments: int = 24) -> Part:
    """An upright cone (apex up) whose bounding box is centred at ``center``."""
    return Part("cone", _f3(center), _f3((diameter, diameter, height)), material, segments=segments, smooth=True)


def sphere(center: Vec3, size: Vec3, material: Material, segments: int = 24, rings: int = 12) -> Part:
    """An ellipsoid with full extents ``size``."""
    return Part("uv_sphere", _f3(center), _f3(size), material, segments=segments, rings=rings, smooth=True)


def place(parts, x: float, y: float, z: float = 0.0, yaw: float = 0.0) -> tuple[Part, ...]:
    """Move parts built in a local frame: rotate by ``yaw`` about +Z through the local origin, then translate."""
    rz = euler_to_matrix((0.0, 0.0, yaw))
    out = []
    for p in parts:
        lx, ly, lz = apply(rz, p.location)
        rot = p.rotation if yaw == 0.0 else _compose_yaw(rz, p.rotation)
        out.append(replace(p, location=_f3((lx + x, ly + y, lz + z)), rotation=_f3(rot)))
    return tuple(out)


def _compose_yaw(rz: Mat3, rot: Vec3) -> Vec3:
    if rot[0] == 0.0 and rot[1] == 0.0:
        return (0.0, 0.0, math.atan2(rz[1][0], rz[0][0]) + rot[2])
    return matrix_to_euler(matmul(rz, euler_to_matrix(rot)))


@dataclass(frozen=True)
class AABB:
    """Axis-aligned box ``lo``..``hi`` in world coordinates."""

    lo: Vec3
    hi: Vec3

    def contains(self, p: Vec3, margin: float = 0.0) -> bool:
        return all(self.lo[i] - margin < p[i] < self.hi[i] + margin for i in range(3))

    def overlaps(self, other: AABB, tol: float = 1e-6) -> bool:
        """True when the interiors intersect by more than ``tol`` on every axis (touching is fine)."""
        return all(self.lo[i] < other.hi[i] - tol and other.lo[i] < self.hi[i] - tol for i in range(3))

    def overlaps_xy(self, other: AABB, gap: float = 0.0) -> bool:
        return all(self.lo[i] < other.hi[i] + gap and other.lo[i] < self.hi[i] + gap for i in range(2))

    @property
    def size(self) -> Vec3:
        return (self.hi[0] - self.lo[0], self.hi[1] - self.lo[1], self.hi[2] - self.lo[2])

    @property
    def center(self) -> Vec3:
        return tuple((a + b) / 2 for a, b in zip(self.lo, self.hi))  # type: ignore[return-value]


def part_aabb(p: Part) -> AABB:
    """World AABB of a part (exact for boxes, a tight bound for the curved primitives)."""
    m = euler_to_matrix(p.rotation)
    if p.shape == "mesh" and p.vertices:
        pts = [apply(m, v) for v in p.vertices]
    else:
        hx, hy, hz = (d / 2 for d in p.dimensions)
        pts = [apply(m, (sx * hx, sy * hy, sz * hz)) for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]
    lo = tuple(min(q[i] for q in pts) + p.location[i] for i in range(3))
    hi = tuple(max(q[i] for q in pts) + p.location[i] for i in range(3))
    return AABB(lo, hi)  # type: ignore[arg-type]


def union(boxes) -> AABB:
    boxes = list(boxes)
    return AABB(tuple(min(b.lo[i] for b in boxes) for i in range(3)),  # type: ignore[arg-type]
                tuple(max(b.hi[i] for b in boxes) for i in range(3)))


def parts_aabb(parts) -> AABB:
    return union(part_aabb(p) for p in parts)


def _f3(v) -> Vec3:
    return (float(v[0]), float(v[1]), float(v[2]))
