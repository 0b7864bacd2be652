"""Baking Infinigen assets: stray vertices (a cloth vertex flung kilometres away) are dropped."""

from __future__ import annotations

import numpy as np

from pipeline.render.asset_build import drop_strays, stray_vertices


def _bed_like(rng: np.random.Generator) -> np.ndarray:
    """A 2 x 2.3 x 0.6 m body of vertices, a 1 m post above it, and 50 strays 4 km up and down."""
    body = rng.uniform([-1.0, -1.15, 0.0], [1.0, 1.15, 0.6], size=(20_000, 3))
    post = np.stack([np.full(20, 0.9), np.full(20, 1.1), np.linspace(0.6, 1.6, 20)], axis=1)
    strays = np.array([[0.9, 1.1, 4636.0]] * 25 + [[0.1, -0.2, -1726.0]] * 25)
    return np.concatenate([body, post, strays])


def test_only_far_away_vertices_are_strays():
    co = _bed_like(np.random.default_rng(0))
    mask = stray_vertices(co)
    assert mask.sum() == 50 and mask[-50:].all()  # the post, 1 m above the body, is kept
    kept = co[~mask]
    assert np.allclose(kept.max(axis=0) - kept.min(axis=0), [2.0, 2.3, 1.6], atol=0.01)
    assert not stray_vertices(co[:20_020]).any()
    assert stray_vertices(np.zeros((0, 3))).shape == (0,)


def test_a_broken_part_is_cut_back_to_the_healthy_parts_box():
    """Infinigen's bed frame: one part (a corner post) has rings stretched to -5 km, -6 m, +2 m and +4 km;
    the rest of the post, inside the other parts' box, stays."""
    rng = np.random.default_rng(2)
    body = rng.uniform([-1.0, -1.15, 0.0], [1.0, 1.15, 1.2], size=(20_000, 3))
    post = np.array([[0.95, 1.1, z] for z in (-5226.0, -6.0, 0.0, 0.4, 0.8, 2.0, 4046.0) for _ in range(8)])
    co = np.concatenate([body, post])
    parts = np.concatenate([np.zeros(len(body), dtype=int), np.ones(len(post), dtype=int)])
    mask = stray_vertices(co, parts)
    assert not mask[:20_000].any()
    assert mask[20_000:].reshape(7, 8).all(axis=1).tolist() == [True, True, False, False, False, True, True]
    far_only = stray_vertices(co)[20_000:].reshape(7, 8).all(axis=1).tolist()
    assert far_only == [True, True, False, False, False, False, True]  # without parts, +2 m is not known


def test_drop_strays_deletes_them_with_their_faces():
    import bpy

    rng = np.random.default_rng(1)
    grid = np.array([[x, y, 0.0] for x in np.linspace(-1, 1, 30) for y in np.linspace(-1, 1, 30)])
    grid[:, 2] = rng.uniform(0, 0.3, len(grid))
    far = np.array([[0.0, 0.0, 9000.0], [0.1, 0.0, 9000.0], [0.0, 0.1, 9000.0]])
    verts = np.concatenate([grid, far])
    faces = [(r * 30 + c, r * 30 + c + 1, (r + 1) * 30 + c + 1, (r + 1) * 30 + c) for r in range(29) for c in range(29)]
    faces.append((900, 901, 902))
    faces.append((0, 1, 900))  # a blanket face stretched up to a stray
    mesh = bpy.data.meshes.new("strays")
    mesh.from_pydata(verts.tolist(), [], faces)
    obj = bpy.data.objects.new("strays", mesh)
    try:
        assert drop_strays(obj) == 3
        co = np.array([v.co[:] for v in mesh.vertices])
        assert len(co) == 900 and co[:, 2].max() < 0.31
        assert len(mesh.polygons) == 29 * 29
        assert drop_strays(obj) == 0
    finally:
        bpy.data.objects.remove(obj)
        bpy.data.meshes.remove(mesh)
