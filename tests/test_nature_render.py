"""A nature view rendered at 64x64: the labels are exact on the terrain (depth on the height function, depth
and normal labels agreeing), and terrain, ground cover, water, mountain and sky carry their classes."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from pipeline.render.labels import pixel_rays
from pipeline.scene_spec import Camera, look_at
from pipeline.taxonomy import class_id
from scenes import build
from scenes.nature import terrain as tr
from scenes.nature.family import GROUND_COVER_SOURCE

pytestmark = [pytest.mark.blender, pytest.mark.xdist_group("blender")]

PARAMS = {"content": "primitive", "views": 1, "resolutions": [[64, 64]], "lake_prob": 1.0, "mountain_prob": 1.0,
          "hdri_prob": 0.0, "sun_elevation_deg": [35.0, 60.0], "trees": [4, 8], "bushes": [2, 4], "rocks": [2, 4]}


def _lake_view():
    """A scene with a lake, seen from its shore: a camera 1.7 lake radii from the centre on dry ground,
    looking across the water (5 degrees down); the ground cover gathers around this camera."""
    for seed in range(40):
        spec = build("outdoor_nature", PARAMS, seed, f"lake{seed}")
        if spec.extra["water_level_m"] is not None:
            break
    terrain_obj = next(o for o in spec.objects if o.class_name == "terrain")
    t = tr.Terrain.from_pairs(terrain_obj.parts[0].heightfield.params)
    level = spec.extra["water_level_m"]
    for a in np.arange(16) * (math.pi / 8):
        x, y = t.lake_x + 1.7 * t.lake_r_m * math.cos(a), t.lake_y + 1.7 * t.lake_r_m * math.sin(a)
        ground = float(tr.height(t, x, y))
        if ground > level + 0.5 and tr.slope_deg(t, x, y) < 15:
            break
    eye = (x, y, ground + 1.6)
    dist = math.hypot(t.lake_x - x, t.lake_y - y)
    target = (t.lake_x, t.lake_y, eye[2] - dist * math.tan(math.radians(5.0)))
    cam = Camera(look_at(eye, target), 70.0, 64, 64)
    yaw = math.atan2(t.lake_y - y, t.lake_x - x)
    objects = tuple(replace(o, parts=(replace(o.parts[0], scatter=replace(o.parts[0].scatter,
                                                                            focus=((x, y, yaw, math.radians(55)),))),))
                    if o.source == GROUND_COVER_SOURCE else o for o in spec.objects)
    return replace(spec, objects=objects, cameras=(cam,), extra={**spec.extra, "view_kinds": ["ground"]}), t


@pytest.fixture(scope="module")
def rendered():
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    spec, t = _lake_view()
    with RenderWorker(RenderSettings(quality="draft", samples=8, threads=1)) as worker:
        (view,) = worker.render_scene(spec)
    return spec, t, view


def _points(view) -> np.ndarray:
    """Camera-frame points of the pixel centres (the origin where nothing was hit)."""
    depth = np.where(np.isfinite(view.depth), view.depth, 0.0).astype(np.float64)
    return pixel_rays(view.intrinsics) * depth[..., None]


def _world_points(view) -> np.ndarray:
    pts = _points(view)
    c2w = np.asarray(view.cam2world)
    return pts @ c2w[:3, :3].T + c2w[:3, 3]


def _ids(spec, cls: str, cover: bool = False) -> list[int]:
    return [o.instance_id for o in spec.objects if o.class_name == cls and (o.source == GROUND_COVER_SOURCE) == cover]


def test_terrain_ground_cover_water_mountain_and_sky_have_their_classes(rendered):
    spec, _, view = rendered
    share = {name: float((view.semantic == class_id(name)).mean()) for name in ("terrain", "water", "mountain", "sky")}
    assert all(v >= 0.01 for v in share.values()), share
    cover = np.isin(view.instance, _ids(spec, "terrain", cover=True))
    assert cover.sum() >= 20  # grass, flowers, pebbles near the camera
    assert (view.semantic[cover] == class_id("terrain")).all()
    assert not np.isin(view.instance, _ids(spec, "terrain")).__and__(cover).any()  # own instance id


def test_depth_lies_on_the_height_function_and_water_on_its_level(rendered):
    spec, t, view = rendered
    world = _world_points(view)
    ground = np.isin(view.instance, _ids(spec, "terrain") + _ids(spec, "mountain")) & np.isfinite(view.depth)
    near = ground & (view.depth < 300.0)
    err = np.abs(world[near][:, 2] - tr.height(t, world[near][:, 0], world[near][:, 1]))
    assert near.sum() > 500 and np.percentile(err, 98) < 0.05, np.percentile(err, [50, 98, 100])
    water = np.isin(view.instance, _ids(spec, "water"))
    assert water.sum() > 20
    np.testing.assert_allclose(world[water][:, 2], spec.extra["water_level_m"], atol=2e-3)


def test_depth_and_normal_labels_agree_on_the_terrain(rendered):
    """The normal of the surface through the back-projected neighbours agrees with the normal label on
    terrain pixels whose 4-neighbours are terrain too (smooth shading interpolates across facets, so the
    two differ by a fraction of a degree on hills; more across cliff edges and far away)."""
    spec, _, view = rendered
    pts = _points(view)
    dx = pts[1:-1, 2:] - pts[1:-1, :-2]
    dy = pts[2:, 1:-1] - pts[:-2, 1:-1]
    n = np.cross(dx, dy)
    n /= np.linalg.norm(n, axis=-1, keepdims=True) + 1e-30
    n *= -np.sign(np.sum(n * pts[1:-1, 1:-1], axis=-1, keepdims=True))
    terrain = np.isin(view.instance, _ids(spec, "terrain")) & (view.depth < 150.0)
    h, w = terrain.shape
    inside = terrain[1:-1, 1:-1].copy()
    for di, dj in ((0, 1), (2, 1), (1, 0), (1, 2)):
        inside &= terrain[di:di + h - 2, dj:dj + w - 2]
    cos = np.sum(n * view.normals[1:-1, 1:-1].astype(np.float64), axis=-1)[inside]
    assert inside.sum() > 300
    within = (cos > math.cos(math.radians(3.0))).mean()
    assert within > 0.9, (within, np.degrees(np.arccos(np.clip(np.percentile(cos, [5, 50]), -1, 1))))
