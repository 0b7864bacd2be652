"""Two-wheelers: bicycles and motorcycles (with scooters), built part by part like the real machines.

Frame (that of scenes/vehicles.py ``bicycle()`` / ``motorcycle()``): front towards +X, length along x,
width along y (left = +y), +Z up, the tyres touching z = 0; the rear hub sits at x = 0.

Anchors (the street layout seats a rider on them): ``seat`` (top of the saddle where the sit bones
rest), ``grip_left`` / ``grip_right`` (centres of the +y / -y grips), ``foot_left`` / ``foot_right``
(pedals at the horizontal crank position; footpegs; a scooter's floorboard), ``hub_front`` /
``hub_rear`` and ``contact_front`` / ``contact_rear`` (where the tyres touch the ground).

Each factory first draws a geometry (:func:`bicycle_geometry`, :func:`motorcycle_geometry`: plain
numbers and points, testable without Blender), then builds the meshes on it.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import bmesh
import numpy as np

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors

# --------------------------------------------------------------------------------------------------
# geometry helpers


def _v(x: float, y: float, z: float) -> np.ndarray:
    return np.array([x, y, z], dtype=float)


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


def _flip(p) -> np.ndarray:
    """``p`` mirrored to the other side (y -> -y)."""
    return np.asarray(p, dtype=float) * np.array([1.0, -1.0, 1.0])


def _polar(center, radius: float, phi: float, y: float = 0.0) -> np.ndarray:
    """The point at angle ``phi`` (xz plane: 0 = +x, pi/2 = up) and ``radius`` around ``center``."""
    return np.asarray(center, dtype=float) + np.array([radius * math.cos(phi), y, radius * math.sin(phi)])


def _bezier(*ctrl, n: int = 10) -> np.ndarray:
    """``n`` points of the Bezier curve through control points ``ctrl`` (quadratic or cubic)."""
    c = [np.asarray(p, dtype=float) for p in ctrl]
    t = np.linspace(0.0, 1.0, n)[:, None]
    if len(c) == 3:
        return (1 - t) ** 2 * c[0] + 2 * (1 - t) * t * c[1] + t ** 2 * c[2]
    return (1 - t) ** 3 * c[0] + 3 * (1 - t) ** 2 * t * c[1] + 3 * (1 - t) * t ** 2 * c[2] + t ** 3 * c[3]


def _smooth(a: float, b: float, x: float) -> float:
    t = min(1.0, max(0.0, (x - a) / (b - a)))
    return t * t * (3 - 2 * t)


def _line_distance(p, a, b) -> float:
    """Distance (xz plane) from ``p`` to the line through ``a`` and ``b``."""
    d = _unit(np.asarray(b, float)[[0, 2]] - np.asarray(a, float)[[0, 2]])
    w = np.asarray(p, float)[[0, 2]] - np.asarray(a, float)[[0, 2]]
    return abs(w[0] * d[1] - w[1] * d[0])


def _rear_of_tyre(hub, radius: float, z: float, gap: float) -> float:
    """The largest x behind a tyre at height ``z`` that keeps ``gap`` from it (its hub at ``hub``)."""
    dz = z - hub[2]
    reach = radius + gap
    return hub[0] - math.sqrt(reach * reach - dz * dz) if abs(dz) < reach else hub[0]


def _hull2d(pts: np.ndarray) -> np.ndarray:
    """Convex hull (Andrew's monotone chain) of 2D points, counter-clockwise."""
    pts = sorted(map(tuple, np.round(pts, 9)))

    def half(seq):
        out = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(reversed(pts))
    return np.array(lower[:-1] + upper[:-1])


# --------------------------------------------------------------------------------------------------
# mesh helpers (one object each, parented to the asset's root)


def _outward(obj) -> None:
    bm = bmesh.new()
    bm.from_mesh(obj.data)
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    bm.to_mesh(obj.data)
    bm.free()


def _revolve(name, profile, center, material, parent, segments: int = 32, closed: bool = True):
    """A surface of revolution about the Y axis through ``center``: ``profile`` is (radius, y) pairs.
    Tyres, rims, hubs, brake discs and cogs are all lathe shapes."""
    prof = np.asarray(profile, dtype=float)
    k = len(prof)
    c = np.asarray(center, dtype=float)
    ang = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    verts = np.array([[c[0] + rr * math.cos(a), c[1] + y, c[2] + rr * math.sin(a)] for a in ang for rr, y in prof])
    span = k if closed else k - 1
    faces = [[i * k + j, i * k + (j + 1) % k, ((i + 1) % segments) * k + (j + 1) % k, ((i + 1) % segments) * k + j]
             for i in range(segments) for j in range(span)]
    obj = mesh.mesh_object(name, verts, faces, material, parent, smooth=True)
    _outward(obj)
    return obj


def _annulus(name, center, r_in: float, r_out: float, thick: float, material, parent, segments: int = 40):
    """A flat ring in the xz plane (brake disc, cog), ``thick`` along y."""
    t = thick / 2
    return _revolve(name, [(r_in, -t), (r_out, -t), (r_out, t), (r_in, t)], center, material, parent, segments)


def _sweep(name, points, radii, material, parent, segments: int = 12, cap: bool = True):
    """Like ``mesh.tube`` with a radius per point; a radius may be (across, along-bend) for an oval
    section (for paths in the xz plane: across = the y half-width, along-bend = the in-plane one)."""
    pts = np.asarray(points, dtype=float)
    rad = np.asarray(radii, dtype=float)
    if rad.ndim == 0:
        rad = np.full(len(pts), float(rad))
    if rad.ndim == 1:
        rad = np.stack([rad, rad], axis=1)
    tan = np.gradient(pts, axis=0)
    tan /= np.linalg.norm(tan, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tan[0][2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    n1 = _unit(np.cross(tan[0], ref))
    ang = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    rings = []
    for p, d, (a, b) in zip(pts, tan, rad):
        n1 = _unit(n1 - d * np.dot(n1, d))
        n2 = np.cross(d, n1)
        rings.append(p + a * np.outer(np.cos(ang), n1) + b * np.outer(np.sin(ang), n2))
    return mesh.loft(name, rings, material, cap=cap, parent=parent)


def _rods(name, segments, radius: float, material, parent, sides: int = 4):
    """Many straight thin rods (spokes, rack wires) as one mesh."""
    verts, faces = [], []
    ang = np.linspace(0.0, 2 * np.pi, sides, endpoint=False)
    for p0, p1 in segments:
        p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
        d = _unit(p1 - p0)
        ref = np.array([0.0, 0.0, 1.0]) if abs(d[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
        e1 = _unit(np.cross(d, ref))
        e2 = np.cross(d, e1)
        base = len(verts)
        for p in (p0, p1):
            verts += list(p + radius * (np.outer(np.cos(ang), e1) + np.outer(np.sin(ang), e2)))
        faces += [[base + k, base + (k + 1) % sides, base + sides + (k + 1) % sides, base + sides + k]
                  for k in range(sides)]
        faces += [list(range(base, base + sides))[::-1], list(range(base + sides, base + 2 * sides))]
    obj = mesh.mesh_object(name, verts, faces, material, parent, smooth=False)
    _outward(obj)
    return obj


def _arc_shell(name, center, radius: float, width: float, phi0: float, phi1: float, material, parent,
               thick: float = 0.003, crown: float = 0.005, n: int = 24):
    """A mudguard: a crowned strip of ``width`` arched around the Y axis through ``center`` from angle
    ``phi0`` to ``phi1`` (xz plane, 0 = +x, pi/2 = up)."""
    ys = np.linspace(-width / 2, width / 2, 5)
    outer = [(radius + crown * (1 - (2 * y / width) ** 2), y) for y in ys]
    prof = outer + [(rr - thick, y) for rr, y in outer[::-1]]
    c = np.asarray(center, dtype=float)
    rings = [np.array([c + np.array([rr * math.cos(p), y, rr * math.sin(p)]) for rr, y in prof])
             for p in np.linspace(phi0, phi1, n)]
    return mesh.loft(name, rings, material, parent=parent)


def _body(name, sections, material, parent, exponent: float = 2.6, n: int = 24, taper: float = 0.0):
    """A lofted body along x through ``sections`` (x, half-width, z bottom, z top): tank, seat, tail,
    fairing; ``taper`` narrows the bottom (a fairing's belly) by that fraction. The end sections should
    be small so the caps close the shape."""
    rings = []
    for x, hw, z0, z1 in sections:
        hh = max((z1 - z0) / 2, 1e-3)
        pr = mesh.superellipse(max(hw, 1e-3), hh, exponent, n)
        y = pr[:, 0] * (1 - taper * (1 - pr[:, 1] / hh) / 2)
        rings.append(np.column_stack([np.full(n, x), y, (z0 + z1) / 2 + pr[:, 1]]))
    return mesh.loft(name, rings, material, parent=parent)


def _toothed_ring(name, center, r_out: float, r_in: float, teeth: int, thick: float, material, parent):
    """A chainring or sprocket: an annulus in the xz plane with ``teeth`` teeth on its rim."""
    c = np.asarray(center, dtype=float)
    m = 2 * teeth
    ang = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    outer = np.where(np.arange(m) % 2 == 0, r_out, r_out - 0.006)
    verts = []
    for y in (-thick / 2, thick / 2):
        verts += [c + np.array([ro * math.cos(a), y, ro * math.sin(a)]) for ro, a in zip(outer, ang)]
        verts += [c + np.array([r_in * math.cos(a), y, r_in * math.sin(a)]) for a in ang]
    faces = []
    for i in range(m):
        j = (i + 1) % m
        o0, i0, o1, i1 = 0, m, 2 * m, 3 * m
        faces += [[o0 + i, o0 + j, i0 + j, i0 + i], [o1 + i, i1 + i, i1 + j, o1 + j],
                  [o0 + i, o1 + i, o1 + j, o0 + j], [i0 + i, i0 + j, i1 + j, i1 + i]]
    obj = mesh.mesh_object(name, verts, faces, material, parent, smooth=False)
    _outward(obj)
    return obj


def _chain(name, c1, r1: float, c2, r2: float, y: float, material, parent, radius: float = 0.004):
    """A chain loop (in the plane at ``y``) around two sprockets: centres (x, z) and radii."""
    ang = np.linspace(0.0, 2 * np.pi, 36, endpoint=False)
    pts = np.concatenate([np.column_stack([c[0] + r * np.cos(ang), c[1] + r * np.sin(ang)])
                          for c, r in ((c1, r1), (c2, r2))])
    hull = _hull2d(pts)
    hull = np.concatenate([hull, hull[:1]])
    path = np.column_stack([hull[:, 0], np.full(len(hull), y), hull[:, 1]])
    return _sweep(name, path, (radius * 0.8, radius), material, parent, segments=6)


def _oriented_box(name, size, p0, p1, material, parent, bevel: float = 0.0, y: float | None = None):
    """A box of ``size`` (length ignored: from ``p0`` to ``p1``, in the xz plane) along that segment."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = p1 - p0
    length = float(np.linalg.norm(d))
    beta = math.atan2(-d[2], d[0])
    centre = (p0 + p1) / 2
    if y is not None:
        centre[1] = y
    return mesh.box(name, (length, size[1], size[2]), centre, material, bevel=bevel, rotation=(0.0, beta, 0.0),
                    parent=parent)


def _coil(name, p0, p1, radius: float, wire: float, turns: float, material, parent):
    """A coil spring from ``p0`` to ``p1`` (a helix swept with a round wire)."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = _unit(p1 - p0)
    e1 = _unit(np.cross(d, [0.0, 1.0, 0.0] if abs(d[1]) < 0.9 else [1.0, 0.0, 0.0]))
    e2 = np.cross(d, e1)
    t = np.linspace(0.0, 1.0, int(turns * 10) + 2)
    a = 2 * np.pi * turns * t
    pts = p0 + np.outer(t, p1 - p0) + radius * (np.outer(np.cos(a), e1) + np.outer(np.sin(a), e2))
    return _sweep(name, pts, wire, material, parent, segments=5)


# --------------------------------------------------------------------------------------------------
# bicycles

BIKE_KINDS = (("city", 0.35), ("road", 0.25), ("mountain", 0.25), ("step_through", 0.15))
BIKE_PAINT = (((0.01, 0.01, 0.01), 0.24), ((0.80, 0.80, 0.78), 0.12), ((0.45, 0.46, 0.48), 0.10),
              ((0.50, 0.03, 0.02), 0.10), ((0.03, 0.10, 0.45), 0.11), ((0.05, 0.22, 0.10), 0.07),
              ((0.35, 0.62, 0.55), 0.07), ((0.80, 0.60, 0.04), 0.04), ((0.80, 0.25, 0.03), 0.05),
              ((0.72, 0.66, 0.52), 0.05), ((0.22, 0.03, 0.06), 0.05))
FLANGE_R = 0.026


def _bike_params(r, kind: str) -> dict:
    """Frame and fit numbers by kind (geometry charts of common city, road and mountain bikes)."""
    if kind == "road":
        return dict(bead=0.622, tyre_w=r.uniform(0.023, 0.028), wb=r.uniform(0.975, 1.0), ha=r.uniform(72.0, 73.5),
                    sa=r.uniform(73.0, 74.0), fork=r.uniform(0.365, 0.375), rake=r.uniform(0.043, 0.05),
                    drop=r.uniform(0.065, 0.075), cs=r.uniform(0.405, 0.415), ht=r.uniform(0.13, 0.19),
                    slope=r.uniform(0.0, 8.0), sh=r.uniform(0.68, 0.78), bar="drop", bar_w=r.uniform(0.40, 0.44),
                    spacer=r.uniform(0.02, 0.04), stem=r.uniform(0.09, 0.12), stem_ang=r.uniform(-8.0, 6.0))
    if kind == "mountain":
        return dict(bead=r.choice([0.559, 0.584]), tyre_w=r.uniform(0.05, 0.058), wb=r.uniform(1.05, 1.09),
                    ha=r.uniform(66.5, 69.0), sa=r.uniform(73.0, 75.0), fork=r.uniform(0.46, 0.50),
                    rake=r.uniform(0.04, 0.046), drop=r.uniform(0.025, 0.04), cs=r.uniform(0.42, 0.44),
                    ht=r.uniform(0.10, 0.13), slope=r.uniform(8.0, 14.0), sh=r.uniform(0.66, 0.76), bar="flat",
                    bar_w=r.uniform(0.64, 0.70), spacer=r.uniform(0.02, 0.04), stem=r.uniform(0.05, 0.07),
                    stem_ang=r.uniform(0.0, 10.0))
    return dict(bead=0.622 if r.random() < 0.7 else 0.559, tyre_w=r.uniform(0.032, 0.042), wb=r.uniform(1.04, 1.09),
                ha=r.uniform(68.0, 70.5), sa=r.uniform(70.0, 72.0), fork=r.uniform(0.40, 0.42),
                rake=r.uniform(0.045, 0.055), drop=r.uniform(0.06, 0.075), cs=r.uniform(0.44, 0.47),
                ht=r.uniform(0.16, 0.22), slope=r.uniform(0.0, 4.0), sh=r.uniform(0.66, 0.76), bar="swept",
                bar_w=r.uniform(0.56, 0.62), spacer=r.uniform(0.06, 0.12), stem=r.uniform(0.06, 0.09),
                stem_ang=r.uniform(15.0, 35.0))


def bicycle_geometry(r, kind: str | None = None) -> SimpleNamespace:
    """The key points of a bicycle (rear hub at x = 0): frame junctions, saddle, bar clamp, wheels.

    Tubes keep a real tyre clearance: chainstays lengthen until the seat tube clears the rear tyre,
    the front centre grows until the down tube clears the front tyre (and its mudguard)."""
    kind = kind or surfaces.pick_weighted(r, BIKE_KINDS)
    p = _bike_params(r, kind)
    g = SimpleNamespace(kind=kind, **p)
    g.fenders = kind in ("city", "step_through")
    g.wheel_d = p["bead"] + 2 * p["tyre_w"]
    g.tyre_r = p["tyre_w"] / 2
    R = g.wheel_d / 2
    g.r_dt, g.r_st, g.r_tt = ((0.019, 0.0145, 0.016) if kind != "mountain" else (0.024, 0.016, 0.02))
    sa, ha = math.radians(p["sa"]), math.radians(p["ha"])
    g.seat_dir = _v(-math.cos(sa), 0.0, math.sin(sa))
    g.u = _v(-math.cos(ha), 0.0, math.sin(ha))
    g.n = _v(math.sin(ha), 0.0, math.cos(ha))
    g.rear_hub = _v(0.0, 0.0, R)
    margin = 0.022 if g.fenders else 0.008
    cs = p["cs"]
    for _ in range(40):
        g.bb = _v(math.sqrt(cs * cs - p["drop"] ** 2), 0.0, R - p["drop"])
        short = R + g.r_st + margin - _line_distance(g.rear_hub, g.bb, g.bb + g.seat_dir)
        if short <= 0:
            break
        cs += short + 0.002
    g.cs = cs
    wb = p["wb"]
    for _ in range(40):
        g.front_hub = _v(wb, 0.0, R)
        g.crown = g.front_hub + p["fork"] * g.u - p["rake"] * g.n
        g.ht_bot = g.crown + 0.012 * g.u
        short = R + g.r_dt + margin - _line_distance(g.front_hub, g.bb, g.ht_bot)
        if short <= 0:
            break
        wb += short + 0.002
    g.wheelbase = wb
    g.ht_top = g.ht_bot + p["ht"] * g.u
    _bike_seat_tube(g, kind, r)
    g.stem_top = g.ht_top + p["spacer"] * g.u
    sang = math.radians(p["stem_ang"])
    g.clamp = g.stem_top + p["stem"] * _v(math.cos(sang), 0.0, math.sin(sang))
    g.saddle_top = g.bb + g.sh * g.seat_dir
    return g


def _bike_seat_tube(g, kind: str, r) -> None:
    """Where the top tube meets the seat tube (the top tube slopes down to the rear by ``slope``);
    step-through frames have a short seat tube instead. The saddle keeps 8 cm of seatpost showing."""
    if kind == "step_through":
        g.st_len = r.uniform(0.44, 0.50)
    else:
        s = math.radians(g.slope)
        a = g.ht_top - 0.02 * g.u
        d = _v(-math.cos(s), 0.0, -math.sin(s))
        m = np.array([[d[0], -g.seat_dir[0]], [d[2], -g.seat_dir[2]]])
        _, k = np.linalg.solve(m, (g.bb - a)[[0, 2]])
        g.tt_front, g.st_len = a, float(k)
    g.st_top = g.bb + g.st_len * g.seat_dir
    g.sh = max(g.sh, g.st_len + 0.08 + 0.05)


def _bike_materials(r, g) -> SimpleNamespace:
    paint = surfaces.pick_weighted(r, BIKE_PAINT)
    dark_parts = g.kind in ("road", "mountain") and r.random() < 0.6
    alloy_c = (0.03, 0.03, 0.035) if dark_parts else (0.62, 0.62, 0.64)
    saddle_c = r.choice([(0.015, 0.015, 0.015)] * 3 + [(0.25, 0.11, 0.04), (0.45, 0.26, 0.10)])
    grip_c = saddle_c if g.kind in ("city", "step_through") and r.random() < 0.5 else (0.02, 0.02, 0.02)
    return SimpleNamespace(
        paint=surfaces.principled("bike_paint", paint, roughness=r.uniform(0.2, 0.4), metallic=r.uniform(0.0, 0.4),
                                  coat=r.uniform(0.5, 1.0), noise=0.03),
        tyre=surfaces.rubber("bike_tyre"),
        alloy=surfaces.principled("bike_alloy", alloy_c, roughness=0.3, metallic=0.0 if dark_parts else 1.0),
        steel=surfaces.principled("bike_steel", (0.6, 0.6, 0.62), roughness=0.22, metallic=1.0),
        chain=surfaces.principled("bike_chain", (0.12, 0.12, 0.12), roughness=0.4, metallic=1.0),
        saddle=surfaces.principled("bike_saddle", saddle_c, roughness=0.55, noise=0.1, noise_scale=120.0),
        grip=surfaces.principled("bike_grip", grip_c, roughness=0.8, noise=0.1, noise_scale=200.0),
        lamp=surfaces.lamp("bike_lamp", (0.95, 0.95, 0.9)),
        reflector=surfaces.lamp("bike_reflector", (0.7, 0.03, 0.02)),
        stanchion=surfaces.principled("bike_stanchion", r.choice([(0.7, 0.5, 0.15), (0.05, 0.05, 0.05), (0.7,) * 3]),
                                      roughness=0.15, metallic=1.0),
    )


class BicycleFactory(ProceduralFactory):
    """A bicycle: city (swept bar, mudguards, rack, lamp), road (drop bar, 700c x 23-28 mm tyres),
    mountain (flat bar, suspension fork, 26"/27.5" x 2.0-2.3" tyres, disc brakes) or step-through.

    Sizes (manufacturers' geometry charts, ETRTO tyre sizes): wheel diameter 0.62-0.71 m (26"-27.5"/700c
    rims plus tyre), wheelbase 0.98-1.12 m, overall length 1.65-1.85 m, handlebar 0.40-0.70 m wide,
    saddle 0.85-1.05 m above ground, head angle 66.5-73.5 deg, seat angle 70-75 deg.
    ``kind`` (spawn keyword) forces one of city / road / mountain / step_through.
    """

    def create_asset(self, kind: str | None = None, **spawn):
        r = self.rng
        g = bicycle_geometry(r, kind)
        g.rim_depth = 0.045 if g.kind == "road" and r.random() < 0.4 else 0.02
        g.spokes = r.choice([28, 32, 36]) if g.kind != "road" else r.choice([20, 24, 28])
        m = _bike_materials(r, g)
        root = mesh.empty("bicycle")
        self._frame(g, m, root)
        self._fork(g, m, root)
        for name, hub, rear in (("front", g.front_hub, False), ("rear", g.rear_hub, True)):
            self._wheel(name, hub, g, m, root, rear)
        feet = self._drivetrain(g, m, root)
        grips = self._cockpit(g, m, root)
        seat = self._saddle(g, m, root)
        self._accessories(g, m, root)
        R = g.wheel_d / 2
        set_anchors(root, {"seat": seat, "grip_left": grips[0], "grip_right": grips[1], "foot_left": feet[0],
                           "foot_right": feet[1], "hub_front": g.front_hub, "hub_rear": g.rear_hub,
                           "contact_front": g.front_hub - _v(0, 0, R), "contact_rear": g.rear_hub - _v(0, 0, R)})
        return root

    def _frame(self, g, m, root) -> None:
        """Main triangle (or step-through tubes), rear triangle, head tube, bottom bracket shell."""
        mesh.tube("head_tube", [g.ht_bot - 0.005 * g.u, g.ht_top], 0.019, m.paint, segments=16, parent=root)
        mesh.cylinder("bb_shell", 0.021, 0.072, g.bb, m.paint, axis="Y", segments=16, parent=root)
        mesh.tube("seat_tube", [g.bb, g.st_top + 0.015 * g.seat_dir], g.r_st, m.paint, segments=14, parent=root)
        if g.kind == "step_through":
            low = g.bb + 0.16 * g.seat_dir
            top = g.ht_bot + 0.45 * g.ht * g.u
            mesh.tube("main_tube", _bezier(top, _v(g.bb[0] + 0.12, 0, g.bb[2] + 0.1), low, n=14), g.r_dt,
                      m.paint, segments=14, parent=root)
            mesh.tube("down_tube", _bezier(g.ht_bot + 0.1 * g.ht * g.u, _v(g.bb[0] + 0.28, 0, g.bb[2] + 0.04),
                                           g.bb + _v(0.01, 0, 0.0), n=12), g.r_dt * 0.85, m.paint, segments=14,
                      parent=root)
        else:
            mesh.tube("top_tube", [g.tt_front, g.st_top], g.r_tt, m.paint, segments=14, parent=root)
            mesh.tube("down_tube", [g.ht_bot + 0.02 * g.u, g.bb], g.r_dt, m.paint, segments=14, parent=root)
        drop = g.rear_hub
        for side in (1, -1):
            ss_top = g.st_top - 0.035 * g.seat_dir + _v(0, side * 0.018, 0)
            mesh.tube(f"seat_stay_{side}", [ss_top, drop + _v(0, side * 0.066, 0.0)], 0.0085, m.paint, segments=10,
                      parent=root)
            cs_pts = _bezier(g.bb + _v(-0.02, side * 0.028, 0), (g.bb + drop) / 2 + _v(0, side * 0.06, 0),
                             drop + _v(0, side * 0.066, 0), n=6)
            mesh.tube(f"chain_stay_{side}", cs_pts, 0.0095, m.paint, segments=10, parent=root)
            mesh.box(f"dropout_{side}", (0.045, 0.006, 0.03), drop + _v(0.008, side * 0.066, 0.0), m.paint, parent=root)

    def _fork(self, g, m, root) -> None:
        """Rigid fork (blades curving forward to the axle) or a suspension fork (stanchions, lowers, arch)."""
        beta = -(math.pi / 2 - math.radians(g.ha))
        if g.kind == "mountain":
            legs_top = g.crown + g.rake * g.n
            mesh.box("fork_crown", (0.05, 0.15, 0.03), (g.crown + legs_top) / 2, m.alloy, bevel=0.008,
                     rotation=(0, beta, 0), parent=root)
            length = float(np.linalg.norm(legs_top - g.front_hub))
            for side in (1, -1):
                off = _v(0, side * 0.058, 0)
                mesh.tube(f"fork_lower_{side}", [g.front_hub + off, g.front_hub + off + 0.55 * length * g.u], 0.021,
                          m.paint, segments=12, parent=root)
                mesh.tube(f"fork_stanchion_{side}", [g.front_hub + off + 0.5 * length * g.u, legs_top + off], 0.016,
                          m.stanchion, segments=12, parent=root)
            arch = g.front_hub + 0.5 * length * g.u + 0.02 * g.n
            mesh.tube("fork_arch", [_flip(arch + _v(0, 0.058, 0)), arch + _v(0, 0, 0.04), arch + _v(0, 0.058, 0)],
                      0.01, m.paint, segments=8, parent=root)
        else:
            mesh.box("fork_crown", (0.04, 0.12, 0.028), g.crown, m.paint, bevel=0.008, rotation=(0, beta, 0),
                     parent=root)
            f = g.fork
            for side in (1, -1):
                t = np.linspace(0.04, 1.0, 8)[:, None]
                pts = g.crown + _v(0, side * 0.048, 0) - t * f * g.u + g.rake * t ** 2 * g.n
                pts[-1] = g.front_hub + _v(0, side * 0.05, 0)
                mesh.tube(f"fork_blade_{side}", pts, 0.011, m.paint, segments=10, parent=root)
        mesh.tube("steerer", [g.ht_top, g.stem_top + 0.01 * g.u], 0.015, m.alloy, segments=12, parent=root)

    def _wheel(self, name, hub, g, m, root, rear: bool) -> None:
        """Tyre, rim, hub with flanges, tangentially laced spokes; disc rotors on mountain bikes."""
        R, rt = g.wheel_d / 2, g.tyre_r
        circle = mesh.superellipse(rt, rt, 2.0, 10)
        _revolve(f"{name}_tyre", [(R - rt + a, b) for a, b in circle], hub, m.tyre, root, segments=48)
        bead = R - 2 * rt + 0.002
        depth = g.rim_depth
        hw = max(0.009, rt * 0.8)
        _revolve(f"{name}_rim", [(bead - depth, -hw * 0.5), (bead, -hw), (bead, hw), (bead - depth, hw * 0.5)], hub,
                 m.alloy, root, segments=48)
        fy = 0.036 if rear else 0.032
        _revolve(f"{name}_hub", [(0.006, -0.068), (0.015, -0.06), (0.015, -fy - 0.004), (FLANGE_R + 0.002, -fy - 0.002),
                                 (FLANGE_R + 0.002, -fy + 0.002), (0.016, -fy + 0.004), (0.018, 0.0),
                                 (0.016, fy - 0.004), (FLANGE_R + 0.002, fy - 0.002), (FLANGE_R + 0.002, fy + 0.002),
                                 (0.015, fy + 0.004), (0.015, 0.06), (0.006, 0.068)], hub, m.alloy, root,
                 segments=16, closed=False)
        mesh.cylinder(f"{name}_axle", 0.005, 0.15, hub, m.steel, axis="Y", segments=8, parent=root)
        n = g.spokes
        cross = 3 if n >= 32 else 2
        spokes = []
        for i in range(n):
            theta = 2 * math.pi * i / n
            side = 1 if i % 2 == 0 else -1
            lead = 1 if (i // 2) % 2 == 0 else -1
            alpha = theta + lead * cross * 4 * math.pi / n if g.kind != "road" or rear else theta
            spokes.append((_polar(hub, FLANGE_R, alpha, side * fy),
                           _polar(hub, bead - depth + 0.003, theta, side * 0.002)))
        _rods(f"{name}_spokes", spokes, 0.0011, m.steel, root)
        if g.kind == "mountain":
            _annulus(f"{name}_rotor", hub + _v(0, 0.056, 0), 0.055, 0.08 if not rear else 0.08, 0.002, m.steel, root)
            phi = math.atan2(g.u[2], g.u[0]) + 0.7 if not rear else math.pi + 0.55
            mesh.box(f"{name}_caliper", (0.055, 0.03, 0.03), _polar(hub, 0.08, phi, 0.062), m.alloy, bevel=0.006,
                     rotation=(0, -phi + math.pi / 2, 0), parent=root)

    def _drivetrain(self, g, m, root):
        """Chainring(s), cassette or single cog, chain, cranks at the horizontal position and pedals;
        returns the pedal tops (left, right)."""
        r = self.rng
        teeth = {"road": 50, "mountain": 32}.get(g.kind, r.choice([38, 40, 42]))
        rc = teeth * 0.0127 / (2 * math.pi)
        _toothed_ring("chainring", g.bb + _v(0, -0.048, 0), rc + 0.003, rc - 0.014, teeth, 0.003, m.alloy, root)
        if g.kind == "road":
            rc2 = 34 * 0.0127 / (2 * math.pi)
            _toothed_ring("chainring_small", g.bb + _v(0, -0.040, 0), rc2 + 0.003, rc2 - 0.012, 34, 0.003, m.alloy,
                          root)
        for k in range(5):
            phi = 2 * math.pi * k / 5 + 0.3
            _oriented_box(f"spider_{k}", (0, 0.006, 0.012), _polar(g.bb, 0.012, phi), _polar(g.bb, rc - 0.008, phi),
                          m.alloy, root, y=g.bb[1] - 0.046)
        if g.kind in ("road", "mountain"):
            big = 0.05 if g.kind == "road" else 0.085
            steps = np.linspace(big, 0.024, 9)
            prof = [(0.012, -0.022)]
            for k, rr in enumerate(steps):
                prof += [(rr, -0.022 - 0.0042 * k), (rr, -0.0245 - 0.0042 * k)]
            prof.append((0.012, prof[-1][1]))
            _revolve("cassette", prof, g.rear_hub, m.steel, root, segments=32)
            cog = steps[4]
            mesh.box("derailleur", (0.03, 0.015, 0.07), g.rear_hub + _v(-0.01, -0.062, -0.055), m.alloy, bevel=0.005,
                     rotation=(0, 0.3, 0), parent=root)
        else:
            cog = 0.042
            _annulus("cog", g.rear_hub + _v(0, -0.045, 0), 0.015, cog, 0.003, m.steel, root, segments=32)
        _chain("chain", g.bb[[0, 2]], rc, g.rear_hub[[0, 2]], cog, -0.047, m.chain, root)
        crank = 0.175 if g.kind == "mountain" else 0.17
        mesh.cylinder("bb_axle", 0.011, 0.15, g.bb, m.alloy, axis="Y", segments=10, parent=root)
        feet = []
        for side, dx in ((1, -crank), (-1, crank)):
            y0 = side * 0.07
            _sweep(f"crank_{side}", [g.bb + _v(0, y0, 0), g.bb + _v(dx, side * 0.078, 0)],
                   [(0.008, 0.017), (0.007, 0.011)], m.alloy, root, segments=10)
            pedal = g.bb + _v(dx, side * 0.135, 0)
            mesh.cylinder(f"pedal_axle_{side}", 0.006, 0.06, pedal - _v(0, side * 0.025, 0), m.steel, axis="Y",
                          segments=8, parent=root)
            ps = (0.07, 0.065, 0.018) if g.kind == "road" else (0.1, 0.09, 0.022)
            mesh.box(f"pedal_{side}", ps, pedal, m.chain, bevel=0.004, parent=root)
            feet.append(pedal + _v(0, 0, ps[2] / 2))
        return feet

    def _bar_path(self, g):
        """The handlebar's +y half (points from the stem clamp outwards) and that grip's centre."""
        c = g.clamp
        w = g.bar_w / 2
        if g.bar == "drop":
            rb, reach, rd = 0.04, 0.075, 0.065
            pts = [c + _v(0, 0, 0), c + _v(0, w - rb, 0)]
            pts += [c + _v(rb - rb * math.cos(a), w - rb + rb * math.sin(a), 0)
                    for a in np.linspace(0.2, math.pi / 2, 4)]
            pts += [c + _v(reach + rd * math.sin(a), w, -rd + rd * math.cos(a)) for a in np.linspace(0, math.pi, 9)]
            pts.append(c + _v(reach - 0.09, w, -2 * rd))
            return np.array(pts), c + _v(reach + 0.028, w, 0.028), None
        sweep, gamma, rise = ((0.0, math.radians(7), 0.02) if g.bar == "flat"
                              else (self.rng.uniform(0.1, 0.16), math.radians(self.rng.uniform(30, 45)), 0.03))
        gdir = _v(-math.sin(gamma), math.cos(gamma), 0.0)
        end = c + _v(-sweep, w, rise)
        g0 = end - 0.13 * gdir
        lam = 0.6 * (g0[1] - c[1]) / gdir[1]
        curve = _bezier(c, c + _v(0, 0.35 * (g0[1] - c[1]), 0), g0 - lam * gdir, g0, n=12)
        pts = np.concatenate([curve, [end]])
        return pts, (g0 + end) / 2, (g0, end)

    def _cockpit(self, g, m, root):
        """Stem, handlebar, grips or hoods and brake levers; returns the grip centres (left, right)."""
        mesh.tube("stem", [g.stem_top - 0.01 * g.u, g.clamp], 0.017, m.alloy, segments=12, parent=root)
        mesh.cylinder("stem_clamp", 0.02, 0.05, g.clamp, m.alloy, axis="Y", segments=12, parent=root)
        half, grip, span = self._bar_path(g)
        path = np.concatenate([_flip(half[::-1])[:-1], half])
        mesh.tube("handlebar", path, 0.0115, m.grip if g.bar == "drop" else m.alloy, segments=10, parent=root)
        levers = []
        for side in (1, -1):
            sgn = np.array([1.0, side, 1.0])
            if span is None:
                hood = [grip + _v(-0.03, 0, -0.022), grip + _v(0.0, 0, -0.004), grip + _v(0.035, 0, 0.004)]
                _sweep(f"hood_{side}", [p * sgn for p in hood], [(0.013, 0.016), (0.014, 0.02), (0.01, 0.012)], m.grip,
                       root, segments=10)
                levers.append((grip * sgn + _v(0.03, 0, 0), grip * sgn + _v(0.05, 0, -0.1)))
            else:
                g0, end = (p * sgn for p in span)
                mesh.tube(f"grip_{side}", [g0, end + 0.01 * _unit(end - g0)], 0.017, m.grip, segments=12, parent=root)
                levers.append((g0 + _v(0.02, 0, 0.0), g0 + 0.09 * _unit(end - g0) + _v(0.045, 0, -0.012)))
        _rods("brake_levers", levers, 0.005, m.alloy, root, sides=6)
        return grip, _flip(grip)

    def _saddle(self, g, m, root):
        """Seatpost and a lofted saddle (wide comfort saddles on city bikes); returns the sit-bone point."""
        r = self.rng
        comfort = g.kind in ("city", "step_through")
        length = r.uniform(0.24, 0.26) if comfort else r.uniform(0.265, 0.285)
        width = r.uniform(0.18, 0.22) if comfort else r.uniform(0.13, 0.15)
        thick = 0.06 if comfort else 0.04
        post_top = g.saddle_top - (thick + 0.012) * _v(0, 0, 1)
        mesh.tube("seatpost", [g.st_top, post_top], 0.0136, m.alloy, segments=12, parent=root)
        x_back = post_top[0] - 0.5 * length + r.uniform(-0.01, 0.02)
        secs = []
        for s in np.linspace(0.0, 1.0, 14):
            hw = 0.02 + (width / 2 - 0.02) * (1 - _smooth(0.25, 0.72, s))
            hw *= 0.55 + 0.45 * _smooth(-0.02, 0.14, s)
            th = thick * (1 - 0.45 * s) * (0.6 + 0.4 * _smooth(-0.02, 0.1, s)) * (0.6 + 0.4 * _smooth(1.02, 0.92, s))
            top = g.saddle_top[2] - 0.006 * s + 0.004 * (1 - _smooth(0.0, 0.2, s))
            secs.append((x_back + s * length, hw * (0.6 + 0.4 * _smooth(1.02, 0.9, s)), top - th, top))
        _body("saddle", secs, m.saddle, root, exponent=2.4, n=20)
        _rods("saddle_rails", [(post_top + _v(-0.07, y, 0.004), post_top + _v(0.07, y, 0.01)) for y in (-0.02, 0.02)],
              0.0035, m.steel, root, sides=6)
        return _v(x_back + 0.2 * length, 0.0, g.saddle_top[2] + 0.004)

    def _accessories(self, g, m, root) -> None:
        """Mudguards, rack, basket, chainguard, kickstand, lamps and brakes, by kind."""
        r = self.rng
        R = g.wheel_d / 2
        if g.fenders:
            w = max(0.045, g.tyre_r * 2 + 0.018)
            _arc_shell("fender_front", g.front_hub, R + 0.014, w, math.radians(10), math.radians(225), m.paint, root)
            _arc_shell("fender_rear", g.rear_hub, R + 0.014, w, math.radians(22), math.radians(200), m.paint, root)
            stays = []
            for side in (1, -1):
                for hub, phi in ((g.front_hub, math.radians(20)), (g.rear_hub, math.radians(165))):
                    stays.append((hub + _v(0, side * 0.06, 0), _polar(hub, R + 0.02, phi, side * (w / 2 - 0.002))))
            _rods("fender_stays", stays, 0.002, m.steel, root)
            self._chainguard(g, m, root)
            if r.random() < 0.7:
                self._rack(g, m, root)
            if r.random() < (0.5 if g.kind == "step_through" else 0.25):
                self._basket(g, m, root)
            if r.random() < 0.7:
                lamp = g.crown + 0.05 * g.n + 0.01 * g.u
                mesh.cylinder("headlamp", 0.024, 0.05, lamp, m.chain, axis="X", segments=14, parent=root)
                mesh.cylinder("headlamp_lens", 0.02, 0.004, lamp + _v(0.026, 0, 0), m.lamp, axis="X", segments=14,
                              parent=root)
        if g.fenders or (g.kind == "mountain" and r.random() < 0.2):
            foot = g.bb + _v(-0.05, 0.05, -0.02)
            _sweep("kickstand", [foot, foot + _v(-0.2, 0.015, 0.03), foot + _v(-0.27, 0.018, 0.045)], 0.007, m.alloy,
                   root, segments=8)
        if g.kind != "mountain":
            self._rim_brakes(g, m, root)

    def _chainguard(self, g, m, root) -> None:
        """A plate over the chain's upper run and the chainring's top (city bikes)."""
        rc = 40 * 0.0127 / (2 * math.pi)
        b = g.bb[[0, 2]]
        outline = [(0.09, g.rear_hub[2] + 0.075), (0.09, g.rear_hub[2] + 0.03)]
        outline += [(b[0] + (rc - 0.02) * math.cos(a), b[1] + (rc - 0.02) * math.sin(a))
                    for a in np.linspace(math.radians(110), math.radians(-25), 8)]
        outline += [(b[0] + (rc + 0.025) * math.cos(a), b[1] + (rc + 0.025) * math.sin(a))
                    for a in np.linspace(math.radians(-25), math.radians(110), 8)]
        mesh.extrude_polygon("chainguard", np.array(outline)[::-1], 0.003, m.paint, axis="Y", offset=-0.066,
                             parent=root)

    def _rack(self, g, m, root) -> None:
        """A rear carrier: platform over the mudguard, legs to the dropouts, struts to the seat stays."""
        R = g.wheel_d / 2
        z = 2 * R + 0.06
        x0 = -0.55 * R
        t = (z - R) / max(g.st_top[2] - 0.035 * g.seat_dir[2] - R, 1e-3)
        x1 = min(t * (g.st_top[0] - 0.035 * g.seat_dir[0]) - 0.02, g.st_top[0] - 0.03)
        hw = 0.07
        rods = [(_v(x0, y, z), _v(x1, y, z)) for y in (-hw, -hw / 3, hw / 3, hw)]
        rods += [(_v(x, -hw, z), _v(x, hw, z)) for x in np.linspace(x0, x1, 4)]
        for side in (1, -1):
            rods += [(_v(x0, side * hw, z), g.rear_hub + _v(0, side * 0.07, 0.01)),
                     (_v(x0 * 0.3, side * hw, z), g.rear_hub + _v(0.02, side * 0.07, 0.02))]
        _rods("rack", rods, 0.005, m.alloy if self.rng.random() < 0.5 else m.chain, root, sides=6)
        mesh.box("rack_reflector", (0.012, 0.08, 0.03), _v(x0 - 0.008, 0, z - 0.02), m.reflector, parent=root)

    def _basket(self, g, m, root) -> None:
        """A front basket on struts to the fork ends: wire mesh or wicker."""
        r = self.rng
        R = g.wheel_d / 2
        L, W, H = r.uniform(0.28, 0.34), r.uniform(0.26, 0.32), r.uniform(0.2, 0.24)
        x0 = max(g.clamp[0], g.ht_top[0]) + 0.05
        z0 = g.front_hub[2] + R + 0.05
        x1 = x0 + L
        if r.random() < 0.4:
            wicker = surfaces.principled("bike_wicker", (0.45, 0.3, 0.13), roughness=0.8, noise=0.4, noise_scale=90.0)
            ring = mesh.rounded_rect(L, W, 0.03, 4)
            rings = [np.column_stack([ring[:, 0] * s + (x0 + x1) / 2, ring[:, 1] * s, np.full(len(ring), z)])
                     for s, z in ((0.92, z0), (1.0, z0 + H))]
            mesh.loft("basket_wall", rings, wicker, cap=False, parent=root)
            mesh.box("basket_floor", (L * 0.92, W * 0.92, 0.01), _v((x0 + x1) / 2, 0, z0 + 0.005), wicker, parent=root)
            mesh.tube("basket_rim", np.concatenate([rings[1], rings[1][:1]]), 0.008, wicker, segments=6, parent=root)
        else:
            rods = []
            for z in (z0, z0 + H / 2, z0 + H):
                c = [_v(x0, -W / 2, z), _v(x1, -W / 2, z), _v(x1, W / 2, z), _v(x0, W / 2, z)]
                rods += [(c[k], c[(k + 1) % 4]) for k in range(4)]
            rods += [(_v(x, y, z0), _v(x, y, z0 + H)) for x in np.linspace(x0, x1, 7) for y in (-W / 2, W / 2)]
            rods += [(_v(x0, y, z0), _v(x0, y, z0 + H)) for y in np.linspace(-W / 2, W / 2, 6)[1:-1]]
            rods += [(_v(x1, y, z0), _v(x1, y, z0 + H)) for y in np.linspace(-W / 2, W / 2, 6)[1:-1]]
            rods += [(_v(x0, y, z0), _v(x1, y, z0)) for y in np.linspace(-W / 2, W / 2, 6)[1:-1]]
            _rods("basket", rods, 0.003, m.alloy, root, sides=4)
        struts = [(_v(x0 + 0.04, s * W / 3, z0), g.front_hub + _v(0, s * 0.055, 0)) for s in (1, -1)]
        struts.append((_v(x0, 0, z0 + H * 0.6), g.clamp + _v(0.01, 0, -0.01)))
        _rods("basket_struts", struts, 0.004, m.alloy, root, sides=6)

    def _rim_brakes(self, g, m, root) -> None:
        """Caliper rim brakes at the fork crown and the seat-stay bridge."""
        R = g.wheel_d / 2
        bridge = g.st_top - 0.035 * g.seat_dir
        rear_dir = _unit(bridge - g.rear_hub)
        for name, p, d in (("front", g.crown + 0.025 * g.n - 0.02 * g.u, -g.u),
                           ("rear", g.rear_hub + rear_dir * (R + 0.02), rear_dir)):
            mesh.box(f"{name}_brake", (0.025, 0.07, 0.045), p, m.alloy, bevel=0.006,
                     rotation=(0, math.atan2(-d[2], d[0]) + math.pi / 2, 0), parent=root)

# --------------------------------------------------------------------------------------------------
# motorcycles

MOTO_KINDS = (("scooter", 0.3), ("standard", 0.4), ("sport", 0.3))
MOTO_PAINT = (((0.01, 0.01, 0.012), 0.26), ((0.50, 0.02, 0.02), 0.15), ((0.80, 0.80, 0.78), 0.15),
              ((0.03, 0.10, 0.45), 0.11), ((0.20, 0.20, 0.22), 0.10), ((0.10, 0.45, 0.05), 0.06),
              ((0.85, 0.30, 0.02), 0.05), ((0.85, 0.62, 0.04), 0.04), ((0.55, 0.56, 0.58), 0.05),
              ((0.45, 0.65, 0.60), 0.03))


def _moto_params(r, kind: str) -> dict:
    """Chassis numbers by kind (spec sheets of 125-300 cc scooters, middleweight standards and sport bikes;
    tyre sizes: 100/80-16 to 120/80-16 scooters, 110/80-18 to 160/60-17 standards, 120/70-17 + 180/55-17 sport)."""
    if kind == "scooter":
        d_r = r.uniform(0.55, 0.57)
        return dict(d_r=d_r, d_f=r.uniform(d_r, 0.585), w_r=r.uniform(0.11, 0.13), w_f=r.uniform(0.09, 0.10),
                    wb=r.uniform(1.29, 1.38), rake=r.uniform(26.0, 28.0), grip_z=r.uniform(0.98, 1.04),
                    seat_z=r.uniform(0.76, 0.80), swing=r.uniform(0.42, 0.47), gc=r.uniform(0.13, 0.15))
    if kind == "standard":
        d_r = r.uniform(0.60, 0.65)
        return dict(d_r=d_r, d_f=r.uniform(d_r, min(0.68, d_r + 0.03)), w_r=r.uniform(0.15, 0.175),
                    w_f=r.uniform(0.11, 0.12), wb=r.uniform(1.38, 1.47), rake=r.uniform(24.5, 27.0),
                    grip_z=r.uniform(1.0, 1.07), seat_z=r.uniform(0.78, 0.83), swing=r.uniform(0.52, 0.58),
                    gc=r.uniform(0.14, 0.16))
    d_r = r.uniform(0.61, 0.63)
    return dict(d_r=d_r, d_f=r.uniform(0.59, 0.61), w_r=r.uniform(0.18, 0.19), w_f=0.12, wb=r.uniform(1.37, 1.43),
                rake=r.uniform(23.0, 25.0), grip_z=r.uniform(0.88, 0.94), seat_z=r.uniform(0.81, 0.85),
                swing=r.uniform(0.55, 0.6), gc=r.uniform(0.12, 0.14))


def motorcycle_geometry(r, kind: str | None = None) -> SimpleNamespace:
    """Key points of a motorcycle (rear hub at x = 0): hubs, steering axis and head, swingarm pivot, seat."""
    kind = kind or surfaces.pick_weighted(r, MOTO_KINDS)
    g = SimpleNamespace(kind=kind, **_moto_params(r, kind))
    g.R_r, g.R_f = g.d_r / 2, g.d_f / 2
    g.rear_hub = _v(0.0, 0.0, g.R_r)
    g.front_hub = _v(g.wb, 0.0, g.R_f)
    rho = math.radians(g.rake)
    g.u = _v(-math.sin(rho), 0.0, math.cos(rho))
    g.n = _v(math.cos(rho), 0.0, math.sin(rho))
    g.offset = r.uniform(0.028, 0.036)
    g.tri_gap = r.uniform(0.14, 0.17)
    riser = {"standard": r.uniform(0.05, 0.08), "sport": -0.03, "scooter": 0.04}[kind]
    g.fork_len = (g.grip_z - riser - g.R_f) / math.cos(rho)  # axle to the upper triple clamp, along the axis
    g.upper = g.front_hub + g.fork_len * g.u
    g.lower = g.upper - g.tri_gap * g.u
    g.head_top = g.upper - g.offset * g.n
    g.head_bot = g.lower - g.offset * g.n
    beta = math.radians(r.uniform(4.0, 9.0))
    g.pivot = _v(g.swing * math.cos(beta), 0.0, g.R_r + g.swing * math.sin(beta))
    g.fork_y = 0.07 if kind == "scooter" else r.uniform(0.1, 0.11)
    g.arm_y = g.w_r / 2 + 0.045
    g.tank_len = r.uniform(0.46, 0.56)
    g.seat_front = g.head_top[0] - 0.05 - g.tank_len if kind != "scooter" else g.pivot[0] + r.uniform(0.08, 0.14)
    g.length_limit = 2.19
    return g


def _moto_materials(r) -> SimpleNamespace:
    paint = surfaces.pick_weighted(r, MOTO_PAINT)
    rim_c = r.choice([(0.02, 0.02, 0.02), (0.02, 0.02, 0.02), (0.6, 0.6, 0.62), (0.7, 0.45, 0.1), (0.5, 0.02, 0.02)])
    engine_c = r.choice([(0.05, 0.05, 0.055), (0.05, 0.05, 0.055), (0.45, 0.45, 0.47)])
    seat_c = r.choice([(0.015, 0.015, 0.015)] * 4 + [(0.2, 0.09, 0.03)])
    return SimpleNamespace(
        paint=surfaces.principled("moto_paint", paint, roughness=0.25, metallic=r.uniform(0.1, 0.5), coat=1.0,
                                  noise=0.02),
        tyre=surfaces.rubber("moto_tyre"),
        chrome=surfaces.chrome("moto_chrome"),
        engine=surfaces.principled("moto_engine", engine_c, roughness=0.45, metallic=1.0, noise=0.1),
        alloy=surfaces.principled("moto_alloy", (0.55, 0.55, 0.57), roughness=0.35, metallic=1.0, noise=0.08),
        rim=surfaces.principled("moto_rim", rim_c, roughness=0.3, metallic=0.8, coat=0.5),
        seat=surfaces.principled("moto_seat", seat_c, roughness=0.6, noise=0.12, noise_scale=150.0),
        plastic=surfaces.principled("moto_plastic", (0.02, 0.02, 0.022), roughness=0.55),
        lamp=surfaces.lamp("moto_headlamp", (0.92, 0.93, 0.95)),
        tail=surfaces.lamp("moto_taillamp", (0.6, 0.02, 0.01)),
        glass=surfaces.glass("moto_screen", tint=(0.75, 0.8, 0.85), dark=0.5),
        plate=surfaces.principled("moto_plate", r.choice([(0.85, 0.85, 0.82), (0.85, 0.7, 0.05)]), roughness=0.4),
    )


class MotorcycleFactory(ProceduralFactory):
    """A motorcycle: scooter (step-through body, floorboard, 16" wheels), standard (naked, round headlamp,
    tubular bar) or sport (lofted full fairing with screen, clip-ons, rear-sets).

    Sizes (manufacturers' spec sheets): length 1.8-2.2 m, height 1.05-1.3 m (mirrors or screen), wheel
    diameter 0.55-0.68 m, wheelbase 1.29-1.47 m, seat height 0.76-0.85 m, rake 23-28 deg.
    ``kind`` (spawn keyword) forces one of scooter / standard / sport.
    """

    def create_asset(self, kind: str | None = None, **spawn):
        r = self.rng
        g = motorcycle_geometry(r, kind)
        g.spokes = r.choice([3, 5, 6, 10])
        m = _moto_materials(r)
        root = mesh.empty("motorcycle")
        for name, hub, radius, width, front in (("front", g.front_hub, g.R_f, g.w_f, True),
                                                ("rear", g.rear_hub, g.R_r, g.w_r, False)):
            self._wheel(name, hub, radius, width, front, g, m, root)
        self._fork(g, m, root)
        grips = self._handlebar(g, m, root)
        if g.kind == "scooter":
            seat, feet = self._scooter_body(g, m, root)
        else:
            seat, feet = self._motorcycle_body(g, m, root)
        self._rear(g, m, root)
        set_anchors(root, {"seat": seat, "grip_left": grips[0], "grip_right": grips[1], "foot_left": feet[0],
                           "foot_right": feet[1], "hub_front": g.front_hub, "hub_rear": g.rear_hub,
                           "contact_front": g.front_hub - _v(0, 0, g.R_f),
                           "contact_rear": g.rear_hub - _v(0, 0, g.R_r)})
        return root

    def _wheel(self, name, hub, radius, width, front, g, m, root) -> None:
        """Tyre (squarish section), cast rim with straight or split spokes, hub and brake discs."""
        r = self.rng
        sec_h = width * (0.78 if g.kind == "scooter" else 0.6 if front else 0.55)
        sec = mesh.superellipse(sec_h / 2, width / 2, 2.6, 18)
        _revolve(f"{name}_tyre", [(radius - sec_h / 2 + a, b) for a, b in sec], hub, m.tyre, root, segments=56)
        rim_r = radius - sec_h + 0.012
        hw = width * 0.42
        _revolve(f"{name}_rim", [(rim_r - 0.03, -hw * 0.8), (rim_r - 0.004, -hw), (rim_r + 0.004, -hw * 1.02),
                                 (rim_r + 0.004, hw * 1.02), (rim_r - 0.004, hw), (rim_r - 0.03, hw * 0.8)],
                 hub, m.rim, root, segments=48)
        hub_profile = [(0.02, -hw * 1.1), (0.05, -hw * 0.9), (0.055, 0.0), (0.05, hw * 0.9), (0.02, hw * 1.1)]
        _revolve(f"{name}_hub", hub_profile, hub, m.rim, root, segments=20)
        spokes = g.spokes
        r0, r1 = 0.05, rim_r - 0.025
        rot = r.uniform(0, 2 * math.pi)
        for k in range(spokes):
            phi = rot + 2 * math.pi * k / spokes
            if spokes == 3:
                for dphi in (-0.22, 0.22):
                    _oriented_box(f"{name}_spoke_{k}{dphi}", (0, 0.022, 0.024), _polar(hub, r0, phi),
                                  _polar(hub, r1, phi + dphi), m.rim, root, bevel=0.006)
            else:
                _oriented_box(f"{name}_spoke_{k}", (0, 0.024, 0.03 if spokes < 10 else 0.018), _polar(hub, r0, phi),
                              _polar(hub, r1, phi), m.rim, root, bevel=0.006)
        mesh.cylinder(f"{name}_axle", 0.012, 2 * (g.fork_y if front else g.arm_y) + 0.04, hub, m.chrome, axis="Y",
                      segments=10, parent=root)
        disc_r = min(0.15 if front else 0.11, rim_r - 0.05)
        sides = (1, -1) if front and g.kind != "scooter" else (-1,)
        for s in sides:
            y = s * (hw + 0.012)
            _annulus(f"{name}_disc_{s}", hub + _v(0, y, 0), disc_r - 0.035, disc_r, 0.005, m.chrome, root, segments=40)
            phi = math.atan2(g.u[2], g.u[0]) + 0.9 if front else math.pi * 0.8
            mesh.box(f"{name}_caliper_{s}", (0.09, 0.04, 0.04), _polar(hub, disc_r - 0.012, phi, y), m.engine,
                     bevel=0.01, rotation=(0, -phi + math.pi / 2, 0), parent=root)

    def _fork(self, g, m, root) -> None:
        """Telescopic fork: sliders, chrome stanchions, triple clamps, front mudguard."""
        top = g.fork_len + 0.02
        slider = 0.5 * g.fork_len if g.kind != "scooter" else 0.35 * g.fork_len
        rad = 0.028 if g.kind != "scooter" else 0.022
        for s in (1, -1):
            base = g.front_hub + _v(0, s * g.fork_y, 0)
            mesh.tube(f"fork_slider_{s}", [base - 0.03 * g.u, base + slider * g.u], rad + 0.008,
                      m.rim if g.kind == "sport" else m.engine, segments=14, parent=root)
            stan_top = top if g.kind != "scooter" else 0.55 * g.fork_len
            mesh.tube(f"fork_stanchion_{s}", [base + (slider - 0.02) * g.u, base + stan_top * g.u], rad, m.chrome,
                      segments=14, parent=root)
        if g.kind != "scooter":
            beta = -g.rake * math.pi / 180
            for name, c in (("lower", g.lower), ("upper", g.upper)):
                mesh.box(f"triple_{name}", (0.09, 2 * g.fork_y + 0.07, 0.03), c - 0.5 * g.offset * g.n, m.engine,
                         bevel=0.01, rotation=(0, beta, 0), parent=root)
            mesh.tube("steering_head", [g.head_bot, g.head_top], 0.03, m.paint if g.kind == "standard" else m.engine,
                      segments=14, parent=root)
        width = min(g.w_f + 0.04, 2 * (g.fork_y - rad - 0.012))
        _arc_shell("front_fender", g.front_hub, g.R_f + 0.03, width, math.radians(35), math.radians(150),
                   m.paint if g.kind != "standard" or self.rng.random() < 0.6 else m.chrome, root, thick=0.004,
                   crown=0.012)

    def _handlebar(self, g, m, root):
        """Tubular bar (standard, scooter) or clip-ons (sport), grips, levers and mirrors; returns grips."""
        r = self.rng
        half_w = r.uniform(*{"standard": (0.36, 0.41), "sport": (0.32, 0.35), "scooter": (0.32, 0.36)}[g.kind])
        c = g.upper + _v(-0.02, 0, 0.0)
        if g.kind == "sport":
            inner = g.upper + _v(0, g.fork_y, -0.03) - 0.01 * g.n
            end = inner + _v(-0.09, half_w - g.fork_y, -0.035)
        else:
            pull, rise = r.uniform(0.08, 0.15), g.grip_z - c[2]
            inner = c + _v(0, 0.1, rise * 0.6)
            end = c + _v(-pull, half_w, rise)
        gdir = _unit(end - inner)
        grip0 = end - 0.13 * gdir
        if g.kind == "sport":
            half = np.array([inner, grip0, end])
        else:
            half = _bezier(c, c + _v(0, 0.12, rise * 0.9), grip0 - 0.08 * gdir, grip0, n=8)
            half = np.concatenate([half, [end]])
        if g.kind == "sport":
            for s in (1, -1):
                mesh.tube(f"clip_on_{s}", [p * np.array([1, s, 1]) for p in half], 0.011, m.engine, segments=10,
                          parent=root)
        else:
            mesh.tube("handlebar", np.concatenate([_flip(half[::-1])[:-1], half]), 0.011,
                      m.chrome if r.random() < 0.4 else m.engine, segments=10, parent=root)
        levers, grips = [], []
        for s in (1, -1):
            sg = np.array([1.0, s, 1.0])
            g0, e = grip0 * sg, end * sg
            mesh.tube(f"grip_{s}", [g0, e + 0.012 * _unit(e - g0)], 0.018, m.plastic, segments=12, parent=root)
            mesh.cylinder(f"lever_pivot_{s}", 0.02, 0.04, g0 - 0.015 * _unit(e - g0) + _v(0.01, 0, 0), m.engine,
                          axis="Z", segments=10, parent=root)
            levers.append((g0 + _v(0.03, 0, 0.0), g0 + 0.12 * _unit(e - g0) + _v(0.05, 0, -0.005)))
            grips.append((g0 + e) / 2)
        _rods("levers", levers, 0.006, m.engine, root, sides=6)
        self._mirrors(g, m, root, grip0, end)
        return grips

    def _mirrors(self, g, m, root, grip0, end) -> None:
        """Mirror stalks and heads, topping out below 1.3 m (on the fairing for sport bikes)."""
        r = self.rng
        for s in (1, -1):
            sg = np.array([1.0, s, 1.0])
            if g.kind == "sport":
                base = g.head_top + _v(0.2, 0.2 * s, 0.04)
                head = base + _v(-0.03, 0.12 * s, 0.06)
            else:
                base = (grip0 - 0.06 * _unit(end - grip0)) * sg
                top = min(1.26, base[2] + r.uniform(0.17, 0.22))
                head = _v(base[0] - 0.04, base[1] + s * 0.04, top - 0.045)
            _rods(f"mirror_stalk_{s}", [(base, head)], 0.007, m.chrome if g.kind == "standard" else m.plastic, root, 6)
            mesh.sphere(f"mirror_{s}", 1.0, head + _v(0, s * 0.02, 0), m.plastic, scale=(0.025, 0.07, 0.045),
                        segments=16, rings=8, parent=root)
            mesh.box(f"mirror_glass_{s}", (0.004, 0.12, 0.07), head + _v(-0.024, s * 0.02, 0), m.chrome, bevel=0.015,
                     parent=root)

    def _engine_and_frame(self, g, m, root) -> dict:
        """Crankcase, inclined cylinder block (finned if air-cooled), covers, frame rails, swingarm pivot;
        returns the engine's key points for the exhaust."""
        r = self.rng
        gc = g.gc
        x_front = _rear_of_tyre(g.front_hub, g.R_f, gc + 0.2, 0.12) - 0.05
        x_back = g.pivot[0] - 0.06
        z_top = g.pivot[2] + 0.06
        width = r.uniform(0.3, 0.38) if g.kind == "standard" else r.uniform(0.3, 0.34)
        centre = _v((x_front + x_back) / 2, 0, (z_top + gc + 0.03) / 2)
        mesh.box("crankcase", (x_front - x_back, width, z_top - gc - 0.03), centre, m.engine, bevel=0.03, parent=root)
        mesh.box("sump", (0.26, width * 0.6, 0.06), _v(x_front - 0.17, 0, gc + 0.03), m.engine, bevel=0.015,
                 parent=root)
        tau = math.radians(r.uniform(18.0, 32.0))
        depth = r.uniform(0.17, 0.22)
        base = _v(x_front - depth / 2 - 0.02, 0, z_top - 0.03)
        tank_bottom = g.head_bot[2] - 0.08
        height = (tank_bottom - 0.02 - base[2]) / math.cos(tau)
        cdir = _v(math.sin(tau), 0, math.cos(tau))
        mesh.box("cylinders", (depth, width * 0.85, height - 0.05), base + cdir * (height - 0.05) / 2, m.alloy,
                 bevel=0.015, rotation=(0, tau, 0), parent=root)
        mesh.box("cylinder_head_cover", (depth * 0.9, width * 0.8, 0.06), base + cdir * (height - 0.03),
                 m.chrome if r.random() < 0.3 else m.engine, bevel=0.02, rotation=(0, tau, 0), parent=root)
        if g.kind == "standard" and r.random() < 0.5:
            for k in range(6):
                mesh.box(f"fin_{k}", (depth + 0.03, width * 0.85 + 0.03, 0.005),
                         base + cdir * (0.05 + k * (height - 0.12) / 6), m.alloy, rotation=(0, tau, 0), parent=root)
        elif g.kind == "standard":
            zr0, zr1 = g.R_f + 0.12, g.head_bot[2] - 0.08
            xr = min(_rear_of_tyre(g.front_hub, g.R_f, zr0, 0.06), _rear_of_tyre(g.front_hub, g.R_f, zr1, 0.06)) - 0.03
            mesh.box("radiator", (0.045, 0.34, zr1 - zr0), _v(xr, 0, (zr0 + zr1) / 2), m.plastic, bevel=0.01,
                     rotation=(0, -math.radians(g.rake) * 0.5, 0), parent=root)
        if g.kind == "standard":  # inside the fairing on sport bikes
            crank = _v(x_front - 0.15, 0, gc + 0.17)
            cover = m.chrome if r.random() < 0.4 else m.alloy
            mesh.cylinder("alternator_cover", 0.085, 0.03, crank + _v(-0.02, width / 2, 0), cover, axis="Y",
                          segments=24, parent=root)
            mesh.cylinder("clutch_cover", 0.1, 0.03, crank + _v(-0.1, -width / 2, 0.02), cover, axis="Y",
                          segments=24, parent=root)
        self._frame_rails(g, m, root, x_front, width)
        return {"x_front": x_front, "width": width, "head_z": base[2] + cdir[2] * height * 0.75,
                "head_x": base[0] + depth / 2 + cdir[0] * height * 0.75, "tank_bottom": tank_bottom}

    def _frame_rails(self, g, m, root, x_front, width) -> None:
        """Twin aluminium spars (sport) or a steel cradle (standard) from the steering head to the pivot."""
        P = g.pivot
        mid = (g.head_bot + g.head_top) / 2
        for s in (1, -1):
            if g.kind == "sport":
                bend = _v((mid[0] + P[0]) / 2 + 0.05, s * (width / 2 + 0.04), g.head_bot[2] - 0.05)
                pts = _bezier(mid + _v(-0.03, s * 0.05, 0), bend, P + _v(0.03, s * (g.arm_y + 0.02), 0.04), n=10)
                _sweep(f"spar_{s}", pts, (0.022, 0.06), m.rim if self.rng.random() < 0.3 else m.engine, root,
                       segments=12)
            else:
                bend = _v(g.seat_front + 0.1, s * 0.09, g.head_bot[2] - 0.04)
                top = _bezier(g.head_top + _v(-0.02, s * 0.03, -0.02), bend,
                              _v(g.seat_front - 0.1, s * 0.1, g.seat_z - 0.13), n=10)
                mesh.tube(f"frame_top_{s}", top, 0.016, m.paint if self.rng.random() < 0.3 else m.engine, segments=10,
                          parent=root)
                down = [g.head_bot + _v(0.0, s * 0.03, 0.0), _v(x_front + 0.035, s * 0.09, g.gc + 0.22),
                        _v(x_front + 0.01, s * 0.1, g.gc + 0.04), _v(P[0] - 0.06, s * 0.11, g.gc + 0.04),
                        P + _v(0.0, s * (g.arm_y + 0.01), -0.02)]
                mesh.tube(f"frame_down_{s}", _smooth_path(down), 0.016, m.engine, segments=10, parent=root)
            mesh.cylinder(f"pivot_{s}", 0.03, 0.03, P + _v(0, s * (g.arm_y + 0.01), 0), m.engine, axis="Y", segments=14,
                          parent=root)

    def _motorcycle_body(self, g, m, root):
        """Engine, frame, tank, seat, tail, side panels, headlamp or fairing, exhaust, footpegs; returns
        the seat point and the footpeg tops (left, right)."""
        r = self.rng
        eng = self._engine_and_frame(g, m, root)
        x_tf = g.head_top[0] - 0.05
        xs = g.seat_front
        tb0, tb1 = eng["tank_bottom"], g.seat_z - 0.07
        tt0, tt1 = g.head_top[2] + r.uniform(0.0, 0.03), g.seat_z + r.uniform(0.06, 0.1)
        hw = r.uniform(0.16, 0.19)
        secs = []
        for s in np.linspace(0.0, 1.0, 11):  # rear (s = 0) to front
            x = xs + s * (x_tf - xs)
            w = hw * (0.62 + 0.38 * _smooth(0.0, 0.5, s)) * (1 - 0.2 * _smooth(0.75, 1.0, s))
            top = tt1 + (tt0 - tt1) * _smooth(0.0, 0.7, s)
            bot = tb1 + (tb0 - tb1) * s
            k = 0.5 + 0.5 * _smooth(-0.01, 0.08, s) * _smooth(1.01, 0.92, s)
            mid = (top + bot) / 2
            secs.append((x, w * k, mid - (mid - bot) * k, mid + (top - mid) * k))
        _body("tank", secs, m.paint, root, exponent=2.6, n=24)
        mesh.cylinder("tank_cap", 0.035, 0.012, _v(x_tf - 0.16, 0, tt0 - 0.005), m.chrome, segments=16, parent=root)
        seat = self._seat(g, m, root, xs, sport=g.kind == "sport")
        self._tail(g, m, root, xs)
        if g.kind == "sport":
            self._fairing(g, m, root, eng)
        else:
            self._headlamp(g, m, root)
        low = g.seat_z - (0.3 if g.kind == "sport" else 0.25)
        side = [(xs + 0.03, g.seat_z - 0.08), (xs - 0.03, low), (xs - 0.22, g.seat_z - 0.2), (xs - 0.26, g.seat_z - 0.08)]
        for s in (1, -1):
            mesh.extrude_polygon(f"side_cover_{s}", np.array(side), 0.02, m.paint, axis="Y",
                                 offset=s * 0.11 - (0.02 if s < 0 else 0), parent=root, bevel=0.008)
        self._exhaust(g, m, root, eng, seat)
        return seat, self._footpegs(g, m, root, seat)

    def _seat(self, g, m, root, xs, sport: bool):
        """Rider seat (and pillion, raised on sport bikes); returns the rider's sit-bone point."""
        r = self.rng
        length = r.uniform(0.55, 0.65)
        secs = []
        for s in np.linspace(0.0, 1.0, 12):  # front (0) to back
            x = xs + 0.02 - s * length
            w = 0.15 - 0.05 * _smooth(0.4, 1.0, s)
            top = g.seat_z + (0.06 if sport else 0.03) * _smooth(0.5, 0.7, s)
            top += 0.03 * (1 - _smooth(0.0, 0.15, s))
            k = 0.5 + 0.5 * _smooth(-0.01, 0.08, s) * _smooth(1.01, 0.93, s)
            bot = g.seat_z - 0.08
            mid = (top + bot) / 2
            secs.append((x, w * k, mid - (mid - bot) * k, mid + (top - mid) * k))
        _body("seat", secs[::-1], m.seat, root, exponent=3.0, n=24)
        g.seat_end = xs + 0.02 - length
        return _v(xs - 0.17, 0, g.seat_z + 0.01)

    def _tail(self, g, m, root, xs) -> None:
        """Tail cowl under the seat's back with the tail lamp, rear mudguard and number plate."""
        x_end = max(-g.R_r * (0.35 if g.kind == "sport" else 0.2), g.front_hub[0] + g.R_f - g.length_limit + 0.1)
        z_end = g.seat_z + (0.1 if g.kind == "sport" else -0.03)
        secs = []
        for s in np.linspace(0.0, 1.0, 10):
            x = xs + s * (x_end - xs)
            w = 0.14 * (1 - 0.5 * s)
            top = g.seat_z - 0.05 + (z_end - g.seat_z + 0.05) * s
            bot = g.seat_z - 0.22 + (0.22 if g.kind == "sport" else 0.12) * _smooth(0.0, 1.0, s)
            k = 0.7 + 0.3 * _smooth(1.01, 0.9, s) * _smooth(-0.01, 0.1, s)
            secs.append((x, w * k, bot, top))
        _body("tail", secs[::-1], m.paint, root, exponent=3.0, n=20, taper=0.3)
        mesh.box("tail_lamp", (0.03, 0.12, 0.05), _v(x_end - 0.005, 0, secs[-1][2] + 0.02), m.tail, bevel=0.01,
                 parent=root)
        _arc_shell("rear_hugger", g.rear_hub, g.R_r + 0.025, g.w_r + 0.02, math.radians(50), math.radians(135),
                   m.plastic, root, thick=0.004, crown=0.01)
        px = max(x_end - 0.06, g.front_hub[0] + g.R_f - g.length_limit + 0.01)
        pz = g.R_r * 2 + 0.06
        _sweep("plate_hanger", [_v(x_end + 0.05, 0, secs[-1][2] + 0.01), _v(px + 0.02, 0, pz + 0.08)], (0.06, 0.008),
               m.plastic, root, segments=8)
        mesh.box("plate", (0.006, 0.2 if g.kind != "scooter" else 0.17, 0.13), _v(px, 0, pz), m.plate, parent=root)
        for s in (1, -1):
            mesh.sphere(f"indicator_{s}", 0.018, _v(px + 0.03, s * 0.11, pz + 0.1), m.lamp, scale=(1.4, 1, 1),
                        segments=10, rings=6, parent=root)

    def _headlamp(self, g, m, root) -> None:
        """A round headlamp ahead of the fork tubes below the lower triple clamp, with a speedo on top."""
        r = self.rng
        rad = r.uniform(0.08, 0.095)
        c = g.lower - 0.06 * g.u + _v(0.1 + rad * 0.2, 0, 0)
        mesh.cylinder("headlamp_shell", rad, 0.12, c, m.chrome if r.random() < 0.4 else m.engine, axis="X",
                      radius_top=rad * 0.75, segments=24, parent=root)
        mesh.sphere("headlamp_lens", rad * 0.97, c + _v(0.06, 0, 0), m.lamp, scale=(0.3, 1, 1), segments=24, rings=10,
                    parent=root)
        ears = [(c + _v(0, s * rad, 0), g.lower - 0.06 * g.u + _v(0, s * g.fork_y, 0)) for s in (1, -1)]
        _rods("headlamp_ears", ears, 0.008, m.engine, root, 6)
        mesh.cylinder("speedo", 0.055, 0.05, g.upper + _v(0.04, 0, 0.045), m.plastic, segments=20, parent=root)
        mesh.cylinder("speedo_face", 0.048, 0.004, g.upper + _v(0.04, 0, 0.071), m.lamp, segments=20, parent=root)

    def _fairing(self, g, m, root, eng) -> None:
        """Sport fairing: a loft from the nose over the front of the engine, its bottom edge clear of the
        front tyre; windscreen and twin headlamps."""
        r = self.rng
        x_nose = g.head_top[0] + r.uniform(0.27, 0.32)
        x_back = g.pivot[0] - 0.02
        z_nose = g.head_top[2] - 0.06
        top_back = eng["tank_bottom"] - 0.01
        secs = []
        for s in np.linspace(0.0, 1.0, 20):  # back (0) to nose
            x = x_back + s * (x_nose - x_back)
            w = (eng["width"] / 2 + 0.055) * (1 - 0.55 * _smooth(0.6, 1.0, s)) * (0.6 + 0.4 * _smooth(0.0, 0.15, s))
            top = top_back + (g.head_top[2] + 0.03 - top_back) * _smooth(0.3, 0.7, s) - 0.05 * _smooth(0.85, 1.0, s)
            bot = g.gc - 0.02 + (z_nose - 0.12 - g.gc) * _smooth(0.6, 1.0, s)
            if abs(x - g.front_hub[0]) < g.R_f + 0.07:
                bot = max(bot, g.R_f + math.sqrt((g.R_f + 0.07) ** 2 - (x - g.front_hub[0]) ** 2))
            top = bot + max(0.02, (top - bot) * _smooth(0.0, 0.4, s))  # the back edge slants up and forward
            k = 0.3 + 0.7 * _smooth(1.01, 0.9, s)
            mid = (top + bot) / 2
            secs.append((x, w * k, mid - (mid - bot) * (0.7 + 0.3 * k), mid + (top - mid) * (0.7 + 0.3 * k)))
        _body("fairing", secs, m.paint, root, exponent=4.0, n=32, taper=0.15)
        base = secs[-5]
        z0 = base[3] - 0.012
        z1 = max(g.head_top[2] + r.uniform(0.13, 0.17), 1.07)
        a = np.linspace(-math.pi / 2, math.pi / 2, 9)
        rings = []
        for t in np.linspace(0.0, 1.0, 5):
            w = base[1] * 0.75 - 0.04 * t
            x = base[0] - 0.24 * t
            z = z0 + (z1 - z0) * t - 0.02 * math.sin(math.pi * t)
            rings.append(np.column_stack([x + 0.03 * np.cos(a), w * np.sin(a), z - 0.015 * np.sin(a) ** 2]))
        mesh.loft("windscreen", rings, m.glass, cap=False, closed=False, parent=root)
        lamp_x = secs[-3][0]
        lamp_z = (secs[-3][2] + secs[-3][3]) / 2
        for s in (1, -1):
            mesh.sphere(f"headlamp_{s}", 1.0, _v(lamp_x + 0.01, s * secs[-3][1] * 0.55, lamp_z), m.lamp,
                        scale=(0.05, secs[-3][1] * 0.45, 0.03), segments=16, rings=8, parent=root)

    def _exhaust(self, g, m, root, eng, seat) -> None:
        """Header pipes from the cylinder head down under the engine to a muffler on the right side."""
        r = self.rng
        pipes = 2 if r.random() < 0.6 else 4
        mat = m.chrome if g.kind == "standard" and r.random() < 0.6 else m.engine
        x0, z0 = eng["head_x"], eng["head_z"]
        coll = _v(g.pivot[0] - 0.05, -0.06, g.gc + 0.03)
        for k in range(pipes):
            y = (k - (pipes - 1) / 2) * eng["width"] * 0.7 / pipes
            pts = _smooth_path([_v(x0, y, z0), _v(x0 + 0.06, y, z0 - 0.12),
                                _v(eng["x_front"] + 0.04, y * 0.8, g.gc + 0.1),
                                _v(eng["x_front"] - 0.1, y * 0.4 - 0.03, g.gc + 0.02), coll])
            mesh.tube(f"header_{k}", pts, 0.019, mat, segments=10, parent=root)
        peg_x = seat[0] + (0.08 if g.kind == "standard" else -0.02)
        my = -(g.arm_y + 0.04 + 0.055)
        start = _v(min(g.pivot[0] - 0.12, peg_x - 0.12), my, g.gc + 0.15)
        link = [coll, _v(coll[0] - 0.08, my * 0.6, g.gc + 0.03), start + _v(0.06, 0, -0.04), start]
        mesh.tube("link_pipe", _smooth_path(link), 0.024, mat, segments=10, parent=root)
        alpha = math.radians(r.uniform(8, 15) if g.kind == "standard" else r.uniform(18, 28))
        length = r.uniform(0.42, 0.5) if g.kind == "standard" else r.uniform(0.3, 0.36)
        end = start + length * _v(-math.cos(alpha), 0, math.sin(alpha))
        limit = g.front_hub[0] + g.R_f - g.length_limit + 0.02
        if end[0] < limit:
            end = start + (start[0] - limit) / math.cos(alpha) * _v(-math.cos(alpha), 0, math.sin(alpha))
        rad = r.uniform(0.05, 0.06)
        _sweep("muffler", [start, start + 0.1 * (end - start), end - 0.05 * (end - start), end],
               [rad * 0.6, rad, rad, rad * 0.9], m.chrome if g.kind == "standard" else m.engine, root, segments=16)
        mesh.cylinder("muffler_tip", rad * 0.5, 0.04, end + _unit(end - start) * 0.015, m.engine, axis="X",
                      segments=12, parent=root)

    def _footpegs(self, g, m, root, seat):
        """Rider footpegs on brackets from the frame (forward on standards, rear-set on sport bikes)."""
        x = seat[0] + (0.08 if g.kind == "standard" else -0.02)
        z = (0.33 if g.kind == "standard" else 0.39) + self.rng.uniform(-0.02, 0.02)
        feet = []
        for s in (1, -1):
            peg = _v(x, s * 0.2, z)
            mesh.cylinder(f"footpeg_{s}", 0.014, 0.08, peg, m.plastic, axis="Y", segments=10, parent=root)
            _oriented_box(f"peg_bracket_{s}", (0, 0.012, 0.04), g.pivot + _v(0, 0, 0.02), peg, m.engine, root,
                          y=s * (g.arm_y + 0.03))
            _rods(f"shift_lever_{s}", [(peg + _v(0, -s * 0.04, 0), peg + _v(0.18, -s * 0.04, 0.03))], 0.006, m.engine,
                  root, 6)
            feet.append(peg + _v(0, 0, 0.014))
        return feet

    def _rear(self, g, m, root) -> None:
        """Swingarm, rear shock(s), final drive (chain and sprockets; the scooter's belt case)."""
        if g.kind == "scooter":
            return
        for s in (1, -1):
            _sweep(f"swingarm_{s}", [g.pivot + _v(0, s * g.arm_y, 0), g.rear_hub + _v(0, s * g.arm_y, 0)],
                   (0.018, 0.04 if g.kind == "standard" else 0.055), m.rim if g.kind == "sport" else m.engine, root,
                   segments=12)
        mesh.box("swingarm_brace", (0.05, 2 * g.arm_y, 0.05), g.pivot + _v(-0.1, 0, -0.005), m.engine, bevel=0.01,
                 parent=root)
        if g.kind == "standard":
            for s in (1, -1):
                lo = g.rear_hub + _v(0.06, s * g.arm_y, 0.04)
                hi = _v(g.seat_end + 0.12, s * (g.arm_y - 0.01), g.seat_z - 0.12)
                mesh.tube(f"shock_{s}", [lo, hi], 0.016, m.chrome, segments=10, parent=root)
                _coil(f"spring_{s}", lo + 0.15 * (hi - lo), lo + 0.8 * (hi - lo), 0.03, 0.005, 7, m.paint, root)
        front = g.pivot + _v(0.06, 0.11, -0.03)
        _toothed_ring("front_sprocket", front, 0.04, 0.015, 15, 0.01, m.engine, root)
        _toothed_ring("rear_sprocket", g.rear_hub + _v(0, 0.105, 0), 0.1, 0.06, 42, 0.006, m.chrome, root)
        _chain("chain", front[[0, 2]], 0.04, g.rear_hub[[0, 2]], 0.1, 0.105, m.engine, root, radius=0.006)

    def _scooter_body(self, g, m, root):
        """Scooter: leg shield behind the front wheel, floorboard, rear body over the engine unit, seat,
        handlebar cover with the headlamp; returns the seat point and the floorboard foot points."""
        r = self.rng
        floor_z = r.uniform(0.34, 0.38)
        depth = r.uniform(0.08, 0.1)
        secs = []
        for z in np.linspace(floor_z - 0.12, g.head_top[2] - 0.04, 10):
            x_axis = g.front_hub[0] + (z - g.R_f) * g.u[0] / g.u[2] - 0.03
            x = min(x_axis, _rear_of_tyre(g.front_hub, g.R_f, z, 0.05) - depth / 2)
            k = (z - floor_z + 0.12) / (g.head_top[2] - 0.04 - floor_z + 0.12)
            w = 0.2 + 0.04 * math.sin(math.pi * min(1.0, k * 1.3)) - 0.08 * _smooth(0.75, 1.0, k)
            secs.append((x, w, z))
        rings = []
        for x, w, z in secs:
            rr = mesh.rounded_rect(depth, 2 * w, min(depth, w) * 0.45, 5)
            rings.append(np.column_stack([x + rr[:, 0] - 0.01 * (rr[:, 1] / w) ** 2, rr[:, 1], np.full(len(rr), z)]))
        mesh.loft("leg_shield", rings, m.paint, parent=root)
        x_floor0 = secs[0][0] - depth / 2
        x_floor1 = g.seat_front + 0.02
        xm = (x_floor0 + x_floor1) / 2
        mesh.box("floorboard", (x_floor0 - x_floor1 + 0.05, 0.38, 0.13), _v(xm, 0, floor_z - 0.065), m.paint,
                 bevel=0.025, parent=root)
        mesh.box("floor_mat", (x_floor0 - x_floor1 - 0.05, 0.3, 0.006), _v(xm, 0, floor_z + 0.002), m.plastic,
                 parent=root)
        self._scooter_rear(g, m, root, floor_z)
        seat = self._seat(g, m, root, g.seat_front, sport=False)
        self._tail(g, m, root, g.seat_front)
        head = g.head_top
        column = [_v(secs[-1][0], 0, secs[-1][2] - 0.05), _v(head[0] + 0.02, 0, g.grip_z - 0.03)]
        mesh.tube("steering_cover", column, 0.055, m.paint, segments=16, parent=root)
        mesh.box("handlebar_cover", (0.22, 0.42, 0.13), _v(head[0] + 0.02, 0, g.grip_z - 0.01), m.paint, bevel=0.045,
                 parent=root)
        mesh.sphere("headlamp", 1.0, _v(head[0] + 0.12, 0, g.grip_z - 0.02), m.lamp, scale=(0.03, 0.1, 0.04),
                    segments=16, rings=8, parent=root)
        mesh.box("dash", (0.1, 0.2, 0.02), _v(head[0] - 0.02, 0, g.grip_z + 0.05), m.plastic, bevel=0.008,
                 rotation=(0, 0.5, 0), parent=root)
        xf = xm + 0.05
        return seat, [_v(xf, 0.1, floor_z + 0.005), _v(xf, -0.1, floor_z + 0.005)]

    def _scooter_rear(self, g, m, root, floor_z) -> None:
        """The rear body (its underside clear of the rear tyre), engine unit and belt case on the left,
        muffler on the right, one shock."""
        x0 = g.seat_front + 0.06
        x1 = -g.R_r * 0.35
        secs = []
        for s in np.linspace(0.0, 1.0, 12):  # front to back
            x = x0 + s * (x1 - x0)
            clear = g.R_r + math.sqrt(max((g.R_r + 0.05) ** 2 - x * x, 0.0))
            bot = max(floor_z - 0.1 + 0.1 * s, clear)
            top = g.seat_z - 0.07 + 0.02 * s
            w = 0.2 * (1 - 0.35 * _smooth(0.5, 1.0, s))
            k = 0.6 + 0.4 * _smooth(-0.01, 0.1, s) * _smooth(1.01, 0.9, s)
            mid = (bot + top) / 2
            secs.append((x, w * k, mid - (mid - bot) * k, mid + (top - mid) * k))
        _body("rear_body", secs[::-1], m.paint, root, exponent=3.0, n=24)
        case = [(g.pivot[0] + 0.05, g.pivot[2] + 0.08), (g.pivot[0] + 0.05, g.pivot[2] - 0.1), (0.03, g.R_r - 0.06),
                (-0.06, g.R_r), (0.03, g.R_r + 0.07)]
        mesh.extrude_polygon("engine_unit", np.array(case), 0.09, m.engine, axis="Y", offset=g.w_r / 2 + 0.02,
                             parent=root, bevel=0.01)
        mesh.cylinder("cylinder_head", 0.07, 0.12, g.pivot + _v(0.08, 0.0, 0.02), m.engine, axis="X", segments=16,
                      parent=root)
        my = -(g.w_r / 2 + 0.08)
        start = g.pivot + _v(0.08, -0.04, -0.1)
        _sweep("exhaust_pipe", _smooth_path([start, _v(start[0] - 0.1, my, g.gc + 0.06), _v(0.2, my, g.R_r - 0.03)]),
               0.018, m.engine, root, segments=10)
        _sweep("muffler", [_v(0.22, my, g.R_r - 0.04), _v(0.18, my, g.R_r - 0.03), _v(-0.08, my, g.R_r + 0.04),
                           _v(-0.12, my, g.R_r + 0.05)], [0.035, 0.055, 0.055, 0.04], m.chrome, root, segments=14)
        lo = g.rear_hub + _v(0.02, g.w_r / 2 + 0.065, 0.05)
        hi = _v(-0.02, lo[1], g.seat_z - 0.16)
        mesh.tube("shock", [lo, hi], 0.014, m.chrome, segments=10, parent=root)
        _coil("spring", lo + 0.1 * (hi - lo), lo + 0.8 * (hi - lo), 0.028, 0.005, 6, m.paint, root)


def _smooth_path(points, n: int = 6) -> np.ndarray:
    """A smooth path through ``points`` (corners rounded by quadratic Bezier arcs between midpoints)."""
    pts = [np.asarray(p, dtype=float) for p in points]
    out = [pts[0]]
    for a, b, c in zip(pts, pts[1:], pts[2:]):
        out += list(_bezier((a + b) / 2, b, (b + c) / 2, n=n))
    out.append(pts[-1])
    return np.array(out)
