"""Streets built from procedural bank assets, at spec level with a made-up catalogue (no Blender, no bank):
every vehicle, person and street-furniture class comes from the bank, mounted pieces sit on their
anchors, nothing floats and nothing intersects."""

from __future__ import annotations

import itertools

import pytest

from scenes import build
from scenes.shared.content import Catalogue, Variant
from scenes.shared.geometry import part_aabb

# role: (class, size w x d x h in the bank frame, anchors relative to the bounding-box centre)
BANK = {
    "car": ("car", (4.7, 1.82, 1.46), {}),
    "truck": ("truck", (8.5, 2.5, 3.6), {}),
    "bus": ("bus", (12.0, 2.55, 3.1), {}),
    "tram": ("train", (30.0, 2.4, 3.5), {}),
    "bicycle": ("bicycle", (1.75, 0.6, 1.05), {"seat": (-0.25, 0.0, 0.42), "foot_left": (0.0, 0.1, -0.25)}),
    "motorcycle": ("motorcycle", (2.1, 0.8, 1.2), {"seat": (-0.2, 0.0, 0.2), "foot_left": (0.0, 0.2, -0.3)}),
    "rider": ("rider", (0.9, 0.5, 1.45), {"seat": (-0.25, 0.0, -0.05), "foot_left": (0.05, 0.12, -0.7)}),
    "person": ("person", (0.35, 0.5, 1.72), {}),
    "signal_pole": ("pole", (0.2, 0.2, 3.2), {"head": (0.1, 0.0, 1.1)}),
    "traffic_light": ("traffic light", (0.3, 0.35, 1.0), {"mount": (-0.15, 0.0, 0.0)}),
    "sign_post": ("pole", (0.08, 0.08, 2.9), {"plate": (0.04, 0.0, 1.0)}),
    "traffic_sign": ("traffic sign", (0.05, 0.7, 0.7), {}),
    "street_light": ("pole", (0.4, 1.8, 8.0), {"lamp": (0.0, 0.7, 3.8), "base": (0.0, -0.75, -4.0)}),
    "bench": ("bench", (1.8, 0.65, 0.85), {}),
    "trash_can": ("trash can", (0.55, 0.55, 1.0), {}),
    "bollard": ("bollard", (0.2, 0.2, 0.95), {}),
    "hydrant": ("fire hydrant", (0.45, 0.4, 0.8), {}),
    "bike_rack": ("bike rack", (2.4, 0.1, 0.85), {}),
    "building": ("building", (12.0, 11.0, 15.0), {}),
    "fence": ("fence", (2.1, 0.08, 1.2), {}),
    "bush": ("vegetation", (1.6, 1.4, 1.3), {}),
}
MOUNTED = {"traffic light": "pole", "traffic sign": "pole", "rider": ("bicycle", "motorcycle")}
ELEVEN = {"person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle", "traffic light",
          "traffic sign", "pole"}


def _catalogue() -> Catalogue:
    variants = []
    for role, (cls, size, anchors) in BANK.items():
        for seed in range(2):
            s = tuple(v * (1.0 + 0.05 * seed) for v in size)
            a = tuple((k, tuple(c * (1.0 + 0.05 * seed) for c in p)) for k, p in anchors.items())
            variants.append(Variant(f"k-{role}-{seed}", f"{role}Factory", cls, (role,), s, origin="procedural",
                                    anchors=a))
    return Catalogue(tuple(variants))


CATALOGUE = _catalogue()


@pytest.fixture(scope="module")
def streets():
    return [build("outdoor_street", {"views": 1, "tram_prob": 1.0 if seed % 2 else 0.0}, seed, f"s{seed}", CATALOGUE)
            for seed in range(8)]


def test_every_vehicle_person_and_furniture_class_comes_from_the_bank(streets):
    seen = set()
    for spec in streets:
        for o in spec.objects:
            if o.class_name in ELEVEN | {"bench", "trash can", "building", "bollard", "fire hydrant", "bike rack",
                                         "fence", "vegetation"}:
                assert o.source.startswith("procedural:"), (spec.scene_id, o.class_name, o.source)
                seen.add(o.class_name)
    assert ELEVEN | {"bench", "building", "bollard", "fence", "vegetation"} <= seen, ELEVEN - seen


def _ground_z(spec, box) -> set[float]:
    """Heights the bottom of ``box`` may have: the road's (0) where its footprint lies on the road, the
    sidewalk's where it lies beside it, either where it straddles the kerb (an overhanging lamp arm)."""
    road = next(o for o in spec.objects if o.class_name == "road")
    half = max(part_aabb(p).hi[1] for p in road.parts)
    curb = part_aabb(next(o for o in spec.objects if o.class_name == "curb").parts[0]).hi[2]
    on_road, off_road = box.lo[1] < half and box.hi[1] > -half, box.hi[1] > half or box.lo[1] < -half
    return {z for z, here in ((0.0, on_road), (curb, off_road)) if here}


def test_nothing_floats_and_mounted_pieces_sit_on_their_anchors(streets):
    for spec in streets:
        objs = {o.instance_id: o for o in spec.objects}
        for o in spec.objects:
            if not o.source.startswith("procedural:"):
                continue
            (part,) = o.parts
            box = part_aabb(part)
            if o.class_name in MOUNTED:
                carrier = objs[o.instance_id - 1]  # placed together, right before it
                assert carrier.class_name in MOUNTED[o.class_name], (o.class_name, carrier.class_name)
                cb = part_aabb(carrier.parts[0])
                assert all(box.lo[i] <= cb.hi[i] + 1e-6 and cb.lo[i] <= box.hi[i] + 1e-6 for i in range(3)), \
                    f"{spec.scene_id}: {o.class_name} {o.instance_id} does not touch its {carrier.class_name}"
                continue
            ground = {0.01} if o.class_name == "train" else _ground_z(spec, box)  # trams stand on the rail heads
            assert any(abs(box.lo[2] - z) < 1e-6 for z in ground), \
                f"{spec.scene_id}: {o.class_name} {o.instance_id} bottom {box.lo[2]:.3f} is off the ground"


def test_a_rider_sits_with_its_seat_anchor_on_the_saddle(streets):
    found = 0
    for spec in streets:
        objs = {o.instance_id: o for o in spec.objects}
        for o in spec.objects:
            if o.class_name != "rider":
                continue
            bike = objs[o.instance_id - 1]
            rv = next(v for v in CATALOGUE.variants if v.key == o.parts[0].asset)
            bv = next(v for v in CATALOGUE.variants if v.key == bike.parts[0].asset)
            rider_seat = o.parts[0].location[2] + rv.anchor("seat")[2]
            bike_seat = bike.parts[0].location[2] + bv.anchor("seat")[2]
            assert rider_seat == pytest.approx(bike_seat, abs=1e-6)
            found += 1
    assert found


def test_objects_do_not_intersect_except_mounted_pairs(streets):
    ground = {"road", "sidewalk", "curb", "terrain", "rail track"}
    for spec in streets:
        objs = [o for o in spec.objects if o.class_name not in ground]
        boxes = {o.instance_id: [part_aabb(p) for p in o.parts] for o in objs}
        for a, b in itertools.combinations(objs, 2):
            if abs(a.instance_id - b.instance_id) == 1 and (a.class_name in MOUNTED or b.class_name in MOUNTED):
                continue
            for pa, pb in itertools.product(boxes[a.instance_id], boxes[b.instance_id]):
                inter = [min(pa.hi[i], pb.hi[i]) - max(pa.lo[i], pb.lo[i]) for i in range(3)]
                assert min(inter) <= 1e-6, f"{spec.scene_id}: {a.class_name} {a.instance_id} and " \
                                           f"{b.class_name} {b.instance_id} intersect"
