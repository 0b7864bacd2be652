"""Geometry helpers for the procedural factories: metric primitives, lofts and sweeps as Blender meshes.

Every helper returns a new object linked to the scene, with one material (or ``None``); pass
``parent`` to hang it under the asset's root. Modifiers (bevel, subdivision) are realised by the bake.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import bmesh
import bpy
import numpy as np
from mathutils import Euler, Matrix, Vector

Vec3 = Sequence[float]


def empty(name: str) -> bpy.types.Object:
    """An empty root for an asset's parts."""
    obj = bpy.data.objects.new(name, None)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _link(name: str, mesh: bpy.types.Mesh, material, parent, smooth: bool) -> bpy.types.Object:
    if material is not None:
        mesh.materials.append(material)
    if smooth:
        mesh.shade_smooth()
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    if parent is not None:
        obj.parent = parent
    return obj


def from_bmesh(name: str, bm: bmesh.types.BMesh, material=None, parent=None, smooth: bool = False
               ) -> bpy.types.Object:
    mesh = bpy.data.meshes.new(name)
    bm.normal_update()
    bm.to_mesh(mesh)
    bm.free()
    return _link(name, mesh, material, parent, smooth)


def mesh_object(name: str, verts, faces, material=None, parent=None, smooth: bool = False) -> bpy.types.Object:
    """An object from vertex coordinates (N x 3) and faces (lists of vertex indices)."""
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata([tuple(map(float, v)) for v in verts], [], [list(map(int, f)) for f in faces])
    mesh.validate()
    mesh.update()
    return _link(name, mesh, material, parent, smooth)


def _transform(bm, center: Vec3, rotation: Vec3) -> None:
    m = Matrix.Translation(Vector(center)) @ Euler(rotation).to_matrix().to_4x4()
    bmesh.ops.transform(bm, matrix=m, verts=bm.verts)


def box(name: str, size: Vec3, center: Vec3 = (0, 0, 0), material=None, bevel: float = 0.0,
        rotation: Vec3 = (0, 0, 0), parent=None, bevel_segments: int = 2) -> bpy.types.Object:
    """An axis-aligned box of ``size`` (then turned by ``rotation``), edges rounded by ``bevel`` metres."""
    bm = bmesh.new()
    bmesh.ops.create_cube(bm, size=1.0)
    bmesh.ops.scale(bm, vec=Vector(size), verts=bm.verts)
    if bevel > 0:
        bevel = min(bevel, 0.49 * min(size))
        bmesh.ops.bevel(bm, geom=list(bm.edges) + list(bm.verts), offset=bevel, segments=bevel_segments,
                        affect="EDGES", profile=0.5)
    _transform(bm, center, rotation)
    return from_bmesh(name, bm, material, parent, smooth=bevel > 0)


AXES = {"X": (0.0, math.pi / 2, 0.0), "Y": (math.pi / 2, 0.0, 0.0), "Z": (0.0, 0.0, 0.0)}


def cylinder(name: str, radius: float, depth: float, center: Vec3 = (0, 0, 0), material=None, axis: str = "Z",
             segments: int = 24, radius_top: float | None = None, parent=None, cap: bool = True
             ) -> bpy.types.Object:
    """A cylinder (or a cone frustum with ``radius_top``) of ``depth`` along ``axis`` centred on ``center``."""
    bm = bmesh.new()
    bmesh.ops.create_cone(bm, cap_ends=cap, cap_tris=False, segments=segments, radius1=radius,
                          radius2=radius if radius_top is None else radius_top, depth=depth)
    _transform(bm, center, AXES[axis])
    return from_bmesh(name, bm, material, parent, smooth=True)


def sphere(name: str, radius: float, center: Vec3 = (0, 0, 0), material=None, scale: Vec3 = (1, 1, 1),
           segments: int = 24, rings: int = 12, parent=None) -> bpy.types.Object:
    bm = bmesh.new()
    bmesh.ops.create_uvsphere(bm, u_segments=segments, v_segments=rings, radius=radius)
    bmesh.ops.scale(bm, vec=Vector(scale), verts=bm.verts)
    _transform(bm, center, (0, 0, 0))
    return from_bmesh(name, bm, material, parent, smooth=True)


def torus(name: str, major: float, minor: float, center: Vec3 = (0, 0, 0), material=None, axis: str = "Z",
          segments: int = 32, ring_segments: int = 12, parent=None) -> bpy.types.Object:
    """A torus around ``axis`` (a tyre: ``axis="Y"``)."""
    u = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    v = np.linspace(0, 2 * np.pi, ring_segments, endpoint=False)
    uu, vv = np.meshgrid(u, v, indexing="ij")
    r = major + minor * np.cos(vv)
    pts = np.stack([r * np.cos(uu), r * np.sin(uu), minor * np.sin(vv)], axis=-1).reshape(-1, 3)
    faces = [[i * ring_segments + j, ((i + 1) % segments) * ring_segments + j,
              ((i + 1) % segments) * ring_segments + (j + 1) % ring_segments, i * ring_segments + (j + 1) % ring_segments]
             for i in range(segments) for j in range(ring_segments)]
    pts = pts @ np.array(Euler(AXES[axis]).to_matrix()).T + np.asarray(center, dtype=float)
    return mesh_object(name, pts, faces, material, parent, smooth=True)


def loft(name: str, rings: Sequence[np.ndarray], material=None, cap: bool = True, parent=None,
         smooth: bool = True, closed: bool = True) -> bpy.types.Object:
    """A skin through ``rings`` (each M x 3, same M, same winding), capped at both ends with n-gons.

    Car bodies, bus shells and bollards are lofts of rounded cross-sections along their length.
    ``closed=False``: open profiles (an awning), no caps."""
    rings = [np.asarray(r, dtype=float) for r in rings]
    m = len(rings[0])
    verts = np.concatenate(rings)
    faces = []
    span = m if closed else m - 1
    for k in range(len(rings) - 1):
        a, b = k * m, (k + 1) * m
        faces += [[a + i, a + (i + 1) % m, b + (i + 1) % m, b + i] for i in range(span)]
    if cap and closed:
        faces.append(list(range(m))[::-1])
        last = (len(rings) - 1) * m
        faces.append([last + i for i in range(m)])
    obj = mesh_object(name, verts, faces, material, parent, smooth)
    _outward(obj)
    return obj


def _outward(obj: bpy.types.Object) -> None:
    bm = bmesh.new()
    bm.from_mesh(obj.data)
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    bm.to_mesh(obj.data)
    bm.free()


def rounded_rect(width: float, height: float, radius: float, n: int = 6) -> np.ndarray:
    """A closed 2D rectangle (centred) with rounded corners, counter-clockwise, 4 * n points."""
    radius = min(radius, 0.499 * min(width, height))
    pts = []
    for cx, cy, a0 in ((width / 2 - radius, height / 2 - radius, 0.0), (-width / 2 + radius, height / 2 - radius, 90.0),
                       (-width / 2 + radius, -height / 2 + radius, 180.0), (width / 2 - radius, -height / 2 + radius, 270.0)):
        for t in np.linspace(0, 90, n):
            a = math.radians(a0 + t)
            pts.append((cx + radius * math.cos(a), cy + radius * math.sin(a)))
    return np.array(pts)


def superellipse(a: float, b: float, exponent: float = 4.0, n: int = 32) -> np.ndarray:
    """A closed 2D superellipse |x/a|^e + |y/b|^e = 1 (counter-clockwise, ``n`` points)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    return np.stack([a * np.sign(c) * np.abs(c) ** (2 / exponent), b * np.sign(s) * np.abs(s) ** (2 / exponent)], axis=1)


def tube(name: str, points: Sequence[Vec3], radius: float, material=None, segments: int = 12, parent=None,
         cap: bool = True) -> bpy.types.Object:
    """A round tube of ``radius`` swept along the polyline ``points`` (frames turn with the path)."""
    pts = np.asarray(points, dtype=float)
    t = np.gradient(pts, axis=0)
    t /= np.linalg.norm(t, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(t[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    rings = []
    n1 = np.cross(t[0], ref)
    n1 /= np.linalg.norm(n1)
    ang = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    for p, d in zip(pts, t):
        n1 = n1 - d * np.dot(n1, d)  # parallel transport of the frame along the path
        n1 /= np.linalg.norm(n1)
        n2 = np.cross(d, n1)
        rings.append(p + radius * (np.outer(np.cos(ang), n1) + np.outer(np.sin(ang), n2)))
    return loft(name, rings, material, cap=cap, parent=parent)


def extrude_polygon(name: str, outline: np.ndarray, depth: float, material=None, axis: str = "Y",
                    offset: float = 0.0, parent=None, bevel: float = 0.0) -> bpy.types.Object:
    """A flat 2D ``outline`` (K x 2, in the plane across ``axis``) extruded ``depth`` along ``axis``
    starting at ``offset``: side panels, sign plates, wheel arches. Plane coordinates: for ``axis="Y"``
    (x, z); ``"X"``: (y, z); ``"Z"``: (x, y)."""
    o = np.asarray(outline, dtype=float)
    k = len(o)

    def lift(w: float) -> np.ndarray:
        if axis == "Y":
            return np.stack([o[:, 0], np.full(k, w), o[:, 1]], axis=1)
        if axis == "X":
            return np.stack([np.full(k, w), o[:, 0], o[:, 1]], axis=1)
        return np.stack([o[:, 0], o[:, 1], np.full(k, w)], axis=1)

    obj = loft(name, [lift(offset), lift(offset + depth)], material, cap=True, parent=parent, smooth=False)
    if bevel > 0:
        add_bevel(obj, bevel)
    return obj


def add_bevel(obj: bpy.types.Object, width: float, segments: int = 2, angle_deg: float = 40.0) -> None:
    mod = obj.modifiers.new("bevel", "BEVEL")
    mod.width, mod.segments, mod.limit_method = width, segments, "ANGLE"
    mod.angle_limit = math.radians(angle_deg)
    mod.harden_normals = False


def add_subsurf(obj: bpy.types.Object, levels: int = 1) -> None:
    mod = obj.modifiers.new("subsurf", "SUBSURF")
    mod.levels = mod.render_levels = levels


def array_copies(obj: bpy.types.Object, offsets: Sequence[Vec3], name: str | None = None) -> list[bpy.types.Object]:
    """Linked copies of ``obj`` moved by each offset (sharing its mesh: windows of a facade)."""
    out = []
    for i, off in enumerate(offsets):
        c = obj.copy()
        c.name = f"{name or obj.name}_{i}"
        c.location = Vector(obj.location) + Vector(off)
        bpy.context.scene.collection.objects.link(c)
        out.append(c)
    return out
