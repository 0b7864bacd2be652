"""Heavy vehicles (bus, truck, tram): baked sizes in their documented ranges, standing on their wheels (and
only on them), tram wheels between the rails, several materials, and the 60k vertex budget."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.render.asset_build import build_asset

MODULE = "pipeline.render.factories.heavy_vehicles"
MAX_VERTICES = 60_000
GAUGE = 1.435
# bounding boxes: body ranges of the class docstrings; y includes the mirrors (0.15-0.27 m a side)
SIZES = {"BusFactory": ((10.5, 2.5, 2.9), (12.5, 3.12, 3.2)),
         "TruckFactory": ((7.0, 2.45, 3.2), (10.0, 3.06, 3.9)),
         "TramFactory": ((20.0, 2.3, 3.3), (32.0, 3.0, 3.6))}


def _bake(tmp_path, name: str, seed: int) -> tuple[dict, np.ndarray]:
    """The bake's facts and the baked mesh's vertices (bank frame: bounding box centred on the origin)."""
    import bpy

    path = tmp_path / f"{name}_{seed}.blend"
    facts = build_asset(f"{MODULE}.{name}", seed, 0.0, path, {})
    with bpy.data.libraries.load(str(path), link=False) as (src, dst):
        dst.objects = list(src.objects)
    obj = dst.objects[0]
    co = np.empty(len(obj.data.vertices) * 3)
    obj.data.vertices.foreach_get("co", co)
    bpy.data.batch_remove([obj, obj.data])
    return facts, co.reshape(-1, 3)


def _wheels(facts: dict) -> np.ndarray:
    return np.array([p for k, p in facts["anchors"].items() if k.startswith("wheel_")])


@pytest.mark.parametrize("name, seed", [("BusFactory", 0), ("BusFactory", 3), ("TruckFactory", 0),
                                        ("TruckFactory", 1), ("TramFactory", 0), ("TramFactory", 1)])
def test_size_budget_materials_and_ground_contact(tmp_path, name, seed):
    facts, co = _bake(tmp_path, name, seed)
    lo, hi = SIZES[name]
    assert all(a <= v <= b for v, a, b in zip(facts["size"], lo, hi)), facts["size"]
    assert 5_000 <= facts["vertices"] <= MAX_VERTICES
    assert facts["materials"] >= 5 and facts["stray_vertices_dropped"] == 0
    wheels = _wheels(facts)
    bottom = -facts["size"][2] / 2
    assert len(wheels) >= 4 and np.allclose(wheels[:, 2], bottom, atol=1e-3)  # contact points on the ground
    assert set(np.sign(wheels[:, 1])) == {-1.0, 1.0}  # both sides
    low = co[co[:, 2] < bottom + 0.005]  # what touches the ground: only tyres under anchors, one under each
    near = np.abs(low[:, None, :2] - wheels[None, :, :2])
    near = (near[..., 0] < 0.25) & (near[..., 1] < 0.4)
    assert len(low) and near.any(axis=1).all() and near.any(axis=0).all()


@pytest.mark.parametrize("seed", [0, 2])
def test_bus_overhangs_and_dual_rear_wheels(tmp_path, seed):
    facts, _ = _bake(tmp_path, "BusFactory", seed)
    a, half = facts["anchors"], facts["size"][0] / 2
    assert 2.4 <= half - a["wheel_front_left"][0] <= 3.0  # body nose 2.5-2.75 m ahead, mirrors stand out
    assert 2.85 <= a["wheel_rear_left"][0] + half <= 3.5
    assert a["wheel_rear_left"][1] < a["wheel_front_left"][1] - 0.1  # the twin tyres' centre lies inboard


def test_truck_axles(tmp_path):
    facts, _ = _bake(tmp_path, "TruckFactory", 2)
    a = facts["anchors"]
    rear = [p for k, p in a.items() if k.startswith("wheel_rear")]
    assert len(rear) in (2, 4)
    assert a["wheel_front_left"][0] - max(p[0] for p in rear) >= 3.0  # wheelbase of a rigid truck


def test_tram_bogies_sit_between_the_rails(tmp_path):
    facts, co = _bake(tmp_path, "TramFactory", 2)
    wheels = _wheels(facts)
    assert len(wheels) % 4 == 0 and len(wheels) >= 8
    assert np.abs(wheels[:, 1]).max() + 0.05 <= GAUGE / 2  # a 0.1 m wide wheel inside the rails' inner faces
    bottom = -facts["size"][2] / 2
    rail_level = co[co[:, 2] < bottom + 0.012]  # rails stand 1 cm above the road
    assert np.abs(rail_level[:, 1]).max() < GAUGE / 2


def test_seeds_differ(tmp_path):
    sizes = [tuple(build_asset(f"{MODULE}.TramFactory", s, 0.0, tmp_path / f"t{s}.blend", {})["size"]) for s in (3, 4)]
    assert sizes[0] != sizes[1]
