"""The normal label's source: every mesh's corner normals as Blender shades them, flat, smooth or custom."""

from __future__ import annotations

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from pipeline.render.blender_scene import add_shading_normals  # noqa: E402
from pipeline.render.materials import SHADING_NORMAL_ATTRIBUTE  # noqa: E402


def _stored(mesh) -> np.ndarray:
    out = np.empty(len(mesh.loops) * 3, dtype=np.float32)
    mesh.attributes[SHADING_NORMAL_ATTRIBUTE].data.foreach_get("vector", out)
    return out.reshape(-1, 3)


@pytest.fixture
def roof():
    """Two faces meeting at a ridge (a roof), 90 degrees apart."""
    mesh = bpy.data.meshes.new("roof")
    mesh.from_pydata([(0, 0, 0), (1, 0, 1), (2, 0, 0), (0, 1, 0), (1, 1, 1), (2, 1, 0)], [],
                     [(0, 1, 4, 3), (1, 2, 5, 4)])
    yield mesh
    bpy.data.meshes.remove(mesh)


def test_flat_faces_keep_their_face_normal(roof):
    roof.polygons.foreach_set("use_smooth", [False, False])
    add_shading_normals(roof)
    n = _stored(roof)
    s = np.sqrt(0.5)
    assert np.allclose(n[:4], [-s, 0, s], atol=1e-6) and np.allclose(n[4:], [s, 0, s], atol=1e-6)


def test_smooth_faces_share_the_ridge_normal(roof):
    roof.polygons.foreach_set("use_smooth", [True, True])
    add_shading_normals(roof)
    n = _stored(roof)
    ridge = [i for i, loop in enumerate(roof.loops) if loop.vertex_index in (1, 4)]
    assert np.allclose(n[ridge], [0, 0, 1], atol=1e-6)


def test_custom_split_normals_are_kept(roof):
    roof.polygons.foreach_set("use_smooth", [True, True])
    tilt = np.array([0.0, np.sin(0.3), np.cos(0.3)])
    roof.normals_split_custom_set([tuple(tilt)] * len(roof.loops))
    add_shading_normals(roof)
    assert np.allclose(_stored(roof), tilt, atol=1e-4)


def test_an_existing_attribute_is_left_alone(roof):
    add_shading_normals(roof)
    first = _stored(roof).copy()
    roof.polygons.foreach_set("use_smooth", [True, True])
    add_shading_normals(roof)
    assert np.array_equal(_stored(roof), first)
