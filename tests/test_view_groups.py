"""View groups: config validation, the rigs' exact relative poses, single scenes unchanged, planning, and one
real stereo render whose depth maps agree with the rig."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from pydantic import ValidationError

from pipeline.config import ConfigError, parse_config
from pipeline.plan import SceneTask, WorkUnit, plan_views
from pipeline.scene_spec import Camera, look_at
from scenes import FAMILIES, build, primitive_params
from scenes.calibration.family import CalibrationParams
from scenes.indoor.family import IndoorParams
from scenes.shared.common import ViewParams
from scenes.shared.groups import expand_groups, group_rng, ground_heading

SEEDS = (0, 1, 2)
STEREO = {"kind": "stereo", "baseline_m": [0.1, 0.3]}
MOTION = {"kind": "motion", "frames": 4, "step_m": [0.05, 0.2], "turn_deg": [-2.0, 2.0]}
GROUP_FIELDS = {"group": -1, "group_kind": "", "frame": 0, "baseline_m": 0.0}


def _spec(family: str, seed: int, view_groups: dict | None = None, **params):
    p = {**primitive_params(family), **params}
    if view_groups is not None:
        p["view_groups"] = view_groups
    return build(family, p, seed, f"s{seed}")


def _pose(cam: Camera) -> np.ndarray:
    return np.asarray(cam.cam2world, dtype=np.float64)


def _errors(exc: ValidationError) -> list[tuple[tuple, str]]:
    return [(e["loc"], e["msg"]) for e in exc.errors()]


# ------------------------------------------------------------------ config


def test_defaults_are_single_views():
    p = ViewParams()
    assert p.view_groups.kind == "single" and p.view_groups.size == 1 and p.views_rendered == p.views
    assert CalibrationParams().views_rendered == 2


@pytest.mark.parametrize("groups, views, size", [
    ({"kind": "stereo"}, 3, 2), ({"kind": "motion"}, 3, 3), ({"kind": "motion", "frames": 8}, 8, 8),
    ({"kind": "stereo"}, 32, 2),
])
def test_views_rendered_is_groups_times_group_size(groups, views, size):
    p = IndoorParams(views=views, view_groups=groups)
    assert p.view_groups.size == size and p.views_rendered == views * size <= 64


@pytest.mark.parametrize("groups, loc", [
    ({"kind": "trinocular"}, ("view_groups", "kind")),
    ({"kind": "motion", "frames": 1}, ("view_groups", "frames")),
    ({"kind": "motion", "frames": 9}, ("view_groups", "frames")),
    ({"kind": "stereo", "baseline_m": [0.0, 0.2]}, ("view_groups", "baseline_m")),
    ({"kind": "stereo", "baseline_m": [0.3, 0.1]}, ("view_groups", "baseline_m")),
    ({"kind": "motion", "turn_deg": [-60.0, 2.0]}, ("view_groups", "turn_deg")),
    ({"kind": "motion", "step_m": [-0.1, 0.2]}, ("view_groups", "step_m")),
    ({"kind": "motion", "bob_m": 0.5}, ("view_groups", "bob_m")),
    ({"kind": "stereo", "rig": "wide"}, ("view_groups", "rig")),
])
def test_bad_view_groups_name_the_field(groups, loc):
    with pytest.raises(ValidationError) as err:
        IndoorParams(view_groups=groups)
    assert [e[0] for e in _errors(err.value)] == [loc]


@pytest.mark.parametrize("views, groups", [(33, {"kind": "stereo"}), (20, {"kind": "motion", "frames": 4}),
                                            (64, {"kind": "motion", "frames": 2})])
def test_views_rendered_is_capped_at_64(views, groups):
    with pytest.raises(ValidationError) as err:
        IndoorParams(views=views, view_groups=groups)
    (loc, msg), = _errors(err.value)
    assert loc == ("view_groups",) and "views_rendered" in msg and "exceeds 64" in msg


def test_job_config_names_the_capped_field():
    raw = {"name": "vg", "seed": 0, "tasks": ["depth"],
           "scenes": [{"family": "indoor_room", "count": 1,
                       "params": {"views": 40, "view_groups": {"kind": "stereo"}}}]}
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "job.yaml")
    assert "scenes[0].params.view_groups" in str(err.value) and "views_rendered" in str(err.value)


# ------------------------------------------------------------------ rigs


def _groups(cameras) -> dict[int, list[Camera]]:
    out: dict[int, list[Camera]] = {}
    for c in cameras:
        out.setdefault(c.group, []).append(c)
    return out


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_stereo_right_eye_is_left_moved_along_its_x(family):
    for seed in SEEDS:
        spec = _spec(family, seed, STEREO)
        views = 2 if family == "calibration" else 4
        assert len(spec.cameras) == 2 * views
        for g, (left, right) in _groups(spec.cameras).items():
            assert spec.cameras.index(left) == 2 * g and (left.frame, right.frame) == (0, 1)
            assert left.group_kind == right.group_kind == "stereo"
            assert left.baseline_m == right.baseline_m and 0.1 <= left.baseline_m <= 0.3
            assert (left.hfov_deg, left.width, left.height) == (right.hfov_deg, right.width, right.height)
            rel = np.linalg.inv(_pose(left)) @ _pose(right)  # the right eye in the left camera's frame
            expected = np.eye(4)
            expected[0, 3] = left.baseline_m
            np.testing.assert_allclose(rel, expected, rtol=0, atol=1e-12)


def _yaw_about_z(a: np.ndarray, b: np.ndarray) -> float:
    """Angle of the rotation b @ a.T, checked to be about world +Z."""
    d = b[:3, :3] @ a[:3, :3].T
    np.testing.assert_allclose(d[2], [0.0, 0.0, 1.0], atol=1e-12)
    return math.atan2(d[1, 0], d[0, 0])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_motion_frames_are_distinct_smooth_with_same_intrinsics(family):
    for seed in SEEDS:
        spec = _spec(family, seed, MOTION)
        for g, frames in _groups(spec.cameras).items():
            assert [c.frame for c in frames] == [0, 1, 2, 3] and {c.group_kind for c in frames} == {"motion"}
            assert len({(c.hfov_deg, c.width, c.height) for c in frames}) == 1
            assert all(c.baseline_m == 0.0 for c in frames)
            poses = [_pose(c) for c in frames]
            steps = np.array([np.linalg.norm(b[:3, 3] - a[:3, 3]) for a, b in zip(poses, poses[1:])])
            turns = np.array([_yaw_about_z(a, b) for a, b in zip(poses, poses[1:])])
            assert np.all(steps >= 0.05 - 1e-9) and np.all(steps <= 0.2 + 1e-9)
            np.testing.assert_allclose(steps, steps[0], rtol=1e-9)  # constant speed
            np.testing.assert_allclose(turns, turns[0], atol=1e-9)  # constant turn rate
            assert abs(math.degrees(turns[0])) <= 2.0 + 1e-9
            rise = [p[2, 3] - poses[0][2, 3] for p in poses]
            np.testing.assert_allclose(rise, 0.0, atol=1e-12)  # no bob by default: level travel
            # travel heads along the view direction on the ground (within the drift range) and turns with it
            moves = np.diff([p[:2, 3] for p in poses], axis=0)
            heads = np.unwrap(np.arctan2(moves[:, 1], moves[:, 0]))
            np.testing.assert_allclose(np.diff(heads), turns[1:], atol=1e-9)
            off = (heads[0] - ground_heading(poses[0][:3, :3]) - turns[0] / 2 + math.pi) % (2 * math.pi) - math.pi
            assert abs(math.degrees(off)) <= 10.0 + 1e-6


def test_motion_bob_is_small_and_vertical_only():
    cam = Camera(look_at((0.0, 0.0, 1.5), (3.0, 1.0, 1.2)), 60.0, 64, 48)
    p = IndoorParams(views=1, view_groups={"kind": "motion", "frames": 8, "bob_m": 0.03, "turn_deg": [0, 0],
                                           "drift_deg": [0, 0], "step_m": [0.1, 0.1]})
    frames = expand_groups([cam], p, group_rng("test", 0))
    eyes = np.array([_pose(c)[:3, 3] for c in frames])
    assert np.all(np.abs(eyes[:, 2] - 1.5) <= 0.06 + 1e-12) and np.ptp(eyes[:, 2]) > 0.0
    ground = np.diff(eyes[:, :2], axis=0)
    np.testing.assert_allclose(np.linalg.norm(ground, axis=1), 0.1, rtol=1e-12)
    np.testing.assert_allclose(ground / 0.1, [ground[0] / 0.1] * 7, atol=1e-12)  # straight ahead, no turn
    assert ground_heading(_pose(cam)[:3, :3]) == pytest.approx(math.atan2(*ground[0][::-1]))


def test_a_camera_looking_straight_down_moves_towards_its_image_top():
    cam = Camera(look_at((0.0, 0.0, 20.0), (0.0, 0.0, 0.0)), 60.0, 64, 48)
    p = IndoorParams(views=1, view_groups={"kind": "motion", "frames": 2, "drift_deg": [0, 0], "turn_deg": [0, 0]})
    first, second = expand_groups([cam], p, group_rng("test", 1))
    move = _pose(second)[:3, 3] - _pose(first)[:3, 3]
    up = _pose(first)[:3, 1]
    assert move @ up > 0.0 and move[2] == 0.0


def test_groups_are_deterministic_and_leave_the_drawn_cameras_alone():
    cams = [Camera(look_at((0.0, 0.0, 1.5), (3.0, 1.0, 1.2), roll=0.05), 60.0, 64, 48),
            Camera(look_at((1.0, 2.0, 1.2), (0.0, 5.0, 1.0)), 75.0, 40, 56)]
    for groups in (STEREO, MOTION):
        p = IndoorParams(views=2, view_groups=groups)
        a = expand_groups(cams, p, group_rng("test", 3))
        assert a == expand_groups(cams, p, group_rng("test", 3)) != expand_groups(cams, p, group_rng("test", 4))
        anchors = [c for c in a if c.frame == 0]
        assert [replace(c, **GROUP_FIELDS) for c in anchors] == cams and [c.group for c in anchors] == [0, 1]
    assert expand_groups(cams, IndoorParams(views=2), group_rng("test", 3)) == tuple(cams)


# ------------------------------------------------------------------ single scenes unchanged


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_view_groups_leave_the_scene_and_its_drawn_cameras_unchanged(family):
    """Group parameters come from their own rng: a stereo or motion scene is the single scene (objects,
    lights, world, facts) with each camera expanded in place, and single cameras keep every group default."""
    for seed in SEEDS:
        single = _spec(family, seed)
        assert all({k: getattr(c, k) for k in GROUP_FIELDS} == GROUP_FIELDS for c in single.cameras)
        for groups, size in ((STEREO, 2), (MOTION, 4)):
            grouped = _spec(family, seed, groups)
            assert (grouped.objects, grouped.lights, grouped.world) == (single.objects, single.lights, single.world)
            anchors = grouped.cameras[::size]
            assert [replace(c, **GROUP_FIELDS) for c in anchors] == list(single.cameras)
            assert [c.group for c in grouped.cameras] == [g for g in range(len(single.cameras)) for _ in range(size)]
            extra = dict(grouped.extra)
            if "view_kinds" in single.extra:  # per view: each group repeats its camera's kind
                assert extra.pop("view_kinds") == [k for k in single.extra["view_kinds"] for _ in range(size)]
            assert extra == {k: v for k, v in single.extra.items() if k != "view_kinds"}


# ------------------------------------------------------------------ planning


def test_plan_views_counts_views_rendered():
    tasks = (SceneTask(0, "indoor_room", IndoorParams(views=3, view_groups=STEREO), 11, "s0000000"),
             SceneTask(1, "indoor_room", IndoorParams(views=2, view_groups=MOTION), 12, "s0000001"),
             SceneTask(2, "calibration", CalibrationParams(views=1), 13, "s0000002"))
    keys = plan_views(WorkUnit("u000000", tasks))
    assert len(keys) == 6 + 8 + 1 and len(set(keys)) == len(keys)
    assert keys[:6] == [f"s0000000_v{v:02d}" for v in range(6)] and keys[-1] == "s0000002_v00"


# ------------------------------------------------------------------ a real stereo render


@pytest.mark.blender
@pytest.mark.xdist_group("blender")
def test_rendered_stereo_depths_agree_with_the_rig():
    """For pixels seen by both eyes, the right view's depth at x - fx*B/z is z (same rotation: a translation
    along x changes no planar depth), and it sees the same object there."""
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    params = CalibrationParams(views=1, width=64, height=48, view_groups={"kind": "stereo", "baseline_m": [0.3, 0.3]})
    spec = build("calibration", params, 5, "vg5")
    left_cam, right_cam = spec.cameras
    with RenderWorker(RenderSettings(quality="draft", samples=1, denoise=False, threads=1)) as worker:
        left, right = worker.render_scene(spec)
    np.testing.assert_array_equal(right.cam2world, _pose(right_cam))
    fx, b = left.intrinsics["fx"], right_cam.baseline_m
    z = left.depth.astype(np.float64)
    h, w = z.shape
    ii, jj = np.mgrid[0:h, 0:w]
    xr = jj + 0.5 - fx * b / z  # the point's column (image x) in the right view
    col = xr - 0.5
    j0 = np.floor(np.where(np.isfinite(col), col, -1.0)).astype(int)
    # away from silhouettes: the left pixel's horizontal neighbours lie on the same surface, and both right
    # pixels either side of xr are in the image
    zp = np.pad(z, ((0, 0), (1, 1)), constant_values=np.inf)
    with np.errstate(invalid="ignore"):  # inf - inf on the sky
        smooth = np.isfinite(z) & (np.abs(zp[:, :-2] - z) < 0.03 * z) & (np.abs(zp[:, 2:] - z) < 0.03 * z)
    ok = smooth & (j0 >= 0) & (j0 + 1 < w)
    assert ok.sum() > 0.3 * h * w
    a, jl = (col - j0)[ok], j0[ok]
    r = right.depth.astype(np.float64)
    zr = (1 - a) * r[ii[ok], jl] + a * r[ii[ok], jl + 1]
    zl = z[ok]
    match = np.abs(zr - zl) < 0.01 * zl
    occluded = zr < 0.99 * zl  # something nearer hides the point from the right eye
    assert match.mean() > 0.93, f"only {match.mean():.1%} of pixels match the rig"
    assert (match | occluded).mean() > 0.99  # nothing seen farther than the surface the left eye sees
    same = right.instance[ii[ok][match], np.rint(col[ok][match]).astype(int)] == left.instance[ok][match]
    assert same.mean() > 0.97
