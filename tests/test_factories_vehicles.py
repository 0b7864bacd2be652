"""Procedural cars: real dimensions per type, tyres on the ground, enough materials, a vertex budget."""

from __future__ import annotations

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from pipeline.render.asset_build import build_asset  # noqa: E402
from pipeline.render.factories import vehicles  # noqa: E402

TYPES = {"SedanFactory": vehicles.SEDAN, "HatchbackFactory": vehicles.HATCHBACK, "SUVFactory": vehicles.SUV,
         "VanFactory": vehicles.VAN, "PickupFactory": vehicles.PICKUP}
PLATES_M = 0.03  # licence plates stand proud of the bumpers, front and rear
FLARES_M = 0.035  # arch flares stand proud of the flanks, both sides


def _baked_vertices(blend) -> np.ndarray:
    with bpy.data.libraries.load(str(blend), link=False) as (src, dst):
        dst.objects = list(src.objects)
    obj = dst.objects[0]
    co = np.empty(len(obj.data.vertices) * 3)
    obj.data.vertices.foreach_get("co", co)
    bpy.data.objects.remove(obj)
    return co.reshape(-1, 3)


@pytest.fixture(scope="module", params=sorted(TYPES))
def baked(request, tmp_path_factory):
    name = request.param
    blend = tmp_path_factory.mktemp(name) / "car.blend"
    facts = build_asset(f"pipeline.render.factories.vehicles.{name}", 0, 0.0, blend, {})
    return name, facts, _baked_vertices(blend)


def test_size_is_within_the_type_range(baked):
    name, facts, co = baked
    t = TYPES[name]
    length, _, height = facts["size"]
    assert t.length[0] <= length <= t.length[1] + PLATES_M
    assert t.height[0] - 0.005 <= height <= t.height[1] + 0.005
    below_mirrors = co[co[:, 2] < co[:, 2].min() + 0.45 * height]
    body_width = np.ptp(below_mirrors[:, 1])
    assert t.width[0] - 0.005 <= body_width <= t.width[1] + FLARES_M
    assert facts["size"][1] > body_width + 0.15  # door mirrors stick out on both sides


def test_all_four_tyres_stand_on_the_ground(baked):
    _, facts, co = baked
    anchors = facts["anchors"]
    assert sorted(anchors) == ["wheel_fl", "wheel_fr", "wheel_rl", "wheel_rr"]
    bottom = -facts["size"][2] / 2
    assert co[:, 2].min() == pytest.approx(bottom, abs=1e-4)
    for name, (x, y, z) in anchors.items():
        assert z == pytest.approx(bottom, abs=0.01), name
        near = co[(np.abs(co[:, 0] - x) < 0.05) & (np.abs(co[:, 1] - y) < 0.15)]
        assert len(near) and near[:, 2].min() == pytest.approx(bottom, abs=0.01), name
    (fl, fr, rl, rr) = (np.array(anchors[k]) for k in ("wheel_fl", "wheel_fr", "wheel_rl", "wheel_rr"))
    assert fl[0] > rl[0] and fl[1] > 0 > fr[1]  # nose towards +X, left wheels on +Y
    assert fl[0] == pytest.approx(fr[0]) and rl[0] == pytest.approx(rr[0])


def test_budget_and_materials(baked):
    _, facts, _ = baked
    assert 5_000 <= facts["vertices"] <= 40_000
    assert facts["materials"] >= 5


def test_pickup_bed_is_open_and_van_back_is_full_height(baked):
    """The rear quarter's top: a pickup's open bed stays at its rails, a van's box runs to the roof."""
    name, facts, co = baked
    length, _, height = facts["size"]
    rear_top = co[co[:, 0] < -0.3 * length / 2, 2].max() - co[:, 2].min()
    if name == "PickupFactory":
        assert rear_top < 0.75 * height
    elif name == "VanFactory":
        assert rear_top > 0.95 * height
    else:
        assert rear_top > 0.6 * height
