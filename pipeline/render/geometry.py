"""Tessellation of scene-spec parts into polygon meshes (pure numpy, no Blender).

This is the single definition of the geometry Blender renders: ``blender_scene`` builds its meshes
from :func:`part_mesh`, so anyone (e.g. the calibration test) can reproduce the exact rendered surface.

Local frame of every shape: the bounding box of the vertices is centred at the origin and its extents
equal ``Part.dimensions`` exactly (zero extents stay flat); faces wind counter-clockwise seen from
outside (outward normals), which transmissive materials need to tell inside from outside.
- cube: axis-aligned box.
- plane: one quad in the local XY plane, normal +Z (``dimensions[2]`` is ignored).
- uv_sphere: ``segments`` meridians x ``rings`` bands, poles on +-Z; quads between rings are isosceles
  trapezoids, hence planar, so the mesh is a convex polyhedron whose vertices lie on the ellipsoid when
  ``segments`` is a multiple of 4 and ``rings`` is even.
- cylinder: axis Z, ``segments`` side quads, two n-gon caps.
- cone: apex at +Z, base n-gon at -Z.
- mesh: ``Part.vertices``/``Part.faces`` recentred and scaled per axis to ``dimensions``.
- heightfield: the terrain mesh of ``Part.heightfield`` (:func:`scenes.nature.terrain.grid_mesh`), in world
  coordinates less ``location``, not rescaled (``dimensions`` is only a bound of it).
"""

from __future__ import annotations

import math

import numpy as np

from pipeline.scene_spec import Part, rotation_matrix

Faces = list[tuple[int, ...]]


def _cube() -> tuple[np.ndarray, Faces]:
    v = np.array([[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)], dtype=np.float64)
    # index = 4*(x>0) + 2*(y>0) + (z>0)
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    return v, faces


def _plane() -> tuple[np.ndarray, Faces]:
    v = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], dtype=np.float64)
    return v, [(0, 1, 2, 3)]


def _circle(segments: int, z: float, radius: float = 1.0) -> np.ndarray:
    a = 2.0 * math.pi * np.arange(segments) / segments
    return np.stack([radius * np.cos(a), radius * np.sin(a), np.full(segments, z)], axis=1)


def _uv_sphere(segments: int, rings: int) -> tuple[np.ndarray, Faces]:
    polar = math.pi * np.arange(1, rings) / rings  # from the +Z pole downwards
    rows = [_circle(segments, math.cos(p), math.sin(p)) for p in polar]
    v = np.concatenate([[[0.0, 0.0, 1.0]], *rows, [[0.0, 0.0, -1.0]]])
    bottom = len(v) - 1
    faces: Faces = []
    for s in range(segments):
        t = (s + 1) % segments
        faces.append((0, 1 + s, 1 + t))
        for r in range(rings - 2):
            a, b = 1 + r * segments, 1 + (r + 1) * segments
            faces.append((a + s, b + s, b + t, a + t))
        last = 1 + (rings - 2) * segments
        faces.append((last + s, bottom, last + t))
    return v, faces


def _cylinder(segments: int) -> tuple[np.ndarray, Faces]:
    v = np.concatenate([_circle(segments, -1.0), _circle(segments, 1.0)])
    faces: Faces = [(s, (s + 1) % segments, segments + (s + 1) % segments, segments + s) for s in range(segments)]
    faces.append(tuple(range(segments - 1, -1, -1)))
    faces.append(tuple(range(segments, 2 * segments)))
    return v, faces


def _cone(segments: int) -> tuple[np.ndarray, Faces]:
    v = np.concatenate([_circle(segments, -1.0), [[0.0, 0.0, 1.0]]])
    faces: Faces = [(s, (s + 1) % segments, segments) for s in range(segments)]
    faces.append(tuple(range(segments - 1, -1, -1)))
    return v, faces


def _fit_box(v: np.ndarray, dimensions: tuple[float, float, float]) -> np.ndarray:
    """Recentre the vertices' bounding box at the origin and scale each non-flat axis to ``dimensions``."""
    lo, hi = v.min(axis=0), v.max(axis=0)
    extent = hi - lo
    scale = np.where(extent > 0, np.asarray(dimensions, dtype=np.float64) / np.where(extent > 0, extent, 1.0), 1.0)
    return (v - (lo + hi) / 2.0) * scale


def part_mesh(part: Part) -> tuple[np.ndarray, Faces]:
    """Local vertices (float64, Nx3, metres) and polygon faces (vertex index tuples) of ``part``."""
    if part.shape == "cube":
        v, f = _cube()
    elif part.shape == "plane":
        v, f = _plane()
    elif part.shape == "uv_sphere":
        if part.segments < 3 or part.rings < 2:
            raise ValueError(f"uv_sphere needs segments >= 3 and rings >= 2, got {part.segments}, {part.rings}")
        v, f = _uv_sphere(part.segments, part.rings)
    elif part.shape == "cylinder":
        if part.segments < 3:
            raise ValueError(f"cylinder needs segments >= 3, got {part.segments}")
        v, f = _cylinder(part.segments)
    elif part.shape == "cone":
        if part.segments < 3:
            raise ValueError(f"cone needs segments >= 3, got {part.segments}")
        v, f = _cone(part.segments)
    elif part.shape == "mesh":
        if not part.vertices or not part.faces:
            raise ValueError("mesh part needs vertices and faces")
        v, f = np.asarray(part.vertices, dtype=np.float64), [tuple(face) for face in part.faces]
    elif part.shape == "heightfield":
        return _heightfield(part)
    else:
        raise ValueError(f"unknown shape {part.shape!r}")
    return _fit_box(v, part.dimensions), f


def _heightfield(part: Part) -> tuple[np.ndarray, Faces]:
    from scenes.nature.terrain import Terrain, grid_mesh

    field = part.heightfield
    verts, tris = grid_mesh(Terrain.from_pairs(field.params), field.r_inner, field.r_outer)
    return verts - np.asarray(part.location, dtype=np.float64), [tuple(t) for t in tris.tolist()]


def part_world_mesh(part: Part) -> tuple[np.ndarray, Faces]:
    """World-space vertices and faces of ``part`` (rotation about the bounding-box centre, then location)."""
    v, f = part_mesh(part)
    return v @ rotation_matrix(part.rotation).T + np.asarray(part.location, dtype=np.float64), f


def metric_uv(verts: np.ndarray, faces: Faces) -> np.ndarray:
    """Box-projected UV coordinates in metres, one per face corner in face order (Blender's loop order
    for ``from_pydata``): each face is projected along the axis its normal leans on most, so a texture
    read through them keeps its real-world size on every side. Pass world-space ``verts`` to make
    adjacent parts continue each other's pattern."""
    out = np.empty((sum(len(f) for f in faces), 2))
    k = 0
    for face in faces:
        p = verts[list(face)]
        normal = np.cross(p[1] - p[0], p[-1] - p[0]) if len(face) >= 3 else np.zeros(3)
        axis = int(np.argmax(np.abs(normal)))
        keep = [a for a in range(3) if a != axis]
        out[k: k + len(face)] = p[:, keep]
        k += len(face)
    return out
