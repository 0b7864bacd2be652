"""Room factories (kitchen units, stove, fridge, curtains, bath mat, doors): bake facts, and the indoor
layout placing them with a made-up catalogue (no Blender) while the primitive mode keeps its pieces."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from scenes import build
from scenes.indoor import kitchen
from scenes.shared.content import Catalogue, Variant
from scenes.shared.geometry import part_aabb, parts_aabb
from tests.test_scenes_content import _catalogue as infinigen_catalogue

PACKAGE = "pipeline.render.factories"
FLOOR_TOL = 1e-3


# ------------------------------------------------------------------ bake facts


@pytest.fixture(scope="module")
def bake(tmp_path_factory):
    from pipeline.render.asset_build import build_asset

    out = tmp_path_factory.mktemp("rooms")
    done: dict = {}

    def run(path: str, seed: int) -> dict:
        if (path, seed) not in done:
            done[path, seed] = build_asset(f"{PACKAGE}.{path}", seed, 0.0, out / f"{path}_{seed}.blend", {})
        return done[path, seed]
    return run


def _variant(name: str, cls: str, role: str, facts: dict, seed: int) -> Variant:
    anchors = tuple((k, tuple(v)) for k, v in facts["anchors"].items())
    return Variant(f"{name}-{seed}", name, cls, (role,), tuple(facts["size"]), origin="procedural", anchors=anchors)


def _height(facts: dict, anchor: str = "unit_origin") -> float:
    """Height of the asset's bottom above the floor point ``unit_origin`` (negative: below)."""
    return -facts["size"][2] / 2 - facts["anchors"][anchor][2]


@pytest.mark.parametrize("seed", [0, 3])
def test_base_unit_and_its_worktop_pair_up_at_real_kitchen_sizes(bake, seed):
    body, top = bake("kitchen.BaseUnitFactory", seed), bake("kitchen.BaseWorktopFactory", seed)
    w, d, h = body["size"]
    assert 0.3 <= w <= 1.0 + 1e-6 and top["size"][0] == pytest.approx(w, abs=1e-4)
    assert 0.58 <= d <= 0.62 + 0.045  # carcass and front, plus handles
    assert _height(body) == pytest.approx(0.0, abs=FLOOR_TOL)  # stands on the floor
    part = kitchen.unit_part(_variant("BaseWorktopFactory", "counter", "base_top", top, seed))
    assert 0.86 <= part.height <= 0.93 and 0.6 <= part.reach <= 0.66
    body_top = h / 2 - body["anchors"]["unit_origin"][2]
    assert body_top == pytest.approx(_height(top), abs=FLOOR_TOL)  # the worktop rests on the carcass
    assert 0.012 <= part.height - _height(top) <= 0.041  # worktop thickness
    assert body["materials"] >= 2 and top["materials"] == 1 and 100 < body["vertices"] < 5000
    assert top["supports"] and top["supports"][-1]["area"] > 0.8 * top["size"][0] * part.reach - 0.05
    cat = Catalogue((_variant("BaseUnitFactory", "cabinet", "base_unit", body, seed),
                     _variant("BaseWorktopFactory", "counter", "base_top", top, seed)))
    (unit,) = kitchen.units(cat)
    assert unit.kind == "base" and [p.part for p in unit.parts] == ["body", "top"]


def test_sink_basin_sits_in_its_worktop_cut_out_with_a_tap(bake):
    seed = 1
    body, top, basin = (bake(f"kitchen.{n}", seed) for n in ("SinkUnitFactory", "SinkWorktopFactory", "KitchenSinkFactory"))
    cat = Catalogue((_variant("SinkUnitFactory", "cabinet", "sink_unit", body, seed),
                     _variant("SinkWorktopFactory", "counter", "sink_top", top, seed),
                     _variant("KitchenSinkFactory", "sink", "kitchen_sink", basin, seed)))
    (unit,) = kitchen.units(cat)
    height = unit.parts[1].height
    assert 0.6 <= unit.width <= 1.0 + 1e-6
    bowl_depth = height - _height(basin)
    assert 0.15 <= bowl_depth <= 0.205  # bowls hang below the worktop
    tap_top = _height(basin) + basin["size"][2] - height
    assert 0.15 <= tap_top <= 0.42  # a mixer tap above the deck
    assert basin["size"][0] <= unit.width - 0.03 and basin["size"][1] <= unit.parts[1].reach - 0.08
    full = top["size"][0] * unit.parts[1].reach
    assert sum(s["area"] for s in top["supports"]) < full - 0.15  # the worktop is cut for the bowls
    assert basin["materials"] >= 2 and basin["vertices"] < 5000
    carcass_top = max(sp["z"] for sp in body["supports"]) - body["anchors"]["unit_origin"][2]
    assert carcass_top < _height(basin) - 0.005  # the carcass is open where the bowls hang into it


def test_hob_unit_has_oven_and_hob_at_worktop_height(bake):
    body, top = bake("kitchen.HobUnitFactory", 0), bake("kitchen.HobWorktopFactory", 0)
    assert body["size"][0] == pytest.approx(top["size"][0], abs=1e-4) and body["size"][0] in (pytest.approx(0.6),
                                                                                               pytest.approx(0.9))
    height = kitchen.unit_part(_variant("HobWorktopFactory", "counter", "hob_top", top, 0)).height
    hob_top = body["size"][2] / 2 - body["anchors"]["unit_origin"][2]
    assert height + 0.004 <= hob_top <= height + 0.05  # glass lies on the worktop, gas grates stand higher
    assert body["materials"] >= 5


@pytest.mark.parametrize("seed", [0, 1])
def test_stove_and_fridge_sizes(bake, seed):
    stove, fridge = bake("kitchen.StoveFactory", seed), bake("kitchen.FridgeFactory", seed)
    w, d, h = stove["size"]
    assert min(abs(w - s) for s in (0.5, 0.6, 0.76)) < 1e-3 and 0.6 <= d <= 0.72
    hob_z = stove["anchors"]["hob"][2] + h / 2
    assert 0.85 <= hob_z <= 0.93 and h - hob_z < 0.2  # gas grates or a US backguard above the hob
    fw, fd, fh = fridge["size"]
    assert 0.55 <= fw <= 0.7 and 0.6 <= fd <= 0.7 + 0.08 and 1.7 <= fh <= 2.0  # depth: doors plus handles
    assert fridge["materials"] >= 3 and stove["materials"] >= 4 and fridge["vertices"] < 5000


def test_curtains_bath_mat_and_door(bake):
    curtain = bake("soft_furnishings.CurtainFactory", 0)
    w, d, h = curtain["size"]
    assert 1.0 <= w <= 2.9 and 1.3 <= h <= 2.56 and 0.09 <= d <= 0.25
    fabric_back = curtain["anchors"]["fabric_back"][1] + d / 2
    assert 0.035 <= fabric_back <= 0.18  # the fabric hangs off the wall, clear of a sill
    assert curtain["materials"] == 2 and 1000 < curtain["vertices"] < 20000
    mat = bake("soft_furnishings.BathMatFactory", 0)
    assert 0.8 <= mat["size"][0] <= 0.9 and 0.5 <= mat["size"][1] <= 0.6 and 0.008 <= mat["size"][2] <= 0.02
    assert mat["materials"] == 1
    heights = []
    for seed in (0, 1):
        door = bake("doors.DoorFactory", seed)
        dw, dd, dh = door["size"]
        assert 0.87 <= dw <= 1.15 and 0.11 <= dd <= 0.25 and 1.97 <= dh <= 2.23
        assert door["materials"] >= 2 and door["vertices"] < 10000
        heights.append(dh)
    assert min(heights) <= 2.2 - 0.002  # under a 2.4 m ceiling less the wall kept above the hole


def test_window_wash_basin_and_area_rug(bake):
    ww, wd, wh = bake("doors.CasementWindowFactory", 0)["size"]
    assert 0.6 <= ww <= 1.8 and 0.9 <= wh <= 1.5 and 0.07 <= wd <= 0.15
    basin = bake("kitchen.WashBasinFactory", 1)
    bw, bd, bh = basin["size"]
    assert 0.5 <= bw <= 0.7 and 0.4 <= bd <= 0.53 and 0.8 + 0.1 <= bh <= 0.9 + 0.26  # rim, then the tap
    assert basin["materials"] >= 3 and basin["vertices"] < 5000
    rug = bake("soft_furnishings.AreaRugFactory", 0)
    rw, rd, rh = rug["size"]
    assert 1.2 <= rw <= 2.2 + 0.17 and 0.55 * 1.2 <= rd <= 0.75 * 2.2 and rh <= 0.016  # fringes add length


# ------------------------------------------------------------------ the layout, with a made-up catalogue


def _kitchen_line(seed: int, height: float, reach: float, depth: float = 0.6, t: float = 0.03) -> list[Variant]:
    """Variants of one kitchen line as the bake would record them: sizes and anchors (bounding box
    centred on the origin) of a 0.6 m base unit, a 0.8 m sink unit, a 0.6 m hob unit and their parts."""
    out = []

    def add(name, cls, role, w, lo, hi, supports=()):
        c = [(a + b) / 2 for a, b in zip(lo, hi)]
        pts = {"unit_origin": (0.0, 0.0, 0.0), "unit_right": (w / 2, 0.0, 0.0), "worktop_front": (0.0, reach, height)}
        anchors = tuple((k, tuple(p[i] - c[i] for i in range(3))) for k, p in pts.items())
        out.append(Variant(f"key-{name}-{seed}", name, cls, (role,), tuple(b - a for a, b in zip(lo, hi)), supports,
                           origin="procedural", anchors=anchors))

    for kind, w in (("Base", 0.6), ("Sink", 0.8), ("Hob", 0.6)):
        body_cls = "stove" if kind == "Hob" else "cabinet"
        body_top = height + 0.006 if kind == "Hob" else height - t
        add(f"{kind}UnitFactory", body_cls, f"{kind.lower()}_unit", w, (-w / 2, 0, 0), (w / 2, depth + 0.035, body_top))
        sup = ({"x0": -w / 2 + 0.02, "y0": -reach / 2 + 0.02, "x1": w / 2 - 0.02, "y1": reach / 2 - 0.02, "z": t / 2,
                "clearance": 0.6},) if kind == "Base" else ()
        add(f"{kind}WorktopFactory", "counter", f"{kind.lower()}_top", w, (-w / 2, 0, height - t), (w / 2, reach, height),
            sup)
    add("KitchenSinkFactory", "sink", "kitchen_sink", 0.8, (-0.36, reach - 0.55, height - 0.18),
        (0.36, reach - 0.06, height + 0.3))
    return out


INFINIGEN_DOOR_H = 2.35


def _room_catalogue(door_h: float = 2.1) -> Catalogue:
    fixed = [Variant("key-stove", "StoveFactory", "stove", ("stove",), (0.6, 0.62, 0.95), origin="procedural",
                     anchors=(("hob", (0.0, 0.0, 0.9 - 0.475)),)),
             Variant("key-fridge", "FridgeFactory", "refrigerator", ("refrigerator",), (0.6, 0.68, 1.8), origin="procedural"),
             Variant("key-curtains", "CurtainFactory", "curtain", ("curtains",), (1.6, 0.16, 2.3), origin="procedural",
                     anchors=(("fabric_back", (0.0, 0.05 - 0.08, -1.15)), ("rod", (0.0, 0.03, 1.1)))),
             Variant("key-curtains-wide", "CurtainFactory", "curtain", ("curtains",), (2.4, 0.16, 2.3), origin="procedural",
                     anchors=(("fabric_back", (0.0, 0.05 - 0.08, -1.15)), ("rod", (0.0, 0.03, 1.1)))),
             Variant("key-mat", "BathMatFactory", "rug", ("bath_mat",), (0.85, 0.55, 0.015), origin="procedural"),
             Variant("key-basin", "WashBasinFactory", "sink", ("sink",), (0.6, 0.48, 1.1), origin="procedural"),
             Variant("key-rug", "AreaRugFactory", "rug", ("rug",), (1.5, 0.9, 0.01), origin="procedural"),
             Variant("key-window", "CasementWindowFactory", "window", ("window",), (1.2, 0.1, 1.2), origin="procedural"),
             Variant("key-door", "DoorFactory", "door", ("door",), (1.0, 0.13, door_h), origin="procedural")]
    tall = tuple(replace(v, size=(0.9, 0.08, INFINIGEN_DOOR_H)) if "door" in v.roles else v
                 for v in infinigen_catalogue().variants)  # Infinigen's doors are 2.0-2.4 m leaves
    return Catalogue(tall + tuple(fixed) + tuple(_kitchen_line(0, 0.9, 0.63))
                     + tuple(_kitchen_line(1, 0.87, 0.61)))


CATALOGUE = _room_catalogue()
KITCHEN_PRIMITIVES = ("counter", "stove", "refrigerator", "cabinet", "sink")


def _kitchen(seed: int, catalogue=CATALOGUE, **params):
    return build("indoor_room", {"views": 1, "room_types": ["kitchen"], **params}, seed, f"k{seed}", catalogue)


def test_kitchen_from_bank_units_has_no_primitive_counter_stove_or_fridge():
    seen, clutter = set(), 0
    for seed in range(8):
        spec = _kitchen(seed)
        by_id = {o.instance_id: o for o in spec.objects}
        for o in spec.objects:
            if o.class_name in KITCHEN_PRIMITIVES:
                assert o.source.startswith("procedural:"), f"seed {seed}: {o.class_name} is {o.source}"
                seen.add(o.source.split(":")[1])
        tops = [o for o in spec.objects if o.source.split(":")[1].endswith("WorktopFactory")]
        heights = {round(part_aabb(o.parts[0]).hi[2], 4) for o in tops}
        assert len(heights) <= 2, f"seed {seed}: worktops at {heights}"  # a run keeps one line's worktop height
        for o in tops:  # each worktop rests on its own unit's carcass
            body, box = by_id[o.supported_by], part_aabb(o.parts[0])
            assert body.source.split(":")[1].endswith("UnitFactory")
            below = part_aabb(body.parts[0])
            assert any(box.lo[i] == pytest.approx(below.lo[i], abs=1e-6)
                       and box.hi[i] == pytest.approx(below.hi[i], abs=1e-6) for i in (0, 1))  # same span along the wall
            if body.class_name == "cabinet":
                assert box.lo[2] == pytest.approx(below.hi[2], abs=1e-6)
        for o in spec.objects:
            if o.class_name == "sink":
                top = part_aabb(by_id[o.supported_by].parts[0])
                box = part_aabb(o.parts[0])
                assert all(top.lo[i] < box.lo[i] and box.hi[i] < top.hi[i] for i in (0, 1)) and box.lo[2] < top.lo[2]
        plain = {t.instance_id for t in tops if t.source == "procedural:BaseWorktopFactory"}
        clutter += sum(1 for o in spec.objects if o.supported_by in plain)
    assert {"BaseUnitFactory", "BaseWorktopFactory", "SinkUnitFactory", "KitchenSinkFactory", "FridgeFactory"} <= seen
    assert clutter  # cups and bottles stand on the worktops (their measured top surface)
    assert seen & {"HobUnitFactory", "StoveFactory"}


def test_kitchen_units_do_not_overlap_other_furniture():
    for seed in range(8):
        spec = _kitchen(seed)
        free = [o for o in spec.objects if o.supported_by is None and o.class_name not in
                ("floor", "ceiling", "wall", "terrain", "rug", "window", "door", "curtain", "ceiling light")]
        for i, a in enumerate(free):
            for b in free[i + 1:]:
                assert not any(part_aabb(p).overlaps(part_aabb(q)) for p in a.parts for q in b.parts), \
                    f"seed {seed}: {a.source} overlaps {b.source}"


def test_kitchen_without_bank_units_keeps_the_primitive_run_and_primitive_mode_is_untouched(monkeypatch):
    spec = _kitchen(2, infinigen_catalogue())
    assert any(o.class_name == "counter" and o.source == "primitive:indoor_room" for o in spec.objects)

    def refuse(*_a, **_k):
        raise AssertionError("primitive mode must not consult the bank's kitchen units")

    monkeypatch.setattr(kitchen, "counter_run", refuse)
    seen = 0
    for seed in range(4):
        prim = build("indoor_room", {"views": 1, "content": "primitive", "room_types": ["kitchen"]}, seed, f"p{seed}")
        assert {o.source for o in prim.objects} == {"primitive:indoor_room"}
        counters = [o for o in prim.objects if o.class_name == "counter"]
        assert all(len(o.parts) == 1 and o.parts[0].shape == "cube" for o in counters)
        seen += len(counters)
    assert seen


def test_bank_curtains_fit_their_window_or_fall_back_to_primitives():
    kinds = set()
    for seed in range(10):
        spec = build("indoor_room", {"views": 1, "room_types": ["living room"]}, seed, f"c{seed}", CATALOGUE)
        height = spec.extra["ceiling_height"]
        windows = [parts_aabb(o.parts) for o in spec.objects if o.class_name == "window"]
        for o in spec.objects:
            if o.class_name != "curtain":
                continue
            kinds.add(o.source)
            if o.source.startswith("procedural:"):
                box = part_aabb(o.parts[0])
                assert box.hi[2] <= height - 0.03 + 1e-6 and box.lo[2] >= 0.005 - 1e-6
                win = min(windows, key=lambda w: math.dist(w.center[:2], box.center[:2]))
                assert box.lo[2] <= win.lo[2] + 1e-6 and box.hi[2] >= win.hi[2]  # covers the window's height
                across = max(win.size[0], win.size[1])  # the window's width (its depth is far less)
                assert max(box.size[0], box.size[1]) >= across - 0.24  # the rod spans (nearly) the window
    assert "procedural:CurtainFactory" in kinds


def test_low_rooms_get_a_bank_door_that_fits_under_the_ceiling():
    sources = []
    for seed in range(8):
        spec = build("indoor_room", {"views": 1, "room_types": ["bedroom"]}, seed, f"d{seed}", _room_catalogue(2.15))
        doors = [o for o in spec.objects if o.class_name == "door"]
        height = spec.extra["ceiling_height"]
        for o in doors:
            sources.append((o.source, height))
            assert part_aabb(o.parts[0]).hi[2] <= height - 0.2 + 1e-6
    low = [s for s, h in sources if h < INFINIGEN_DOOR_H + 0.2 + 0.002]  # too low for the Infinigen doors
    assert low and all(s == "procedural:DoorFactory" for s in low)
    assert all(s.startswith(("procedural:", "infinigen:")) for s, _ in sources)


def test_bathroom_mat_and_basin_are_bank_assets():
    found = []
    for seed in range(8):
        spec = build("indoor_room", {"views": 1, "room_types": ["bathroom"]}, seed, f"b{seed}", CATALOGUE)
        found += [(o.class_name, o.source) for o in spec.objects if o.class_name in ("rug", "sink")]
    assert set(found) == {("rug", "procedural:BathMatFactory"), ("sink", "procedural:WashBasinFactory")}


def test_living_room_rug_fits_under_the_coffee_table_group():
    sources = set()
    for seed in range(10):
        spec = build("indoor_room", {"views": 1, "room_types": ["living room"]}, seed, f"r{seed}", CATALOGUE)
        sources |= {o.source for o in spec.objects if o.class_name == "rug"}
    assert "procedural:AreaRugFactory" in sources and "primitive:indoor_room" not in sources


def test_windows_too_wide_for_every_wall_are_never_picked():
    giant = Variant("key-giant", "WindowFactory", "window", ("window",), (7.5, 0.3, 1.0))
    with_giant = Catalogue(CATALOGUE.variants + (giant,))
    for seed in range(6):
        spec = build("indoor_room", {"views": 1, "room_types": ["bedroom"]}, seed, f"w{seed}", with_giant)
        assert spec == build("indoor_room", {"views": 1, "room_types": ["bedroom"]}, seed, f"w{seed}", CATALOGUE)
        assert all(o.source != "primitive:indoor_room" for o in spec.objects if o.class_name == "window")
