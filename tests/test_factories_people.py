"""People from MakeHuman data (pipeline/render/factories/people.py): statures, feet on the ground, rider anchors,
budgets. Bakes in-process through the bank's own path."""

from __future__ import annotations

import random

import numpy as np
import pytest

from pipeline.render.asset_build import build_asset

PEOPLE = "pipeline.render.factories.people"


def _bake(name: str, seed: int, tmp_path) -> dict:
    return build_asset(f"{PEOPLE}.{name}", seed, 0.0, tmp_path / f"{name}_{seed}.blend", {})


def _lowest_materials(path) -> set[str]:
    """Material names of the faces touching the lowest centimetre of the baked asset."""
    import bpy

    with bpy.data.libraries.load(str(path), link=False) as (src, dst):
        dst.objects = list(src.objects)
    obj = dst.objects[0]
    mesh = obj.data
    co = np.array([v.co[:] for v in mesh.vertices])
    low = set(np.flatnonzero(co[:, 2] < co[:, 2].min() + 0.01).tolist())
    names = {mesh.materials[p.material_index].name for p in mesh.polygons if low & set(p.vertices)}
    bpy.data.objects.remove(obj)
    return names


def test_statures_follow_the_documented_distributions():
    import bpy  # noqa: F401  (the module builds Blender meshes)

    from pipeline.render.factories.people import _draw_phenotype

    people = [_draw_phenotype(random.Random(i)) for i in range(400)]
    men = [p.stature for p in people if p.male and 20 <= p.age <= 60]
    women = [p.stature for p in people if not p.male and 20 <= p.age <= 60]
    assert abs(np.mean(men) - 1.76) < 0.025 and abs(np.mean(women) - 1.63) < 0.025
    adults = [p.stature for p in people if p.age >= 18]
    assert min(adults) >= 1.50 and max(adults) <= 1.95
    children = [p.stature for p in people if p.age < 8]
    assert children and max(children) < 1.35 and min(children) > 0.95


@pytest.mark.parametrize("seed", [0, 3])
def test_person_is_to_scale_and_stands_on_its_shoes(seed, tmp_path):
    from pipeline.render.factories.people import _draw_phenotype

    stature = _draw_phenotype(random.Random(f"PersonFactory:{seed}")).stature  # the factory's first draw
    facts = _bake("PersonFactory", seed, tmp_path)
    w, d, h = facts["size"]
    assert abs(h - stature) < 0.06  # shoes add ~2 cm, hair ~1 cm; a stride lowers the hips a little
    assert 0.2 < d < 0.75 and 0.2 < w < 1.1  # shoulders across; a stride at most ~1 m long
    assert 5_000 < facts["vertices"] <= 25_000
    assert facts["materials"] >= 3
    assert _lowest_materials(tmp_path / f"PersonFactory_{seed}.blend") == {"person_shoes"}


def test_rider_anchors_are_where_a_seated_rider_has_them(tmp_path):
    facts = _bake("RiderFactory", 1, tmp_path)
    a = {k: np.array(v) for k, v in facts["anchors"].items()}
    assert set(a) == {"seat", "hand_left", "hand_right", "foot_left", "foot_right"}
    seat = a["seat"]
    assert abs(seat[1]) < 0.03  # on the mid-plane
    for side, sign in (("left", 1.0), ("right", -1.0)):
        hand, foot = a[f"hand_{side}"], a[f"foot_{side}"]
        assert 0.25 < hand[0] - seat[0] < 0.8  # reaching forward to the grips
        assert 0.0 < hand[2] - seat[2] < 0.6
        assert 0.15 < sign * hand[1] < 0.4 and 0.08 < sign * foot[1] < 0.4
        assert 0.35 < seat[2] - foot[2] < 0.8  # feet down ...
        assert 0.0 < foot[0] - seat[0] < 0.6  # ... and a little forward
    h = facts["size"][2]
    assert abs(a["foot_left"][2] - (-h / 2)) < 0.03  # soles at the bottom of the (centred) box
    assert facts["vertices"] <= 25_000 and facts["materials"] >= 3
