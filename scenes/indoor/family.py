"""Indoor family ``indoor_room``: one furnished room (living room, bedroom, kitchen, office or bathroom).

A room shell (rectangle or L, door and windows cut into box-segment walls), furniture groups laid out
without overlaps, clutter packed on support surfaces, ceiling lights, lamps and sun through the windows,
and cameras at eye heights inside the free floor space looking at furniture.
"""

from __future__ import annotations

import math
import random
from functools import partial
from dataclasses import dataclass, replace
from typing import Callable

from pydantic import Field, field_validator

from pipeline.errors import SceneRejected
from pipeline.scene_spec import Light, SceneSpec, World
from scenes.indoor import clutter, decor, fixtures, furniture, kitchen
from scenes.shared.assets import hdris_for
from scenes.shared.content import Catalogue, Content, Kit, kit_for
from scenes.shared.common import ObjectSet, Range, ViewParams, camera, pitch_towards, sun_and_sky, uniform
from scenes.shared.geometry import AABB, box
from scenes.shared.groups import expand_groups, group_rng, per_view
from scenes.indoor.layout import Layout, Member
from scenes.shared.materials import infinigen_material, material
from scenes.indoor.openings import door_clearance, door_parts, opening_asset, plan_openings, window_parts
from scenes.indoor.rooms import Opening, Room, sample_room, shell_parts
from scenes.shared.sizes import sample
from scenes.shared.user_content import models_for

FAMILY = "indoor_room"
SHELL = ("floor", "ceiling", "wall", "terrain")  # surfaces the camera is kept away from by the room margins
WALL_HUNG = ("ceiling light", "picture", "mirror", "shelf", "television")


class IndoorParams(ViewParams):
    """Parameters of ``indoor_room``; sizes of rooms and primitive furniture come from the asset manifest."""

    content: Content = Field("infinigen", description="infinigen: furniture, fixtures and clutter from the asset "
                             "bank; primitive: the fast hand-built pieces (tests, calibration)")
    room_types: tuple[str, ...] = Field(("living room", "bedroom", "kitchen", "office", "bathroom"), min_length=1)
    l_shape_prob: float = Field(0.3, ge=0.0, le=1.0, description="chance of an L-shaped room (if large enough)")
    max_windows: int = Field(3, ge=0, le=6)
    clutter: float = Field(1.0, ge=0.0, le=3.0, description="multiplier on clutter items per support surface")
    hdri_prob: float = Field(0.3, ge=0.0, le=1.0, description="chance of a bundled HDRI instead of a physical sky")
    night_prob: float = Field(0.2, ge=0.0, le=1.0, description="chance of a night outside, lit by the lamps")
    sun_elevation_deg: Range = (5.0, 70.0)
    pitch_deg: Range = (-30.0, 10.0)
    camera_clearance_m: float = Field(0.3, ge=0.0, description="min distance from the eye to any object box/wall")
    closeup_prob: float = Field(0.2, ge=0.0, le=1.0,
                                description="chance that a view is a close-up of things on a table, counter or shelf")
    closeup_distance_m: Range = Field((0.35, 0.9), description="close-up: horizontal distance from eye to the item")
    closeup_height_m: Range = Field((0.3, 0.7), description="close-up: eye height above the item's support")
    closeup_pitch_deg: Range = Field((-60.0, -5.0), description="close-up: camera pitch, degrees")

    @field_validator("room_types")
    @classmethod
    def _known(cls, v):
        unknown = sorted(set(v) - set(ROOM_TYPES))
        if unknown:
            raise ValueError(f"unknown room types {unknown}; known: {sorted(ROOM_TYPES)}")
        return v


def generate(params: IndoorParams, seed: int, scene_id: str, catalogue: Catalogue | None = None) -> SceneSpec:
    """Build one room scene; a pure function of ``(params, seed)`` and, for Infinigen content, the bank's
    ``catalogue``."""
    rng = random.Random(f"{FAMILY}:{seed}")
    room_type = rng.choice(params.room_types)
    programme = ROOM_TYPES[room_type]
    room = sample_room(rng, programme.width, programme.depth, params.l_shape_prob)
    lo, hi = (min(n, params.max_windows) for n in programme.windows)
    kit = kit_for(params.content, catalogue, FAMILY)
    room, opening_sizes = plan_openings(rng, room, rng.randint(lo, hi), kit)
    objs = ObjectSet(FAMILY)
    reserved = _shell(rng, room, opening_sizes, objs, kit)

    layout = Layout(room, rng, reserved, kit)
    programme.build(rng, layout)
    _wall_decor(rng, layout, room_type)
    _user_models(random.Random(f"{FAMILY}:{seed}:user-place"), layout, models_for(catalogue, FAMILY, seed))
    _clutter(rng, layout, params.clutter, programme.items)
    _ceiling_lights(rng, layout)
    lights: list[Light] = []
    ids: dict[int, int] = {}
    for i, (piece, on) in enumerate(zip(layout.pieces, layout.support_of)):
        ids[i] = objs.add(piece.class_name, piece.parts, supported_by=None if on is None else ids[on],
                          source=piece.source)
        lights.extend(piece.lights)

    if rng.random() < params.night_prob:  # evening: dim night sky outside, the room's lamps carry the scene
        world = World(kind="hdri", hdri=rng.choice(hdris_for("night")), strength=round(rng.uniform(0.2, 0.6), 3))
        facts: dict = {"time_of_day": "night"}
    else:
        world, sun, facts = sun_and_sky(rng, params.sun_elevation_deg, params.hdri_prob, hdris_for("indoor"))
        lights.extend([sun] if sun else [])
        facts["time_of_day"] = "day"
    boxes = [objs.boxes[o.instance_id] for o in objs.objects if o.class_name not in SHELL]
    cams, view_kinds = _cameras(rng, params, room, layout, boxes)
    cams, view_kinds = expand_groups(cams, params, group_rng(FAMILY, seed)), per_view(view_kinds, params)
    return SceneSpec(scene_id=scene_id, seed=seed, family=FAMILY, kind="indoor", objects=tuple(objs.objects),
                     lights=tuple(lights), world=world, cameras=tuple(cams),
                     extra={"room_type": room_type, "room_polygon": [list(p) for p in room.polygon],
                            "ceiling_height": room.height, "l_shaped": room.notch is not None,
                            "view_kinds": view_kinds, **facts})


def _shell(rng: random.Random, room: Room, opening_sizes: dict, objs: ObjectSet, kit: Kit) -> list[AABB]:
    """Floor, ceiling, walls, the ground outside, doors, windows and curtains; returns the zones furniture avoids.

    With bank content (``kit`` has a catalogue) floor, walls and ceiling get Infinigen materials (wood floors,
    tiles, plaster) and curtains are bank curtains where one fits the window."""
    floor, ceiling, walls = shell_parts(rng, room)
    if kit.catalogue is not None:  # one Infinigen material per surface kind, all walls alike
        floor, ceiling = _dress(floor, infinigen_material(rng, "floor")), _dress(ceiling, infinigen_material(rng, "ceiling"))
        wall_mat = infinigen_material(rng, "wall")
        walls = [_dress(parts, wall_mat) for parts in walls]
    objs.add("floor", floor)
    objs.add("ceiling", ceiling)
    for parts in walls:
        objs.add("wall", parts)
    x0, y0, x1, y1 = room.bounds  # ground seen through the windows, below the floor slab
    objs.add("terrain", [box(((x0 + x1) / 2, (y0 + y1) / 2, -0.35), (400.0, 400.0, 0.1), material(rng, "grass"))])
    reserved: list[AABB] = []
    windows = []
    for o in room.openings:
        size = opening_sizes[o]
        if "asset" in size:
            piece = opening_asset(room, o, size)
            iid = objs.add(piece.class_name, piece.parts, source=piece.source)
        elif o.kind == "door":
            iid = objs.add("door", door_parts(rng, room, o, size))
        else:
            iid = objs.add("window", window_parts(rng, room, o, size))
        if o.kind == "door":
            reserved.append(door_clearance(room, o))
        else:
            reserved.append(objs.boxes[iid])
            windows.append((o, objs.boxes[iid]))
    for o, box_ in windows:
        if rng.random() < 0.6:
            reach = _reach_into_room(room, o, box_)
            piece = decor.curtain_asset(rng, kit, room, o, reach, [b for b in reserved if b is not box_])
            if piece is not None:
                iid = objs.add(piece.class_name, piece.parts, source=piece.source)
            else:
                iid = objs.add("curtain", decor.curtains(rng, room, o, reach))
            reserved.append(objs.boxes[iid])
    return reserved


def _dress(parts, mat) -> list:
    return [replace(p, material=mat) for p in parts]


def _reach_into_room(room: Room, o: Opening, b: AABB) -> float:
    """How far box ``b`` (a window with its sill) reaches into the room from wall ``o.edge``."""
    e = room.edges[o.edge]
    n = e.inward
    px, py = e.p0
    return max(0.0, max((c[0] - px) * n[0] + (c[1] - py) * n[1] for c in (b.lo, b.hi)))


# ------------------------------------------------------------------ room programmes


@dataclass(frozen=True)
class RoomType:
    """A room programme: plan size ranges (m), window count range, furniture builder, clutter kinds."""

    width: tuple[float, float]
    depth: tuple[float, float]
    windows: tuple[int, int]
    build: Callable[[random.Random, Layout], None]
    items: tuple[str, ...]


def _maybe(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _dining_set(rng: random.Random, layout: Layout) -> None:
    t = layout.kit.make(furniture.table, rng)
    b = t.bbox
    members = [Member(t)]
    w, d = b.hi[0] - b.lo[0], b.hi[1] - b.lo[1]
    per_side = max(1, int(w // 0.6))
    for side in (-1, 1):
        for k in range(per_side):
            if _maybe(rng, 0.85):
                c = layout.kit.make(furniture.chair, rng)
                x = -w / 2 + w * (k + 0.5) / per_side
                y = side * (d / 2 + 0.12 + c.bbox.size[1] / 2)
                members.append(Member(c, x, y, yaw=0.0 if side < 0 else math.pi))
    if d > 0.8 and _maybe(rng, 0.5):
        c = layout.kit.make(furniture.chair, rng)
        members.append(Member(c, -(w / 2 + 0.12 + c.bbox.size[1] / 2), 0.0, yaw=-math.pi / 2))
    if layout.free(members, margin=0.4) is None:
        layout.free(members[:1], margin=0.4)


def _sofa_set(rng: random.Random, layout: Layout) -> None:
    s = layout.kit.make(furniture.sofa, rng)
    sd = s.bbox.size[1]
    ct = layout.kit.make(furniture.table, rng, "coffee_table", role="coffee_table")
    gap = rng.uniform(0.35, 0.5)
    cy = sd / 2 + gap + ct.bbox.size[1] / 2
    members = [Member(s)]
    if _maybe(rng, 0.6):
        margin = min(rng.uniform(0.2, 0.6), gap - 0.05)
        max_w, max_d = ct.bbox.size[0] + 2 * margin, ct.bbox.size[1] + 2 * margin
        rug = layout.kit.make(furniture.rug, rng, max_w=max_w, max_d=max_d, max_size=(max_w, max_d, math.inf))
        turn = 0.0
        if layout.kit.catalogue is not None and rug.source.startswith("primitive:"):  # a bank rug turned 90 degrees
            turned = layout.kit.swap("rug", rug, rng, (max_d, max_w, math.inf))
            rug, turn = (turned, math.pi / 2) if not turned.source.startswith("primitive:") else (rug, 0.0)
        members += [Member(rug, 0.0, cy, yaw=turn), Member(ct, 0.0, cy, z=rug.bbox.size[2], on=1)]
    else:
        members.append(Member(ct, 0.0, cy))
    if layout.against_wall(members) is None:
        layout.against_wall(members[:1])


def _tv_set(rng: random.Random, layout: Layout) -> None:
    cab = layout.kit.make(furniture.cabinet, rng, h_max=0.65, max_size=(math.inf, math.inf, 0.65))
    tv = layout.kit.make(decor.television, rng, stand=True)
    if tv.bbox.size[0] > cab.bbox.size[0] * 1.6:
        tv = layout.kit.make(decor.television, rng, stand=True)
    layout.against_wall([Member(cab), Member(tv, 0.0, 0.0, z=cab.bbox.hi[2], on=0)])


def _bed_set(rng: random.Random, layout: Layout) -> None:
    bed = layout.kit.make(furniture.bed, rng)
    b = bed.bbox
    members = [Member(bed)]
    for side in (-1, 1):
        if _maybe(rng, 0.7):
            ns = layout.kit.make(furniture.night_stand, rng)
            nb = ns.bbox
            x = side * (b.size[0] / 2 + rng.uniform(0.03, 0.1) + nb.size[0] / 2)
            members.append(Member(ns, x, b.lo[1] - nb.lo[1]))
            if _maybe(rng, 0.7):
                lamp = layout.kit.make(furniture.table_lamp, rng)
                members.append(Member(lamp, x, b.lo[1] - nb.lo[1], z=nb.hi[2], on=len(members) - 1))
    if layout.against_wall(members) is None:
        layout.against_wall(members[:1])


def _desk_set(rng: random.Random, layout: Layout) -> None:
    desk = layout.kit.make(furniture.desk, rng)
    chair = layout.kit.make(furniture.chair, rng, role="desk_chair")
    members = [Member(desk), Member(chair, 0.0, desk.bbox.hi[1] + 0.08 + chair.bbox.size[1] / 2, yaw=math.pi)]
    if layout.against_wall(members) is None:
        layout.against_wall(members[:1])


def _counter_run(rng: random.Random, layout: Layout) -> None:
    """Base cabinets under a worktop, a stove in the run and a refrigerator at one end: from the bank's
    kitchen units when it has them (:func:`kitchen.counter_run`), else primitive cabinets and worktop."""
    if layout.kit.catalogue is not None and kitchen.counter_run(rng, layout):
        return
    top = sample(rng, "counter")
    h, d = top["h"], top["d"]
    units, x = [], 0.0
    n = rng.randint(2, 4)
    stove_at = rng.randrange(n + 1) if _maybe(rng, 0.8) else -1
    for k in range(n + 1):
        if k == stove_at:
            p = layout.kit.make(fixtures.stove, rng, h)
        elif k < n:
            p = layout.kit.make(furniture.base_cabinet, rng, h - top["top_t"], d - 0.03)
        else:
            break
        pw = p.bbox.size[0]
        units.append((p, x + pw / 2))
        x += pw
    members = [Member(p, cx - x / 2) for p, cx in units]
    cab_idx = [i for i, (p, _) in enumerate(units) if p.class_name == "cabinet"]
    run: list[list[int]] = []
    for i in cab_idx:
        if run and run[-1][-1] == i - 1:
            run[-1].append(i)
        else:
            run.append([i])
    for seg in run:
        lo = units[seg[0]][1] - units[seg[0]][0].bbox.size[0] / 2 - x / 2
        hi = units[seg[-1]][1] + units[seg[-1]][0].bbox.size[0] / 2 - x / 2
        members.append(Member(layout.kit.make(fixtures.counter_top, rng, hi - lo, d, h), (lo + hi) / 2, 0.0, on=seg[0]))
    if _maybe(rng, 0.8):
        f = layout.kit.make(fixtures.refrigerator, rng)
        fw = f.bbox.size[0]
        side = rng.choice((-1, 1))
        members.append(Member(f, side * (x / 2 + 0.02 + fw / 2)))
    # backs flush with the worktop's back edge at y = -d/2
    members = [m if m.piece.class_name == "counter"
               else Member(m.piece, m.x, -d / 2 - m.piece.bbox.lo[1], m.z, m.yaw, m.on) for m in members]
    layout.against_wall(members)


def _bathroom(rng: random.Random, layout: Layout) -> None:
    if _maybe(rng, 0.7):
        layout.against_wall([Member(layout.kit.make(fixtures.bathtub, rng))])
    layout.against_wall([Member(layout.kit.make(fixtures.toilet, rng))])
    sink = layout.kit.make(fixtures.sink, rng)
    placed = layout.against_wall([Member(sink)])
    if placed and _maybe(rng, 0.8):
        s = layout.pieces[placed[0]]
        m, centre_h = layout.kit.make(decor.mirror, rng)
        z = max(centre_h - m.bbox.size[2] / 2, s.bbox.hi[2] + 0.25)
        mb = m.bbox
        back = s.to_world(0.0, sink.bbox.lo[1] - 0.005 - mb.lo[1])
        piece = m.placed(back[0], back[1], z, s.yaw)
        if z + mb.size[2] < layout.room.height - 0.1 and layout.fits([piece]):
            layout.add(piece)
    if _maybe(rng, 0.5):
        layout.against_wall([Member(layout.kit.make(furniture.cabinet, rng, h_max=0.9, max_size=(math.inf, math.inf, 0.9)))])
    if _maybe(rng, 0.6):
        layout.free([Member(layout.kit.make(furniture.bath_mat, rng))], margin=0.2)


def _living(rng: random.Random, layout: Layout) -> None:
    _sofa_set(rng, layout)
    if _maybe(rng, 0.7):
        _tv_set(rng, layout)
    for _ in range(rng.randint(0, 2)):
        layout.against_wall([Member(layout.kit.make(furniture.chair, rng))])
    for _ in range(rng.randint(0, 2)):
        layout.against_wall([Member(layout.kit.make(furniture.bookshelf, rng))])
    for maker, k in ((furniture.floor_lamp, 2), (furniture.plant, 2), (furniture.cabinet, 1)):
        for _ in range(rng.randint(0, k)):
            layout.against_wall([Member(layout.kit.make(maker, rng))])
    if _maybe(rng, 0.4):
        _dining_set(rng, layout)


def _bedroom(rng: random.Random, layout: Layout) -> None:
    _bed_set(rng, layout)
    if _maybe(rng, 0.7):
        layout.against_wall([Member(layout.kit.make(furniture.dresser, rng))])
    if _maybe(rng, 0.5):
        layout.against_wall([Member(layout.kit.make(furniture.wardrobe, rng))])
    if _maybe(rng, 0.3):
        _desk_set(rng, layout)
    if _maybe(rng, 0.4):
        layout.free([Member(layout.kit.make(furniture.rug, rng))], margin=0.3)
    for maker in (furniture.plant, furniture.floor_lamp):
        if _maybe(rng, 0.4):
            layout.against_wall([Member(layout.kit.make(maker, rng))])


def _kitchen(rng: random.Random, layout: Layout) -> None:
    _counter_run(rng, layout)
    if _maybe(rng, 0.3):
        _counter_run(rng, layout)
    if _maybe(rng, 0.7):
        _dining_set(rng, layout)
    if _maybe(rng, 0.3):
        layout.against_wall([Member(layout.kit.make(furniture.plant, rng))])


def _office(rng: random.Random, layout: Layout) -> None:
    for _ in range(rng.randint(1, 3)):
        _desk_set(rng, layout)
    for _ in range(rng.randint(1, 3)):
        layout.against_wall([Member(layout.kit.make(furniture.bookshelf, rng))])
    for _ in range(rng.randint(0, 2)):
        layout.against_wall([Member(layout.kit.make(furniture.cabinet, rng))])
    for maker in (furniture.plant, furniture.floor_lamp):
        if _maybe(rng, 0.5):
            layout.against_wall([Member(layout.kit.make(maker, rng))])
    if _maybe(rng, 0.3):
        _dining_set(rng, layout)


ROOM_TYPES: dict[str, RoomType] = {
    "living room": RoomType((3.5, 7.0), (3.2, 6.0), (1, 3), _living, ("book", "cup", "bowl", "vase", "box", "bottle")),
    "bedroom": RoomType((3.0, 5.0), (2.8, 4.5), (1, 2), _bedroom, ("book", "cup", "vase", "box", "bottle")),
    "kitchen": RoomType((2.6, 5.0), (2.4, 4.5), (0, 2), _kitchen, ("cup", "bottle", "bowl", "box", "vase")),
    "office": RoomType((2.6, 5.5), (2.6, 5.0), (1, 3), _office, ("book", "cup", "box", "bottle", "standing_book")),
    "bathroom": RoomType((1.8, 3.2), (1.6, 3.0), (0, 1), _bathroom, ("bottle", "cup", "box")),
}


# ------------------------------------------------------------------ wall decor, clutter, lights, cameras


def _wall_decor(rng: random.Random, layout: Layout, room_type: str) -> None:
    """Pictures, a mirror and a wall shelf hung on free wall space."""
    makers = [decor.picture] * rng.randint(0, 3)
    if room_type in ("bedroom", "living room") and _maybe(rng, 0.3):
        makers.append(decor.mirror)
    for make in makers:
        piece, centre_h = layout.kit.make(make, rng)
        layout.against_wall([Member(piece)], z=centre_h - piece.bbox.size[2] / 2, tries=15)
    if _maybe(rng, 0.3):
        piece, mount_h = layout.kit.make(furniture.wall_shelf, rng)
        layout.against_wall([Member(piece)], z=mount_h, tries=15)


def _user_models(rng: random.Random, layout: Layout, models: list) -> None:
    """The user's models (:mod:`scenes.shared.user_content`): on free floor, back against a wall, or on a free
    support surface (a table, counter or shelf), each where it fits without overlaps, else left out."""
    for piece, placement in models:
        if placement == "floor":
            layout.free([Member(piece)], margin=0.3, rng=rng)
        elif placement == "wall":
            layout.against_wall([Member(piece)], rng=rng)
        else:
            _on_a_support(rng, layout, piece)


def _on_a_support(rng: random.Random, layout: Layout, piece) -> None:
    hosts = [(i, sup) for i, p in enumerate(layout.pieces) for sup in p.supports if not sup.soft]
    rng.shuffle(hosts)
    for idx, sup in hosts:
        for placed in _packed_on(rng, layout, idx, sup, [lambda _r: piece], 1):
            layout.add(placed, on=idx)  # blocks: clutter packed later keeps clear of it
            return


def _packed_on(rng: random.Random, layout: Layout, idx: int, sup, makers: list, count: int):
    """Items from ``makers`` packed on support ``sup`` of piece ``idx`` (:func:`clutter.pack`), placed in
    the world; yields those that overlap nothing else placed (e.g. a window sill above a desk)."""
    host = layout.pieces[idx]
    others = [b for b in layout.blocked if b != host.bbox]
    for item, u, v, quarter in clutter.pack(rng, sup, makers, count):
        x, y = host.to_world(u, v)
        placed = item.placed(x, y, host.origin[2] + sup.z, host.yaw + quarter * math.pi / 2)
        if not any(placed.bbox.overlaps(b) for b in others):
            yield placed


def _clutter(rng: random.Random, layout: Layout, density: float, items: tuple[str, ...]) -> None:
    """Pack small items on every support surface placed so far (pillows only on beds and sofas)."""
    for idx in range(len(layout.pieces)):
        piece = layout.pieces[idx]
        occupied = [j for j, on in enumerate(layout.support_of) if on == idx]
        for sup in piece.supports:
            if occupied and sup.z >= piece.bbox.hi[2] - piece.origin[2] - 1e-6:
                continue  # something already stands on the top surface
            if sup.soft:
                makers, count = [partial(layout.kit.make, clutter.pillow)], rng.randint(0, 3)
            else:
                makers = [partial(layout.kit.make, clutter.ITEMS[i]) for i in items]
                area = (sup.x1 - sup.x0) * (sup.y1 - sup.y0)
                count = int(round(rng.uniform(0.0, 1.0) * density * (1 + 8 * area)))
            for placed in _packed_on(rng, layout, idx, sup, makers, count):
                layout.add(placed, on=idx, block=False)


def _ceiling_lights(rng: random.Random, layout: Layout) -> None:
    """About one flush fixture per 8-14 m2, at least 1.5 m apart and clear of tall furniture."""
    room = layout.room
    n = max(1, round(room.area / rng.uniform(8.0, 14.0)))
    spots: list[tuple[float, float]] = []
    x0, y0, x1, y1 = room.bounds
    fixture = layout.kit.make(furniture.ceiling_light, rng)
    for _ in range(n * 30):
        if len(spots) == n:
            break
        x, y = rng.uniform(x0 + 0.4, x1 - 0.4), rng.uniform(y0 + 0.4, y1 - 0.4)
        piece = fixture.placed(x, y, room.height)
        if (room.contains(x, y, 0.4) and all(math.hypot(x - a, y - b) > 1.5 for a, b in spots)
                and not any(piece.bbox.overlaps(b) for b in layout.blocked)):
            spots.append((x, y))
            layout.add(piece)


def _cameras(rng: random.Random, params: IndoorParams, room: Room, layout: Layout, boxes: list[AABB]):
    """Eyes inside the free floor space, away from every object box, each looking at some piece, and
    each view's kind ("room" or "closeup", kept in ``SceneSpec.extra["view_kinds"]``).

    With ``closeup_prob`` a view instead looks down at an item standing on a support surface from less
    than a metre away: such views hold the near depths (0.3-1 m) that room-scale views never reach.
    """
    # aim at furniture: views of a bare wall with a picture on it teach little and fail the class-count filter
    targets = [p.bbox.center for p, on in zip(layout.pieces, layout.support_of)
               if on is None and p.class_name not in WALL_HUNG]
    items = [(p.bbox, layout.pieces[on].bbox) for p, on in zip(layout.pieces, layout.support_of) if on is not None]
    x0, y0, x1, y1 = room.bounds
    margin = params.camera_clearance_m
    cams: list = []
    kinds: list[str] = []

    def free(eye) -> bool:
        return (room.contains(eye[0], eye[1], max(margin, 0.25)) and eye[2] < room.height - margin
                and not any(b.contains(eye, margin) for b in boxes))

    def closeup():
        item, support = rng.choice(items)
        tgt = item.center
        heading = rng.uniform(0.0, 2.0 * math.pi)
        dist = uniform(rng, params.closeup_distance_m)
        eye = (tgt[0] - dist * math.cos(heading), tgt[1] - dist * math.sin(heading),
               support.hi[2] + uniform(rng, params.closeup_height_m))
        if not free(eye) or not params.camera_height_m[0] <= eye[2] <= params.camera_height_m[1]:
            return None
        yaw = heading + math.radians(rng.uniform(-10.0, 10.0))
        return camera(rng, params, eye, yaw, pitch_towards(eye, tgt, params.closeup_pitch_deg, rng))

    def room_view():
        eye = (rng.uniform(x0, x1), rng.uniform(y0, y1), uniform(rng, params.camera_height_m))
        if not free(eye):
            return None
        far = [t for t in targets if math.hypot(t[0] - eye[0], t[1] - eye[1]) > 1.0]
        if far:
            tgt = rng.choice(far)
        else:
            tgt = ((x0 + x1) / 2 + rng.uniform(-1, 1), (y0 + y1) / 2 + rng.uniform(-1, 1), 1.0)
        yaw = math.atan2(tgt[1] - eye[1], tgt[0] - eye[0]) + math.radians(rng.uniform(-15.0, 15.0))
        return camera(rng, params, eye, yaw, pitch_towards(eye, tgt, params.pitch_deg, rng))

    for _ in range(params.views):  # each view draws its kind once, then tries placements of that kind
        kind = "closeup" if items and rng.random() < params.closeup_prob else "room"
        cam = next((c for c in (closeup() for _ in range(40)) if c), None) if kind == "closeup" else None
        if cam is None:  # no free spot near any item: a room view instead
            kind = "room"
            cam = next((c for c in (room_view() for _ in range(60)) if c), None)
        if cam is not None:
            cams.append(cam)
            kinds.append(kind)
    if len(cams) < params.views:
        raise SceneRejected(f"indoor_room: found only {len(cams)} of {params.views} camera positions")
    return cams, kinds
