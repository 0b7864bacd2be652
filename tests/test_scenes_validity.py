"""View validity filters: rendered-label checks and the spec-level camera check."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pipeline.scene_spec import Camera, look_at
from pipeline.taxonomy import class_id
from scenes import build
from scenes.shared.validity import CODES, ViewRules, check_cameras, check_view, reason_code

SKY = class_id("sky")


def view(h=40, w=50):
    depth = np.full((h, w), 5.0, np.float32)
    sem = np.full((h, w), class_id("floor"), np.uint16)
    sem[:, 20:35] = class_id("wall")
    sem[:10, 35:] = class_id("table")
    return depth, sem


def test_good_view_passes():
    depth, sem = view()
    depth[:5] = np.inf
    sem[:5] = SKY
    assert check_view(depth, sem, ViewRules()) is None


def test_too_close():
    depth, sem = view()
    depth[:, :3] = 0.1
    reason = check_view(depth, sem, ViewRules(min_depth_m=0.3))
    assert reason_code(reason) == "too_close" and "0.100 m" in reason
    assert check_view(depth, sem, ViewRules(min_depth_m=0.3, near_fraction=0.1)) is None


def test_too_much_sky_counts_the_sky_class():
    depth, sem = view()
    depth[:30] = np.inf
    sem[:30] = SKY
    assert reason_code(check_view(depth, sem, ViewRules(min_non_sky_fraction=0.3))) == "too_much_sky"
    assert check_view(depth, sem, ViewRules(min_non_sky_fraction=0.2)) is None


def test_too_few_classes_ignores_specks():
    depth, sem = view()
    sem[:] = class_id("wall")
    sem[0, 0] = class_id("chair")  # a single pixel is below min_class_fraction
    reason = check_view(depth, sem, ViewRules(min_classes=2, min_class_fraction=0.01))
    assert reason_code(reason) == "too_few_classes"


def test_background_only_and_shape_mismatch():
    depth = np.full((4, 4), np.inf, np.float32)
    assert reason_code(check_view(depth, np.zeros((4, 4), np.uint16), ViewRules())) == "no_surface"
    with pytest.raises(ValueError, match="shapes differ"):
        check_view(depth, np.zeros((3, 4), np.uint16), ViewRules())


def test_reason_codes_are_documented():
    depth, sem = view()
    depth[:, :10] = 0.05
    assert reason_code(check_view(depth, sem, ViewRules())) in CODES


def test_rules_forbid_unknown_keys():
    with pytest.raises(ValueError):
        ViewRules(min_depth=1.0)


def test_camera_inside_furniture_is_reported_by_name():
    spec = build("indoor_room", {"content": "primitive", "views": 2, "room_types": ["living room"]}, 1, "c")
    assert check_cameras(spec) == [None, None]
    sofa = next(o for o in spec.objects if o.class_name == "sofa")
    c = sofa.parts[0].location
    inside = Camera(look_at(c, (c[0] + 1, c[1], c[2])), 60.0, 64, 48)
    bad = replace(spec, cameras=(spec.cameras[0], inside))
    result = check_cameras(bad)
    assert result[0] is None
    assert reason_code(result[1]) == "camera_inside" and f"sofa (instance {sofa.instance_id})" in result[1]


def test_camera_in_open_room_is_not_inside_the_walls():
    """Walls, floor and ceiling count part by part: the room's interior is not 'inside' the shell."""
    spec = build("indoor_room", {"content": "primitive", "views": 3}, 7, "w")
    assert check_cameras(spec, ViewRules(camera_margin_m=0.25)) == [None, None, None]
