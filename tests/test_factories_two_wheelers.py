"""Two-wheeler factories: real-world sizes, the rider anchors the street layout seats a rider on, and
tyres standing on the ground (the bake centres the bbox, so the ground is its bottom, -size_z / 2)."""

from __future__ import annotations

import random

import bpy  # noqa: F401  (bmesh, imported by the factories, needs bpy loaded first)
import pytest

from pipeline.render.asset_build import build_asset
from pipeline.render.factories.two_wheelers import bicycle_geometry, motorcycle_geometry

MODULE = "pipeline.render.factories.two_wheelers"
RIDER_ANCHORS = {"seat", "grip_left", "grip_right", "foot_left", "foot_right"}
WHEEL_ANCHORS = {"hub_front", "hub_rear", "contact_front", "contact_rear"}


@pytest.fixture(scope="module")
def baked(tmp_path_factory):
    """Two kinds of each factory, baked once: {(factory, kind): facts}."""
    out = tmp_path_factory.mktemp("two_wheelers")
    cases = [("BicycleFactory", "road", 0), ("BicycleFactory", "step_through", 1),
             ("MotorcycleFactory", "sport", 0), ("MotorcycleFactory", "scooter", 1)]
    return {(f, k): build_asset(f"{MODULE}.{f}", seed, 0.0, out / f"{f}_{k}.blend", {"kind": k})
            for f, k, seed in cases}


def test_drawn_geometry_stays_in_real_ranges():
    for seed in range(150):
        b = bicycle_geometry(random.Random(seed))
        assert 0.62 <= b.wheel_d <= 0.71 and 0.98 <= b.wheelbase <= 1.12, (seed, b.kind)
        assert 1.65 <= b.wheelbase + b.wheel_d <= 1.85 and 0.40 <= b.bar_w <= 0.70
        assert b.saddle_top[2] > b.st_top[2] + 0.05  # some seatpost shows
        m = motorcycle_geometry(random.Random(seed))
        assert 0.55 <= min(m.d_f, m.d_r) and max(m.d_f, m.d_r) <= 0.68, (seed, m.kind)
        assert 1.8 <= m.wb + m.R_f + m.R_r <= 2.2
        assert m.pivot[0] > m.R_r + 0.05  # the swingarm pivot sits ahead of the rear tyre


@pytest.mark.parametrize("kind", ["road", "step_through"])
def test_bicycle_size_budget_and_materials(baked, kind):
    f = baked[("BicycleFactory", kind)]
    length, width, height = f["size"]
    assert 1.65 <= length <= 1.85 and 0.40 <= width <= 0.75 and 0.85 <= height <= 1.15
    assert 2500 <= f["vertices"] <= 25_000
    assert f["materials"] >= 4


@pytest.mark.parametrize("kind", ["sport", "scooter"])
def test_motorcycle_size_budget_and_materials(baked, kind):
    f = baked[("MotorcycleFactory", kind)]
    length, width, height = f["size"]
    assert 1.8 <= length <= 2.2 and 0.6 <= width <= 0.95 and 1.05 <= height <= 1.3
    assert 4000 <= f["vertices"] <= 25_000
    assert f["materials"] >= 6


@pytest.mark.parametrize("key", [("BicycleFactory", "road"), ("BicycleFactory", "step_through"),
                                 ("MotorcycleFactory", "sport"), ("MotorcycleFactory", "scooter")])
def test_rider_anchors_sit_like_a_rider(baked, key):
    f = baked[key]
    a = f["anchors"]
    assert RIDER_ANCHORS | WHEEL_ANCHORS <= set(a)
    seat = a["seat"]
    assert seat[2] > max(a["hub_front"][2], a["hub_rear"][2]) + 0.3
    assert a["hub_rear"][0] < seat[0] < a["hub_front"][0]
    assert abs(seat[1]) < 1e-6
    for side, sign in (("left", 1), ("right", -1)):
        grip, foot = a[f"grip_{side}"], a[f"foot_{side}"]
        assert grip[0] > seat[0] + 0.3 and sign * grip[1] > 0.15
        assert foot[2] < seat[2] - 0.3 and sign * foot[1] > 0.05
    assert a["grip_left"][2] == pytest.approx(a["grip_right"][2])


@pytest.mark.parametrize("key", [("BicycleFactory", "road"), ("BicycleFactory", "step_through"),
                                 ("MotorcycleFactory", "sport"), ("MotorcycleFactory", "scooter")])
def test_tyres_stand_on_the_bbox_bottom(baked, key):
    f = baked[key]
    a, bottom = f["anchors"], -f["size"][2] / 2
    lo, hi = (0.31, 0.355) if key[0] == "BicycleFactory" else (0.275, 0.34)
    for end in ("front", "rear"):
        assert a[f"contact_{end}"][2] == pytest.approx(bottom, abs=2e-3)
        assert lo <= a[f"hub_{end}"][2] - a[f"contact_{end}"][2] <= hi  # wheel radius
    wheelbase = a["hub_front"][0] - a["hub_rear"][0]
    assert (0.98 <= wheelbase <= 1.12) if key[0] == "BicycleFactory" else (1.29 <= wheelbase <= 1.47)


@pytest.mark.parametrize("kind", ["road", "step_through"])
def test_pedals_rest_at_the_horizontal_crank_position(baked, kind):
    a = baked[("BicycleFactory", kind)]["anchors"]
    left, right = a["foot_left"], a["foot_right"]
    assert left[2] == pytest.approx(right[2], abs=1e-4)
    assert 0.33 <= right[0] - left[0] <= 0.36  # two 165-180 mm cranks, right one forward
    assert left[2] < min(a["hub_front"][2], a["hub_rear"][2])  # the bottom bracket sits below the hubs
