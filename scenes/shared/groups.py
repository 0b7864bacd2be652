"""View groups: each camera a family draws becomes a group of views with known relative poses.

``stereo``: frame 0 is the drawn camera (the left eye); frame 1, the right eye, is it moved by the baseline
``B`` along its own +X with the same rotation and intrinsics, so the pair is rectified by construction (a
point at planar depth ``z`` seen at column ``x`` in the left view is at ``x - fx * B / z`` in the right one).

``motion``: frames ``k = 0..n-1`` along a smooth path; frame 0 is the drawn camera. Per group one step ``s``,
turn ``t``, drift ``d`` and bob phase ``phi`` are drawn; with ``yaw0`` the heading of the view direction
projected on the ground, frame ``k``'s rotation is frame 0's turned by ``k * t`` about world +Z (pitch and
roll kept) and its eye is

    eye_k = eye_0 + sum_{i=1..k} s * (cos h_i, sin h_i, 0) + (0, 0, bob * (sin(phi + k pi/3) - sin(phi)))

with ``h_i = yaw0 + (i - 1/2) * t + d``: the chord between the two frames' yaws plus a lateral drift, so the
path is a circular arc when ``d = 0``. Every frame keeps frame 0's intrinsics.

Group parameters come from an rng of their own (:func:`group_rng`), never the family's main one, so a
scene's objects, lights and drawn cameras do not depend on its view groups, and ``single`` scenes are
exactly what they were before view groups existed.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from typing import Sequence, TypeVar

import numpy as np

from pipeline.scene_spec import Camera
from scenes.shared.common import GroupedViews, ViewGroups, uniform

T = TypeVar("T")
BOB_PERIOD_FRAMES = 6


def group_rng(family: str, seed: int) -> random.Random:
    """The rng of a scene's view-group parameters: independent of the family's main rng."""
    return random.Random(f"{family}:{seed}:view-groups")


def expand_groups(cameras: Sequence[Camera], params: GroupedViews, rng: random.Random) -> tuple[Camera, ...]:
    """Each camera becomes its group, in order (group ``g``'s views are consecutive); ``single`` returns
    the cameras unchanged."""
    vg = params.view_groups
    if vg.kind == "single":
        return tuple(cameras)
    expand = _stereo if vg.kind == "stereo" else _motion
    return tuple(cam for g, anchor in enumerate(cameras) for cam in expand(anchor, g, vg, rng))


def per_view(values: Sequence[T], params: GroupedViews) -> list[T]:
    """A per-camera list (e.g. view kinds) repeated for every view of each camera's group."""
    return [v for v in values for _ in range(params.view_groups.size)]


def _pose(m: np.ndarray) -> tuple[tuple[float, float, float, float], ...]:
    return tuple(tuple(float(x) for x in row) for row in m)


def _stereo(cam: Camera, g: int, vg: ViewGroups, rng: random.Random) -> list[Camera]:
    b = uniform(rng, vg.baseline_m)
    pose = np.asarray(cam.cam2world, dtype=np.float64)
    right = pose.copy()
    right[:3, 3] = pose[:3, 3] + b * pose[:3, 0]
    return [replace(cam, group=g, group_kind="stereo", frame=0, baseline_m=b),
            replace(cam, cam2world=_pose(right), group=g, group_kind="stereo", frame=1, baseline_m=b)]


def ground_heading(rot: np.ndarray) -> float:
    """Yaw (radians from world +X) of a camera's view direction on the ground; a camera looking straight
    down or up uses its image-up direction instead."""
    for axis in (-rot[:, 2], rot[:, 1]):
        if math.hypot(axis[0], axis[1]) > 1e-6:
            return math.atan2(axis[1], axis[0])
    raise ValueError("camera rotation has no horizontal direction")


def _motion(cam: Camera, g: int, vg: ViewGroups, rng: random.Random) -> list[Camera]:
    step = uniform(rng, vg.step_m)
    turn = math.radians(uniform(rng, vg.turn_deg))
    drift = math.radians(uniform(rng, vg.drift_deg))
    phase = rng.uniform(0.0, 2.0 * math.pi)
    pose = np.asarray(cam.cam2world, dtype=np.float64)
    rot, eye = pose[:3, :3], pose[:3, 3]
    yaw0 = ground_heading(rot)
    k = np.arange(vg.frames)
    heads = yaw0 + (k[1:] - 0.5) * turn + drift
    travel = np.zeros((vg.frames, 3))
    travel[1:, 0] = np.cumsum(step * np.cos(heads))
    travel[1:, 1] = np.cumsum(step * np.sin(heads))
    travel[:, 2] = vg.bob_m * (np.sin(phase + k * 2.0 * math.pi / BOB_PERIOD_FRAMES) - math.sin(phase))
    out = [replace(cam, group=g, group_kind="motion", frame=0)]
    for f in range(1, vg.frames):
        c, s = math.cos(f * turn), math.sin(f * turn)
        m = pose.copy()
        m[:3, :3] = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]) @ rot
        m[:3, 3] = eye + travel[f]
        out.append(replace(cam, cam2world=_pose(m), group=g, group_kind="motion", frame=f))
    return out
