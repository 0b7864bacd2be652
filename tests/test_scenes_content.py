"""Infinigen content at spec level, with a made-up catalogue (no Blender, no bank): what the Kit places."""

from __future__ import annotations

import math

import pytest

from pipeline.bank.plan import _supports
from scenes import build
from scenes.nature.terrain import Terrain, height
from scenes.shared.assets import infinigen_factories
from scenes.shared.content import Catalogue, Variant
from scenes.shared.geometry import part_aabb

SIZES = {"chair": (0.5, 0.55, 0.9), "desk_chair": (0.6, 0.6, 1.1), "armchair": (0.9, 0.85, 0.85),
         "sofa": (2.0, 0.95, 0.85), "bed": (1.6, 2.1, 1.0), "table": (1.4, 0.9, 0.75),
         "coffee_table": (1.0, 0.6, 0.42), "night_stand": (0.5, 0.45, 0.55), "desk": (1.2, 0.65, 0.74),
         "bookshelf": (0.8, 0.35, 1.8), "cabinet": (0.8, 0.45, 0.6), "floor_lamp": (0.3, 0.3, 1.6),
         "table_lamp": (0.25, 0.25, 0.45), "ceiling_light": (0.45, 0.45, 0.1), "television": (1.2, 0.2, 0.75),
         "rug": (1.6, 1.1, 0.015), "toilet": (0.45, 0.7, 0.8), "bathtub": (1.7, 0.8, 0.6), "mirror": (0.6, 0.02, 0.8),
         "picture": (0.7, 0.02, 0.5), "plant": (0.4, 0.4, 1.0), "cup": (0.09, 0.09, 0.1), "bowl": (0.18, 0.18, 0.08),
         "bottle": (0.08, 0.08, 0.25), "vase": (0.15, 0.15, 0.3), "book": (0.2, 0.15, 0.03), "pillow": (0.45, 0.15, 0.4),
         "door": (0.85, 0.06, 2.05), "window": (1.1, 0.12, 1.2), "storage_box": (0.3, 0.25, 0.2),
         "standing_book": (0.2, 0.3, 0.25)}
TOPS = {"table", "coffee_table", "night_stand", "desk", "cabinet"}


def _catalogue(scale: float = 1.0) -> Catalogue:
    """Every indoor factory with a made-up size (``scale`` times the table above) and a top surface."""
    variants = []
    for name, f in infinigen_factories().items():
        if "indoor_room" not in f.families:
            continue
        w, d, h = (scale * v for v in SIZES[f.roles[0]])
        top = {"x0": -w / 2 + 0.02, "y0": -d / 2 + 0.02, "x1": w / 2 - 0.02, "y1": d / 2 - 0.02, "z": h / 2,
               "clearance": 0.6, "area": w * d}
        measured = (top,) if f.roles[0] in TOPS or f.roles[0] == "bookshelf" else ()
        variants.append(Variant(f"key-{name}", name, f.class_name, tuple(f.roles), (w, d, h), _supports(measured, f.supports)))
    return Catalogue(tuple(variants))


CATALOGUE = _catalogue()


def _room(seed: int, room: str, catalogue: Catalogue = CATALOGUE):
    return build("indoor_room", {"views": 2, "room_types": [room]}, seed, f"c{seed}", catalogue)


@pytest.mark.parametrize("scale", [0.8, 1.3])  # assets smaller and larger than the primitives they replace
@pytest.mark.parametrize("room", ["living room", "bedroom", "office", "bathroom", "kitchen"])
def test_assets_keep_their_size_sit_on_floor_or_support_and_do_not_overlap(room, scale):
    catalogue = _catalogue(scale)
    for seed in range(4):
        spec = _room(seed, room, catalogue)
        by_id = {o.instance_id: o for o in spec.objects}
        assets = [o for o in spec.objects if o.source.startswith("infinigen:")]
        assert assets, f"{room} seed {seed}: no Infinigen asset placed"
        for o in assets:
            (part,) = o.parts
            variant = next(v for v in catalogue.variants if v.key == part.asset)
            assert part.shape == "asset" and part.dimensions == variant.size  # real metric size
            assert o.source == f"infinigen:{variant.factory}" and o.class_name == variant.class_name
            box = part_aabb(part)
            if o.supported_by is not None:  # stands on its support's surface
                sup = by_id[o.supported_by]
                assert any(box.lo[2] == pytest.approx(s, abs=1e-6) for s in _support_heights(sup)), o
            elif o.class_name not in ("ceiling light", "picture", "mirror", "television", "lamp", "window"):
                assert box.lo[2] == pytest.approx(0.0, abs=1e-6), o  # on the floor
        free = [o for o in spec.objects if o.supported_by is None and o.class_name not in
                ("floor", "ceiling", "wall", "terrain", "rug", "window", "door", "curtain")]
        for i, a in enumerate(free):
            for b in free[i + 1:]:
                if _supports_other(a, b, spec):
                    continue
                assert not _overlap(a, b), f"{room} seed {seed}: {a.class_name} {a.instance_id} overlaps {b.class_name}"


@pytest.mark.parametrize("room", ["living room", "bedroom", "kitchen"])
def test_bank_doors_and_windows_fill_their_wall_holes(room):
    seen = set()
    for seed in range(6):
        spec = _room(seed, room)
        walls = [part_aabb(p) for o in spec.objects if o.class_name == "wall" for p in o.parts]
        for o in spec.objects:
            if o.source.startswith("infinigen:") and o.class_name in ("door", "window"):
                seen.add(o.class_name)
                box = part_aabb(o.parts[0])
                assert not any(box.overlaps(w) for w in walls), f"{room} seed {seed}: {o.class_name} cuts a wall"
                if o.class_name == "door":
                    assert box.lo[2] == pytest.approx(0.0, abs=1e-6)
                lo, hi = (min(b.lo[2] for b in walls), max(b.hi[2] for b in walls))
                assert lo <= box.lo[2] and box.hi[2] <= hi - 0.2 + 1e-6  # under the ceiling, with wall above
    assert seen == {"door", "window"}


def _support_heights(obj) -> list[float]:
    box = part_aabb(obj.parts[0]) if obj.parts[0].shape == "asset" else None
    tops = [part_aabb(p).hi[2] for p in obj.parts]
    if box is not None:
        tops.append(box.lo[2] + box.size[2])
    return tops


def _supports_other(a, b, spec) -> bool:
    return any(o.supported_by in (a.instance_id, b.instance_id) and o.instance_id in (a.instance_id, b.instance_id)
               for o in spec.objects)


def _overlap(a, b) -> bool:
    boxes_a = [part_aabb(p) for p in a.parts]
    boxes_b = [part_aabb(p) for p in b.parts]
    return any(x.overlaps(y) for x in boxes_a for y in boxes_b)


def test_infinigen_content_is_pure_given_the_catalogue_and_needs_one():
    assert _room(3, "office") == _room(3, "office")
    assert _room(3, "office").objects != _room(4, "office").objects
    with pytest.raises(ValueError, match="needs the asset bank's catalogue"):
        build("indoor_room", {"views": 1}, 0, "x")


def test_shell_gets_infinigen_materials_and_primitive_mode_none():
    spec = _room(1, "living room")
    kinds = {o.class_name: o.parts[0].material.kind for o in spec.objects if o.class_name in ("floor", "wall", "ceiling")}
    assert all(k.startswith("infinigen:") for k in kinds.values()), kinds
    prim = build("indoor_room", {"views": 1, "content": "primitive", "room_types": ["living room"]}, 1, "p")
    assert not any(p.shape == "asset" or p.material.kind.startswith("infinigen:") for o in prim.objects for p in o.parts)
    assert {o.source for o in prim.objects} == {"primitive:indoor_room"}


def test_swapped_lamps_keep_their_lights_inside_the_asset():
    for seed in range(6):
        spec = _room(seed, "living room")
        assert math.isfinite(sum(li.energy for li in spec.lights))
        lamp_boxes = [part_aabb(o.parts[0]) for o in spec.objects if o.source == "infinigen:CeilingLightFactory"]
        area = [li for li in spec.lights if li.kind == "area"]
        assert len(area) >= len(lamp_boxes)


def _outdoor_catalogue() -> Catalogue:
    """Made-up bank variants for the outdoor roles: two trees (one too big for a street), a bush, a rock."""
    sizes = {"TreeFactory": [(5.0, 4.5, 9.0), (12.0, 11.0, 18.0)], "BushFactory": [(0.9, 0.85, 0.9)],
             "BoulderFactory": [(1.4, 2.8, 1.6)]}
    factories = infinigen_factories()
    return Catalogue(tuple(Variant(f"key-{name}-{i}", name, factories[name].class_name, tuple(factories[name].roles), size)
                           for name, options in sizes.items() for i, size in enumerate(options)))


def test_nature_places_bank_trees_bushes_rocks_on_the_ground_apart():
    catalogue = _outdoor_catalogue()
    grounds = set()
    for seed in range(6):
        spec = build("outdoor_nature", {"views": 1}, seed, f"n{seed}", catalogue)
        assets = [o for o in spec.objects if o.source.startswith("infinigen:")]
        assert {o.source for o in assets} == {"infinigen:TreeFactory", "infinigen:BushFactory", "infinigen:BoulderFactory"}
        assert not [o for o in spec.objects if o.class_name in ("tree", "vegetation", "rock")
                    and not o.source.startswith("infinigen:")]
        terrain_part = next(o for o in spec.objects if o.class_name == "terrain").parts[0]
        ground = Terrain.from_pairs(terrain_part.heightfield.params)
        for o in assets:  # standing on the terrain (exactly: tests/test_nature_terrain.py)
            b = part_aabb(o.parts[0])
            centre = float(height(ground, (b.lo[0] + b.hi[0]) / 2, (b.lo[1] + b.hi[1]) / 2))
            assert centre - 1.5 <= b.lo[2] <= centre + 0.01
        for i, a in enumerate(assets):
            for b in assets[i + 1:]:
                assert not _overlap(a, b), f"seed {seed}: {a.source} {a.instance_id} overlaps {b.source}"
        terrain = next(o for o in spec.objects if o.class_name == "terrain")
        grounds.add(terrain.parts[0].material.kind.split(".")[0])
    assert grounds == {"infinigen:terrain", "grass"}  # Infinigen soils, and our grass (Infinigen's is geometry)


def test_street_gets_infinigen_surfaces_and_bank_trees_that_fit():
    catalogue = _outdoor_catalogue()
    kinds, trees = {}, set()
    for seed in range(4):
        spec = build("outdoor_street", {"views": 1}, seed, f"s{seed}", catalogue)
        for o in spec.objects:
            if o.class_name in ("road", "sidewalk", "curb", "building"):
                kinds.setdefault(o.class_name, set()).add(o.parts[0].material.kind)
            if o.class_name == "tree":
                assert o.source == "infinigen:TreeFactory"
                trees.add(o.parts[0].asset)
    assert all(k.startswith("infinigen:") for ks in kinds.values() for k in ks), kinds
    assert set(kinds) == {"road", "sidewalk", "curb", "building"}
    assert trees == {"key-TreeFactory-0"}  # the 12 m crown never fits between kerb and facades
    prim = build("outdoor_street", {"views": 1, "content": "primitive"}, 0, "p")
    assert {o.source for o in prim.objects} == {"primitive:outdoor_street"}


def test_family_whose_factories_have_no_variants_gets_an_empty_catalogue_not_an_error(tmp_path):
    from pipeline.bank.build import job_catalogue
    from pipeline.config import parse_config

    from scenes.shared.assets import bank_factories

    none = {name: 0 for name, f in bank_factories().items() if "outdoor_street" in f.families}
    config = parse_config({"name": "t", "scenes": [{"family": "outdoor_street", "count": 1, "params": {"views": 1}}],
                           "bank": {"per_factory": none}})
    catalogue = job_catalogue(config, str(tmp_path / "bank"))
    assert catalogue is not None and len(catalogue) == 0
    spec = build("outdoor_street", {"views": 1}, 0, "s", catalogue)
    road = next(o for o in spec.objects if o.class_name == "road")
    assert road.parts[0].material.kind.startswith("infinigen:")  # materials stay Infinigen
    assert not any(o.source.startswith(("infinigen:", "procedural:")) for o in spec.objects)


def test_a_broken_bake_is_left_out_of_the_catalogue_so_the_primitive_stands_in():
    """A bed whose bake left a vertex kilometres away (seen once with the cloth simulation) never fits a
    room; left out, the bedroom gets the primitive bed instead of no bed."""
    from pipeline.bank.plan import BankItem, catalogue
    from pipeline.bank.store import BankEntry

    items = [BankItem("BedFactory", 0, "k-bed"), BankItem("ChairFactory", 0, "k-chair")]
    entries = {"k-bed": BankEntry("k-bed", "BedFactory", 0, "1", (2.0, 2.3, 9272.0), "x", 1, 1, 1.0),
               "k-chair": BankEntry("k-chair", "ChairFactory", 0, "1", (0.5, 0.5, 0.9), "x", 1, 1, 1.0)}
    cat = catalogue(items, entries)
    assert [v.factory for v in cat.variants] == ["ChairFactory"]
    spec = build("indoor_room", {"views": 1, "room_types": ["bedroom"]}, 0, "b", cat)
    beds = [o for o in spec.objects if o.class_name == "bed"]
    assert len(beds) == 1 and beds[0].source == "primitive:indoor_room"
