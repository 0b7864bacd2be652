"""Raw label passes -> camera-frame labels, and part tessellation (numpy only, no Blender)."""

import math

import numpy as np
import pytest

from pipeline.render.geometry import part_mesh, part_world_mesh
from pipeline.render.labels import FACING_EPS, camera_labels, pixel_rays
from pipeline.scene_spec import Camera, Material, Part, look_at, rotation_matrix

MAT = Material("plastic", (0.5, 0.5, 0.5), "grey")


def _camera():
    return Camera(look_at((1.0, -3.0, 2.0), (0.0, 0.0, 0.5), roll=0.3), 70.0, 8, 6)


def test_pixel_rays_go_through_pixel_centres():
    k = _camera().intrinsics()
    rays = pixel_rays(k)
    assert rays.shape == (6, 8, 3)
    # pixel (row i, col j) centre projects back to (j + 0.5, i + 0.5)
    j = k["cx"] + k["fx"] * rays[..., 0] / -rays[..., 2]
    i = k["cy"] - k["fy"] * rays[..., 1] / -rays[..., 2]
    np.testing.assert_allclose(j, np.broadcast_to(np.arange(8) + 0.5, (6, 8)))
    np.testing.assert_allclose(i, np.broadcast_to((np.arange(6) + 0.5)[:, None], (6, 8)))


def test_labels_rotate_tilt_and_mark_misses():
    cam = _camera()
    pose = np.asarray(cam.cam2world)
    k = cam.intrinsics()
    depth = np.full((6, 8), 2.5, np.float32)
    depth[0, :] = 1e10
    instance = np.full((6, 8), 7.0, np.float32)
    instance[0, :] = 0
    # world normal pointing away from the camera: -(camera +z axis in world)
    n_world = np.broadcast_to(-pose[:3, 2], (6, 8, 3)).astype(np.float32).copy()
    n_world[1, 1] *= 3.0  # unnormalised input is renormalised
    d, n, ids = camera_labels(depth, n_world, instance, pose, k)
    assert d.dtype == np.float32 and n.dtype == np.float32 and ids.dtype == np.uint16
    assert np.all(np.isposinf(d[0])) and np.all(d[1:] == 2.5)
    assert np.all(ids[0] == 0) and np.all(ids[1:] == 7)
    assert np.all(n[0] == 0)
    # a normal leaning away from the ray (a smooth normal near a silhouette) is tilted, as little as
    # possible, until it faces the ray: onto the plane across the ray, FACING_EPS towards the camera
    rays = pixel_rays(k)[1:]
    rays /= np.linalg.norm(rays, axis=-1, keepdims=True)
    cosine = np.einsum("hwc,hwc->hw", n[1:], rays)
    assert np.all(cosine <= -FACING_EPS + 1e-7) and np.all(cosine > -10 * FACING_EPS)
    np.testing.assert_allclose(np.linalg.norm(n[1:], axis=-1), 1.0, atol=1e-6)
    away = np.array([0.0, 0.0, -1.0])
    plane = away - np.einsum("hwc,c->hw", rays, away)[..., None] * rays
    plane /= np.linalg.norm(plane, axis=-1, keepdims=True)
    assert np.degrees(np.arccos(np.clip(np.einsum("hwc,hwc->hw", n[1:], plane), -1, 1))).max() < 0.1  # float32 labels


def test_labels_keep_normals_already_facing_the_camera():
    cam = Camera(look_at((1.0, -3.0, 4.0), (0.0, 0.0, 0.5)), 70.0, 8, 6)  # every ray points downwards
    pose = np.asarray(cam.cam2world)
    up_world = np.broadcast_to([0.0, 0.0, 1.0], (6, 8, 3)).astype(np.float32)
    _, n, _ = camera_labels(np.ones((6, 8), np.float32), up_world, np.ones((6, 8), np.float32), pose, cam.intrinsics())
    np.testing.assert_allclose(n, np.broadcast_to(pose[:3, :3].T @ [0, 0, 1], (6, 8, 3)), atol=1e-6)
    assert np.all(np.abs(np.linalg.norm(n, axis=-1) - 1) < 1e-6)


def test_labels_refuse_inconsistent_passes():
    cam = _camera()
    depth = np.ones((6, 8), np.float32)
    instance = np.ones((6, 8), np.float32)
    instance[2, 3] = 0  # a "miss" with a finite depth
    with pytest.raises(RuntimeError):
        camera_labels(depth, np.ones((6, 8, 3), np.float32), instance, np.asarray(cam.cam2world), cam.intrinsics())


@pytest.mark.parametrize("shape", ["cube", "plane", "uv_sphere", "cylinder", "cone"])
def test_parts_have_exact_dimensions_and_outward_faces(shape):
    dims = (0.7, 1.3, 0.0 if shape == "plane" else 2.1)
    v, faces = part_mesh(Part(shape, (0, 0, 0), dims, MAT, segments=12, rings=6))
    np.testing.assert_allclose(v.max(axis=0) - v.min(axis=0), dims, atol=1e-12)
    np.testing.assert_allclose((v.max(axis=0) + v.min(axis=0)) / 2, 0, atol=1e-12)
    centre = v.mean(axis=0)
    for f in faces:
        p = v[list(f)]
        normal = np.cross(p[1] - p[0], p[2] - p[0])
        if shape == "plane":
            assert normal[2] > 0
        else:
            assert np.dot(normal, p.mean(axis=0) - centre) > 0


def test_uv_sphere_vertices_lie_on_the_sphere_and_quads_are_planar():
    v, faces = part_mesh(Part("uv_sphere", (0, 0, 0), (2.0, 2.0, 2.0), MAT, segments=16, rings=8))
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-12)
    for f in faces:
        if len(f) == 4:
            p = v[list(f)]
            n = np.cross(p[1] - p[0], p[2] - p[0])
            assert abs(np.dot(n / np.linalg.norm(n), p[3] - p[0])) < 1e-12


def test_world_mesh_rotates_about_the_centre_then_moves():
    part = Part("cube", (1.0, 2.0, 3.0), (2.0, 2.0, 2.0), MAT, rotation=(0.0, 0.0, math.pi / 2))
    v, _ = part_world_mesh(part)
    np.testing.assert_allclose(v.mean(axis=0), [1.0, 2.0, 3.0], atol=1e-12)
    np.testing.assert_allclose(rotation_matrix((0, 0, math.pi / 2)) @ [1, 0, 0], [0, 1, 0], atol=1e-12)
