"""Cars: sedans, hatchbacks, SUVs, vans and pickups from one parametric body builder.

Each kind is a :class:`CarType` parameter set (dimension ranges, side-view key points of the belt and roof
lines, window spans, corner radii); :class:`CarFactory` draws one car from it. The body is a loft of
rounded cross-sections along the length (sill, flanks, shoulder, tumbling-in greenhouse, crowned roof
and bonnet); its faces carry paint, tinted glass or black trim by where they lie, so windscreen, side
windows, pillars and rear glass follow the surface. Wheel arches (and a pickup's bed) are cut with an
exact boolean; lamps, grilles, seams and handles are thin slabs projected onto the body.

Frame: nose towards +X, length along x, width along y, +Z up, tyres touching z = 0, body centred on x = y = 0.

Dimensions (metres, drawn per seed from one shared size quantile plus noise; length over the bumpers, licence
plates add up to 3 cm; width without mirrors, as manufacturers quote it, arch flares add up to 3.5 cm; height
over roof rails) follow manufacturers' data sheets of common models: sedans (Toyota Camry, VW Passat, BMW 3
series) 4.5-4.9 long, 1.78-1.86 wide, 1.42-1.50 tall; hatchbacks (VW Golf, Ford Focus, Toyota Corolla hatch)
3.9-4.3 / 1.70-1.80 / 1.43-1.52; SUVs (Toyota RAV4, VW Tiguan, BMW X3) 4.4-4.9 / 1.82-1.95 / 1.65-1.80; vans
(Ford Transit Custom, Mercedes Sprinter/Vito, short wheelbase) 4.8-5.4 / 1.95-2.05 / 1.90-2.10; pickups
(Toyota Hilux double cab, Ford F-150 crew cab) 5.2-5.9 / 1.85-2.00 / 1.75-1.95. Wheel diameters 0.62-0.80 m
from tyre sizes (e.g. 205/55 R16 = 0.63 m, 265/65 R17 = 0.78 m); wheelbases 57-63 % of the length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import bmesh
import bpy
import numpy as np
from mathutils import Euler, Matrix, Vector
from mathutils.bvhtree import BVHTree

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors

INCH = 0.0254
RAIL_H = 0.06  # roof rails stand this far above the roof (counted in the car's height)
Range = tuple[float, float]


@dataclass(frozen=True)
class CarType:
    """One kind of car. Key points: (s, z) with s the fraction of the length from the nose and z the
    fraction of the height; a roof point of z = 0 sits on the belt line (where the glass meets it)."""

    length: Range
    width: Range
    height: Range
    wheel_d: Range
    rim_in: tuple[int, int]
    tyre_w: Range
    wheelbase: Range  # fraction of the length
    front_share: Range  # fraction of the overhang (length - wheelbase) ahead of the front axle
    clearance: Range
    lift: tuple[float, float]  # how far the bumper bottoms rise above the sill, nose and tail (m)
    belt: tuple[tuple[float, float], ...]
    roof: tuple[tuple[float, float], ...]
    windscreen: Range  # s span of the windscreen
    rear_glass: Range | None  # s span of the rear window (None: the back is the flat end face)
    windows: tuple[Range, ...]  # s spans of the side windows (gaps between them are pillars)
    plan_r: tuple[float, float]  # corner radius in plan view, nose and tail (m)
    top_r: tuple[float, float]  # radius rounding the top edge of nose and tail (m)
    tumble: float  # roof half-width over body half-width
    shoulder: float  # how far the glass sits in from the flank (m): the ledge along the belt line
    arch_gap: Range  # arch radius over tyre radius (m)
    cladding: bool = False  # black plastic sills (SUV)
    flares: float = 0.0  # chance of black wheel-arch flares
    rails: float = 0.0  # chance of roof rails
    window_h: float = 9.0  # side glass reaches at most this far above the belt line (m); a van's cab is lower
    bed: tuple[float, float, float] | None = None  # open load bed: s from, s to, depth (m)
    van: bool = False  # sliding side door, rear barn doors, optional cargo windows
    spokes: tuple[str, ...] = ("five", "ten", "multi")


SEDAN = CarType(
    length=(4.5, 4.9), width=(1.78, 1.86), height=(1.42, 1.50), wheel_d=(0.63, 0.70), rim_in=(16, 18),
    tyre_w=(0.205, 0.235), wheelbase=(0.57, 0.60), front_share=(0.44, 0.48), clearance=(0.13, 0.16),
    lift=(0.10, 0.14),
    belt=((0, 0.44), (0.05, 0.50), (0.18, 0.56), (0.31, 0.625), (0.52, 0.655), (0.70, 0.68), (0.84, 0.695),
          (0.96, 0.70), (1.0, 0.66)),
    roof=((0.31, 0), (0.37, 0.80), (0.44, 0.955), (0.50, 1.0), (0.62, 1.0), (0.69, 0.965), (0.76, 0.86),
          (0.835, 0)),
    windscreen=(0.315, 0.485), rear_glass=(0.705, 0.825), windows=((0.34, 0.525), (0.545, 0.745)),
    plan_r=(0.40, 0.34), top_r=(0.10, 0.09), tumble=0.72, shoulder=0.07, arch_gap=(0.03, 0.05))

HATCHBACK = CarType(
    length=(3.9, 4.3), width=(1.70, 1.80), height=(1.43, 1.52), wheel_d=(0.62, 0.66), rim_in=(15, 17),
    tyre_w=(0.195, 0.225), wheelbase=(0.60, 0.625), front_share=(0.50, 0.54), clearance=(0.13, 0.16),
    lift=(0.10, 0.12),
    belt=((0, 0.45), (0.05, 0.51), (0.17, 0.575), (0.30, 0.645), (0.55, 0.675), (0.85, 0.705), (0.97, 0.71),
          (1.0, 0.67)),
    roof=((0.30, 0), (0.36, 0.80), (0.43, 0.955), (0.50, 1.0), (0.72, 0.99), (0.82, 0.955), (0.88, 0.90),
          (0.975, 0)),
    windscreen=(0.305, 0.485), rear_glass=(0.865, 0.965), windows=((0.33, 0.545), (0.565, 0.78)),
    plan_r=(0.36, 0.28), top_r=(0.10, 0.08), tumble=0.76, shoulder=0.06, arch_gap=(0.03, 0.05))

SUV = CarType(
    length=(4.4, 4.9), width=(1.82, 1.95), height=(1.65, 1.80), wheel_d=(0.70, 0.76), rim_in=(17, 19),
    tyre_w=(0.225, 0.255), wheelbase=(0.575, 0.60), front_share=(0.47, 0.51), clearance=(0.18, 0.21),
    lift=(0.12, 0.12),
    belt=((0, 0.55), (0.05, 0.585), (0.15, 0.61), (0.29, 0.645), (0.60, 0.66), (0.90, 0.675), (0.97, 0.68),
          (1.0, 0.64)),
    roof=((0.29, 0), (0.34, 0.82), (0.40, 0.96), (0.46, 1.0), (0.82, 0.99), (0.90, 0.96), (0.975, 0)),
    windscreen=(0.295, 0.445), rear_glass=(0.905, 0.965), windows=((0.32, 0.535), (0.555, 0.775), (0.79, 0.875)),
    plan_r=(0.30, 0.26), top_r=(0.12, 0.08), tumble=0.80, shoulder=0.06, arch_gap=(0.05, 0.07), cladding=True,
    flares=1.0, rails=0.6)

VAN = CarType(
    length=(4.8, 5.4), width=(1.95, 2.05), height=(1.90, 2.10), wheel_d=(0.68, 0.72), rim_in=(16, 16),
    tyre_w=(0.205, 0.235), wheelbase=(0.58, 0.62), front_share=(0.44, 0.50), clearance=(0.16, 0.19),
    lift=(0.08, 0.10),
    belt=((0, 0.44), (0.04, 0.49), (0.10, 0.52), (0.16, 0.555), (0.30, 0.57), (1.0, 0.57)),
    roof=((0.16, 0), (0.19, 0.70), (0.25, 0.87), (0.31, 0.96), (0.36, 1.0), (1.0, 1.0)),
    windscreen=(0.165, 0.32), rear_glass=None, windows=((0.19, 0.37),),
    plan_r=(0.32, 0.10), top_r=(0.12, 0.05), tumble=0.95, shoulder=0.02, arch_gap=(0.04, 0.06), van=True,
    window_h=0.58,
    spokes=("steel", "steel", "five"))

PICKUP = CarType(
    length=(5.2, 5.9), width=(1.85, 2.00), height=(1.75, 1.95), wheel_d=(0.76, 0.80), rim_in=(17, 20),
    tyre_w=(0.255, 0.275), wheelbase=(0.57, 0.62), front_share=(0.38, 0.44), clearance=(0.22, 0.26),
    lift=(0.10, 0.08),
    belt=((0, 0.55), (0.04, 0.60), (0.14, 0.625), (0.27, 0.645), (0.45, 0.66), (1.0, 0.66)),
    roof=((0.27, 0), (0.30, 0.80), (0.345, 0.95), (0.38, 1.0), (0.60, 0.995), (0.615, 0.97), (0.63, 0)),
    windscreen=(0.275, 0.37), rear_glass=(0.616, 0.628), windows=((0.295, 0.47), (0.49, 0.61)),
    plan_r=(0.26, 0.10), top_r=(0.08, 0.05), tumble=0.80, shoulder=0.05, arch_gap=(0.05, 0.07),
    bed=(0.645, 0.985, 0.50), flares=0.5, spokes=("five", "multi", "steel"))


# Edge labels of the half cross-section (bottom centre to roof centre, 22 points, 21 edges).
EDGES = (["under"] * 2 + ["sill"] * 3 + ["side"] * 3 + ["shoulder"] * 4 + ["seal"] + ["glass"] * 3
         + ["corner"] * 3 + ["top"] * 2)
HALF_POINTS = len(EDGES) + 1
RING = 2 * HALF_POINTS - 2
BONNET_CROWN, ROOF_CROWN = 0.03, 0.025  # rise of bonnet and roof at the centre line over their edges (m)


def _half_section(w: float, zf: float, zb: float, zr: float, tumble: float, shoulder: float,
                  glass_top: float = 9.0) -> np.ndarray:
    """Right half (y >= 0) of a body cross-section: rounded sill, flank, shoulder, greenhouse leaning in
    by ``tumble``, rounded roof edge, crowned top. Without greenhouse (zr == zb) the greenhouse points
    lie flat across the bonnet or boot lid. Where the greenhouse is taller than ``glass_top`` a point sits
    at that height, so a low side window gets a straight top edge."""
    hl = max(zb - zf, 0.05)
    rb, rs = min(0.09, 0.3 * hl), min(shoulder, 0.22 * hl)
    g = min(1.0, max(zr - zb, 0.0) / 0.2)
    wb = w - rs - 0.012
    wc = 0.5 * wb * (1 - g) + tumble * w * g
    rr = 0.005 + 0.07 * g
    zc = max(zr - rr, zb)
    pts = [(0.0, zf), (0.5 * (w - rb), zf), (w - rb, zf)]
    pts += [(w - rb + rb * math.cos(a), zf + rb + rb * math.sin(a)) for a in np.radians((-60, -30, 0))]
    z0, z1 = zf + rb, zb - rs
    pts += [(w * (1 - 0.012 * (1 - t)), z0 + t * (z1 - z0)) for t in (0.35, 0.7, 1.0)]
    pts += [(w - rs + rs * math.cos(a), zb - rs + rs * math.sin(a)) for a in np.radians((30, 60, 90))]
    top = glass_top / (zc - zb) if zc - zb > glass_top else 0.68
    pts += [(wb + t * (wc - wb), zb + t * (zc - zb)) for t in (0.0, 0.08 * top / 0.68, 0.45 * top, top, 1.0)]
    pts += [(wc - rr + rr * math.cos(a), zc + rr * math.sin(a)) for a in np.radians((30, 60, 90))]
    pts += [(0.5 * (wc - rr), zc + rr), (0.0, zc + rr)]
    out = np.array(pts)
    upper = np.arange(len(out)) >= 12
    crown = BONNET_CROWN * (1 - g) + ROOF_CROWN * g
    out[upper, 1] += crown * (1 - (out[upper, 0] / max(wb, 1e-3)) ** 2)
    return out


def _ring(x: float, half: np.ndarray) -> np.ndarray:
    """The closed ring (RING x 3) at ``x``: the right half, then the mirrored left half back down."""
    left = half[-2:0:-1] * (-1, 1)
    yz = np.concatenate([half, left])
    return np.column_stack([np.full(len(yz), x), yz])


def _edge_label(j: int) -> str:
    return EDGES[j] if j < len(EDGES) else EDGES[RING - 1 - j]


def _smooth(v: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing (``sigma`` in samples), ends held."""
    k = int(3 * sigma) + 1
    kern = np.exp(-0.5 * (np.arange(-k, k + 1) / sigma) ** 2)
    return np.convolve(np.pad(v, k, mode="edge"), kern / kern.sum(), mode="valid")


def _round_end(d: np.ndarray, r: float) -> np.ndarray:
    """How far a quarter circle of radius ``r`` falls short of its tangent at distance ``d`` from the end."""
    dd = np.clip(r - d, 0.0, r)
    return r - np.sqrt(r * r - dd * dd)


class Profile:
    """Side and plan view of one body: floor, belt and roof heights and half-width along s (m from the nose)."""

    def __init__(self, t: CarType, L: float, W: float, H: float, clearance: float, axles: tuple[float, float]):
        self.t, self.L, self.W, self.H = t, L, W, H
        s = np.linspace(0.0, L, 1200)
        step = s[1]
        belt = np.interp(s, [p * L for p, _ in t.belt], [z * H for _, z in t.belt])
        belt = _smooth(belt, 0.05 / step)
        rs, rz = [p * L for p, _ in t.roof], [z * (H - ROOF_CROWN) for _, z in t.roof]
        roof = np.where((s >= rs[0]) & (s <= rs[-1]), np.interp(s, rs, rz), 0.0)
        roof = np.maximum(_smooth(roof, 0.035 / step), belt)
        roof[(s < rs[0]) | (s > rs[-1])] = belt[(s < rs[0]) | (s > rs[-1])]
        fa, ra = axles
        floor = np.interp(s, [0, 0.6 * fa, fa, ra, ra + 0.6 * (L - ra), L],
                          [clearance + t.lift[0], clearance + 0.02, clearance, clearance, clearance + 0.02,
                           clearance + t.lift[1]])
        floor = _smooth(floor, 0.08 / step)
        nose, tail = s, L - s
        top_drop = np.where(nose < L / 2, _round_end(nose, t.top_r[0]), _round_end(tail, t.top_r[1]))
        floor += np.where(nose < L / 2, _round_end(nose, 0.08), _round_end(tail, 0.08))
        half = W / 2 - np.where(nose < L / 2, _round_end(nose, t.plan_r[0]), _round_end(tail, t.plan_r[1]))
        self.s, self.floor, self.belt, self.roof, self.half = s, floor, belt - top_drop, roof - top_drop, half

    def at(self, s: float) -> tuple[float, float, float, float]:
        """(half-width, floor, belt, roof) at ``s`` metres from the nose."""
        return tuple(float(np.interp(s, self.s, v)) for v in (self.half, self.floor, self.belt, self.roof))

    def x(self, s: float) -> float:
        return self.L / 2 - s

    def stations(self, keys: list[float], step: float = 0.045) -> np.ndarray:
        """Loft stations (m from the nose): the key positions, arcs through the rounded ends, filled evenly."""
        t, L = self.t, self.L
        pts = {0.0, L, *[k for k in keys if 0 < k < L]}
        for r, end in ((t.plan_r[0], 0.0), (t.plan_r[1], L), (t.top_r[0], 0.0), (t.top_r[1], L)):
            for a in np.linspace(0, math.pi / 2, 7)[1:]:
                d = r * (1 - math.cos(a))
                pts.add(d if end == 0.0 else L - d)
        pts = sorted(pts)
        out = [pts[0]]
        for a, b in zip(pts[:-1], pts[1:]):
            n = max(1, math.ceil((b - a) / step))
            out += list(np.linspace(a, b, n + 1)[1:])
        clean = [out[0]]
        for v in out[1:]:
            if v - clean[-1] > 0.004:
                clean.append(v)
        clean[-1] = L
        return np.array(clean)


class Geo:
    """Vertices and faces of one mesh built from several pieces, each face with a material slot."""

    def __init__(self):
        self.verts: list[np.ndarray] = []
        self.faces: list[list[int]] = []
        self.mats: list[int] = []
        self.count = 0

    def add(self, verts, faces, mat: int | list[int]) -> None:
        verts = np.asarray(verts, dtype=float).reshape(-1, 3)
        self.verts.append(verts)
        self.faces += [[i + self.count for i in f] for f in faces]
        self.mats += list(mat) if isinstance(mat, list) else [mat] * len(faces)
        self.count += len(verts)

    def emit(self, name: str, materials: list, parent, sharp_deg: float = 40.0) -> bpy.types.Object:
        """The object: outward normals, smooth shading with edges sharper than ``sharp_deg`` kept crisp."""
        obj = mesh.mesh_object(name, np.concatenate(self.verts), self.faces, None, parent, smooth=False)
        me = obj.data
        for m in materials:
            me.materials.append(m)
        me.polygons.foreach_set("material_index", np.array(self.mats, dtype=np.int32))
        bm = bmesh.new()
        bm.from_mesh(me)
        bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
        bm.to_mesh(me)
        bm.free()
        me.shade_smooth()
        me.set_sharp_from_angle(angle=math.radians(sharp_deg))
        return obj


def lathe(profile, segments: int, center=(0.0, 0.0, 0.0)) -> tuple[np.ndarray, list[list[int]]]:
    """A closed (r, y) ``profile`` revolved about the y axis through ``center`` (tyres, rim barrels)."""
    prof = np.asarray(profile, dtype=float)
    m = len(prof)
    ang = 2 * np.pi * np.arange(segments) / segments
    r, y = prof[:, 0], prof[:, 1]
    verts = np.stack([np.outer(np.cos(ang), r).ravel(), np.tile(y, segments), np.outer(np.sin(ang), r).ravel()], 1)
    faces = [[i * m + j, i * m + (j + 1) % m, ((i + 1) % segments) * m + (j + 1) % m, ((i + 1) % segments) * m + j]
             for i in range(segments) for j in range(m)]
    return verts + np.asarray(center), faces


def prism_y(outline, y0: float, y1: float) -> tuple[np.ndarray, list[list[int]]]:
    """A flat (x, z) ``outline`` extruded from y0 to y1, capped."""
    o = np.asarray(outline, dtype=float)
    k = len(o)
    verts = np.concatenate([np.column_stack([o[:, 0], np.full(k, y), o[:, 1]]) for y in (y0, y1)])
    faces = [[i, (i + 1) % k, k + (i + 1) % k, k + i] for i in range(k)]
    faces += [list(range(k))[::-1], list(range(k, 2 * k))]
    return verts, faces


def disc_y(r: float, y0: float, y1: float, segments: int = 24, cx: float = 0.0, cz: float = 0.0):
    a = 2 * np.pi * np.arange(segments) / segments
    return prism_y(np.column_stack([cx + r * np.cos(a), cz + r * np.sin(a)]), y0, y1)


def box(center, size, rotation=(0.0, 0.0, 0.0)) -> tuple[np.ndarray, list[list[int]]]:
    c = np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)]) * np.asarray(size)
    rot = np.array(Euler(rotation).to_matrix())
    faces = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]]
    return c @ rot.T + np.asarray(center), faces


def loft_faces(n_rings: int, m: int, cap: bool = True) -> list[list[int]]:
    faces = [[k * m + i, k * m + (i + 1) % m, (k + 1) * m + (i + 1) % m, (k + 1) * m + i]
             for k in range(n_rings - 1) for i in range(m)]
    if cap:
        faces += [list(range(m))[::-1], [(n_rings - 1) * m + i for i in range(m)]]
    return faces


def _squircle(u: np.ndarray, v: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Map the square [-1, 1]^2 towards a disc by ``k`` (0: square, 1: disc): rounded-corner patches."""
    du, dv = u * np.sqrt(1 - v * v / 2), v * np.sqrt(1 - u * u / 2)
    return (1 - k) * u + k * du, (1 - k) * v + k * dv


class Surface:
    """Ray casts onto the body (before its arches are cut): where decals, mirrors and plates sit."""

    DIRS = {"+x": (-1, 0, 0), "-x": (1, 0, 0), "+y": (0, -1, 0), "-y": (0, 1, 0), "+z": (0, 0, -1)}

    def __init__(self, verts: np.ndarray, faces: list[list[int]]):
        self.bvh = BVHTree.FromPolygons([tuple(v) for v in verts], faces)

    def hit(self, side: str, a: float, b: float):
        """First body point seen from ``side`` (``+x``: from the front, ``+z``: from above) through plane
        point (a, b): for x sides (y, z), for y sides (x, z), from above (x, y); returns (point, normal) or None."""
        d = Vector(self.DIRS[side])
        o = -20.0 * d
        if side[1] == "x":
            o.y, o.z = a, b
        elif side[1] == "y":
            o.x, o.z = a, b
        else:
            o.x, o.y = a, b
        loc, normal, _, _ = self.bvh.ray_cast(o, d)
        if loc is None:
            return None
        if normal.dot(d) > 0:
            normal = -normal
        return np.array(loc), np.array(normal)

    def decal(self, geo: Geo, mat: int, side: str, corners, grid=(6, 4), round_k: float = 0.4,
              lift: float = 0.004, depth: float = 0.008) -> bool:
        """A thin slab over the body inside the quad ``corners`` (4 plane points in order round the quad,
        seen from ``side``), its corners rounded by ``round_k``; False where a ray missed."""
        c = np.asarray(corners, dtype=float)
        nu, nv = grid
        uu, vv = np.meshgrid(np.linspace(-1, 1, nu), np.linspace(-1, 1, nv), indexing="ij")
        uu, vv = _squircle(uu, vv, round_k)
        a, b = ((uu + 1) / 2)[..., None], ((vv + 1) / 2)[..., None]
        plane = (1 - a) * (1 - b) * c[0] + a * (1 - b) * c[1] + a * b * c[2] + (1 - a) * b * c[3]
        return self.slab(geo, mat, side, plane, lift, depth)

    def slab(self, geo: Geo, mat: int, side: str, plane: np.ndarray, lift: float = 0.004,
             depth: float = 0.008) -> bool:
        """A thin slab following the body under the grid of plane points ``plane`` (nu x nv x 2) seen from
        ``side``: its outer skin ``lift`` above the body, its inner one ``depth`` below; False on a miss."""
        nu, nv = plane.shape[:2]
        outer, inner = [], []
        for p in plane.reshape(-1, 2):
            h = self.hit(side, *p)
            if h is None:
                return False
            outer.append(h[0] + h[1] * lift)
            inner.append(h[0] - h[1] * depth)
        idx = np.arange(nu * nv).reshape(nu, nv)
        n = nu * nv
        faces = [[idx[i, j], idx[i + 1, j], idx[i + 1, j + 1], idx[i, j + 1]] for i in range(nu - 1) for j in range(nv - 1)]
        faces += [[n + f[3], n + f[2], n + f[1], n + f[0]] for f in faces[:]]
        rim = list(idx[:, 0]) + list(idx[-1, 1:]) + list(idx[-2::-1, -1]) + list(idx[0, -2:0:-1])
        faces += [[rim[i], rim[(i + 1) % len(rim)], n + rim[(i + 1) % len(rim)], n + rim[i]] for i in range(len(rim))]
        geo.add(np.concatenate([outer, inner]), faces, mat)
        return True


# Material slots of the body and trim meshes.
PAINT, GLASS, BLACK, HEAD, TAIL, PLATE, METAL, RUBBER, RIM = range(9)


def _materials(r) -> list:
    """Car paint with clear coat (Infinigen's scratches on it), tinted glass, black plastic, lamp lenses,
    licence plate, chrome, tyre rubber and the rims' alloy."""
    color = surfaces.pick_weighted(r, surfaces.CAR_PAINT)
    metallic = r.choice([0.0, r.uniform(0.3, 0.7)])
    paint = surfaces.principled("car_paint", color, roughness=r.uniform(0.22, 0.38), metallic=metallic,
                                coat=1.0, noise=0.04, noise_scale=8.0)
    _scratch(paint, r)
    glass = surfaces.principled("car_glass", (0.015, 0.018, 0.022), roughness=0.03, ior=1.52, coat=0.5)
    black = surfaces.principled("car_black_plastic", (0.018, 0.018, 0.02), roughness=r.uniform(0.45, 0.65),
                                noise=0.12, noise_scale=60.0)
    head = surfaces.principled("car_head_lamp", (0.55, 0.57, 0.6), roughness=0.08, metallic=0.9, coat=1.0)
    tail = surfaces.principled("car_tail_lamp", (0.6, 0.01, 0.01), roughness=0.1, coat=1.0, emission=0.4,
                               emission_color=(1.0, 0.05, 0.02))
    plate = surfaces.principled("car_plate", (0.85, 0.85, 0.82), roughness=0.35)
    chrome = surfaces.chrome("car_chrome")
    rubber = surfaces.rubber("car_tyre")
    alloy = surfaces.principled("car_rim", r.choice([(0.72, 0.72, 0.74), (0.72, 0.72, 0.74), (0.1, 0.1, 0.11)]),
                                roughness=r.uniform(0.2, 0.35), metallic=1.0)
    return [paint, glass, black, head, tail, plate, chrome, rubber, alloy]


def _scratch(mat: bpy.types.Material, r) -> None:
    """Infinigen's scratches over ``mat`` (light, as on a used car's clear coat)."""
    from infinigen.assets.materials.wear_tear.scratches import Scratches

    holder = bpy.data.objects.new("wear_holder", bpy.data.meshes.new("wear_holder"))
    holder.data.materials.append(mat)
    Scratches().apply_over(holder, angle1=r.uniform(10, 80), angle2=r.uniform(-80, -10),
                           scratch_scale=r.uniform(20, 60), scratch_mask_ratio=r.uniform(0.02, 0.2),
                           scratch_mask_noise=r.uniform(5, 20), scratch_depth=r.uniform(0.05, 0.15))
    me = holder.data
    bpy.data.objects.remove(holder)
    bpy.data.meshes.remove(me)


@dataclass
class Dims:
    L: float
    W: float
    H: float
    wheel_r: float
    rim_r: float
    tyre_w: float
    axles: tuple[float, float]  # s of the front and rear axle (m from the nose)
    clearance: float
    arch_r: float
    track_y: float  # y of the tyres' centre planes


def _dims(t: CarType, r) -> Dims:
    """Draw the dimensions; length, width and height share most of one size quantile (big cars are big
    every way)."""
    q = r.random()
    L, W, H = (lo + (hi - lo) * min(1.0, max(0.0, q + r.gauss(0.0, 0.18))) for lo, hi in (t.length, t.width, t.height))
    d = r.uniform(*t.wheel_d)
    rim = r.randint(*t.rim_in) * INCH
    while (d - rim) / 2 < 0.075:
        rim -= INCH
    tw = r.uniform(*t.tyre_w)
    wb = L * r.uniform(*t.wheelbase)
    fa = (L - wb) * r.uniform(*t.front_share)
    return Dims(L, W, H, d / 2, rim / 2, tw, (fa, fa + wb), r.uniform(*t.clearance), d / 2 + r.uniform(*t.arch_gap),
                W / 2 - r.uniform(0.025, 0.045) - tw / 2)


def _face_material(t: CarType, label: str, s: float, L: float, black_pillar: bool, above_belt: float) -> int:
    """The material of a body face by its place on the cross-section (``label``), along the car (``s``)
    and its height ``above_belt``."""
    f = s / L
    cladding = t.cladding
    if label == "under":
        return BLACK
    if label == "sill" and (cladding or f < 0.04 or f > 0.96):
        return BLACK
    if label == "seal" and any(a <= f <= b for a, b in t.windows):
        return BLACK
    if label == "glass":
        if any(a <= f <= b for a, b in t.windows) and above_belt < t.window_h:
            return GLASS
        inside = t.windows[0][0] < f < t.windows[-1][1]
        return BLACK if (inside and black_pillar) else PAINT
    if label == "top":
        if t.windscreen[0] <= f <= t.windscreen[1] or (t.rear_glass and t.rear_glass[0] <= f <= t.rear_glass[1]):
            return GLASS
    return PAINT


class CarFactory(ProceduralFactory):
    """A car of ``TYPE``: lofted body with cut wheel arches, glass, lamps, grille, plates, mirrors,
    door seams and four wheels (tyre, rim, hub); anchors ``wheel_fl/fr/rl/rr`` at the tyres' ground contact."""

    TYPE: CarType = SEDAN

    def create_asset(self, **spawn):
        r = self.rng
        t = self._variant(self.TYPE)
        dims = _dims(t, r)
        flares, rails = r.random() < t.flares, r.random() < t.rails
        mats = _materials(r)
        root = mesh.empty(type(self).__name__.replace("Factory", "").lower())
        prof = Profile(t, dims.L, dims.W, dims.H - (RAIL_H if rails else 0.0), dims.clearance, dims.axles)
        body, surf = self._body(t, prof, dims, mats, root)
        self._cut(body, t, prof, dims, mats[BLACK])
        trim = Geo()
        self._lamps(trim, surf, t, prof, dims)
        self._plates(trim, surf, t, prof, dims)
        self._mirrors(trim, surf, t, prof, dims)
        self._seams(trim, surf, t, prof, dims)
        if flares:
            self._flares(trim, surf, dims, prof)
        if rails:
            self._rails(trim, surf, t, prof)
        trim.emit("trim", mats, root)
        self._wheels(root, t, dims, mats)
        set_anchors(root, {f"wheel_{a}{sd}": (prof.x(dims.axles[i]), sgn * dims.track_y, 0.0)
                           for i, a in enumerate("fr") for sd, sgn in (("l", 1), ("r", -1))})
        bpy.context.view_layer.update()
        return root

    def _variant(self, t: CarType) -> CarType:
        """Per-seed options: a third of the vans carry crew (side windows in the cargo area)."""
        if t.van and self.rng.random() < 0.35:
            return replace(t, windows=t.windows + ((0.42, 0.62), (0.64, 0.90)))
        return t

    def _body(self, t, prof: Profile, dims: Dims, mats, root):
        r = self.rng
        keys = [k * prof.L for span in (t.windscreen, t.rear_glass or (), *t.windows) for k in span]
        keys += [k * prof.L for k, _ in t.roof] + [0.04 * prof.L, 0.96 * prof.L]
        st = prof.stations(keys)
        rings = []
        for s in st:
            w, zf, zb, zr = prof.at(s)
            rings.append(_ring(prof.x(s), _half_section(w, zf, zb, zr, t.tumble, t.shoulder, t.window_h)))
        faces = loft_faces(len(rings), RING)
        black_pillar = r.random() < 0.6
        zb = [prof.at(s)[2] for s in st]
        fm = [_face_material(t, _edge_label(j), 0.5 * (st[k] + st[k + 1]), prof.L, black_pillar,
                             0.5 * (rings[k][j, 2] + rings[k][(j + 1) % RING, 2]) - zb[k])
              for k in range(len(st) - 1) for j in range(RING)]
        fm += [PAINT, PAINT]
        geo = Geo()
        verts = np.concatenate(rings)
        geo.add(verts, faces, fm)
        body = geo.emit("body", mats, root, sharp_deg=50.0)
        return body, Surface(verts, faces)

    def _cut(self, body, t: CarType, prof: Profile, dims: Dims, liner) -> None:
        """Wheel arches (pockets reaching inboard of the tyres) and a pickup's bed, by exact boolean;
        the cut faces take the black liner material."""
        bm = bmesh.new()
        inner = dims.track_y - dims.tyre_w / 2 - 0.08
        for s in dims.axles:
            for sgn in (1, -1):
                made = bmesh.ops.create_cone(bm, cap_ends=True, segments=48, radius1=dims.arch_r, radius2=dims.arch_r,
                                             depth=dims.W / 2 + 0.3 - inner)
                m = Vector((prof.x(s), sgn * (inner + dims.W / 2 + 0.3) / 2, dims.wheel_r))
                bmesh.ops.transform(bm, matrix=_placed(m, (math.pi / 2, 0, 0)), verts=made["verts"])
        if t.bed:
            s0, s1, depth = t.bed
            _, _, zb, _ = prof.at((s0 + s1) / 2 * prof.L)
            floor = max(zb - depth, dims.wheel_r + dims.arch_r + 0.03)
            made = bmesh.ops.create_cube(bm, size=1.0)
            size = Vector(((s1 - s0) * prof.L, dims.W - 0.11, 2.0))
            bmesh.ops.scale(bm, vec=size, verts=made["verts"])
            centre = Vector((prof.x((s0 + s1) / 2 * prof.L), 0.0, floor + 1.0))
            bmesh.ops.translate(bm, vec=centre, verts=made["verts"])
        cutter = mesh.from_bmesh("cutter", bm, liner)
        mod = body.modifiers.new("cut", "BOOLEAN")
        mod.operation, mod.solver, mod.object = "DIFFERENCE", "EXACT", cutter
        mod.material_mode = "TRANSFER"
        dg = bpy.context.evaluated_depsgraph_get()
        cut = bpy.data.meshes.new_from_object(body.evaluated_get(dg))
        old = body.data
        body.modifiers.clear()
        body.data = cut
        bpy.data.meshes.remove(old)
        cutter_mesh = cutter.data
        bpy.data.objects.remove(cutter)
        bpy.data.meshes.remove(cutter_mesh)
        cut.set_sharp_from_angle(angle=math.radians(50.0))

    def _lamps(self, geo: Geo, surf: Surface, t: CarType, prof: Profile, dims: Dims) -> None:
        """Head lamps and grille at the front, tail lamps at the back (wrapping round the corners)."""
        r = self.rng
        half = dims.W / 2
        _, _, nose_top, _ = prof.at(0.10)
        _, nose_bot, _, _ = prof.at(0.0)
        top = nose_top - r.uniform(0.05, 0.08)
        hl_h = r.uniform(0.08, 0.14) if not t.van else r.uniform(0.14, 0.2)
        y_in, y_out = half * r.uniform(0.48, 0.58), half * r.uniform(0.86, 0.92)
        sweep = r.uniform(0.0, 0.05)
        for sg in (1, -1):
            c = [(sg * y_in, top - hl_h), (sg * y_out, top - hl_h + sweep), (sg * y_out, top + sweep * 0.5),
                 (sg * y_in, top)]
            self._framed(geo, surf, HEAD, "+x", c, 0.5)
        g_h = hl_h * r.uniform(0.8, 1.6) if (t.van or t.bed) else hl_h * r.uniform(0.5, 1.0)
        gy = y_in - 0.03
        surf.decal(geo, BLACK, "+x", [(-gy, top - g_h), (gy, top - g_h), (gy, top - 0.01), (-gy, top - 0.01)],
                   grid=(8, 4), round_k=0.3)
        low_y = half * r.uniform(0.45, 0.7)
        low_z = nose_bot + r.uniform(0.05, 0.08)
        low_h = r.uniform(0.08, 0.14)
        surf.decal(geo, BLACK, "+x", [(-low_y, low_z), (low_y, low_z), (low_y, low_z + low_h), (-low_y, low_z + low_h)],
                   grid=(8, 3), round_k=0.3)
        _, tail_bot, tail_top, tail_roof = prof.at(prof.L - 0.12)
        if t.van or t.bed:
            y0, y1 = half * 0.80, half * 0.92
            z0, z1 = tail_bot + 0.3, tail_bot + 0.3 + r.uniform(0.35, 0.5)
            corners = [(y0, z0), (y1, z0), (y1, z1), (y0, z1)]
        else:
            z1 = tail_top - r.uniform(0.03, 0.07)
            z0 = z1 - r.uniform(0.09, 0.15)
            y0, y1 = half * r.uniform(0.45, 0.62), half * 0.93
            corners = [(y0, z0), (y1, z0), (y1, z1), (y0, z1)]
        for sg in (1, -1):
            c = [(-sg * y, z) for y, z in corners]
            self._framed(geo, surf, TAIL, "-x", c, 0.35)
        if t.van and r.random() < 0.6:
            for sg in (1, -1):
                a, b = sg * 0.06, sg * half * 0.7
                z0 = tail_roof - 0.62
                c = [(-a, z0), (-b, z0), (-b, tail_roof - 0.12), (-a, tail_roof - 0.12)]
                surf.decal(geo, GLASS, "-x", c, round_k=0.2)

    @staticmethod
    def _framed(geo: Geo, surf: Surface, mat: int, side: str, corners, round_k: float, border: float = 0.012) -> None:
        """A lamp lens over a slightly larger black housing, so it reads on any paint colour."""
        c = np.asarray(corners, dtype=float)
        centre = c.mean(axis=0)
        grown = [p + border * np.sign(p - centre) for p in c]
        surf.decal(geo, BLACK, side, grown, round_k=round_k, lift=0.003)
        surf.decal(geo, mat, side, c, round_k=round_k, lift=0.006)

    def _plates(self, geo: Geo, surf: Surface, t: CarType, prof: Profile, dims: Dims) -> None:
        """Front and rear licence plates (EU 520 x 110 mm or US 305 x 152 mm) with raised characters."""
        r = self.rng
        pw, ph = (0.52, 0.11) if r.random() < 0.6 else (0.305, 0.152)
        _, fb, ft, _ = prof.at(0.05)
        _, rb, rt, _ = prof.at(prof.L - 0.05)
        rear_z = rb + (0.3 if (t.van or t.bed) else 0.55) * (rt - rb)
        for side, z in (("+x", fb + 0.2 + ph / 2 + 0.02), ("-x", rear_z)):
            h = surf.hit(side, 0.0, z)
            if h is None:
                continue
            p, n = h
            n = np.array([n[0], 0.0, n[2]]) / max(np.hypot(n[0], n[2]), 1e-6)
            yaw = 0.0 if n[0] > 0 else math.pi
            pitch = math.asin(max(-0.5, min(0.5, -n[2])))  # turns the plate's face (local +x) onto n
            rot = (0.0, pitch, yaw)
            R = np.array(Euler(rot).to_matrix())
            centre = p + n * 0.006
            geo.add(*box(centre, (0.008, pw, ph), rot), PLATE)
            k = 7 if pw > 0.4 else 6
            cw = pw * 0.8 / k
            for i in range(k):
                off = np.array([0.005, -pw * 0.4 + cw * (i + 0.5), 0.0])
                geo.add(*box(centre + R @ off, (0.003, cw * 0.7, ph * 0.62), rot), BLACK)

    def _mirrors(self, geo: Geo, surf: Surface, t: CarType, prof: Profile, dims: Dims) -> None:
        """Door mirrors at the foot of the A-pillars: a stalk growing into a rounded housing, glass behind."""
        r = self.rng
        s = t.windscreen[0] * prof.L + r.uniform(0.12, 0.2)
        _, _, zb, _ = prof.at(s)
        big = 1.3 if t.van or t.bed else 1.0
        depth, height = 0.09 * big, r.uniform(0.11, 0.14) * big
        z = zb + 0.06 + height / 2
        x = prof.x(s)
        h = surf.hit("+y", x, z)
        y0 = (h[0][1] if h is not None else dims.W / 2 - 0.1) - 0.02
        reach = dims.W / 2 + r.uniform(0.13, 0.17) * big - y0
        mat = r.choice([PAINT, PAINT, BLACK])
        for sg in (1, -1):
            rings = []
            for u in np.linspace(0, 1, 9):
                size = 0.35 + 0.65 * min(1.0, u / 0.35) ** 0.7
                tip = math.sqrt(max(0.0, 1 - max(0.0, (u - 0.8) / 0.2) ** 2)) * 0.5 + 0.5 if u > 0.8 else 1.0
                prof2 = mesh.rounded_rect(depth * size * tip, height * size * tip, 0.4 * depth * size * tip, 4)
                y = y0 + reach * u
                rings.append(np.column_stack([x - 0.04 * u + prof2[:, 0], np.full(len(prof2), sg * y), z + prof2[:, 1]]))
            geo.add(np.concatenate(rings), loft_faces(len(rings), len(rings[0])), mat)
            geo.add(*box((x - 0.032 - depth / 2, sg * (y0 + reach * 0.6), z),
                         (0.004, reach * 0.6, height * 0.75)), METAL)

    def _seams(self, geo: Geo, surf: Surface, t: CarType, prof: Profile, dims: Dims) -> None:
        """Door shut lines and handles on both flanks; a van's sliding-door rail; a pickup's bed gap."""
        L = prof.L
        fa, ra = dims.axles
        front = fa + dims.arch_r + 0.06
        windows = t.windows
        cuts = [front, 0.5 * (windows[0][1] + windows[1][0]) * L if len(windows) > 1 else windows[0][1] * L + 0.05]
        if t.van:
            cuts.append(cuts[-1] + min(1.15, ra - dims.arch_r - cuts[-1] - 0.1))
        elif not t.bed:
            cuts.append(ra - dims.arch_r - 0.02)
        else:
            cuts.append(t.roof[-1][0] * L + 0.01)
        for sg in (1, -1):
            side = "+y" if sg > 0 else "-y"
            for s in cuts:
                _, zf, zb, _ = prof.at(s)
                z0, z1 = zf + 0.08, zb - 0.01
                x = prof.x(s)
                c = [(x + 0.004, z0), (x - 0.004, z0), (x - 0.004, z1), (x + 0.004, z1)]
                surf.decal(geo, BLACK, side, c, grid=(2, 8), round_k=0.0, lift=0.0015)
            for a, b in zip(cuts[:-1], cuts[1:]):
                s = b - 0.18
                _, _, zb, _ = prof.at(s)
                x, z = prof.x(s), zb - 0.1
                c = [(x + 0.07, z), (x - 0.07, z), (x - 0.07, z + 0.03), (x + 0.07, z + 0.03)]
                surf.decal(geo, BLACK, side, c, grid=(3, 2), round_k=0.6, lift=0.01)
            if t.van:
                _, _, zb, _ = prof.at(cuts[-1])
                x0, x1 = prof.x(cuts[-1]), prof.x(L - 0.1)
                z = zb + 0.01
                c = [(x0, z), (x1, z), (x1, z + 0.025), (x0, z + 0.025)]
                surf.decal(geo, BLACK, side, c, grid=(12, 2), round_k=0.0, lift=0.004)
        if t.van:
            _, zf, _, zr = prof.at(L - 0.1)
            c = [(0.004, zf + 0.12), (-0.004, zf + 0.12), (-0.004, zr - 0.1), (0.004, zr - 0.1)]
            surf.decal(geo, BLACK, "-x", c, grid=(2, 8), round_k=0.0, lift=0.0015)

    def _flares(self, geo: Geo, surf: Surface, dims: Dims, prof: Profile) -> None:
        """Black wheel-arch flares standing proud of the flanks."""
        width = self.rng.uniform(0.04, 0.07)
        ang = np.radians(np.linspace(-6, 186, 25))
        rho = np.array([dims.arch_r - 0.004, dims.arch_r + width])
        for s in dims.axles:
            x = prof.x(s)
            plane = np.stack([x + np.outer(np.cos(ang), rho), dims.wheel_r + np.outer(np.sin(ang), rho)], -1)
            for side in ("+y", "-y"):
                surf.slab(geo, BLACK, side, plane, lift=0.015, depth=0.006)

    @staticmethod
    def _rails(geo: Geo, surf: Surface, t: CarType, prof: Profile) -> None:
        """Roof rails: a bar ``RAIL_H`` above the roof on a foot at each end."""
        s0, s1 = t.windscreen[1] * prof.L + 0.15, t.roof[-2][0] * prof.L - 0.05
        for sg in (1, -1):
            pts = []
            for s in np.linspace(s0, s1, 10):
                w, _, _, _ = prof.at(s)
                h = surf.hit("+z", prof.x(s), sg * (t.tumble * w - 0.09))
                if h is not None:
                    pts.append(h[0])
            if len(pts) < 2:
                continue
            bar = ((-0.014, RAIL_H / 2), (0.014, RAIL_H / 2), (0.014, RAIL_H), (-0.014, RAIL_H))
            rings = [np.array([p + (0, dy, dz) for dy, dz in bar]) for p in pts]
            geo.add(np.concatenate(rings), loft_faces(len(rings), 4), BLACK)
            for p in (pts[0], pts[-1]):
                geo.add(*box(p + (0, 0, RAIL_H * 0.35), (0.12, 0.03, RAIL_H * 0.7)), BLACK)

    def _wheels(self, root, t: CarType, dims: Dims, mats) -> None:
        """One wheel (tyre, rim barrel, spokes or steel disc, hub, nuts, brake disc) and three linked copies."""
        r = self.rng
        geo = Geo()
        R, rim, tw = dims.wheel_r, dims.rim_r, dims.tyre_w
        prof = mesh.rounded_rect(tw, R - rim + 0.01, 0.045, 4)
        ry = np.column_stack([(R + rim - 0.01) / 2 + prof[:, 1], prof[:, 0]])
        bulge = np.sin(np.pi * np.clip((ry[:, 0] - rim) / (R - rim), 0, 1)) * 0.012 * np.sign(ry[:, 1])
        ry[:, 1] += bulge
        geo.add(*lathe(ry, 48), RUBBER)
        yo = tw / 2 - 0.012
        yi = -tw / 2 + 0.02
        barrel = [(rim + 0.012, yo), (rim - 0.02, yo), (rim - 0.02, yo - 0.01), (rim - 0.008, yo - 0.015),
                  (rim - 0.008, yi), (rim, yi), (rim, yo - 0.015), (rim + 0.012, yo - 0.008)]
        geo.add(*lathe(barrel, 48), RIM)
        face = yo - r.uniform(0.02, 0.04)
        style = r.choice(t.spokes)
        hub_r = rim * 0.3
        if style == "steel":
            geo.add(*disc_y(rim - 0.01, face - 0.012, face - 0.004, 36), RIM)
            for i in range(8):
                a = 2 * math.pi * i / 8
                geo.add(*disc_y(0.028, face - 0.0035, face - 0.002, 10, 0.62 * rim * math.cos(a), 0.62 * rim * math.sin(a)),
                        BLACK)
        else:
            n, w0, w1 = {"five": (5, 0.07, 0.045), "ten": (10, 0.04, 0.028), "multi": (7, 0.05, 0.03)}[style]
            for i in range(n):
                a = 2 * math.pi * i / n + (math.pi / 2)
                d, p = np.array([math.cos(a), math.sin(a)]), np.array([-math.sin(a), math.cos(a)])
                outline = [d * hub_r * 0.9 - p * w0 / 2, d * (rim - 0.012) - p * w1 / 2,
                           d * (rim - 0.012) + p * w1 / 2, d * hub_r * 0.9 + p * w0 / 2]
                geo.add(*prism_y(outline, face - 0.03, face), RIM)
            geo.add(*disc_y(rim * 0.72, yi + 0.01, yi + 0.035, 24), BLACK)
        geo.add(*disc_y(hub_r, face - 0.03, face + 0.004, 20), RIM)
        geo.add(*disc_y(hub_r * 0.45, face + 0.004, face + 0.01, 16), r.choice([BLACK, METAL]))
        for i in range(5):
            a = 2 * math.pi * i / 5
            geo.add(*disc_y(0.011, face, face + 0.012, 6, hub_r * 0.7 * math.cos(a), hub_r * 0.7 * math.sin(a)), METAL)
        geo.add(*disc_y(rim - 0.01, yi, yi + 0.005, 24), BLACK)
        wheel = geo.emit("wheel", mats, root, sharp_deg=45.0)
        copies = [wheel] + [wheel.copy() for _ in range(3)]
        for c in copies[1:]:
            bpy.context.scene.collection.objects.link(c)
        places = [(s, sg) for s in dims.axles for sg in (1, -1)]
        for c, (s, sg) in zip(copies, places):
            c.location = (dims.L / 2 - s, sg * dims.track_y, R)
            c.rotation_euler = (0.0, 0.0, 0.0 if sg > 0 else math.pi)
            c.parent = root


def _placed(location: Vector, rotation) -> Matrix:
    return Matrix.Translation(location) @ Euler(rotation).to_matrix().to_4x4()


class SedanFactory(CarFactory):
    """A saloon (three-box): long bonnet, raked windscreen, fastback rear glass, separate boot."""

    TYPE = SEDAN


class HatchbackFactory(CarFactory):
    """A five-door hatchback: short overhangs, roof running to a steep hatch."""

    TYPE = HATCHBACK


class SUVFactory(CarFactory):
    """A crossover SUV: tall, high ground clearance, black cladding on sills and arches, near-vertical tailgate."""

    TYPE = SUV


class VanFactory(CarFactory):
    """A panel van (Transit/Sprinter class): short bonnet, tall rounded box, sliding side door, barn doors."""

    TYPE = VAN


class PickupFactory(CarFactory):
    """A double-cab pickup: tall bonnet, four-door cab, open load bed cut into the rear body."""

    TYPE = PICKUP
