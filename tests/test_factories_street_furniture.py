"""Street furniture factories: baked sizes in their documented ranges, anchors where the layouts need
them, sign legends present as geometry, one lit signal aspect, and the street-furniture vertex budget."""

from __future__ import annotations

import pytest

from pipeline.render.asset_build import build_asset

MODULE = "pipeline.render.factories.street_furniture"
MAX_VERTICES = 15_000


def _bake(tmp_path, name: str, seed: int, spawn: dict | None = None) -> dict:
    facts = build_asset(f"{MODULE}.{name}", seed, 0.0, tmp_path / f"{name}_{seed}.blend", spawn or {})
    assert 0 < facts["vertices"] <= MAX_VERTICES
    assert facts["stray_vertices_dropped"] == 0  # long arms are not mistaken for strays
    return facts


def _within(size, lo, hi) -> None:
    for v, a, b in zip(size, lo, hi):
        assert a <= v <= b, (size, lo, hi)


def _height_above_ground(facts: dict, anchor: str) -> float:
    return facts["anchors"][anchor][2] + facts["size"][2] / 2  # the bake centres the bounding box


@pytest.mark.parametrize("seed", [6, 8])  # a pole-top pole and a mast arm, both with a pedestrian head
def test_signal_pole_heights_and_head_anchor(tmp_path, seed):
    f = _bake(tmp_path, "TrafficLightPoleFactory", seed)
    head, base = f["anchors"]["head"], f["anchors"]["base"]
    assert _height_above_ground(f, "base") == pytest.approx(0.0, abs=1e-3)
    if f["size"][1] > 4.0:  # mast arm over the road (-y): the head hangs 5 m up at the arm's end
        _within(f["size"], (0.2, 5.0, 5.8), (0.8, 8.3, 7.3))
        assert base[1] - head[1] > 4.5 and _height_above_ground(f, "head") > 5.0
    else:  # pole-top: head on the pole's front (+x), its top under the pole top
        _within(f["size"], (0.1, 0.1, 3.0), (0.4, 0.4, 4.55))
        assert head[0] > base[0] + 0.05 and 2.29 <= _height_above_ground(f, "head") < f["size"][2] - 0.5
    assert 2.2 <= _height_above_ground(f, "head_low") <= 2.5
    assert f["anchors"]["head_low"][1] < base[1]  # on the pole's -y side
    assert _height_above_ground(f, "head") - 0.6 > _height_above_ground(f, "head_low") + 0.35  # both heads fit


@pytest.mark.parametrize("seed, aspects", [(0, 2), (2, 3)])
def test_signal_head_size_and_one_lit_aspect(tmp_path, seed, aspects):
    import bpy

    from pipeline.render.blender_scene import clear_scene
    from pipeline.render.factories.street_furniture import TrafficLightHeadFactory

    f = _bake(tmp_path, "TrafficLightHeadFactory", seed)
    lo, hi = ((0.55, 0.7) if aspects == 2 else (0.88, 1.15))
    _within(f["size"], (0.2, 0.28, lo), (0.6, 0.7, hi + 0.31))  # a backplate adds 0.1-0.15 m around
    assert f["anchors"]["mount"][0] == pytest.approx(-f["size"][0] / 2, abs=1e-3)  # back face, lenses face +x
    clear_scene()
    root = TrafficLightHeadFactory(seed).spawn_asset(seed)
    lenses = [o for o in root.children if o.name.startswith(("signal_lens", "ped_figure"))]
    strengths = [o.data.materials[0].node_tree.nodes["Principled BSDF"].inputs["Emission Strength"].default_value
                 for o in lenses]
    assert len(lenses) == aspects and sum(s > 0 for s in strengths) == 1
    bpy.data.batch_remove([root, *root.children_recursive])


def test_sign_post(tmp_path):
    f = _bake(tmp_path, "SignPostFactory", 0)
    _within(f["size"], (0.06, 0.06, 2.5), (0.12, 0.12, 3.55))
    plate, base = f["anchors"]["plate"], f["anchors"]["base"]
    assert plate[0] > base[0] + 0.02 and 2.0 <= _height_above_ground(f, "plate") <= 3.1


@pytest.mark.parametrize("kind, min_vertices", [("stop", 400), ("speed", 400), ("street_name", 600),
                                                ("crossing", 300), ("give_way", 0)])
def test_sign_faces_carry_their_legend(tmp_path, kind, min_vertices):
    f = _bake(tmp_path, "TrafficSignFactory", 1, {"kind": kind})
    plain = _bake(tmp_path, "TrafficSignFactory", 1, {"kind": "give_way"})["vertices"]  # plate and layers only
    assert f["vertices"] >= plain + min_vertices
    thick, w, h = f["size"]
    assert 0.02 < thick < 0.05  # plate, raised layers and rails
    assert (0.6 <= w <= 1.05 and 0.2 <= h <= 1.05) if kind != "street_name" else (0.6 <= w <= 1.0 and 0.2 <= h <= 0.3)
    assert f["anchors"]["mount"][0] == pytest.approx(-thick / 2, abs=1e-3)


def test_sign_text_is_mesh_in_front_of_the_plate():
    from pipeline.render.blender_scene import clear_scene
    from pipeline.render.factories.street_furniture import TrafficSignFactory

    clear_scene()
    root = TrafficSignFactory(3).spawn_asset(3, kind="stop")
    text = [o for o in root.children if o.name.startswith("sign_text")]
    plate = next(o for o in root.children if o.name == "sign_plate")
    assert len(text) == 1 and text[0].type == "MESH" and len(text[0].data.vertices) > 200
    xs = [v.co.x for v in text[0].data.vertices]
    assert min(xs) > max(v.co.x for v in plate.data.vertices)
    ys = [v.co.y for v in text[0].data.vertices]
    assert 0.3 < (max(ys) - min(ys)) / plate.dimensions.y < 0.85


@pytest.mark.parametrize("seed", [0, 7])
def test_street_lamp_lamp_anchor(tmp_path, seed):
    f = _bake(tmp_path, "StreetLampFactory", seed)
    _within(f["size"], (0.15, 0.15, 6.0), (0.9, 3.5, 10.1))
    lamp, base = f["anchors"]["lamp"], f["anchors"]["base"]
    assert _height_above_ground(f, "lamp") > 5.0
    assert lamp[1] - base[1] > 0.5 or f["size"][1] < 0.9  # an arm reaches +y; a lantern sits on the pole


@pytest.mark.parametrize("seed", [0, 2])
def test_bench_seat_height(tmp_path, seed):
    f = _bake(tmp_path, "BenchFactory", seed)
    _within(f["size"], (1.5, 0.4, 0.43), (2.05, 0.85, 1.05))
    seat = max(f["supports"], key=lambda s: s["area"])
    assert 0.42 <= seat["z"] + f["size"][2] / 2 <= 0.48
    assert f["materials"] >= 2


@pytest.mark.parametrize("kind, lo, hi", [("post", (0.3, 0.35, 1.0), (0.55, 0.6, 1.45)),
                                          ("square", (0.45, 0.4, 0.9), (0.65, 0.6, 1.1)),
                                          ("round", (0.45, 0.45, 0.85), (0.65, 0.65, 1.05)),
                                          ("wheelie", (0.48, 0.55, 0.9), (0.7, 0.8, 1.07))])
def test_trash_can_kinds(tmp_path, kind, lo, hi):
    f = _bake(tmp_path, "TrashCanFactory", 1, {"kind": kind})
    _within(f["size"], lo, hi)


def test_hydrant(tmp_path):
    f = _bake(tmp_path, "HydrantFactory", 0)
    _within(f["size"], (0.3, 0.3, 0.6), (0.6, 0.6, 0.9))
    assert f["vertices"] > 300 and f["materials"] == 2


@pytest.mark.parametrize("seed", [1, 4])
def test_bike_rack_row(tmp_path, seed):
    f = _bake(tmp_path, "BikeRackFactory", seed)
    x, y, z = f["size"]
    _within((y, z), (0.65, 0.75), (1.17, 0.93))  # base plates reach past the feet
    assert any(0.9 * (n - 1) + 0.04 <= x <= 1.2 * (n - 1) + 0.17 for n in range(1, 6))  # 1-5 stands 0.9-1.2 m apart
