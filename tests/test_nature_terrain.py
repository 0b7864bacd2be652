"""Nature terrain without Blender: the pure height function, its seamless grid, and every tree, bush, rock
and camera of generated scenes standing on the surface that is rendered (the mesh, not just the function)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from pipeline.render.geometry import part_world_mesh
from pipeline.scene_spec import Heightfield, Material, Part
from scenes import build
from scenes.nature import terrain as tr
from scenes.nature.family import GROUND_COVER_SOURCE, TRUNK_SHARE
from scenes.shared.content import Catalogue, Variant
from scenes.shared.geometry import parts_aabb
from scenes.shared.validity import check_cameras

HILLY = tr.Terrain(seed=5, hills_m=9.0, hills_wavelength_m=70.0, undulation_m=0.4, cliff_m=5.0,
                   cliff_wavelength_m=90.0, cliff_width_m=2.5, mountain_m=500.0, mountain_r_m=600.0,
                   lake_x=20.0, lake_y=-15.0, lake_r_m=20.0, lake_depth_m=3.0, fine_r_m=100.0)
SEEDS = range(8)


def _catalogue() -> Catalogue:
    """Bank-like trees, a bush and a boulder (sizes of the yardstick bank's variants)."""
    sizes = {"TreeFactory": ("tree", "tree", [(9.7, 8.3, 10.3), (4.7, 3.8, 9.2)]),
             "BushFactory": ("vegetation", "bush", [(1.1, 1.4, 1.5)]),
             "BoulderFactory": ("rock", "rock", [(1.4, 2.8, 1.6)])}
    return Catalogue(tuple(Variant(f"key-{name}-{i}", name, cls, (role,), size)
                           for name, (cls, role, options) in sizes.items() for i, size in enumerate(options)))


@pytest.fixture(scope="module")
def scenes():
    prim = [build("outdoor_nature", {"content": "primitive"}, s, f"p{s}") for s in SEEDS]
    bank = [build("outdoor_nature", {"views": 2}, s, f"b{s}", _catalogue()) for s in SEEDS]
    return prim + bank


def _terrain_of(spec):
    obj = next(o for o in spec.objects if o.class_name == "terrain" and o.parts[0].shape == "heightfield")
    return tr.Terrain.from_pairs(obj.parts[0].heightfield.params), obj.parts[0]


class Surface:
    """The rendered terrain mesh as a height lookup: the triangle under (x, y), barycentric height."""

    def __init__(self, part, r_max: float):
        verts, faces = part_world_mesh(part)
        tris = np.asarray(faces)
        keep = np.hypot(*verts[tris].mean(axis=1)[:, :2].T) < r_max
        self.v, self.t = verts, tris[keep]
        p = verts[self.t]
        self.lo, self.hi = p[:, :, :2].min(axis=1), p[:, :, :2].max(axis=1)

    def __call__(self, x: float, y: float) -> float:
        cand = np.nonzero((self.lo[:, 0] <= x) & (x <= self.hi[:, 0]) & (self.lo[:, 1] <= y) & (y <= self.hi[:, 1]))[0]
        for k in cand:
            a, b, c = self.v[self.t[k]]
            d = (b[1] - c[1]) * (a[0] - c[0]) + (c[0] - b[0]) * (a[1] - c[1])
            w0 = ((b[1] - c[1]) * (x - c[0]) + (c[0] - b[0]) * (y - c[1])) / d
            w1 = ((c[1] - a[1]) * (x - c[0]) + (a[0] - c[0]) * (y - c[1])) / d
            if min(w0, w1, 1 - w0 - w1) >= -1e-9:
                return float(w0 * a[2] + w1 * b[2] + (1 - w0 - w1) * c[2])
        raise AssertionError(f"no terrain triangle under {x}, {y}")


# ------------------------------------------------------------------ the height function and its grid


def test_height_is_a_pure_smooth_function_of_its_parameters():
    x, y = np.meshgrid(np.linspace(-90, 90, 181), np.linspace(-90, 90, 181))
    h = tr.height(HILLY, x, y)
    np.testing.assert_array_equal(h, tr.height(tr.Terrain.from_pairs(HILLY.pairs()), x, y))
    assert not np.array_equal(h, tr.height(replace(HILLY, seed=6), x, y))
    steps = np.abs(np.diff(h, axis=1))  # 1 m apart: no jumps, but cliffs up to ~70 degrees
    assert steps.max() < math.tan(math.radians(80.0)) and np.percentile(steps, 50) < 0.3
    flat = tr.Terrain(seed=5, hills_m=0.0, undulation_m=0.0)
    assert np.abs(tr.height(flat, x, y)).max() == 0.0
    lo, hi = HILLY.bound()
    far = np.linspace(-4000, 4000, 401)
    hf = tr.height(HILLY, *np.meshgrid(far, far))
    assert lo <= min(h.min(), hf.min()) and max(h.max(), hf.max()) <= hi and hf.max() > 200.0  # mountains rise far out


def test_relief_has_slopes_cliffs_and_a_lake_basin():
    x, y = np.meshgrid(np.linspace(-60, 60, 121), np.linspace(-60, 60, 121))
    slope = tr.slope_deg(HILLY, x, y)
    assert (slope > 10).mean() > 0.3 and slope.max() > 45.0
    level = tr.lake_level(HILLY, 1.35 * HILLY.lake_r_m)
    assert tr.height(HILLY, HILLY.lake_x, HILLY.lake_y) < level - 1.0  # water stands in the basin


def test_grid_is_watertight_counter_clockwise_and_parts_share_their_seam():
    radii, counts = tr.rings(HILLY)
    assert radii[0] == 0.0 and radii[-1] == HILLY.far_r_m and np.all(np.diff(radii) > 0)
    ratio = counts[2:] / counts[1:-1]
    assert set(np.unique(ratio)) <= {0.5, 1.0, 2.0}
    xy, tris = tr.grid_xy(HILLY)
    p = xy[tris]
    e1, e2 = p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]
    cross = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    assert (cross > 0).all()  # every triangle faces up
    edges = np.sort(np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]]), axis=1)
    _, uses = np.unique(edges, axis=0, return_counts=True)
    assert uses.max() == 2 and (uses == 1).sum() == counts[-1]  # open only along the outermost ring
    cells = np.diff(radii)
    assert cells[radii[1:] <= HILLY.fine_r_m].max() <= HILLY.cell_m + 1e-9
    split = float(radii[tr.ring_index(HILLY, 600.0)])
    inner, _ = tr.grid_mesh(HILLY, 0.0, split)
    outer, _ = tr.grid_mesh(HILLY, split)
    seam = np.isclose(np.hypot(inner[:, 0], inner[:, 1]), split)
    seam_out = np.isclose(np.hypot(outer[:, 0], outer[:, 1]), split)
    np.testing.assert_array_equal(inner[seam], outer[seam_out])  # the same vertices, bit for bit


def test_mesh_follows_the_function_between_vertices():
    t = tr.Terrain(seed=9, hills_m=8.0, undulation_m=0.4, fine_r_m=60.0)
    part = Part("heightfield", (0.0, 0.0, 0.0), (1.0, 1.0, 1.0), Material("soil", (0.2, 0.1, 0.05), "brown"),
                heightfield=Heightfield(t.pairs(), 0.0, 80.0))
    surface = Surface(part, 50.0)
    rng = np.random.default_rng(0)
    pts = rng.uniform(-30, 30, (60, 2))
    err = [abs(surface(x, y) - float(tr.height(t, x, y))) for x, y in pts]
    assert max(err) < 0.03  # 0.75 m cells on band-limited hills


# ------------------------------------------------------------------ generated scenes


def test_scenes_have_terrain_mountains_ground_cover_and_biomes(scenes):
    biomes = set()
    for spec in scenes:
        classes = set(spec.class_names())
        assert {"terrain", "mountain", "tree", "rock"} <= classes, spec.scene_id
        terrain = [o for o in spec.objects if o.class_name == "terrain"]
        assert [o.parts[0].shape for o in terrain] == ["heightfield", "scatter"]
        cover = terrain[1]
        assert cover.source == GROUND_COVER_SOURCE and len(cover.parts[0].scatter.focus) == len(spec.cameras)
        biomes.add(spec.extra["biome"])
    assert biomes >= {"meadow", "forest"}
    assert any("water" in s.class_names() for s in scenes)


def test_trees_bushes_and_rocks_stand_on_the_rendered_surface(scenes):
    """A plant's base is at most 17 cm under the lowest surface point of its trunk (or stem) footprint and
    never above it; a rock's base is under the ground at its centre and inner footprint, and it is buried at
    most about half its height on the uphill side."""
    checked = 0
    for spec in scenes:
        t, part = _terrain_of(spec)
        surface = Surface(part, t.fine_r_m + 30.0)
        for o in spec.objects:
            if o.class_name not in ("tree", "vegetation", "rock"):
                continue
            b = parts_aabb(o.parts)
            cx, cy = (b.lo[0] + b.hi[0]) / 2, (b.lo[1] + b.hi[1]) / 2
            if o.class_name == "rock":  # its own footprint: size and yaw of its (single) part
                part = o.parts[0]
                rx, ry, yaw = part.dimensions[0] / 2, part.dimensions[1] / 2, part.rotation[2]
                ground = {f: [surface(cx + f * (rx * math.cos(a) * math.cos(yaw) - ry * math.sin(a) * math.sin(yaw)),
                                      cy + f * (rx * math.cos(a) * math.sin(yaw) + ry * math.sin(a) * math.cos(yaw)))
                              for a in np.arange(8) * math.pi / 4] for f in (0.5, 1.0)}
                inner = min(ground[0.5] + [surface(cx, cy)])
                assert b.lo[2] <= inner + 0.02, (spec.scene_id, o.instance_id, b.lo[2], inner)
                assert max(ground[1.0]) - b.lo[2] <= 0.55 * (b.hi[2] - b.lo[2]) + 0.05, (spec.scene_id, o.instance_id)
            else:
                w = min(b.hi[0] - b.lo[0], b.hi[1] - b.lo[1])
                r = min(0.6, max(0.12, TRUNK_SHARE * w)) if o.class_name == "tree" else min(0.4, 0.3 * w)
                ground = [surface(cx + r * math.cos(a), cy + r * math.sin(a)) for a in np.arange(6) * math.pi / 3]
                assert min(ground) - 0.17 <= b.lo[2] <= min(ground) + 0.02, (spec.scene_id, o.class_name, b.lo[2])
            checked += 1
    assert checked > 300


def test_nothing_stands_in_the_lake_and_its_edge_stays_under_ground(scenes):
    lakes = 0
    for spec in scenes:
        level = spec.extra["water_level_m"]
        if level is None:
            continue
        lakes += 1
        t, _ = _terrain_of(spec)
        water = next(o for o in spec.objects if o.class_name == "water").parts[0]
        w = water.dimensions[0] / 2
        k = np.linspace(-1, 1, 41)
        rim_x = water.location[0] + w * np.concatenate([k, k, -np.ones(41), np.ones(41)])
        rim_y = water.location[1] + w * np.concatenate([-np.ones(41), np.ones(41), k, k])
        assert (tr.height(t, rim_x, rim_y) > level + 0.2).all()
        for o in spec.objects:
            if o.class_name in ("tree", "vegetation", "rock"):
                b = parts_aabb(o.parts)
                assert b.lo[2] > level, (spec.scene_id, o.class_name)
        for cam in spec.cameras:
            x, y = cam.cam2world[0][3], cam.cam2world[1][3]
            assert tr.height(t, x, y) > level
    assert lakes >= 2


def test_cameras_stand_above_the_ground_at_their_kind_of_height(scenes):
    kinds = set()
    for spec in scenes:
        t, _ = _terrain_of(spec)
        assert check_cameras(spec) == [None] * len(spec.cameras)
        for cam, kind in zip(spec.cameras, spec.extra["view_kinds"]):
            x, y, z = (cam.cam2world[i][3] for i in range(3))
            above = z - float(tr.height(t, x, y))
            low, high = (8.0, 40.0) if kind == "drone" else (1.0, 2.0)
            assert low - 0.05 <= above <= high + 0.3, (spec.scene_id, kind, above)
            kinds.add(kind)
    assert kinds == {"ground", "hill", "drone"}


def test_flat_relief_gives_flat_ground():
    spec = build("outdoor_nature", {"content": "primitive", "relief": 0.0, "views": 1}, 3, "flat")
    t, _ = _terrain_of(spec)
    x, y = np.meshgrid(np.linspace(-60, 60, 41), np.linspace(-60, 60, 41))
    h = tr.height(t, x, y)
    if t.lake_r_m:
        h = h[np.hypot(x - t.lake_x, y - t.lake_y) > 2.3 * t.lake_r_m]
    assert np.abs(h).max() < 1e-9
