"""Outdoor family ``outdoor_nature``: open terrain with hills, distant mountains, a lake, trees, bushes and rocks.

Rocks are faceted meshes with a flat base resting on the ground; the lake is a thin water sheet on the
ground; hills belong to the terrain object. Placement keeps every object clear of the others.
"""

from __future__ import annotations

import math
import random

from pydantic import Field

from pipeline.errors import SceneRejected
from pipeline.scene_spec import USER_PREFIX, Part, SceneSpec
from scenes.shared import plants
from scenes.shared.assets import hdris_for
from scenes.shared.content import Catalogue, Content, kit_for
from scenes.shared.common import IntRange, Occupancy, Range, ViewParams, camera, pitch_towards, sun_and_sky, uniform
from scenes.shared.geometry import box, cone, sphere
from scenes.shared.materials import infinigen_material, material
from scenes.shared.piece import Piece
from scenes.shared.sizes import sample
from scenes.shared.user_content import models_for

FAMILY = "outdoor_nature"
EXTENT = 400.0
# Infinigen has soil, dirt and cracked-ground shaders but grass only as scattered blade geometry (too heavy
# for a 800 m plane), so a third of Infinigen-content scenes keep our grass ground
INFINIGEN_GROUND_PROB = 2 / 3


class NatureParams(ViewParams):
    """Parameters of ``outdoor_nature``; counts per scene, sizes from the asset manifest."""

    content: Content = Field("infinigen", description="infinigen: trees, bushes and rocks from the asset bank on "
                             "Infinigen ground materials; primitive: the fast hand-built pieces")
    camera_height_m: Range = (1.0, 2.0)
    pitch_deg: Range = (-15.0, 10.0)
    roll_deg: Range = (-4.0, 4.0)
    trees: IntRange = (10, 50)
    bushes: IntRange = (5, 30)
    rocks: IntRange = (4, 25)
    lake_prob: float = Field(0.6, ge=0.0, le=1.0)
    area_m: float = Field(120.0, ge=30.0, le=400.0, description="side of the square where things are scattered")
    hdri_prob: float = Field(0.25, ge=0.0, le=1.0)
    sun_elevation_deg: Range = (4.0, 70.0)
    camera_clearance_m: float = Field(0.5, ge=0.0)


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


def generate(params: NatureParams, seed: int, scene_id: str, catalogue: Catalogue | None = None) -> SceneSpec:
    """Build one nature scene; a pure function of ``(params, seed)`` and, for Infinigen content, the bank's
    ``catalogue``."""
    rng = random.Random(f"{FAMILY}:{seed}")
    kit = kit_for(params.content, catalogue, FAMILY)
    infinigen = params.content == "infinigen"
    occ = Occupancy(FAMILY)
    half = params.area_m / 2
    if not infinigen:
        ground_mat = material(rng, rng.choice(["grass", "grass", "soil"]))
    elif rng.random() < INFINIGEN_GROUND_PROB:
        ground_mat = infinigen_material(rng, "ground")
    else:
        ground_mat = material(rng, "grass")
    ground = [box((0, 0, -0.25), (2 * EXTENT, 2 * EXTENT, 0.5), ground_mat)]
    hill_mat = ground_mat if infinigen else material(rng, "grass")
    for _ in range(rng.randint(0, 4)):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(half + 30, 250.0)
        w, hh = rng.uniform(30.0, 90.0), rng.uniform(5.0, 25.0)
        ground.append(sphere((r * math.cos(a), r * math.sin(a), 0.0), (w, w * rng.uniform(0.6, 1.0), 2 * hh), hill_mat))
    occ.add(Piece("terrain", tuple(ground)), ground=True)
    rocky = infinigen_material(rng, "mountain") if infinigen else material(rng, "stone", ("gray", "dark gray", "light gray"))
    for _ in range(rng.randint(0, 3)):
        a, r = rng.uniform(0, 2 * math.pi), rng.uniform(300.0, 380.0)
        w, hh = rng.uniform(150.0, 300.0), rng.uniform(60.0, 150.0)
        occ.try_add([Piece("mountain", (cone((r * math.cos(a), r * math.sin(a), hh / 2), w, hh, rocky, segments=7),))])
    if rng.random() < params.lake_prob:
        lake = sample(rng, "water")
        lake_piece = Piece("water", (box((0, 0, 0.01), (lake["w"], lake["d"], 0.02), material(rng, "water")),))
        occ.try_add([lake_piece.placed(rng.uniform(-half / 2, half / 2), rng.uniform(-half / 2, half / 2))], gap=0.5)
    makers = ([lambda r: kit.make(plants.tree, r, "tree")] * rng.randint(*params.trees)
              + [lambda r: kit.make(plants.bush, r)] * rng.randint(*params.bushes)
              + [lambda r: kit.make(rock, r)] * rng.randint(*params.rocks))
    clusters = [(rng.uniform(-half, half), rng.uniform(-half, half)) for _ in range(rng.randint(1, 4))]
    for make in makers:
        piece = make(rng)
        for _ in range(8):
            cx, cy = rng.choice(clusters)
            x = min(half, max(-half, rng.gauss(cx, half / 3)))
            y = min(half, max(-half, rng.gauss(cy, half / 3)))
            yaw = rng.uniform(0, 2 * math.pi) if piece.class_name == "rock" else 0.0
            if occ.try_add([piece.placed(x, y, 0.0, yaw)], gap=0.2):
                break
    place = random.Random(f"{FAMILY}:{seed}:user-place")
    for piece, _placement in models_for(catalogue, FAMILY, seed):  # the user's terrain models, where free
        for _ in range(20):
            x, y = place.uniform(-half * 0.7, half * 0.7), place.uniform(-half * 0.7, half * 0.7)
            if occ.try_add([piece.placed(x, y, 0.0, place.uniform(0, 2 * math.pi))], gap=0.2):
                break
    world, sun, facts = sun_and_sky(rng, params.sun_elevation_deg, params.hdri_prob, hdris_for("nature"))
    cams = _cameras(rng, params, occ, half)
    return SceneSpec(scene_id=scene_id, seed=seed, family=FAMILY, kind="outdoor", objects=tuple(occ.objs.objects),
                     lights=(sun,) if sun else (), world=world, cameras=tuple(cams),
                     extra={"time_of_day": "day", **facts})


USER_VIEW_PROB = 0.5  # a view of a scene with user models aims at one of them this often


def _cameras(rng: random.Random, params: NatureParams, occ: Occupancy, half: float):
    mine = [o for o in occ.objs.objects if o.source.startswith(USER_PREFIX)]
    targets = [o for o in occ.objs.objects if o.class_name in ("tree", "rock", "vegetation", "water")] + mine
    cams = []
    for _ in range(params.views * 80):
        if len(cams) == params.views:
            break
        r = half * 0.8
        eye = (rng.uniform(-r, r), rng.uniform(-r, r), uniform(rng, params.camera_height_m))
        if any(b.contains(eye, params.camera_clearance_m) for b in occ.boxes + occ.ground):
            continue
        if targets:  # aim near something: open terrain and sky alone fail the class-count filter
            pool = mine if mine and rng.random() < USER_VIEW_PROB else targets
            t = occ.objs.boxes[rng.choice(pool).instance_id].center
            yaw = math.atan2(t[1] - eye[1], t[0] - eye[0]) + math.radians(rng.uniform(-25, 25))
            pitch = pitch_towards(eye, t, params.pitch_deg, rng)
        else:
            yaw, pitch = rng.uniform(0, 2 * math.pi), None
        cams.append(camera(rng, params, eye, yaw, pitch))
    if len(cams) < params.views:
        raise SceneRejected(f"outdoor_nature: found only {len(cams)} of {params.views} camera positions")
    return cams
