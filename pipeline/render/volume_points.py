"""Seeded points in a mesh's volume, in place of Blender's particle volume emission for Infinigen's trees.

Infinigen grows trees and bushes towards attractor points drawn from a helper shape (a UV sphere, cone
or cube) by ``infinigen.assets.objects.trees.utils.mesh.sample_vtxs``, which emits particles from the
shape's volume. In bpy 4.2 that is not reproducible across processes: ``primitive_uv_sphere_add`` gives
the same vertices but a different face order in each process, particles are dealt to faces in face
order, and the volume offset of each particle comes from a per-thread generator. So two bank builds
of one bush differed (1.14-1.41 m wide, 9,870-10,750 faces).

:func:`volume_points` draws the same distribution Blender's volume emission does, from a generator
seeded only by ``seed`` and over triangles in an order fixed by their coordinates: a point uniform on
the surface (triangles weighted by area), then moved inward along the surface normal (the face's, or
on smooth faces the interpolated vertex normal) by a uniform fraction of half the distance to the
opposite surface.
"""

from __future__ import annotations

import bpy
import numpy as np
from mathutils import Vector
from mathutils.bvhtree import BVHTree

_EPS = 1e-6


def canonical_triangles(co: np.ndarray, tris: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``tris`` (T x 3 vertex indices into ``co``) in an order fixed by their corners' coordinates, so it
    does not depend on how the mesh numbered its faces: (the reordered triangles, each starting at its
    least corner and keeping its winding; the index of each in ``tris``)."""
    rank = np.empty(len(co), dtype=np.int64)
    rank[np.lexsort(co.T[::-1])] = np.arange(len(co))  # vertices in lexicographic order of (x, y, z)
    first = np.argmin(rank[tris], axis=1)
    rolled = np.take_along_axis(tris, (first[:, None] + np.arange(3)) % 3, axis=1)
    order = np.lexsort(co[rolled].reshape(len(rolled), 9).T[::-1])
    return rolled[order], order


def surface_samples(co: np.ndarray, tris: np.ndarray, n: int, rng: np.random.Generator):
    """``n`` points uniform on the triangles: (triangle index, barycentric weights n x 3)."""
    a, b, c = (co[tris[:, k]] for k in range(3))
    area = 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)
    face = rng.choice(len(tris), size=n, p=area / area.sum())
    s, t = np.sqrt(rng.random(n)), rng.random(n)
    return face, np.stack([1.0 - s, s * (1.0 - t), s * t], axis=1)


def volume_points(obj: bpy.types.Object, n: int, seed: int) -> np.ndarray:
    """``n`` world-space points in ``obj``'s volume (evaluated mesh), reproducible from ``seed``."""
    evaluated = obj.evaluated_get(bpy.context.evaluated_depsgraph_get())
    mesh = evaluated.to_mesh()
    try:
        mesh.calc_loop_triangles()
        co = np.empty(len(mesh.vertices) * 3)
        mesh.vertices.foreach_get("co", co)
        co = co.reshape(-1, 3)
        vn = np.empty(len(mesh.vertices) * 3)
        mesh.vertices.foreach_get("normal", vn)
        vn = vn.reshape(-1, 3)
        tris = np.empty(len(mesh.loop_triangles) * 3, dtype=np.int64)
        mesh.loop_triangles.foreach_get("vertices", tris)
        smooth = np.empty(len(mesh.loop_triangles), dtype=bool)
        mesh.loop_triangles.foreach_get("use_smooth", smooth)
        world = np.array(evaluated.matrix_world)
    finally:
        evaluated.to_mesh_clear()
    if not len(smooth):
        raise ValueError(f"{obj.name}: no faces to sample a volume from")
    tris, order = canonical_triangles(co, tris.reshape(-1, 3))
    smooth = smooth[order]
    rng = np.random.default_rng(seed)
    face, bary = surface_samples(co, tris, n, rng)
    corners = co[tris[face]]
    points = np.einsum("nk,nkd->nd", bary, corners)
    # the normal Blender's emitter uses: interpolated vertex normals on smooth faces, else the face's
    flat = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    outward = np.where(smooth[face][:, None], np.einsum("nk,nkd->nd", bary, vn[tris[face]]), flat)
    inward = -outward / np.maximum(np.linalg.norm(outward, axis=1, keepdims=True), 1e-12)
    bvh = BVHTree.FromPolygons(co.tolist(), tris.tolist(), all_triangles=True)
    depth = np.zeros(n)
    for i, (p, d) in enumerate(zip(points, inward)):
        hit = bvh.ray_cast(Vector(p + _EPS * d), Vector(d))
        if hit[0] is not None:
            depth[i] = hit[3] + _EPS
    points += inward * (rng.random(n) * 0.5 * depth)[:, None]
    return points @ world[:3, :3].T + world[:3, 3]
