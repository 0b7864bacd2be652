"""Exact correspondence between two views: synthetic depth maps with analytic flows, states and disparities."""

import numpy as np
import pytest

from pipeline.correspondence import (
    ABS_TOL_M, NO_SURFACE, OCCLUDED, OUT_OF_FRAME, REL_TOL, VISIBLE, disparity_from_flow, reproject, rig_pose,
    stereo_disparity,
)


def intrinsics(w: int, h: int, f: float) -> dict:
    return {"fx": f, "fy": f, "cx": w / 2, "cy": h / 2, "width": w, "height": h}


def pose(rotation=np.eye(3), position=(0.0, 0.0, 0.0)) -> np.ndarray:
    m = np.eye(4)
    m[:3, :3], m[:3, 3] = rotation, position
    return m


def rot_z(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def look(forward, up=(0, 0, 1)) -> np.ndarray:
    """Camera rotation (columns: camera x, y, z in world) looking along ``forward``."""
    z = -np.asarray(forward, float) / np.linalg.norm(forward)
    x = np.cross(up, z)
    x /= np.linalg.norm(x)
    return np.stack([x, np.cross(z, x), z], axis=1)


def rays(K: dict, cam2world: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """World directions with camera-frame z = -1 through image points (x, y)."""
    d = np.stack([(x - K["cx"]) / K["fx"], -(y - K["cy"]) / K["fy"], -np.ones_like(x)], axis=-1)
    return d @ cam2world[:3, :3].T


def plane_depth(K: dict, cam2world: np.ndarray, normal, offset: float) -> np.ndarray:
    """Analytic planar depth of the plane ``normal . P = offset`` (+inf where the ray misses it)."""
    y, x = np.mgrid[: K["height"], : K["width"]] + 0.5
    d = rays(K, cam2world, x, y)
    o = cam2world[:3, 3]
    with np.errstate(divide="ignore"):
        s = (offset - np.dot(normal, o)) / (d @ np.asarray(normal, float))
    return np.where(s > 0, s, np.inf)


def test_sideways_translation_of_a_fronto_parallel_plane():
    """B = A moved 0.5 m right, plane at 4 m, fx = 64: flow = -fx t / z = -8 px everywhere; the 8 left
    columns leave B's frame."""
    K = intrinsics(32, 24, 64.0)
    depth = np.full((24, 32), 4.0)
    flow, state = reproject(depth, K, np.eye(4), depth, K, pose(position=(0.5, 0, 0)))
    assert flow.dtype == np.float32 and flow.shape == (24, 32, 2) and state.dtype == np.uint8
    assert (flow[..., 0] == -8.0).all() and (flow[..., 1] == 0.0).all()
    assert (state[:, :8] == OUT_OF_FRAME).all() and (state[:, 8:] == VISIBLE).all()


def test_rotation_about_the_optical_axis():
    """Rolling B by phi about its optical axis rotates image offsets from the centre by phi (y down), for
    any depth; corners that leave the frame are out of frame."""
    w, h, phi = 40, 30, 10.0
    K = intrinsics(w, h, 35.0)
    depth_a = np.random.default_rng(0).uniform(1, 9, (h, w))
    cam2world_a = pose(look((1, 2, -0.3)), (3, -1, 2))
    cam2world_b = cam2world_a @ pose(rot_z(phi))
    depth_b = np.full((h, w), 5.0)
    flow, state = reproject(depth_a, K, cam2world_a, depth_b, K, cam2world_b, rel_tol=10.0)  # any depth matches
    y, x = np.mgrid[:h, :w] + 0.5
    u, v = x - K["cx"], y - K["cy"]
    c, s = np.cos(np.radians(phi)), np.sin(np.radians(phi))
    xb, yb = K["cx"] + c * u - s * v, K["cy"] + s * u + c * v
    np.testing.assert_allclose(flow[..., 0], xb - x, atol=1e-4)
    np.testing.assert_allclose(flow[..., 1], yb - y, atol=1e-4)
    inside = (xb >= 0) & (xb < w) & (yb >= 0) & (yb < h)
    assert 0 < (~inside).sum() < 0.2 * inside.size
    assert (state == np.where(inside, VISIBLE, OUT_OF_FRAME)).all()


def test_occluder_in_b_hides_part_of_the_plane():
    """B sees a box at 1 m in front of the 4 m plane; A pixels whose point lands on it are occluded, the rest
    (also right beside it) visible; the flow stays the geometric one."""
    K = intrinsics(32, 24, 64.0)
    depth_a = np.full((24, 32), 4.0)
    depth_b = depth_a.copy()
    depth_b[5:12, 10:20] = 1.0
    flow, state = reproject(depth_a, K, np.eye(4), depth_b, K, pose(position=(0.5, 0, 0)))
    expected = np.full((24, 32), VISIBLE)
    expected[:, :8] = OUT_OF_FRAME
    expected[5:12, 18:28] = OCCLUDED  # x_B = x_A - 8
    assert (state == expected).all()
    assert (flow[..., 0] == -8.0).all()


def test_subpixel_landing_beside_a_depth_edge_follows_the_nearest_pixel():
    """Shift 8.25 px: the point lands a quarter pixel into the pixel right of its 'straight' one; the
    occluded set is the A pixels whose landing pixel (floor of x_B) is in the occluder."""
    K = intrinsics(32, 24, 66.0)
    depth_a = np.full((24, 32), 4.0)
    depth_b = depth_a.copy()
    depth_b[:, 10:20] = 1.0
    _, state = reproject(depth_a, K, np.eye(4), depth_b, K, pose(position=(0.5, 0, 0)))
    xb = np.arange(32) + 0.5 - 8.25
    expected = np.where(xb < 0, OUT_OF_FRAME, np.where((xb >= 10) & (xb < 20), OCCLUDED, VISIBLE))
    assert (state == expected[None, :]).all()


def test_no_surface_and_behind_the_camera():
    K = intrinsics(16, 12, 20.0)
    depth = np.full((12, 16), 3.0)
    depth[:, :5] = np.inf
    flow, state = reproject(depth, K, np.eye(4), depth, K, np.eye(4))
    assert (state[:, :5] == NO_SURFACE).all() and (state[:, 5:] == VISIBLE).all()
    assert np.isnan(flow[:, :5]).all() and np.abs(flow[:, 5:]).max() < 1e-6
    turned = pose(look((0, 0, 1), up=(0, 1, 0)))  # B looks along +Z: A's points (at -Z) are behind it
    flow, state = reproject(depth, K, np.eye(4), depth, K, turned)
    assert (state[:, :5] == NO_SURFACE).all() and (state[:, 5:] == OUT_OF_FRAME).all() and np.isnan(flow).all()


def test_tolerance_is_relative_plus_absolute():
    K = intrinsics(8, 6, 10.0)
    depth_a = np.full((6, 8), 10.0)
    tol = ABS_TOL_M + REL_TOL * 10.0
    for offset, visible in [(0.99 * tol, True), (-0.99 * tol, True), (1.01 * tol, False), (-1.01 * tol, False)]:
        _, state = reproject(depth_a, K, np.eye(4), depth_a + offset, K, np.eye(4))
        assert (state == (VISIBLE if visible else OCCLUDED)).all(), offset
    _, state = reproject(depth_a, K, np.eye(4), depth_a + 0.5, K, np.eye(4), rel_tol=0.0, abs_tol_m=0.6)
    assert (state == VISIBLE).all()


def test_grazing_ground_plane_under_a_general_move():
    """A ground plane seen at grazing angles (depth changes up to ~10 % per row) from two poses: every point
    landing in B's frame is visible, and B's ray through the reprojected position hits the same 3D point."""
    K = intrinsics(64, 48, 50.0)
    ground = ((0.0, 0.0, 1.0), 0.0)
    cam2world_a = pose(look((0, np.cos(0.7), -np.sin(0.7))), (0, 0, 1.6))
    cam2world_b = pose(look((np.sin(0.05), np.cos(0.7), -np.sin(0.7) * 0.98)), (0.15, 0.4, 1.55))
    depth_a, depth_b = plane_depth(K, cam2world_a, *ground), plane_depth(K, cam2world_b, *ground)
    assert np.isfinite(depth_a).all() and np.isfinite(depth_b).all()
    flow, state = reproject(depth_a, K, cam2world_a, depth_b, K, cam2world_b)
    y, x = np.mgrid[:48, :64] + 0.5
    xb, yb = x + flow[..., 0].astype(float), y + flow[..., 1].astype(float)
    inside = (xb >= 0) & (xb < 64) & (yb >= 0) & (yb < 48)
    assert inside.mean() > 0.6 and (state == np.where(inside, VISIBLE, OUT_OF_FRAME)).all()
    p_a = cam2world_a[:3, 3] + depth_a[..., None] * rays(K, cam2world_a, x, y)
    d_b = rays(K, cam2world_b, xb, yb)
    p_b = cam2world_b[:3, 3] + (-cam2world_b[2, 3] / d_b[..., 2])[..., None] * d_b
    assert np.abs(p_a - p_b)[inside].max() < 1e-4 * depth_a.max()
    # the nearest pixel alone would not do: neighbouring rows differ by far more than the tolerance
    near = depth_b[np.floor(yb[inside]).astype(int), np.floor(xb[inside]).astype(int)]
    z_b = (p_a[inside] - cam2world_b[:3, 3]) @ -cam2world_b[:3, 2]
    assert (np.abs(near - z_b) > ABS_TOL_M + REL_TOL * z_b).mean() > 0.1


def test_stereo_disparity_is_fx_baseline_over_depth():
    K = intrinsics(48, 32, 40.0)
    rng = np.random.default_rng(3)
    depth = rng.uniform(0.8, 20.0, (32, 48))
    depth[0, :4] = np.inf
    for baseline in (0.1, -0.1):
        disp, state = stereo_disparity(depth, np.full_like(depth, 5.0), K, baseline, rel_tol=10.0)  # all match
        assert disp.dtype == np.float32 and state.dtype == np.uint8
        assert np.array_equal(disp, (40.0 * 0.1 / depth).astype(np.float32))
        assert (disp[0, :4] == 0).all() and (state[0, :4] == NO_SURFACE).all()
        x_b = np.arange(48) + 0.5 - np.sign(baseline) * disp.astype(float)
        out = (x_b < 0) | (x_b >= 48)
        assert out.any() and (state[out] == OUT_OF_FRAME).all()
        assert (state[~out & np.isfinite(depth)] == VISIBLE).all()
        flow, _ = reproject(depth, K, np.eye(4), depth, K, rig_pose(baseline))
        ok = np.isfinite(depth)
        np.testing.assert_allclose(disparity_from_flow(flow, baseline)[ok], disp[ok], rtol=1e-5)
        assert np.abs(flow[..., 1][ok]).max() < 1e-5


def test_stereo_occlusion_from_the_other_view():
    """A fronto-parallel wall at 5 m and a post at 2 m: in B (right camera) the post covers wall points that
    A sees beside it; their disparity is still the wall's."""
    K = intrinsics(40, 20, 40.0)
    depth_a = np.full((20, 40), 5.0)
    depth_a[:, 20:24] = 2.0  # post in A, disparity 2 px
    depth_b = np.full((20, 40), 5.0)
    depth_b[:, 18:22] = 2.0  # the same post in B (shifted by its 2 px)
    disp, state = stereo_disparity(depth_a, depth_b, K, 0.1)
    # wall points land at x_B = x_A - 0.8; hidden where their landing pixel is one of the post's (18..21)
    wall_hidden = [j for j in range(40) if depth_a[0, j] == 5.0 and 18 <= j + 0.5 - 0.8 < 22]
    assert wall_hidden == [19] and (state[:, 19] == OCCLUDED).all()
    assert (state[:, 20:24] == VISIBLE).all() and (disp[:, 20:24] == np.float32(2.0)).all()
    assert (state[:, 0] == OUT_OF_FRAME).all() and (disp[:, 19] == np.float32(0.8)).all()


@pytest.mark.parametrize("bad,msg", [
    (dict(depth_a=np.ones((5, 5))), "does not match"), (dict(depth_a=np.full((6, 8), np.nan)), "NaN"),
    (dict(depth_b=-np.ones((6, 8))), "negatives"), (dict(cam2world_b=np.eye(3)), "4x4"),
])
def test_bad_inputs(bad, msg):
    K = intrinsics(8, 6, 10.0)
    args = dict(depth_a=np.ones((6, 8)), K_a=K, cam2world_a=np.eye(4), depth_b=np.ones((6, 8)), K_b=K,
                cam2world_b=np.eye(4)) | bad
    with pytest.raises(ValueError, match=msg):
        reproject(**args)
    with pytest.raises(ValueError, match="baseline"):
        stereo_disparity(np.ones((6, 8)), np.ones((6, 8)), K, 0.0)
