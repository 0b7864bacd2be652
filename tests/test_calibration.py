"""Rendered labels of the calibration scene against labels computed analytically from its parameters.

The analytic side casts the pixel-centre rays itself from ``SceneSpec.extra["analytic"]``: bounded planes,
an oriented box and the UV sphere as the convex polyhedron of its facets; it shares no code with the
renderer. Cycles' label ray leaves within 0.005 px of the pixel centre (0.01 px filter), so where a
silhouette or facet edge passes that close to a centre either side is right; such pixels are found by
casting four more rays 0.006 px off the centre.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.taxonomy import class_id
from scenes.calibration.family import CalibrationParams, generate

pytestmark = [pytest.mark.blender, pytest.mark.xdist_group("blender")]

OFFSETS = [(0.0, 0.0), (0.006, 0.0), (-0.006, 0.0), (0.0, 0.006), (0.0, -0.006)]


def _euler(rx: float, ry: float, rz: float) -> np.ndarray:
    cx, sx, cy, sy, cz, sz = math.cos(rx), math.sin(rx), math.cos(ry), math.sin(ry), math.cos(rz), math.sin(rz)
    return (np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]]) @ np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
            @ np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]]))


def _sphere_facets(radius: float, segments: int, rings: int) -> tuple[np.ndarray, np.ndarray]:
    """Outward unit normals (F,3) and offsets (F,) of the UV sphere's facet planes, n.x <= d inside."""
    def vert(k: int, s: int) -> np.ndarray:
        theta, phi = math.pi * k / rings, 2 * math.pi * s / segments
        return radius * np.array([math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta)])

    normals, offsets = [], []
    for k in range(rings):
        for s in range(segments):
            if k == 0:
                a, b, c = vert(0, 0), vert(1, s), vert(1, s + 1)
            elif k == rings - 1:
                a, b, c = vert(k, s), vert(rings, 0), vert(k, s + 1)
            else:
                a, b, c = vert(k, s), vert(k + 1, s), vert(k + 1, s + 1)
            n = np.cross(b - a, c - a)
            n /= np.linalg.norm(n)
            if np.dot(n, a + b + c) < 0:
                n = -n
            normals.append(n)
            offsets.append(np.dot(n, a))
    return np.array(normals), np.array(offsets)


def _convex(origin, dirs, normals, offsets):
    """Entry distance (inf on a miss) and entry facet index of rays from ``origin`` into a convex polyhedron."""
    t_hit = np.full(len(dirs), np.inf)
    facet = np.full(len(dirs), -1)
    for lo in range(0, len(dirs), 512):
        d = dirs[lo:lo + 512]
        denom = d @ normals.T
        num = (offsets - normals @ origin)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = num / denom
        outside_parallel = np.any((denom == 0) & (num < 0), axis=1)  # parallel to a facet, outside it
        t_in = np.where(denom < 0, t, -np.inf)
        t_out = np.where(denom > 0, t, np.inf)
        enter, leave = t_in.max(axis=1), t_out.min(axis=1)
        hit = (enter <= leave) & (enter > 0) & ~outside_parallel
        t_hit[lo:lo + 512] = np.where(hit, enter, np.inf)
        facet[lo:lo + 512] = np.where(hit, t_in.argmax(axis=1), -1)
    return t_hit, facet


def _planes_of(prim) -> tuple[np.ndarray, np.ndarray]:
    """Facet planes (world) of a box or the sphere."""
    rot, centre = _euler(*prim["rotation"]), np.asarray(prim["center"])
    if prim["kind"] == "box":
        half = np.asarray(prim["size"]) / 2
        local_n = np.concatenate([np.eye(3), -np.eye(3)])
        local_d = np.concatenate([half, half])
    else:
        local_n, local_d = _sphere_facets(prim["radius"], prim["segments"], prim["rings"])
    world_n = local_n @ rot.T
    return world_n, local_d + world_n @ centre


def _cast(analytic, origin, dirs):
    """Nearest hit of each ray: (t, instance id, world normal of the surface, facet key)."""
    n_rays = len(dirs)
    best_t, best_id = np.full(n_rays, np.inf), np.zeros(n_rays, dtype=np.int64)
    best_n, best_key = np.zeros((n_rays, 3)), np.full(n_rays, -1)
    origins = np.broadcast_to(origin, dirs.shape)
    for prim in analytic:
        if prim["kind"] == "plane":
            rot, centre = _euler(*prim["rotation"]), np.asarray(prim["center"])
            n = rot[:, 2]
            with np.errstate(divide="ignore", invalid="ignore"):
                t = (centre - origin) @ n / (dirs @ n)
            local = (origins + t[:, None] * dirs - centre) @ rot
            inside = (np.abs(local[:, 0]) <= prim["size"][0] / 2) & (np.abs(local[:, 1]) <= prim["size"][1] / 2)
            t = np.where(inside & (t > 0), t, np.inf)
            normals, key = np.broadcast_to(n, dirs.shape), np.zeros(n_rays, dtype=np.int64)
        else:
            planes_n, planes_d = _planes_of(prim)
            t, facet = _convex(origin, dirs, planes_n, planes_d)
            normals, key = planes_n[np.maximum(facet, 0)], facet
            if prim.get("smooth"):  # the ideal sphere's normal where the ray meets it
                normals = _ideal_sphere_normals(origin, dirs, np.asarray(prim["center"]), prim["radius"])
                key = np.zeros(n_rays, dtype=np.int64)
        closer = t < best_t
        best_t[closer], best_id[closer] = t[closer], prim["instance_id"]
        best_n[closer], best_key[closer] = normals[closer], prim["instance_id"] * 100_000 + key[closer]
    return best_t, best_id, best_n, best_key


def _ideal_sphere_normals(origin, dirs, centre, radius):
    """Outward normal of the ideal sphere at each ray's first hit (rays that miss it: zeros)."""
    oc = origin - centre
    a = np.einsum("rc,rc->r", dirs, dirs)
    b = 2.0 * dirs @ oc
    disc = b * b - 4.0 * a * (oc @ oc - radius * radius)
    t = (-b - np.sqrt(np.maximum(disc, 0.0))) / (2.0 * a)
    hit = origin + t[:, None] * dirs - centre
    return np.where((disc >= 0)[:, None], hit / radius, 0.0)


def _analytic_view(spec, view_index):
    """Per pixel and per offset: planar depth, id, camera-frame normal facing the camera, facet key."""
    cam = spec.cameras[view_index]
    k, pose = cam.intrinsics(), np.asarray(cam.cam2world, dtype=np.float64)
    rot, eye = pose[:3, :3], pose[:3, 3]
    jj, ii = np.meshgrid(np.arange(cam.width) + 0.5, np.arange(cam.height) + 0.5)
    out = []
    for dx, dy in OFFSETS:
        d_cam = np.stack([(jj + dx - k["cx"]) / k["fx"], -(ii + dy - k["cy"]) / k["fy"], -np.ones_like(jj)], axis=-1)
        d_cam = d_cam.reshape(-1, 3)
        t, ids, n_world, key = _cast(spec.extra["analytic"], eye, d_cam @ rot.T)
        n_cam = n_world @ rot
        back = np.einsum("rc,rc->r", n_cam, d_cam) > 0
        n_cam[back] *= -1
        shape = (cam.height, cam.width)
        out.append({"depth": t.reshape(shape), "id": ids.reshape(shape), "normal": n_cam.reshape(*shape, 3),
                    "key": key.reshape(shape), "back": back.reshape(shape)})
    return out


@pytest.fixture(scope="module")
def rendered():
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    spec = generate(CalibrationParams(), seed=3, scene_id="calib3")
    with RenderWorker(RenderSettings(quality="draft", samples=1, denoise=False, threads=1)) as worker:
        views = worker.render_scene(spec)
    return spec, views, [_analytic_view(spec, i) for i in range(len(spec.cameras))]


SMOOTH_SPHERE = 6  # instance id of the smooth-shaded sphere (scenes.calibration.family)


def _angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle between vectors, well conditioned near 0 (unlike arccos of the dot product)."""
    return np.degrees(np.arctan2(np.linalg.norm(np.cross(a, b), axis=-1), np.einsum("...c,...c->...", a, b)))


def _interior(ids: np.ndarray) -> np.ndarray:
    """Pixels whose 3x3 neighbourhood (inside the image) holds one object id."""
    h, w = ids.shape
    padded = np.pad(ids, 1, mode="edge")
    same = np.ones_like(ids, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            same &= padded[1 + di:1 + di + h, 1 + dj:1 + dj + w] == ids
    return same & (ids > 0)


def test_calibration_spec_is_deterministic_and_carries_analytic_parameters():
    a = generate(CalibrationParams(), seed=3, scene_id="x")
    assert a == generate(CalibrationParams(), seed=3, scene_id="x")
    assert a != generate(CalibrationParams(), seed=4, scene_id="x")
    kinds = {p["kind"] for p in a.extra["analytic"]}
    assert kinds == {"plane", "box", "uv_sphere"}
    assert sorted(p.get("smooth") for p in a.extra["analytic"] if p["kind"] == "uv_sphere") == [False, True]
    assert {p["instance_id"] for p in a.extra["analytic"]} == {o.instance_id for o in a.objects}


def test_misses_are_inf_exactly_where_the_rays_escape(rendered):
    _, views, analytic = rendered
    for view, ana in zip(views, analytic):
        misses = [np.isinf(a["depth"]) for a in ana]
        settled = np.all([m == misses[0] for m in misses], axis=0)
        assert settled.mean() > 0.99
        assert np.array_equal(np.isinf(view.depth)[settled], misses[0][settled])
        assert np.all(np.isposinf(view.depth[np.isinf(view.depth)]))
        assert 0.05 < misses[0].mean() < 0.8  # the scene shows sky and geometry


def test_interior_pixels_match_the_analytic_labels(rendered):
    spec, views, analytic = rendered
    classes = {o.instance_id: o.class_name for o in spec.objects}
    checked = back_faces = 0
    smooth_errors = []
    for view, ana in zip(views, analytic):
        centre = ana[0]
        interior = _interior(centre["id"]) & np.all([a["id"] == centre["id"] for a in ana], axis=0)
        assert interior.sum() > 0.3 * view.depth.size

        np.testing.assert_array_equal(view.instance[interior], centre["id"][interior])
        expected_sem = np.vectorize(lambda i: class_id(classes[i]))(centre["id"][interior])
        np.testing.assert_array_equal(view.semantic[interior], expected_sem)

        rel = np.abs(view.depth[interior].astype(np.float64) - centre["depth"][interior]) / centre["depth"][interior]
        assert rel.max() <= 1e-5, f"depth relative error {rel.max():.3g}"

        # flat faces: the normal must match the facet at the centre, or one met within 0.006 px of it
        # (a facet edge); the smooth sphere: the ideal sphere's normal within 0.5 degrees
        rendered_n = view.normals.astype(np.float64)
        angles = np.stack([_angle_deg(rendered_n, a["normal"]) for a in ana]).min(axis=0)
        smooth = interior & (centre["id"] == SMOOTH_SPHERE)
        flat = interior & ~smooth
        assert angles[flat].max() <= 0.05, f"normal angle error {angles[flat].max():.3g} deg"
        if smooth.any():
            smooth_errors.append(angles[smooth])

        checked += int(interior.sum())
        back_faces += int((centre["back"] & interior).sum())
    assert back_faces > 20  # back faces are exercised (the tilted panel seen from behind)
    assert checked > 0
    smooth_err = np.concatenate(smooth_errors)
    assert len(smooth_err) > 100 and smooth_err.max() <= 0.5, f"smooth sphere: {smooth_err.max():.3g} deg"


def test_every_normal_is_unit_and_misses_have_none(rendered):
    _, views, _ = rendered
    for view in views:
        hit = np.isfinite(view.depth)
        norms = np.linalg.norm(view.normals.astype(np.float64), axis=-1)
        assert np.all(np.abs(norms[hit] - 1.0) <= 1e-4)
        assert np.all(view.normals[~hit] == 0)
        assert np.array_equal(view.instance > 0, hit)
