"""BuildingFactory: drawn sizes stay in their documented ranges, and baked buildings keep them: storeys
stacked to the wall height, windows set into the street wall (one row per storey), a readable shop sign,
within the vertex budget."""

from __future__ import annotations

import numpy as np
import pytest

PATH = "pipeline.render.factories.facades.BuildingFactory"
SHOP_FLAT, HOUSE_GABLE = 1, 6  # seeds: a shop under a flat roof; a house under a pitched roof


@pytest.fixture(scope="module")
def baked(tmp_path_factory):
    """Bake a seed once: its facts, its plan, and the face centres of the baked mesh per material."""
    from pipeline.render.asset_build import build_asset
    from pipeline.render.factories.facades import BuildingFactory

    out = tmp_path_factory.mktemp("facades")
    done: dict = {}

    def run(seed: int):
        if seed not in done:
            blend = out / f"building_{seed}.blend"
            facts = build_asset(PATH, seed, 0.0, blend, {})
            done[seed] = facts, BuildingFactory(seed).plan, _faces_by_material(blend)
        return done[seed]
    return run


def _faces_by_material(blend) -> dict[str, np.ndarray]:
    """Face centres (N x 3, bank frame) of the baked asset, by material name (without Blender's .001)."""
    import bpy

    from pipeline.render.blender_scene import ASSET_PREFIX

    with bpy.data.libraries.load(str(blend), link=False) as (src, dst):
        dst.objects = [o for o in src.objects if o.startswith(ASSET_PREFIX)]
    obj = dst.objects[0]
    mesh = obj.data
    n = len(mesh.polygons)
    centres, index = np.empty(n * 3), np.empty(n, dtype=np.int64)
    mesh.polygons.foreach_get("center", centres)
    mesh.polygons.foreach_get("material_index", index)
    out: dict[str, list] = {}
    for i, mat in enumerate(mesh.materials):
        out.setdefault(mat.name.split(".")[0], []).append(centres.reshape(-1, 3)[index == i])
    bpy.data.objects.remove(obj)
    bpy.data.meshes.remove(mesh)
    return {k: np.concatenate(v) for k, v in out.items()}


def test_drawn_plans_stay_in_range_and_cover_every_kind():
    from pipeline.render.factories.facades import BuildingFactory

    plans = [BuildingFactory(seed).plan for seed in range(300)]
    for p in plans:
        assert 6.0 <= p.width <= 24.0 and 8.0 <= p.depth <= 16.0 and 2 <= p.storeys <= 8
        assert (3.9 <= p.ground_h <= 4.5) if p.shop else (3.5 <= p.ground_h <= 3.9)
        assert 2.8 <= p.upper_h <= 3.3 and p.frame + 0.05 <= p.recess + 1e-9
        assert p.wall_h == pytest.approx(sum(p.heights)) and len(p.heights) == p.storeys
    assert {p.roof for p in plans} == {"flat", "gable_front", "gable_side"}
    assert 0.25 < np.mean([p.shop for p in plans]) < 0.7
    assert min(p.width for p in plans) < 7 and max(p.width for p in plans) > 22
    assert {p.storeys for p in plans} == set(range(2, 9))


@pytest.mark.parametrize("seed", [SHOP_FLAT, HOUSE_GABLE])
def test_baked_building_keeps_its_plan(baked, seed):
    facts, p, faces = baked(seed)
    w, d, h = facts["size"]
    a = facts["anchors"]
    ground = a["front_centre"][2]
    assert ground == pytest.approx(-h / 2, abs=1e-3)  # stands on z = 0: nothing below the sidewalk
    assert a["eaves"][2] - ground == pytest.approx(p.wall_h, abs=1e-3)
    assert p.width <= w <= p.width + 1.5 and p.depth <= d <= p.depth + 3.5
    front = a["front_centre"][1]
    assert d / 2 - 2.0 <= front <= d / 2  # only balconies, steps, signs and eaves stand out at the front
    assert p.wall_h + 0.4 <= h <= p.wall_h + 10.0  # a parapet or a roof above the walls
    assert 1_000 <= facts["vertices"] <= 150_000 and facts["materials"] >= 4
    assert facts["stray_vertices_dropped"] == 0
    assert "asset_default" not in faces  # every part has its material (Infinigen's windows included)
    glass = faces["window_glass"]
    street = glass[(glass[:, 1] > front - 0.5) & (np.abs(glass[:, 0]) < p.width / 2 - 0.1)]
    depth = front - street[:, 1]
    assert (depth > 0.03).all() and (depth < p.recess + 0.01).all()  # set into the wall, not in front of it
    z = street[:, 2] - ground
    floors = [p.floor_z(k) for k in range(p.storeys)] + [p.wall_h]
    assert all(((z > lo + 0.1) & (z < hi - 0.1)).any() for lo, hi in zip(floors, floors[1:]))  # each storey
    assert not (np.abs(z[:, None] - np.array(floors[1:])[None]) < 0.1).any()  # none across a floor line


def test_shop_front_has_a_sign_with_raised_letters(baked):
    facts, p, faces = baked(SHOP_FLAT)
    assert p.shop
    ground, front = facts["anchors"]["front_centre"][2], facts["anchors"]["front_centre"][1]
    letters = faces["sign_letters"]
    assert len(letters) > 50
    z = letters[:, 2] - ground
    assert 2.5 < z.min() and z.max() < p.ground_h - p.course  # on the fascia under the string course
    assert (letters[:, 1] > front).all()  # standing on the fascia, in front of the wall
