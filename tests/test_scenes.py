"""Scene families without Blender: determinism, ids, classes, real-world sizes, cameras, no interpenetration."""

from __future__ import annotations

import itertools
import math
import time

import pytest
from pydantic import ValidationError

from pipeline.scene_spec import SceneSpec
from pipeline.taxonomy import benchmark_classes, load_taxonomy
from scenes import FAMILIES, build, get_family
from scenes.shared.assets import hdris
from tiny_job import primitive_params
from scenes.shared.common import PAPER_BUCKETS
from scenes.shared.geometry import part_aabb, parts_aabb
from scenes.shared.materials import COLORS, KINDS
from scenes.shared.validity import check_cameras

GENERATED = ("indoor_room", "outdoor_street", "outdoor_nature")
SEEDS = range(12)


@pytest.fixture(scope="module")
def scenes() -> dict[str, list[SceneSpec]]:
    return {fam: [build(fam, primitive_params(fam), seed, f"{fam}-{seed}") for seed in SEEDS] for fam in GENERATED}


def eye(cam):
    return tuple(cam.cam2world[i][3] for i in range(3))


# ------------------------------------------------------------------ registry and params


def test_registry_lists_families_and_names_unknown_ones():
    assert {"indoor_room", "outdoor_street", "outdoor_nature", "calibration"} <= set(FAMILIES)
    with pytest.raises(KeyError, match="unknown scene family 'nope'.*indoor_room"):
        get_family("nope")
    model, gen = get_family("indoor_room")
    assert callable(gen) and model().views >= 1


@pytest.mark.parametrize("fam", GENERATED)
def test_params_forbid_unknown_keys_and_reversed_ranges(fam):
    model, _ = get_family(fam)
    with pytest.raises(ValidationError):
        model.model_validate({"no_such_field": 1})
    with pytest.raises(ValidationError):
        model.model_validate({"hfov_deg": [90, 40]})
    with pytest.raises(ValidationError):
        model.model_validate({"resolutions": [[0, 10]]})


def test_params_from_config_dict():
    spec = build("indoor_room", {"content": "primitive", "views": 2, "resolutions": [[64, 48]], "room_types": ["bathroom"]}, 3, "cfg")
    assert len(spec.cameras) == 2 and spec.extra["room_type"] == "bathroom"
    assert all((c.width, c.height) == (64, 48) for c in spec.cameras)
    with pytest.raises(ValidationError, match="unknown room types"):
        build("indoor_room", {"content": "primitive", "room_types": ["garage"]}, 0, "x")


# ------------------------------------------------------------------ determinism and ids


@pytest.mark.parametrize("fam", GENERATED)
def test_pure_function_of_params_and_seed(fam, scenes):
    again = build(fam, primitive_params(fam), 5, f"{fam}-5")
    assert again == scenes[fam][5]
    assert again.to_dict() == scenes[fam][5].to_dict()
    assert build(fam, primitive_params(fam), 6, "x").objects != again.objects


@pytest.mark.parametrize("fam", GENERATED)
def test_ids_unique_classes_known(fam, scenes):
    taxonomy = load_taxonomy()
    for spec in scenes[fam]:
        ids = [o.instance_id for o in spec.objects]
        assert len(ids) == len(set(ids)) and all(1 <= i <= 65535 for i in ids)
        assert set(spec.class_names()) <= set(taxonomy)
        assert spec.background_class in taxonomy
        for o in spec.objects:
            assert o.parts, o
            assert o.supported_by is None or o.supported_by in ids


@pytest.mark.parametrize("fam", GENERATED)
def test_fast(fam):
    model, gen = get_family(fam)
    p = model.model_validate(primitive_params(fam))
    t = time.perf_counter()
    for seed in range(5):
        gen(p, 100 + seed, "t")
    assert (time.perf_counter() - t) / 5 < 0.25


# ------------------------------------------------------------------ geometry


@pytest.mark.parametrize("fam", GENERATED)
def test_no_interpenetration(fam, scenes):
    """No part of one object overlaps a part of another (touching is fine). Terrain heightfields and their
    ground cover are surfaces, not boxes: what stands on them is checked against the surface in
    tests/test_nature_terrain.py."""
    for spec in scenes[fam]:
        boxes = [(o, parts_aabb(o.parts)) for o in spec.objects if o.parts[0].shape not in ("heightfield", "scatter")]
        for (a, ba), (b, bb) in itertools.combinations(boxes, 2):
            if not ba.overlaps(bb, 1e-5):
                continue
            for pa in a.parts:
                qa = part_aabb(pa)
                for pb in b.parts:
                    assert not qa.overlaps(part_aabb(pb), 1e-5), (spec.scene_id, a.class_name, a.instance_id,
                                                                 b.class_name, b.instance_id, pa, pb)


@pytest.mark.parametrize("fam", GENERATED)
def test_supported_objects_rest_on_their_support(fam, scenes):
    for spec in scenes[fam]:
        by_id = {o.instance_id: o for o in spec.objects}
        for o in spec.objects:
            if o.supported_by is None:
                continue
            b, s = parts_aabb(o.parts), parts_aabb(by_id[o.supported_by].parts)
            tops = [part_aabb(p).hi[2] for p in by_id[o.supported_by].parts]
            assert any(abs(b.lo[2] - t) < 1e-6 for t in tops), (o.class_name, by_id[o.supported_by].class_name)
            if o.class_name != "television":  # a wide panel may overhang its stand
                assert all(s.lo[i] - 1e-6 <= b.lo[i] and b.hi[i] <= s.hi[i] + 1e-6 for i in range(2)), o.class_name


REAL_HEIGHTS = {  # metres, from the manifest ranges (plus headboards, backs, stands)
    "table": (0.38, 0.78), "chair": (0.76, 1.0), "sofa": (0.75, 0.95), "bed": (0.8, 1.2), "desk": (0.72, 0.76),
    "bookshelf": (1.0, 2.1), "wardrobe": (1.8, 2.2), "dresser": (0.75, 1.3), "night stand": (0.5, 0.7),
    "refrigerator": (1.5, 1.85), "toilet": (0.7, 0.85), "bathtub": (0.45, 0.6), "door": (2.0, 2.2),
    "person": (1.45, 1.95), "car": (1.4, 1.75), "bus": (2.9, 3.3), "truck": (3.0, 3.9),
}
REAL_LENGTHS = {"car": (3.6, 5.0), "bus": (10.5, 12.5), "truck": (6.0, 10.0), "train": (20.0, 32.0),
                "motorcycle": (1.9, 2.3), "bicycle": (1.6, 1.85)}


@pytest.mark.parametrize("fam", GENERATED)
def test_objects_have_real_world_sizes(fam, scenes):
    for spec in scenes[fam]:
        for o in spec.objects:
            b = parts_aabb(o.parts)
            assert all(math.isfinite(v) for v in b.lo + b.hi)
            if o.class_name in REAL_HEIGHTS:
                lo, hi = REAL_HEIGHTS[o.class_name]
                assert lo - 1e-6 <= b.size[2] <= hi + 1e-6, (o.class_name, b.size)
            if o.class_name in REAL_LENGTHS:
                lo, hi = REAL_LENGTHS[o.class_name]
                assert lo - 0.01 <= max(b.size[0], b.size[1]) <= hi + 0.01, (o.class_name, b.size)
            for p in o.parts:
                assert all(d >= 0 for d in p.dimensions)
                assert p.material.kind in KINDS and p.material.color_name in COLORS
                assert all(0.0 <= c <= 1.0 for c in p.material.base_color)


def test_rooms_are_metrically_plausible(scenes):
    for spec in scenes["indoor_room"]:
        assert 2.4 <= spec.extra["ceiling_height"] <= 3.2
        xs = [p[0] for p in spec.extra["room_polygon"]]
        ys = [p[1] for p in spec.extra["room_polygon"]]
        assert 1.6 <= max(xs) - min(xs) <= 7.0 and 1.6 <= max(ys) - min(ys) <= 7.0
        assert [o.class_name for o in spec.objects].count("door") == 1
        assert {"floor", "wall", "ceiling", "ceiling light"} <= set(spec.class_names())


def test_indoor_variety():
    specs = [build("indoor_room", {"content": "primitive", "views": 1}, s, "v") for s in range(60)]
    assert {s.extra["room_type"] for s in specs} == {"living room", "bedroom", "kitchen", "office", "bathroom"}
    assert any(s.extra["l_shaped"] for s in specs) and not all(s.extra["l_shaped"] for s in specs)
    seen = set().union(*(s.class_names() for s in specs))
    furniture = {"table", "chair", "sofa", "bed", "desk", "bookshelf", "shelf", "cabinet", "dresser", "night stand",
                 "lamp", "television", "door", "window", "picture", "mirror", "curtain", "rug", "plant", "toilet",
                 "sink", "bathtub", "counter", "refrigerator"}
    clutter = {"book", "cup", "bottle", "bowl", "box", "vase", "pillow"}
    assert furniture | clutter <= seen, (furniture | clutter) - seen
    assert any(o.supported_by is not None for s in specs for o in s.objects)


def test_every_bedroom_has_a_bed():
    for seed in range(15):
        spec = build("indoor_room", {"content": "primitive", "views": 1, "room_types": ["bedroom"]}, seed, "b")
        assert "bed" in spec.class_names(), seed


def test_all_cityscapes_classes_occur_by_name(scenes):
    wanted = set(benchmark_classes()["cityscapes"])
    seen = set().union(*(s.class_names() for s in scenes["outdoor_street"]))
    seen.add(scenes["outdoor_street"][0].background_class)  # sky: rays that hit nothing
    assert wanted <= seen, wanted - seen
    for spec in scenes["outdoor_street"]:
        assert len(wanted & set(spec.class_names())) >= 12


def test_nature_has_terrain_rocks_trees(scenes):
    for spec in scenes["outdoor_nature"]:
        assert {"terrain", "tree", "rock"} <= set(spec.class_names())
    assert any("water" in s.class_names() for s in scenes["outdoor_nature"])


# ------------------------------------------------------------------ cameras


@pytest.mark.parametrize("fam", GENERATED)
def test_cameras_valid_and_varied(fam, scenes):
    model, _ = get_family(fam)
    p = model()
    fovs = []
    for spec in scenes[fam]:
        assert len(spec.cameras) == p.views
        assert check_cameras(spec) == [None] * p.views
        kinds = spec.extra.get("view_kinds", ["room"] * p.views)
        for cam, kind in zip(spec.cameras, kinds):
            assert (cam.width, cam.height) in PAPER_BUCKETS
            assert p.hfov_deg[0] <= cam.hfov_deg <= p.hfov_deg[1]
            fovs.append(cam.hfov_deg)
            r = [[cam.cam2world[i][j] for j in range(3)] for i in range(3)]
            for i in range(3):  # rotation is orthonormal
                for j in range(3):
                    dot = sum(r[k][i] * r[k][j] for k in range(3))
                    assert abs(dot - (1.0 if i == j else 0.0)) < 1e-9
            roll_free_up = r[2][1]  # world z of camera up: small roll/pitch keep it near 1
            pitch_limits = {"closeup": "closeup_pitch_deg", "drone": "drone_pitch_deg"}.get(kind)
            steepest = math.radians(-getattr(p, pitch_limits)[0]) if pitch_limits else 0.0
            assert roll_free_up > 0.8 * math.cos(steepest)
    assert max(fovs) - min(fovs) > 20


def test_indoor_cameras_inside_room_at_eye_height(scenes):
    p = get_family("indoor_room")[0]()
    for spec in scenes["indoor_room"]:
        poly = spec.extra["room_polygon"]
        for cam, kind in zip(spec.cameras, spec.extra["view_kinds"]):
            x, y, z = eye(cam)
            assert p.camera_height_m[0] <= z <= p.camera_height_m[1]
            assert _inside(poly, x, y)
            pitch = math.degrees(math.asin(-cam.cam2world[2][2]))
            limits = p.pitch_deg if kind == "room" else p.closeup_pitch_deg
            assert limits[0] - 1e-6 <= pitch <= limits[1] + 1e-6


def test_indoor_closeups_look_at_an_item_on_a_support_from_near(scenes):
    p = get_family("indoor_room")[0]()
    n_closeups = 0
    for spec in scenes["indoor_room"]:
        supported = [o for o in spec.objects if o.supported_by is not None]
        for cam, kind in zip(spec.cameras, spec.extra["view_kinds"]):
            if kind != "closeup":
                continue
            n_closeups += 1
            x, y, z = eye(cam)
            ahead = (-cam.cam2world[0][2], -cam.cam2world[1][2], -cam.cam2world[2][2])
            near = []
            for o in supported:  # an item within the close-up distance, roughly ahead of the camera
                c = parts_aabb(o.parts).center
                d = math.hypot(c[0] - x, c[1] - y)
                to = (c[0] - x, c[1] - y, c[2] - z)
                cos = sum(a * b for a, b in zip(ahead, to)) / math.sqrt(sum(t * t for t in to))
                near.append(p.closeup_distance_m[0] - 1e-6 <= d <= p.closeup_distance_m[1] + 1e-6 and cos > 0.8)
            assert any(near)
    assert n_closeups >= 3


def test_outdoor_cameras_at_vehicle_or_pedestrian_height(scenes):
    p = get_family("outdoor_street")[0]()
    for spec in scenes["outdoor_street"]:
        for cam in spec.cameras:
            z = eye(cam)[2]
            assert p.camera_height_m[0] <= z <= p.camera_height_m[1] + 0.2  # + curb height on sidewalks


def _inside(poly, x, y) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


# ------------------------------------------------------------------ light and world


@pytest.mark.parametrize("fam", GENERATED)
def test_lights_and_world(fam, scenes):
    for spec in scenes[fam]:
        assert spec.lights or spec.world.kind == "hdri"
        if spec.world.kind == "sky":
            suns = [li for li in spec.lights if li.kind == "sun"]
            assert len(suns) == 1
            # the sky's sun disc (Cycles Nishita convention) and the sun light agree
            el, r = spec.world.sun_elevation, spec.world.sun_rotation
            disc = (-math.sin(r) * math.cos(el), math.cos(r) * math.cos(el), math.sin(el))
            rx, _, rz = suns[0].rotation
            shine = (-math.sin(rz) * math.sin(rx), math.cos(rz) * math.sin(rx), -math.cos(rx))
            assert all(abs(a + b) < 1e-9 for a, b in zip(disc, shine))
        if spec.world.kind == "hdri":
            assert spec.world.hdri in hdris()


def _ray_hits_box(o, d, b) -> float | None:
    """Entry distance of the ray ``o + t d`` (t > 0) into box ``b``, or None."""
    t0, t1 = 0.0, math.inf
    for i in range(3):
        if abs(d[i]) < 1e-12:
            if not b.lo[i] <= o[i] <= b.hi[i]:
                return None
            continue
        a, c = (b.lo[i] - o[i]) / d[i], (b.hi[i] - o[i]) / d[i]
        t0, t1 = max(t0, min(a, c)), min(t1, max(a, c))
    return t0 if t0 <= t1 else None


def test_rooms_are_closed(scenes):
    """Every ray from an indoor camera hits the shell (floor, ceiling, walls, door or window glass)."""
    shell = ("floor", "ceiling", "wall", "door", "window")
    for spec in scenes["indoor_room"][:6]:
        boxes = [part_aabb(p) for o in spec.objects if o.class_name in shell for p in o.parts]
        for cam in spec.cameras:
            o = eye(cam)
            for k in range(200):  # a Fibonacci sphere of directions
                z = 1 - 2 * (k + 0.5) / 200
                r, a = math.sqrt(1 - z * z), k * math.pi * (3 - math.sqrt(5))
                d = (r * math.cos(a), r * math.sin(a), z)
                assert any(_ray_hits_box(o, d, b) is not None for b in boxes), (spec.scene_id, o, d)
