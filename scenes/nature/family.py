"""Outdoor family ``outdoor_nature``: terrain with relief, a mountain ring, an optional lake, ground cover,
trees, bushes and rocks standing on the slopes.

The ground is one height function (:mod:`scenes.nature.terrain`) stored in the spec as parameters: the
terrain object is its mesh out to the mountain ring, the ``mountain`` object the same mesh beyond, so the
two meet on shared vertices. Each scene draws a biome (meadow, forest floor, rocky slope, alpine), which
sets the ground materials (Infinigen's soil, dirt, sand, cracked ground; stone and chunky rock on faces
steeper than ``STEEP_DEG``; Infinigen's mountain shader on the ring; our own grass shader on meadows,
since Infinigen's grass is geometry only) and the ground cover (grass, flowers, fallen leaves, twigs,
pebbles, instanced by the renderer; :class:`pipeline.scene_spec.Scatter`). Ground cover is its own
object of class ``terrain`` (Cityscapes counts grass and low plants as terrain), so the terrain surface
keeps an instance id of its own. A lake is a water plane over a basin cut into the terrain, at a level
below every point of the plane's rim, so no edge of it shows.

Placement reads the height function: a tree or bush stands with its base on the lowest terrain point under
its trunk (a few centimetres sunk), a rock on the lowest point of its footprint (so it is embedded uphill,
never floating); spots too steep for the piece or under water are skipped. Heights are evaluated in
batches (all candidate spots of a scene at once), which keeps generation in tens of milliseconds.
Views: at eye height on the ground, from a hilltop (the highest of a set of spots) or from a drone.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
from pydantic import Field

from pipeline.errors import SceneRejected
from pipeline.scene_spec import USER_PREFIX, Heightfield, Material, Part, Scatter, SceneSpec
from scenes.nature import terrain as tr
from scenes.shared import plants
from scenes.shared.assets import hdris_for
from scenes.shared.content import Catalogue, Content, kit_for
from scenes.shared.common import IntRange, Occupancy, Range, ViewParams, camera, pitch_towards, sun_and_sky, uniform
from scenes.shared.groups import expand_groups, group_rng, per_view
from scenes.shared.materials import material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample
from scenes.shared.user_content import models_for

FAMILY = "outdoor_nature"
STEEP_DEG = 34.0  # faces steeper than this (+- a few degrees of noise) show rock
GROUND_COVER_SOURCE = "primitive:ground_cover"
# biome -> (probability, Infinigen ground materials (None: our grass), ground cover per m2 at full density,
# colours of grass and leaves)
BIOMES: dict[str, tuple[float, tuple[str, ...] | None, dict[str, float], dict[str, tuple[float, float, float]]]] = {
    "meadow": (0.35, None, {"grass": 70.0, "flowers": 4.0, "pebbles": 0.4},
               {"grass": (0.085, 0.2, 0.03)}),
    "forest": (0.3, ("terrain.soil.shader_soil", "terrain.dirt.shader_dirt"),
               {"grass": 18.0, "leaves": 70.0, "twigs": 4.0, "pebbles": 1.0},
               {"grass": (0.07, 0.16, 0.03), "leaves": (0.33, 0.13, 0.03)}),
    "rocky": (0.2, ("terrain.sand.shader_SAND", "terrain.cracked_ground.shader_cracked_ground",
                    "terrain.dirt.shader_dirt"),
              {"grass": 10.0, "pebbles": 14.0, "twigs": 0.4},
              {"grass": (0.25, 0.2, 0.08)}),
    "alpine": (0.15, None, {"grass": 45.0, "flowers": 2.0, "pebbles": 5.0},
               {"grass": (0.1, 0.19, 0.045)}),
}
ROCK_SURFACES = ("terrain.stone.shader_stone", "terrain.chunkyrock.shader_rocks")
RING_SURFACES = ("terrain.stone.shader_stone",)  # chunky rock's pattern turns teal at a kilometre's scale
STRATA_PROB = 0.35  # mountain rings in Infinigen's layered mountain shader (else its stone)
LOW_RING_M = 150.0  # a ring lower than this is distant hills, dressed like the ground
TRUNK_SHARE = 0.07  # a bank tree's trunk radius, as a share of its crown's width


class NatureParams(ViewParams):
    """Parameters of ``outdoor_nature``; counts per scene, sizes from the asset manifest."""

    content: Content = Field("infinigen", description="infinigen: trees, bushes and rocks from the asset bank on "
                             "Infinigen terrain materials; primitive: the fast hand-built pieces")
    camera_height_m: Range = (1.0, 2.0)
    pitch_deg: Range = (-15.0, 10.0)
    roll_deg: Range = (-4.0, 4.0)
    trees: IntRange = (10, 50)
    bushes: IntRange = (5, 30)
    rocks: IntRange = (4, 25)
    lake_prob: float = Field(0.6, ge=0.0, le=1.0)
    area_m: float = Field(120.0, ge=30.0, le=400.0, description="side of the square where things are scattered")
    # the bundled HDRIs tagged nature (sunrise, sunset) show houses and pylons above the terrain's horizon,
    # which the labels would call sky: nature scenes are lit by the physical sky unless a job asks for HDRIs
    hdri_prob: float = Field(0.0, ge=0.0, le=1.0)
    sun_elevation_deg: Range = (4.0, 70.0)
    camera_clearance_m: float = Field(0.5, ge=0.0)
    relief: float = Field(1.0, ge=0.0, le=2.0, description="scale of the terrain's hills and cliffs (0: flat)")
    mountain_prob: float = Field(0.85, ge=0.0, le=1.0, description="a mountain range on the horizon, else low hills")
    ground_cover: float = Field(1.0, ge=0.0, le=4.0, description="scale of the ground-cover density (0: none)")
    hill_view_prob: float = Field(0.15, ge=0.0, le=1.0, description="share of views from a hilltop")
    drone_view_prob: float = Field(0.15, ge=0.0, le=1.0, description="share of views from a drone")
    drone_height_m: Range = (8.0, 40.0)
    drone_pitch_deg: Range = (-50.0, -20.0)


def rock(rng: random.Random) -> Piece:
    """A faceted boulder: jittered rings of vertices over a flat base at z = 0."""
    s = sample(rng, "rock")
    d, flat = s["d"], s["flatten"]
    h = d * flat
    n, rings = rng.randint(6, 9), rng.randint(2, 3)
    verts: list[tuple[float, float, float]] = []
    for i in range(rings):
        z = h * i / rings
        r = d / 2 * math.cos(0.5 * math.pi * i / rings) * rng.uniform(0.85, 1.0)
        for j in range(n):
            a = 2 * math.pi * (j + rng.uniform(-0.2, 0.2)) / n
            rr = r * rng.uniform(0.75, 1.0)
            verts.append((rr * math.cos(a), rr * math.sin(a), z))
    verts.append((rng.uniform(-0.1, 0.1) * d, rng.uniform(-0.1, 0.1) * d, h))
    top = len(verts) - 1
    faces: list[tuple[int, ...]] = [tuple(reversed(range(n)))]
    for i in range(rings - 1):
        for j in range(n):
            a, b = i * n + j, i * n + (j + 1) % n
            faces.append((a, b, b + n, a + n))
    last = (rings - 1) * n
    faces += [(last + j, last + (j + 1) % n, top) for j in range(n)]
    xs, ys, zs = zip(*verts)
    c = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, (min(zs) + max(zs)) / 2)
    local = tuple((x - c[0], y - c[1], z - c[2]) for x, y, z in verts)
    dims = (max(xs) - min(xs), max(ys) - min(ys), max(zs) - min(zs))
    return Piece("rock", (Part("mesh", c, dims, material(rng, "stone"), vertices=local, faces=tuple(faces)),))


# ------------------------------------------------------------------ terrain


def _terrain(rng: random.Random, params: NatureParams, biome: str, half: float) -> tr.Terrain:
    """Relief drawn per scene: nearly flat, rolling or hilly, cliffs on some, a mountain range or low hills
    on the horizon; the grid fine enough around the cameras and objects."""
    kind = rng.choices(("flat", "rolling", "hilly"), (0.15, 0.45, 0.4))[0]
    hills, wavelength = {"flat": ((0.4, 1.5), (60.0, 120.0)), "rolling": ((3.0, 7.0), (45.0, 90.0)),
                         "hilly": ((7.0, 14.0), (55.0, 110.0))}[kind]
    cliffs = rng.random() < (0.75 if biome == "rocky" else 0.35) and kind != "flat"
    mountains = rng.random() < params.mountain_prob
    fine = 1.2 * half + 10.0
    scale = params.relief
    return tr.Terrain(
        seed=rng.randrange(2**31),
        hills_m=round(rng.uniform(*hills) * scale, 3), hills_wavelength_m=round(rng.uniform(*wavelength), 2),
        undulation_m=round(rng.uniform(0.15, 0.5) * scale, 3),
        cliff_m=round(rng.uniform(2.0, 8.0) * scale, 3) if cliffs else 0.0,
        cliff_wavelength_m=round(rng.uniform(60.0, 150.0), 2), cliff_level=round(rng.uniform(-0.3, 0.3), 3),
        cliff_width_m=round(rng.uniform(1.5, 4.0), 3),
        mountain_m=round(rng.uniform(180.0, 750.0) if mountains else rng.uniform(40.0, 110.0), 2),
        mountain_r_m=round(max(rng.uniform(450.0, 900.0), fine + 150.0), 2),
        mountain_wavelength_m=round(rng.uniform(600.0, 1400.0), 2),
        cell_m=round(max(0.75, fine / 130.0), 3), fine_r_m=round(fine, 2))


def _lake(rng: random.Random, t: tr.Terrain, half: float) -> tuple[tr.Terrain, float, float]:
    """The terrain with a lake basin in its lowest candidate spot, the water level and the water plane's
    half side; the terrain unchanged and level -inf when no basin holds water there."""
    size = sample(rng, "water")
    r = min(40.0, max(10.0, min(size["w"], size["d"]) / 2))
    xs = np.array([rng.uniform(-half * 0.6, half * 0.6) for _ in range(12)])
    ys = np.array([rng.uniform(-half * 0.6, half * 0.6) for _ in range(12)])
    k = int(np.argmin(tr.height(t, xs, ys)))
    basin = replace(t, lake_x=round(float(xs[k]), 3), lake_y=round(float(ys[k]), 3), lake_r_m=round(r, 3),
                    lake_depth_m=round(rng.uniform(1.5, 4.0), 3))
    plane = 1.35 * r
    level = tr.lake_level(basin, plane)
    bottom = float(tr.height(basin, basin.lake_x, basin.lake_y))
    if level - bottom < 0.4:
        return t, -math.inf, 0.0
    return basin, level, plane


def _surface_part(field: Heightfield, mat: Material, t: tr.Terrain, r_outer: float) -> Part:
    """A heightfield part; its box spans the rings' square and the height function's bounds."""
    lo, hi = t.bound()
    return Part("heightfield", (0.0, 0.0, (lo + hi) / 2), (2 * r_outer, 2 * r_outer, hi - lo), mat, smooth=True,
                heightfield=field)


# ------------------------------------------------------------------ placement on the terrain


def _footprints(t: tr.Terrain, spots: list[tuple[float, float, float, float, float]], n: int = 8) -> np.ndarray:
    """For spots (x, y, rx, ry, yaw): the terrain's (min, max) over the ellipse (centre, half and full
    radius rings of ``n``), (min, max) over a 1 m site disc around it, and the height at the centre; one
    batched height call."""
    a = np.arange(n) * (2 * math.pi / n)
    u = np.concatenate([[0.0], 0.5 * np.cos(a), np.cos(a)])
    v = np.concatenate([[0.0], 0.5 * np.sin(a), np.sin(a)])
    s = np.asarray(spots, dtype=np.float64).reshape(-1, 5)
    x, y, rx, ry, yaw = (s[:, i:i + 1] for i in range(5))
    c, si = np.cos(yaw), np.sin(yaw)
    fx, fy = x + c * rx * u - si * ry * v, y + si * rx * u + c * ry * v
    site_x, site_y = x + np.cos(a), y + np.sin(a)
    h = tr.height(t, np.concatenate([fx, site_x], axis=1), np.concatenate([fy, site_y], axis=1))
    foot, site = h[:, :u.size], np.concatenate([h[:, :1], h[:, u.size:]], axis=1)
    return np.column_stack([foot.min(axis=1), foot.max(axis=1), site.min(axis=1), site.max(axis=1), h[:, 0]])


def _stand(piece: Piece, box, x: float, y: float, yaw: float, foot: np.ndarray, level: float) -> Piece | None:
    """``piece`` (its box ``box``) placed at (x, y) on the terrain, or ``None`` where the spot does not suit
    it: under water, too steep, or (rocks) buried more than 45% of their height on the uphill side."""
    lo, hi, site_lo, site_hi, _ = foot
    height = box.hi[2] - box.lo[2]
    if lo < level + 0.1:  # in the lake
        return None
    if _resting(piece):
        if hi - lo > 0.45 * height:
            return None
        z = lo - 0.06 * height
    else:
        if (site_hi - site_lo) / 2.0 > math.tan(math.radians(32.0)):  # trees and bushes: no cliffs
            return None
        z = lo - 0.05
    return piece.placed(x, y, z - box.lo[2], yaw)


def _resting(piece: Piece) -> bool:
    """Rocks and the user's models rest on their whole base; plants stand on their trunk or stem."""
    return piece.class_name == "rock" or piece.source.startswith(USER_PREFIX)


def _radii(piece: Piece, box) -> tuple[float, float]:
    """Half-axes of the footprint the piece rests on: a rock's whole base, a plant's trunk or stem."""
    w, d = box.hi[0] - box.lo[0], box.hi[1] - box.lo[1]
    if _resting(piece):
        return w / 2, d / 2
    r = min(0.6, max(0.12, TRUNK_SHARE * min(w, d))) if piece.class_name == "tree" else min(0.4, 0.3 * min(w, d))
    return r, r


def _place_all(occ: Occupancy, t: tr.Terrain, pieces: list[Piece], spots: list[list[tuple[float, float, float]]],
               level: float) -> None:
    """Try each piece at its candidate spots (x, y, yaw) in order; keep the first free, suitable one."""
    boxes = [p.bbox for p in pieces]
    flat = [(x, y, *_radii(p, b), yaw) for p, b, cands in zip(pieces, boxes, spots) for x, y, yaw in cands]
    feet = _footprints(t, flat) if flat else np.zeros((0, 5))
    k = 0
    for piece, box, cands in zip(pieces, boxes, spots):
        for j, (x, y, yaw) in enumerate(cands):
            placed = _stand(piece, box, x, y, yaw, feet[k + j], level)
            if placed is not None and occ.free([placed], gap=0.2):
                occ.add(placed)
                break
        k += len(cands)


def _spots(rng: random.Random, clusters, half: float, rock: bool, tries: int = 8):
    out = []
    for _ in range(tries):
        cx, cy = rng.choice(clusters)
        x = min(half, max(-half, rng.gauss(cx, half / 3)))
        y = min(half, max(-half, rng.gauss(cy, half / 3)))
        out.append((x, y, rng.uniform(0, 2 * math.pi) if rock else 0.0))
    return out


# ------------------------------------------------------------------ the scene


def generate(params: NatureParams, seed: int, scene_id: str, catalogue: Catalogue | None = None) -> SceneSpec:
    """Build one nature scene; a pure function of ``(params, seed)`` and, for Infinigen content, the bank's
    ``catalogue``."""
    rng = random.Random(f"{FAMILY}:{seed}")
    kit = kit_for(params.content, catalogue, FAMILY)
    infinigen = params.content == "infinigen"
    occ = Occupancy(FAMILY)
    half = params.area_m / 2
    names = list(BIOMES)
    biome = rng.choices(names, [BIOMES[b][0] for b in names])[0]
    _, grounds, cover, colours = BIOMES[biome]
    t = _terrain(rng, params, biome, half)
    level, plane = -math.inf, 0.0
    if rng.random() < params.lake_prob:
        t, level, plane = _lake(rng, t, half)
    ground_mat, steep_mat, ring_mat = _materials(rng, infinigen, grounds)
    if t.mountain_m < LOW_RING_M:  # low hills on the horizon continue the ground
        ring_mat = ground_mat
    radii, _ = tr.rings(t)
    split = float(radii[tr.ring_index(t, t.mountain_r_m)])
    surface = Heightfield(t.pairs(), 0.0, split, steep_mat, STEEP_DEG)
    ring = Heightfield(t.pairs(), split, t.far_r_m)  # its shaders shade steep faces themselves
    occ.objs.add("terrain", [_surface_part(surface, ground_mat, t, split)])
    occ.objs.add("mountain", [_surface_part(ring, ring_mat, t, t.far_r_m)])
    if level > -math.inf:
        water = Part("plane", (t.lake_x, t.lake_y, round(level, 4)), (2 * plane, 2 * plane, 0.0),
                     material(rng, "water"))
        occ.objs.add("water", [water])
    _populate(rng, params, kit, catalogue, seed, occ, t, level, half, biome)
    world, sun, facts = sun_and_sky(rng, params.sun_elevation_deg, params.hdri_prob, hdris_for("nature"))
    cams, kinds, focus = _cameras(rng, params, occ, t, level, half)
    if params.ground_cover > 0:
        occ.objs.add("terrain", [_cover(rng, params, occ, t, surface, cover, colours, focus, level)],
                     source=GROUND_COVER_SOURCE)
    cams, kinds = expand_groups(cams, params, group_rng(FAMILY, seed)), per_view(kinds, params)
    return SceneSpec(scene_id=scene_id, seed=seed, family=FAMILY, kind="outdoor", objects=tuple(occ.objs.objects),
                     lights=(sun,) if sun else (), world=world, cameras=tuple(cams),
                     extra={"time_of_day": "day", "view_kinds": kinds, "biome": biome,
                            "water_level_m": None if level == -math.inf else round(level, 4), **facts})


def _materials(rng: random.Random, infinigen: bool, grounds: tuple[str, ...] | None
               ) -> tuple[Material, Material, Material]:
    """Ground, steep-rock and mountain-ring materials (the ring: Infinigen's stone, or its mountain shader's
    coloured strata on a share ``STRATA_PROB`` of the scenes)."""
    meadow = ("green", "olive")  # light green reads as artificial turf from afar
    if not infinigen:
        ground = material(rng, "grass", meadow) if grounds is None else material(rng, "soil")
        rocky = material(rng, "stone", ("gray", "dark gray", "light gray", "brown"))
        return ground, rocky, material(rng, "stone", ("gray", "dark gray", "light gray"))
    ground = material(rng, "grass", meadow) if grounds is None else _infinigen(rng, grounds)
    strata = Material(tr.MOUNTAIN_SHADER, (0.35, 0.3, 0.25), "", 1.0, seed=rng.randrange(2**31))
    ring = strata if rng.random() < STRATA_PROB else _infinigen(rng, RING_SURFACES)
    return ground, _infinigen(rng, ROCK_SURFACES), ring


def _infinigen(rng: random.Random, kinds: tuple[str, ...]) -> Material:
    return Material(f"infinigen:{rng.choice(kinds)}", (0.5, 0.5, 0.5), "", 0.5, seed=rng.randrange(2**31))


def _populate(rng: random.Random, params: NatureParams, kit, catalogue: Catalogue | None, seed: int,
              occ: Occupancy, t: tr.Terrain, level: float, half: float, biome: str) -> None:
    """Trees, bushes, rocks and the user's models on the terrain. Forests get more trees, rocky slopes more
    rocks; half the rock clusters sit on the steepest of a few spots (outcrops under cliffs)."""
    n_trees = rng.randint(*params.trees)
    n_rocks = rng.randint(*params.rocks)
    if biome == "forest":
        n_trees = min(params.trees[1], int(n_trees * 1.5))
    if biome == "rocky":
        n_trees, n_rocks = n_trees // 2, min(params.rocks[1], int(n_rocks * 1.5))
    makers = ([lambda r: kit.make(plants.tree, r, "tree")] * n_trees
              + [lambda r: kit.make(plants.bush, r)] * rng.randint(*params.bushes)
              + [lambda r: kit.make(rock, r)] * n_rocks)
    clusters = [(rng.uniform(-half, half), rng.uniform(-half, half)) for _ in range(rng.randint(1, 4))]
    xs = np.array([rng.uniform(-half, half) for _ in range(24)])
    ys = np.array([rng.uniform(-half, half) for _ in range(24)])
    steep = np.argsort(-tr.slope_deg(t, xs, ys, step=2.0))[:3]
    outcrops = [(float(xs[i]), float(ys[i])) for i in steep]
    pieces, spots = [], []
    for make in makers:
        piece = make(rng)
        near = outcrops if piece.class_name == "rock" and rng.random() < 0.5 else clusters
        pieces.append(piece)
        spots.append(_spots(rng, near, half, piece.class_name == "rock"))
    place = random.Random(f"{FAMILY}:{seed}:user-place")
    for piece, _placement in models_for(catalogue, FAMILY, seed):  # the user's terrain models
        pieces.append(piece)
        spots.append([(place.uniform(-half * 0.7, half * 0.7), place.uniform(-half * 0.7, half * 0.7),
                       place.uniform(0, 2 * math.pi)) for _ in range(20)])
    _place_all(occ, t, pieces, spots, level)


USER_VIEW_PROB = 0.5  # a view of a scene with user models aims at one of them this often


def _cameras(rng: random.Random, params: NatureParams, occ: Occupancy, t: tr.Terrain, level: float, half: float):
    """Cameras, their kinds (``ground``, ``hill``, ``drone``) and the ground-cover foci (x, y, yaw, half
    field of view; a drone's focus is where its optical axis meets the ground, seen all around)."""
    mine = [o for o in occ.objs.objects if o.source.startswith(USER_PREFIX)]
    targets = [o for o in occ.objs.objects if o.class_name in ("tree", "rock", "vegetation", "water")] + mine
    n = params.views * 40
    r = half * 0.8
    xs = [rng.uniform(-r, r) for _ in range(n)]
    ys = [rng.uniform(-r, r) for _ in range(n)]
    feet = _footprints(t, [(x, y, 0.5, 0.5, 0.0) for x, y in zip(xs, ys)])
    hilltops = list(np.argsort(-feet[:, 0], kind="stable"))
    cams, kinds, focus, used = [], [], [], set()
    draw = random.Random(f"{FAMILY}:{rng.random()}:view-kinds")
    for _ in range(params.views):
        u = draw.random()
        kind = "drone" if u < params.drone_view_prob else "hill" if u < params.drone_view_prob + params.hill_view_prob \
            else "ground"
        order = hilltops if kind == "hill" else range(n)
        lift = uniform(rng, params.drone_height_m) if kind == "drone" else uniform(rng, params.camera_height_m)
        for i in order:
            lo, hi, site_lo, site_hi, centre = feet[i]
            eye = (xs[i], ys[i], float(centre) + lift)
            if i in used or lo < level + 0.1 or site_hi > eye[2] - 0.3:
                continue
            if any(b.contains(eye, params.camera_clearance_m) for b in occ.boxes):
                continue
            used.add(i)
            yaw, pitch = _aim(rng, params, kind, eye, targets, mine, occ)
            cam = camera(rng, params, eye, yaw, pitch)
            cams.append(cam)
            kinds.append(kind)
            focus.append(_focus(eye, float(centre), yaw, pitch, cam.hfov_deg, kind))
            break
    if len(cams) < params.views:
        raise SceneRejected(f"outdoor_nature: found only {len(cams)} of {params.views} camera positions")
    return cams, kinds, focus


def _aim(rng: random.Random, params: NatureParams, kind: str, eye, targets, mine, occ: Occupancy):
    """Yaw and pitch: towards a tree, rock, bush or the lake (a user model half the time where there are
    any), so views are not of open ground and sky alone; a drone looks down at its pitch range."""
    if targets:
        pool = mine if mine and rng.random() < USER_VIEW_PROB else targets
        tgt = occ.objs.boxes[rng.choice(pool).instance_id].center
        yaw = math.atan2(tgt[1] - eye[1], tgt[0] - eye[0]) + math.radians(rng.uniform(-25, 25))
        pitch = pitch_towards(eye, tgt, params.pitch_deg, rng)
    else:
        yaw, pitch = rng.uniform(0, 2 * math.pi), math.radians(uniform(rng, params.pitch_deg))
    if kind == "drone":
        pitch = math.radians(uniform(rng, params.drone_pitch_deg))
    return yaw, pitch


def _focus(eye, ground: float, yaw: float, pitch: float, hfov_deg: float, kind: str):
    """Where ground cover is dense for this view: around the eye within the view cone (with a margin for
    the image corners), or around a drone's ground point in every direction."""
    if kind == "drone":
        ahead = (eye[2] - ground) / math.tan(max(-pitch, 0.05))
        return (round(eye[0] + ahead * math.cos(yaw), 3), round(eye[1] + ahead * math.sin(yaw), 3), 0.0, math.pi)
    return (round(eye[0], 3), round(eye[1], 3), round(yaw, 6), round(math.radians(hfov_deg / 2 + 20.0), 6))


def _cover(rng: random.Random, params: NatureParams, occ: Occupancy, t: tr.Terrain, surface: Heightfield,
           cover: dict[str, float], colours: dict, focus, level: float) -> Part:
    """The ground-cover part: the biome's kinds at ``params.ground_cover`` times their density, on the
    terrain's surface near the cameras, gathering leaves and twigs under the trees and bushes."""
    near = []
    for o in occ.objs.objects:
        if o.class_name in ("tree", "vegetation"):
            b = occ.objs.boxes[o.instance_id]
            near.append((round(b.center[0], 3), round(b.center[1], 3),
                         round(0.5 * max(b.size[0], b.size[1]), 3)))
    kinds = tuple((k, round(v * params.ground_cover, 4)) for k, v in cover.items())
    scatter = Scatter(surface, kinds, tuple(focus), seed=rng.randrange(2**31),
                      falloff_m=6.0, behind=0.12, r_max=45.0, near=tuple(near),
                      dry_above=round(level + 0.05, 4) if level > -math.inf else -1e9,
                      colors=tuple(sorted(colours.items())))
    lo, hi = t.bound()
    reach = max(max(abs(f[0]), abs(f[1])) for f in focus) + scatter.r_max  # a bound of the instances
    return Part("scatter", (0.0, 0.0, (lo + hi + 0.6) / 2), (2 * reach, 2 * reach, hi + 0.6 - lo),
                material(rng, "grass"), scatter=scatter)
