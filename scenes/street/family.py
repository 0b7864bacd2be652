"""Outdoor family ``outdoor_street``: a city street with everything Cityscapes labels.

The street runs along world x. A road (lanes, markings, a crossing, sometimes tram track) between
curbs and sidewalks; lots at sidewalk level behind them with buildings, front yards, hedges, fences
and walls; street lights, traffic lights and signs on poles, trees, benches and bins; parked and moving
cars, trucks, buses, a tram, motorcycles and bicycles with riders, and pedestrians. Every object is
checked against everything placed before it, so nothing interpenetrates.

With ``content: infinigen`` every piece is swapped for a bank asset of its role (our procedural
vehicles, people, street furniture and buildings, Infinigen's trees), placed from the asset's measured
size; heads and plates mount on their poles' anchors and riders sit on their saddles' anchors. Bollards,
hydrants and bike racks exist only as bank assets and are placed from their own random stream, so the
primitive mode's scenes stay as they were.
"""

from __future__ import annotations

import math
import random

from pydantic import Field

from pipeline.errors import SceneRejected
from pipeline.scene_spec import Light, SceneSpec, World
from scenes.street import buildings, people, street_furniture as sf, vehicles
from scenes.shared import plants
from scenes.shared.assets import hdris_for
from scenes.shared.content import Catalogue, Content, Kit, anchored_piece, kit_for, variant_piece
from scenes.shared.common import IntRange, Occupancy, Range, ViewParams, camera, sun_and_sky, uniform
from scenes.shared.geometry import box
from scenes.shared.groups import expand_groups, group_rng
from scenes.shared.materials import infinigen_material, material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample
from scenes.shared.user_content import models_for

FAMILY = "outdoor_street"
EXTENT = 400.0  # half-length of road, sidewalks and lots; beyond it only sky
TRAM_MEDIAN = 3.4  # width of the tram reservation between the two carriageways
MARK_H = 0.003  # road markings are inset: asphalt top at -MARK_H, marking tops at 0
RAIL_TOP = 0.01  # rail heads stand this far above the markings; a bank tram's wheels sit on them
FACADE_MATERIALS = 3  # Infinigen facade materials per street (each one is a node tree built per scene)
STREET_TREE_MAX = (7.0, 7.0, 14.0)  # bank trees larger than this do not fit between kerb and facades
HEDGE_BUSH_MAX = (3.0, 2.0, 2.5)  # bank bushes that line a front yard as a hedge


class OutdoorParams(ViewParams):
    """Parameters of ``outdoor_street``; counts are per scene, sizes come from the asset manifest."""

    content: Content = Field("infinigen", description="infinigen: Infinigen materials on road, sidewalks, curbs "
                             "and facades, trees from the asset bank; primitive: the fast hand-built look")
    camera_height_m: Range = Field((1.2, 1.9), description="vehicle (1.2-1.6 m) to pedestrian eye heights")
    pitch_deg: Range = (-12.0, 6.0)
    roll_deg: Range = (-3.0, 3.0)
    pedestrian_view_prob: float = Field(0.4, ge=0.0, le=1.0, description="views from the sidewalk, else a lane")
    cars: IntRange = (4, 14)
    trucks: IntRange = (0, 2)
    buses: IntRange = (0, 2)
    tram_prob: float = Field(0.5, ge=0.0, le=1.0)
    motorcycles: IntRange = (0, 3)
    bicycles: IntRange = (1, 4)
    pedestrians: IntRange = (3, 14)
    hdri_prob: float = Field(0.25, ge=0.0, le=1.0)
    night_prob: float = Field(0.1, ge=0.0, le=1.0)
    sun_elevation_deg: Range = (4.0, 70.0)
    camera_clearance_m: float = Field(0.4, ge=0.0)


class Street:
    """Cross-section of the street: lane centres, road edges, curbs, sidewalks and lots (y coordinates).

    With a tram the track gets its own median in the middle and the lanes split evenly to both sides.
    """

    def __init__(self, rng: random.Random, tram: bool):
        r, sw = sample(rng, "road"), sample(rng, "sidewalk")
        lanes, lw = int(r["lanes"]), r["lane_w"]
        self.lane_w = lw
        if tram:
            per = max(1, lanes // 2)
            self.median = TRAM_MEDIAN
            self.lane_ys = ([-(self.median / 2 + (per - 0.5 - k) * lw) for k in range(per)]
                            + [self.median / 2 + (k + 0.5) * lw for k in range(per)])
            self.half = self.median / 2 + per * lw
        else:
            self.median = 0.0
            self.half = lanes * lw / 2
            self.lane_ys = [-self.half + lw * (k + 0.5) for k in range(lanes)]
        self.lanes = len(self.lane_ys)
        self.length = float(r["length"])
        self.marking_w = r["marking_w"]
        self.curb_w, self.curb_h, self.walk = sw["curb_w"], sw["curb_h"], sw["w"]
        self.lot = self.half + self.walk  # |y| where lots begin

    def heading(self, y: float) -> float:
        """Right-hand traffic: lanes at -y drive towards +x."""
        return 0.0 if y < 0 else math.pi


def generate(params: OutdoorParams, seed: int, scene_id: str, catalogue: Catalogue | None = None) -> SceneSpec:
    """Build one street scene; a pure function of ``(params, seed)`` and, for Infinigen content, the bank's
    ``catalogue``."""
    rng = random.Random(f"{FAMILY}:{seed}")
    kit = kit_for(params.content, catalogue, FAMILY)
    infinigen = params.content == "infinigen"
    tram = rng.random() < params.tram_prob
    st = Street(rng, tram)
    occ = Occupancy(FAMILY)
    night = rng.random() < params.night_prob
    crossing_x = rng.uniform(-st.length / 4, st.length / 4)
    _ground(rng, occ, st, tram, crossing_x, infinigen)
    lights: list[Light] = []
    facades = [infinigen_material(rng, "facade") for _ in range(FACADE_MATERIALS)] if infinigen else None
    for side in (-1, 1):
        _buildings(rng, occ, st, side, facades, kit)
    _signals(rng, occ, st, crossing_x, kit)
    lights += _street_lights(rng, occ, st, night, kit)
    _signs(rng, occ, st, kit)
    _trees(rng, occ, st, kit)
    _sidewalk_items(rng, occ, st, kit)
    _bank_only_furniture(random.Random(f"{FAMILY}:{seed}:furniture"), occ, st, crossing_x, kit)
    _user_models(random.Random(f"{FAMILY}:{seed}:user-place"), occ, st, models_for(catalogue, FAMILY, seed))
    if tram:
        t = kit.make(vehicles.tram, rng)
        x = rng.uniform(-st.length / 2, st.length / 2)
        z = RAIL_TOP - t.bbox.lo[2] if t.source.startswith("procedural:") else 0.0  # wheels on the rail heads
        occ.try_add([t.placed(x, 0.0, z, rng.choice((0.0, math.pi)))])
    _vehicles(rng, occ, st, params, kit)
    _people(rng, occ, st, params, crossing_x, kit)

    if night:
        world = World(kind="hdri", hdri=rng.choice(hdris_for("night")), strength=round(rng.uniform(0.3, 0.8), 3))
        facts = {"time_of_day": "night"}
    else:
        world, sun, facts = sun_and_sky(rng, params.sun_elevation_deg, params.hdri_prob, hdris_for("outdoor"))
        lights.extend([sun] if sun else [])
        facts["time_of_day"] = "day"
    cams = expand_groups(_cameras(rng, params, st, occ), params, group_rng(FAMILY, seed))
    return SceneSpec(scene_id=scene_id, seed=seed, family=FAMILY, kind="outdoor", objects=tuple(occ.objs.objects),
                     lights=tuple(lights), world=world, cameras=tuple(cams),
                     extra={"lanes": st.lanes, "lane_width": round(st.lane_w, 4), "sidewalk_width": round(st.walk, 4),
                            "tram": tram, **facts})


# ------------------------------------------------------------------ ground


def _ground(rng: random.Random, occ: Occupancy, st: Street, tram: bool, crossing_x: float, infinigen: bool) -> None:
    """Road with markings, curbs, sidewalks, lots (terrain) and, with a tram, the rail track.

    ``infinigen``: road, curbs and sidewalks get Infinigen materials (concrete, cobblestone, tiles, stone)."""
    asphalt = infinigen_material(rng, "road") if infinigen else material(rng, "asphalt")
    paint = material(rng, "paint", ("white",))
    yellow = material(rng, "paint", ("yellow", "white"))
    L, t = 2 * EXTENT, 0.3
    mw, mh = st.marking_w, MARK_H
    road = [box((0, 0, -mh - t / 2), (L, 2 * st.half, t), asphalt)]
    solid = [sy * (st.half - 0.3) for sy in (-1, 1)]
    if st.median:
        solid += [sy * (st.median / 2 - 0.2) for sy in (-1, 1)]
    elif len(st.lane_ys) % 2 == 0:
        road.append(box((0, 0, -mh / 2), (L, mw, mh), yellow))
    for y in solid:
        road.append(box((0, y, -mh / 2), (L, mw, mh), paint))
    dash, gap = 3.0, 6.0
    for a, b in zip(st.lane_ys, st.lane_ys[1:]):
        y = (a + b) / 2
        if b - a > st.lane_w * 1.01 or (not st.median and abs(y) < 1e-6):
            continue  # the median or the centre line lies between these lanes
        x = -st.length / 2 - 20
        while x < st.length / 2 + 20:
            if abs(x - crossing_x) > 4.0:
                road.append(box((x, y, -mh / 2), (dash, mw, mh), paint))
            x += dash + gap
    stripe = 0.5
    y = -st.half + 0.6
    while y < st.half - 0.6 - stripe:
        if abs(y + stripe / 2) > st.median / 2:
            road.append(box((crossing_x, y + stripe / 2, -mh / 2), (3.0, stripe, mh), paint))
        y += 2 * stripe
    occ.add(Piece("road", tuple(road)), ground=True)
    if tram:
        steel = material(rng, "metal", ("silver", "gray"))
        gauge = sample(rng, "train")["gauge"]
        rails = [box((0, sy * (gauge / 2 + 0.035), (RAIL_TOP - mh) / 2), (L, 0.07, RAIL_TOP + mh), steel)
                 for sy in (-1, 1)]
        occ.add(Piece("rail track", tuple(rails)), ground=True)
    stone = material(rng, rng.choice(["concrete", "stone"]), ("light gray", "gray"))
    walk = material(rng, rng.choice(["concrete", "tile", "stone"]))
    if infinigen:
        stone, walk = infinigen_material(rng, "curb"), infinigen_material(rng, "sidewalk")
    lot = material(rng, "grass")
    for sy in (-1, 1):
        yc = sy * (st.half + st.curb_w / 2)
        occ.add(Piece("curb", (box((0, yc, (st.curb_h - t) / 2), (L, st.curb_w, st.curb_h + t), stone),)), ground=True)
        w = st.walk - st.curb_w
        yc = sy * (st.half + st.curb_w + w / 2)
        occ.add(Piece("sidewalk", (box((0, yc, (st.curb_h - t) / 2), (L, w, st.curb_h + t), walk),)), ground=True)
        depth = EXTENT - st.lot
        lot_box = box((0, sy * (st.lot + depth / 2), (st.curb_h - t) / 2), (L, depth, st.curb_h + t), lot)
        occ.add(Piece("terrain", (lot_box,)), ground=True)


# ------------------------------------------------------------------ lots


def _buildings(rng: random.Random, occ: Occupancy, st: Street, side: int, facades: list | None, kit: Kit) -> None:
    """A row of buildings along one side, some set back behind a front yard with a hedge, fence or wall.

    ``facades``: materials the walls are drawn from (Infinigen content), else each building picks its own."""
    x = -st.length / 2
    yaw = 0.0 if side < 0 else math.pi  # building front (+y local) faces the street
    while x < st.length / 2:
        max_w = st.length / 2 - x + 8.0
        b = kit.make(buildings.building, rng, max_w, rng.choice(facades) if facades else None,
                     max_size=(max_w, math.inf, math.inf))
        if kit.variants("building") and not b.source.startswith("procedural:"):
            break  # no bank building fits what is left of the street: an empty lot, not a box
        bw, bd = b.bbox.size[0] - 0.3, b.bbox.size[1] - 0.3
        setback = 0.0 if rng.random() < 0.65 else rng.uniform(2.5, 7.0)
        yc = side * (st.lot + setback + bd / 2 + 0.35)
        if occ.try_add([b.placed(x + bw / 2 + 0.15, yc, st.curb_h, yaw)], gap=0.0) and setback > 0:
            _front_yard(rng, occ, st, side, x + 0.3, x + bw, setback, kit)
        x += bw + 0.3 + (rng.uniform(1.0, 5.0) if rng.random() < 0.4 else 0.0)


def _in_a_row(rng: random.Random, occ: Occupancy, variants, x0: float, x1: float, side: int, st: Street,
              yaw: float, max_size: tuple[float, float, float] | None = None) -> None:
    """Bank pieces end to end along the front of a yard, from ``x0`` to ``x1``, their street side on the
    lot line: fence panels (one design per yard) or bushes grown into a hedge."""
    fits = [v for v in variants if max_size is None or all(a <= b for a, b in zip(v.size, max_size))]
    x = x0
    while fits:
        v = rng.choice(fits)
        w, d = v.size[0], v.size[1]
        if x + w > x1:
            break
        occ.try_add([variant_piece(v).placed(x + w / 2, side * (st.lot + 0.1 + d / 2), st.curb_h, yaw)], gap=0.0)
        x += w + 0.02


def _front_yard(rng: random.Random, occ: Occupancy, st: Street, side: int, x0: float, x1: float, depth: float,
                kit: Kit) -> None:
    length = x1 - x0
    kind = rng.choice(["hedge", "fence", "wall", "none"])
    y = side * (st.lot + 0.6)
    yaw = 0.0 if side < 0 else math.pi
    if kind == "hedge" and kit.variants("bush"):
        _in_a_row(rng, occ, kit.variants("bush"), x0, x1, side, st, yaw, HEDGE_BUSH_MAX)
    elif kind == "fence" and kit.variants("fence"):
        _in_a_row(rng, occ, [rng.choice(kit.variants("fence"))], x0, x1, side, st, yaw)
    elif kind == "hedge":
        occ.try_add([plants.hedge(rng, length).placed((x0 + x1) / 2, y, st.curb_h, yaw)])
    elif kind == "fence":
        occ.try_add([sf.fence(rng, length).placed((x0 + x1) / 2, y, st.curb_h, yaw)])
    elif kind == "wall":
        occ.try_add([sf.garden_wall(rng, length).placed((x0 + x1) / 2, y, st.curb_h, yaw)])
    for _ in range(rng.randint(0, 3)):
        bush = kit.make(plants.bush, rng)
        y = side * (st.lot + 1.2 + rng.uniform(0, max(0.0, depth - 2.0)))
        occ.try_add([bush.placed(rng.uniform(x0 + 1, x1 - 1), y, st.curb_h)])


# ------------------------------------------------------------------ street furniture


def _kerb_y(st: Street, side: int, inset: float) -> float:
    """A y on the sidewalk ``inset`` metres in from the curb face."""
    return side * (st.half + st.curb_w + inset)


def _on_pole(kit: Kit, rng: random.Random, pole: Piece, head: Piece, pole_role: str, head_role: str,
             anchor: str) -> tuple[Piece, Piece]:
    """A pole and what it carries (a signal head, a sign plate), both bank assets when the bank has both
    and the pole says where the head goes (its ``anchor``): the head's ``mount`` anchor (its back
    centre; without one, the middle of its -x face, as it faces +x) is set on that point. Otherwise both
    stay primitives, which fit each other."""
    heads = kit.variants(head_role)
    if not heads or not kit.variants(pole_role):
        return pole, head
    swapped = kit.swap(pole_role, pole, rng)
    at = swapped.anchor(anchor)
    if at is None:
        return pole, head
    v = rng.choice(heads)
    if v.anchor("mount") is not None:
        return swapped, anchored_piece(v, "mount", at)
    return swapped, variant_piece(v, (at[0] + v.size[0] / 2, at[1], at[2]))


def _signals(rng: random.Random, occ: Occupancy, st: Street, crossing_x: float, kit: Kit) -> None:
    """Traffic lights at both ends of the crossing, facing the traffic that approaches them."""
    for side in (-1, 1):
        pole, head = _on_pole(kit, rng, *sf.traffic_light(rng), "signal_pole", "traffic_light", "head")
        heading = 0.0 if side < 0 else math.pi
        x = crossing_x - 3.5 * math.cos(heading)
        yaw = heading + math.pi  # head faces oncoming traffic
        occ.try_add([pole.placed(x, _kerb_y(st, side, 0.4), st.curb_h, yaw),
                     head.placed(x, _kerb_y(st, side, 0.4), st.curb_h, yaw)], gap=0.0)


def _street_lights(rng: random.Random, occ: Occupancy, st: Street, night: bool, kit: Kit) -> list[Light]:
    lights = []
    spacing = rng.uniform(22.0, 35.0)
    x, side = -st.length / 2 + rng.uniform(0, spacing), rng.choice((-1, 1))
    while x < st.length / 2:
        pole = kit.make(sf.street_light, rng, night)
        yaw = 0.0 if side < 0 else math.pi  # arm (+y local) reaches over the road
        placed = pole.placed(x, _kerb_y(st, side, 0.35), st.curb_h, yaw)
        if occ.try_add([placed]) and night:
            lamp = pole.anchor("lamp")
            if lamp is not None:
                lx, ly = placed.to_world(lamp[0], lamp[1])
                at = (lx, ly, st.curb_h + lamp[2] - 0.15)
            else:
                b = placed.parts[2]
                at = (b.location[0], b.location[1], b.location[2] - 0.15)
            lights.append(Light("point", at, rng.uniform(300, 900), color=(1.0, 0.8, 0.55), size=0.2))
        x += spacing
        side = -side if rng.random() < 0.7 else side
    return lights


def _signs(rng: random.Random, occ: Occupancy, st: Street, kit: Kit) -> None:
    for _ in range(rng.randint(2, 5)):
        side = rng.choice((-1, 1))
        post, plate = _on_pole(kit, rng, *sf.traffic_sign(rng), "sign_post", "traffic_sign", "plate")
        yaw = math.pi if side < 0 else 0.0  # plate faces the oncoming lane on its side
        x, y = rng.uniform(-st.length / 2, st.length / 2), _kerb_y(st, side, 0.3)
        occ.try_add([post.placed(x, y, st.curb_h, yaw), plate.placed(x, y, st.curb_h, yaw)])


def _trees(rng: random.Random, occ: Occupancy, st: Street, kit: Kit) -> None:
    for side in (-1, 1):
        if rng.random() < 0.25:
            continue
        spacing = rng.uniform(8.0, 15.0)
        x = -st.length / 2 + rng.uniform(0, spacing)
        while x < st.length / 2:
            t = kit.make(plants.tree, rng, "street_tree", role="tree", max_size=STREET_TREE_MAX)
            occ.try_add([t.placed(x, _kerb_y(st, side, 0.8), st.curb_h)], gap=0.1)
            x += spacing


def _sidewalk_items(rng: random.Random, occ: Occupancy, st: Street, kit: Kit) -> None:
    for maker in (sf.bench, sf.trash_can):
        for _ in range(rng.randint(0, 3)):
            side = rng.choice((-1, 1))
            p = kit.make(maker, rng)
            depth = p.bbox.size[1]
            y = side * (st.lot - depth / 2 - 0.1)
            x = rng.uniform(-st.length / 2, st.length / 2)
            occ.try_add([p.placed(x, y, st.curb_h, 0.0 if side < 0 else math.pi)])
    for _ in range(rng.randint(0, 3)):  # parked bicycles
        bike, _mount = kit.make(vehicles.bicycle, rng)
        side = rng.choice((-1, 1))
        occ.try_add([bike.placed(rng.uniform(-st.length / 2, st.length / 2), _kerb_y(st, side, 1.0), st.curb_h,
                                 rng.choice((0.0, math.pi)))])


def _bank_only_furniture(rng: random.Random, occ: Occupancy, st: Street, crossing_x: float, kit: Kit) -> None:
    """Bollards by the crossing's kerbs, hydrants at the kerb, bike racks by the building line: bank
    assets only (there are no primitives of them), each kind by its own rule."""
    for side in (-1, 1):
        if kit.variants("bollard") and rng.random() < 0.6:
            for k in range(rng.randint(2, 4)):
                for sign in (-1, 1):
                    b = kit.piece("bollard", rng)
                    occ.try_add([b.placed(crossing_x + sign * (2.2 + 1.4 * k), _kerb_y(st, side, 0.35), st.curb_h)],
                                gap=0.2)
        if kit.variants("hydrant") and rng.random() < 0.5:
            h = kit.piece("hydrant", rng)
            occ.try_add([h.placed(rng.uniform(-st.length / 2, st.length / 2), _kerb_y(st, side, 0.45), st.curb_h,
                                  rng.uniform(0, 2 * math.pi))], gap=0.3)
        if kit.variants("bike_rack") and rng.random() < 0.4:
            r = kit.piece("bike_rack", rng)
            depth = r.bbox.size[1]
            occ.try_add([r.placed(rng.uniform(-st.length / 2, st.length / 2), side * (st.lot - depth / 2 - 0.3),
                                  st.curb_h, 0.0 if side < 0 else math.pi)], gap=0.3)


def _user_models(rng: random.Random, occ: Occupancy, st: Street, models: list) -> None:
    """The user's street models (:mod:`scenes.shared.user_content`) on a sidewalk, front to the road, where free."""
    for piece, _placement in models:
        depth = piece.bbox.size[1]
        inner, outer = st.half + st.curb_w + depth / 2 + 0.1, st.lot - depth / 2 - 0.1
        if inner > outer:
            continue  # deeper than the sidewalk
        for _ in range(20):
            side = rng.choice((-1, 1))
            x = rng.uniform(-st.length / 2, st.length / 2)
            if occ.try_add([piece.placed(x, side * rng.uniform(inner, outer), st.curb_h, 0.0 if side < 0 else math.pi)]):
                break


# ------------------------------------------------------------------ traffic and people


def _two_wheeler(kit: Kit, rng: random.Random, make) -> tuple[Piece, object]:
    """A bicycle or motorcycle (the primitive's role is its maker's name) and the primitive's mount: a
    bank one only when the bank also has riders and the asset has saddle and footrest anchors."""
    bike, mount = make(rng)
    if kit.variants("rider") and kit.variants(make.__name__):
        swapped = kit.swap(make.__name__, bike, rng)
        if swapped.anchor("seat") is not None and swapped.anchor("foot_left") is not None:
            return swapped, mount
    return bike, mount


def _rider(kit: Kit, rng: random.Random, bike: Piece, mount) -> Piece:
    """Who rides ``bike``: on a bank two-wheeler, the bank rider whose seat-to-sole height best fits the
    saddle-to-footrest height (one of the three closest), its seat anchor on the saddle; else the
    primitive rider built on ``mount``."""
    seat, feet = bike.anchor("seat"), bike.anchor("foot_left")
    if seat is None or feet is None:
        return people.rider(rng, mount)
    reach = seat[2] - feet[2]
    ranked = sorted(kit.variants("rider"), key=lambda v: abs(v.anchor("seat")[2] - v.anchor("foot_left")[2] - reach))
    return anchored_piece(rng.choice(ranked[:3]), "seat", seat)


def _vehicles(rng: random.Random, occ: Occupancy, st: Street, params: OutdoorParams, kit: Kit) -> None:
    outer = [st.lane_ys[0], st.lane_ys[-1]]

    def put(piece: Piece, y: float, parked: bool = False) -> None:
        if parked:
            y = math.copysign(st.half - piece.bbox.size[1] / 2 - rng.uniform(0.15, 0.35), y)
        y += 0.0 if parked else rng.uniform(-0.25, 0.25)
        for _ in range(10):
            x = rng.uniform(-st.length / 2, st.length / 2)
            if occ.try_add([piece.placed(x, y, 0.0, st.heading(y))], gap=0.8):
                return

    makers = ([(vehicles.car, True)] * rng.randint(*params.cars)
              + [(vehicles.truck, False)] * rng.randint(*params.trucks)
              + [(vehicles.bus, False)] * rng.randint(*params.buses))
    for make, may_park in makers:
        parked = may_park and rng.random() < 0.5
        put(kit.make(make, rng), rng.choice(outer if parked else st.lane_ys), parked)
    for make, count in ((vehicles.motorcycle, params.motorcycles), (vehicles.bicycle, params.bicycles)):
        for _ in range(rng.randint(*count)):
            bike, mount = _two_wheeler(kit, rng, make)
            y = rng.choice(st.lane_ys) + rng.uniform(-0.8, 0.8)
            x = rng.uniform(-st.length / 2, st.length / 2)
            yaw = st.heading(y)
            occ.try_add([bike.placed(x, y, 0.0, yaw), _rider(kit, rng, bike, mount).placed(x, y, 0.0, yaw)], gap=0.8)


def _people(rng: random.Random, occ: Occupancy, st: Street, params: OutdoorParams, crossing_x: float,
            kit: Kit) -> None:
    for _ in range(rng.randint(*params.pedestrians)):
        p = kit.make(people.person, rng)
        side = rng.choice((-1, 1))
        if rng.random() < 0.2:
            x, y, z = crossing_x + rng.uniform(-1.2, 1.2), rng.uniform(-st.half + 0.5, st.half - 0.5), 0.0
            if abs(y) < st.median / 2 + 0.3:
                continue
            yaw = rng.choice((math.pi / 2, -math.pi / 2))
        else:
            x = rng.uniform(-st.length / 2, st.length / 2)
            y, z = side * rng.uniform(st.half + st.curb_w + 0.4, st.lot - 0.4), st.curb_h
            yaw = rng.choice((0.0, math.pi)) + rng.uniform(-0.3, 0.3)
        occ.try_add([p.placed(x, y, z, yaw)], gap=0.15)


# ------------------------------------------------------------------ cameras


def _cameras(rng: random.Random, params: OutdoorParams, st: Street, occ: Occupancy):
    """Vehicle views from a lane looking along the street, or pedestrian views from a sidewalk."""
    cams = []
    for _ in range(params.views * 80):
        if len(cams) == params.views:
            break
        x = rng.uniform(-st.length / 2 + 5, st.length / 2 - 5)
        h = uniform(rng, params.camera_height_m)
        if rng.random() < params.pedestrian_view_prob:
            side = rng.choice((-1, 1))
            y, z = side * rng.uniform(st.half + st.curb_w + 0.3, st.lot - 0.3), st.curb_h + h
            yaw = rng.choice((0.0, math.pi)) + math.radians(rng.uniform(-60.0, 60.0))
        else:
            y = rng.choice(st.lane_ys) + rng.uniform(-0.4, 0.4)
            z = h
            yaw = st.heading(y) + math.radians(rng.uniform(-20.0, 20.0))
        eye = (x, y, z)
        if any(b.contains(eye, params.camera_clearance_m) for b in occ.boxes + occ.ground):
            continue
        cams.append(camera(rng, params, eye, yaw))
    if len(cams) < params.views:
        raise SceneRejected(f"outdoor_street: found only {len(cams)} of {params.views} camera positions")
    return cams
