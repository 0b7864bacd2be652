"""Large street vehicles: city buses, rigid trucks and low-floor trams.

Build frame (the street primitives' own, ``scenes/street/vehicles.py``): nose towards +X, length along x,
width along y, +Z up, wheels touching z = 0. Bodies are lofts of rounded cross-sections along x (wheel
arches cut into their undersides), with glass, trim, lamps and livery laid over them a few millimetres
proud; plan corners and the nose rake are shaped by :class:`_Shell`, so every overlay follows the body.
Wheel contact points are recorded as anchors (``wheel_*``, z = 0 in the build frame).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import bmesh
import bpy
import numpy as np

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors

N_CORNER = 6  # points per rounded corner of a body cross-section


# ------------------------------------------------------------------ geometry helpers


def _smooth_by_angle(obj: bpy.types.Object, degrees: float = 35.0) -> None:
    """Smooth shading with edges sharper than ``degrees`` kept crisp (bpy 4.2 has no mesh call for it)."""
    bm = bmesh.new()
    bm.from_mesh(obj.data)
    limit = math.radians(degrees)
    for f in bm.faces:
        f.smooth = True
    for e in bm.edges:
        e.smooth = not (len(e.link_faces) == 2 and e.calc_face_angle(0.0) > limit)
    bm.to_mesh(obj.data)
    bm.free()


def _join_parts(root: bpy.types.Object) -> None:
    """Join the asset's few hundred parts into one mesh under ``root``: the bake evaluates the scene once per
    object, which costs seconds for this many."""
    parts = [o for o in root.children if o.type == "MESH"]
    with bpy.context.temp_override(active_object=parts[0], selected_editable_objects=parts, selected_objects=parts):
        bpy.ops.object.join()


def _section(hw: float, z0: float, z1: float, r_top: float, r_bot: float) -> np.ndarray:
    """Closed (y, z) cross-section: a rectangle with rounded roof (``r_top``) and floor (``r_bot``) corners."""
    h = z1 - z0
    rt = max(0.005, min(r_top, 0.49 * h, 0.99 * hw))
    rb = max(0.005, min(r_bot, 0.49 * h, 0.99 * hw))
    pts = []
    for cy, cz, r, a0 in ((hw - rt, z1 - rt, rt, 0.0), (-hw + rt, z1 - rt, rt, 90.0),
                          (-hw + rb, z0 + rb, rb, 180.0), (hw - rb, z0 + rb, rb, 270.0)):
        for t in np.linspace(0.0, 90.0, N_CORNER):
            a = math.radians(a0 + t)
            pts.append((cy + r * math.cos(a), cz + r * math.sin(a)))
    return np.array(pts)


def _lathe(name: str, profile, centre, side: float, mat, parent, segments: int = 32, hub: bool = False):
    """Surface of revolution about the y axis through ``centre``: ``profile`` rows (radius, y offset), y
    offsets pointing outwards for ``side`` = +1 (left) and mirrored for -1. ``hub`` closes the last ring
    with a fan to its centre (a hub cap)."""
    cx, cy, cz = centre
    a = np.linspace(0.0, 2.0 * math.pi, segments, endpoint=False)
    verts, faces = [], []
    for r, dy in profile:
        verts += [(cx + r * math.cos(t), cy + side * dy, cz + r * math.sin(t)) for t in a]
    for k in range(len(profile) - 1):
        o, p = k * segments, (k + 1) * segments
        faces += [[o + i, o + (i + 1) % segments, p + (i + 1) % segments, p + i] for i in range(segments)]
    if hub:
        last = (len(profile) - 1) * segments
        verts.append((cx, cy + side * profile[-1][1], cz))
        faces += [[last + i, last + (i + 1) % segments, len(verts) - 1] for i in range(segments)]
    return mesh.mesh_object(name, verts, faces, mat, parent, smooth=True)


def _arc_shell(name: str, centre, radius: float, width: float, a0: float, a1: float, thick: float, mat, parent,
               steps: int = 12):
    """A curved plate around the y axis (a wheel-arch liner, a mudguard): angles ``a0``..``a1`` (radians,
    0 = +x, pi/2 = up), ``width`` along y, ``thick`` outwards from ``radius``."""
    cx, cy, cz = centre
    rings = []
    for t in np.linspace(a0, a1, steps):
        c, s = math.cos(t), math.sin(t)
        rings.append(np.array([(cx + r * c, cy + y, cz + r * s) for r, y in
                               ((radius, -width / 2), (radius, width / 2), (radius + thick, width / 2),
                                (radius + thick, -width / 2))]))
    return mesh.loft(name, rings, mat, parent=parent, smooth=False)


def _quad(name: str, corners, mat, parent):
    return mesh.mesh_object(name, corners, [[0, 1, 2, 3]], mat, parent)


@dataclass
class _Wheel:
    """A road wheel: tyre of ``radius`` and ``width`` on a rim of ``rim_r`` with ``nuts`` wheel nuts."""

    radius: float
    width: float
    rim_r: float
    nuts: int = 10
    holes: int = 0


def _wheel(root, name: str, w: _Wheel, centre, side: float, mats: dict, hub_detail: bool = True) -> None:
    """Tyre (rubber lathe with shoulders and bulging sidewalls), dished rim with hub and wheel nuts;
    ``side`` = +1 when the wheel's face looks towards +y."""
    R, tw, rr = w.radius, w.width, w.rim_r
    mid = (R + rr) / 2
    tyre = [(rr + 0.012, -0.40 * tw), (rr + 0.03, -0.48 * tw), (mid, -0.52 * tw), (R - 0.035, -0.48 * tw),
            (R - 0.008, -0.42 * tw), (R, -0.34 * tw), (R, 0.34 * tw), (R - 0.008, 0.42 * tw),
            (R - 0.035, 0.48 * tw), (mid, 0.52 * tw), (rr + 0.03, 0.48 * tw), (rr + 0.012, 0.40 * tw)]
    _lathe(f"{name}_tyre", tyre, centre, side, mats["rubber"], root)
    rim = [(rr + 0.012, -0.40 * tw), (rr - 0.008, -0.34 * tw), (rr - 0.008, 0.34 * tw), (rr + 0.016, 0.41 * tw),
           (rr + 0.004, 0.43 * tw), (rr - 0.02, 0.38 * tw), (rr * 0.86, 0.10 * tw), (rr * 0.70, 0.06 * tw),
           (rr * 0.45, 0.06 * tw), (rr * 0.40, 0.18 * tw), (rr * 0.25, 0.24 * tw), (rr * 0.18, 0.30 * tw)]
    _lathe(f"{name}_rim", rim, centre, side, mats["rim"], root, hub=True)
    if hub_detail:
        _bolt_circle(root, f"{name}_nut", centre, side, rr * 0.585, 0.06 * tw + 0.012, w.nuts, 0.0,
                     lambda c: mesh.cylinder(f"{name}_nut", 0.014, 0.03, c, mats["chrome"], axis="Y", segments=6,
                                             parent=root))
    if hub_detail and w.holes:
        _bolt_circle(root, f"{name}_hole", centre, side, rr * 0.78, 0.085 * tw, w.holes, math.pi / w.holes,
                     lambda c: mesh.cylinder(f"{name}_hole", rr * 0.1, 0.012, c, mats["dark"], axis="Y", segments=10,
                                             parent=root))


def _bolt_circle(root, name: str, centre, side: float, radius: float, dy: float, n: int, a0: float, make) -> None:
    """``n`` linked copies of the part ``make(centre)`` on a circle of ``radius`` around the wheel axis,
    ``dy`` outwards from the wheel centre."""
    cx, cy, cz = centre
    first = (cx + radius * math.cos(a0), cy + side * dy, cz + radius * math.sin(a0))
    part = make(first)
    steps = np.linspace(0, 2 * math.pi, n, endpoint=False)[1:]
    mesh.array_copies(part, [(radius * (math.cos(a0 + a) - math.cos(a0)), 0.0,
                              radius * (math.sin(a0 + a) - math.sin(a0))) for a in steps], name)


def _axle(root, name: str, x: float, hw_out: float, w: _Wheel, dual: bool, mats: dict, z: float | None = None
          ) -> dict[str, tuple[float, float, float]]:
    """The wheels of one axle, outer faces ``hw_out`` from the centre line; returns contact anchors."""
    z = w.radius if z is None else z
    gap = 0.04
    anchors = {}
    for side, tag in ((1.0, "left"), (-1.0, "right")):
        y_out = side * (hw_out - w.width / 2)
        _wheel(root, f"{name}_{tag}", w, (x, y_out, z), side, mats)
        if dual:
            y_in = y_out - side * (w.width + gap)
            _wheel(root, f"{name}_{tag}_inner", w, (x, y_in, z), side, mats, hub_detail=False)
            y_c = (y_out + y_in) / 2
        else:
            y_c = y_out
        anchors[f"wheel_{name}_{tag}"] = (x, y_c, z - w.radius)
    return anchors


# ------------------------------------------------------------------ body shell


@dataclass
class _End:
    """One end of a shell: plan corner of ``length`` along x and ``inset`` across y (a super-elliptic
    quadrant of exponent ``p``), roof rounded down by ``drop`` over the last ``drop`` metres, and the face
    leaning back by ``rake`` metres at the roof (from ``rake_z`` up, over a ``zone`` metres deep)."""

    length: float
    inset: float
    p: float = 2.0
    drop: float = 0.05
    rake: float = 0.0
    rake_z: float = 1.0
    zone: float = 1.0


@dataclass
class _Shell:
    """A body between ``xr`` and ``xf`` of half-width ``hw`` and roof height ``z1``, side-to-roof corners of
    radius ``r_top`` and floor corners ``r_bot``; ``front`` and ``rear`` shape its two ends."""

    xr: float
    xf: float
    hw: float
    z1: float
    r_top: float
    r_bot: float
    front: _End
    rear: _End
    arches: list = field(default_factory=list)  # (x, axle height, radius) cut from the underside

    def _corner(self, end: _End, t: np.ndarray):
        """Plan corner points for parameter t in [0, 1] (0: the tip on the centre line side, 1: the side)."""
        th = t * math.pi / 2
        d = end.length * (1.0 - np.cos(th) ** (2.0 / end.p))
        y = self.hw - end.inset + end.inset * np.sin(th) ** (2.0 / end.p)
        return d, y

    def half_width(self, x: float) -> float:
        for end, d in ((self.front, self.xf - x), (self.rear, x - self.xr)):
            if d < end.length:
                q = 1.0 - max(d, 0.0) / end.length
                return self.hw - end.inset + end.inset * (1.0 - q ** end.p) ** (1.0 / end.p)
        return self.hw

    def roof(self, x: float) -> float:
        for end, d in ((self.front, self.xf - x), (self.rear, x - self.xr)):
            if d < end.drop:
                return self.z1 - end.drop + math.sqrt(max(end.drop ** 2 - (end.drop - d) ** 2, 0.0))
        return self.z1

    def floor(self, x: float, base: float) -> float:
        """Underside height at ``x``: ``base``, or the wheel-arch curve over an axle."""
        z = base
        for ax, az, r in self.arches:
            if abs(x - ax) <= r:
                z = max(z, az + math.sqrt(r * r - (x - ax) ** 2))
        return z

    def end_x(self, y, end: str):
        """The plan outline's x at lateral position ``y`` on the front (or rear) face."""
        e = self.front if end == "front" else self.rear
        a = np.clip((np.abs(np.asarray(y, dtype=float)) - (self.hw - e.inset)) / e.inset, 0.0, 1.0)
        d = e.length * (1.0 - (1.0 - a ** e.p) ** (1.0 / e.p))
        return self.xf - d if end == "front" else self.xr + d

    def deform(self, pts: np.ndarray) -> np.ndarray:
        """Lean the faces back: x moves towards the middle with height, fading over each end's zone."""
        pts = np.array(pts, dtype=float)
        x, z = pts[:, 0], pts[:, 2]
        for end, sign, tip in ((self.front, -1.0, self.xf), (self.rear, 1.0, self.xr)):
            if end.rake <= 0:
                continue
            t = np.clip((z - end.rake_z) / max(self.z1 - end.rake_z, 1e-3), 0.0, 1.0) ** 2
            w = np.clip(1.0 - np.abs(tip - x) / end.zone, 0.0, 1.0)
            pts[:, 0] = x + sign * end.rake * t * w
        return pts

    def _xs(self, extra) -> list[float]:
        t = np.linspace(0.0, 1.0, 9)
        xs = list(self.xf - self._corner(self.front, t)[0]) + list(self.xr + self._corner(self.rear, t)[0])
        for end, tip, sign in ((self.front, self.xf, -1.0), (self.rear, self.xr, 1.0)):
            xs += list(tip + sign * np.linspace(0, max(end.zone, end.drop) + 0.3, 8))
            xs += list(tip + sign * np.linspace(0, end.drop, 5))
        for ax, _az, r in self.arches:
            xs += list(ax + r * np.cos(np.linspace(0, math.pi, 15)))
            xs += [ax - r - 0.002, ax + r + 0.002]
        xs += list(extra)
        xs = sorted({round(float(x), 5) for x in xs if self.xr <= x <= self.xf})
        return xs

    def build(self, name: str, base, mat, parent, extra_xs=()):
        """The shell as a loft along x; ``base(x)`` is the underside height before the arches. Each end is
        closed by rings shrinking to the middle of the face, so raked faces stay smooth."""
        rings = []
        xs = self._xs(extra_xs)
        for x in xs:
            sec = _section(self.half_width(x), self.floor(x, base(x)), self.roof(x), self.r_top, self.r_bot)
            rings.append(np.column_stack([np.full(len(sec), x), sec]))
        for k, bulge in ((0, 1.0), (-1, -1.0)):
            ring = rings[k]
            zc = (ring[:, 2].min() + ring[:, 2].max()) / 2
            caps = []
            for s in (0.72, 0.4, 0.12):
                r = ring.copy()
                r[:, 1] *= s
                r[:, 2] = zc + (r[:, 2] - zc) * s
                r[:, 0] += bulge * 0.004 * (1 - s)
                caps.append(r)
            rings = caps[::-1] + rings if k == 0 else rings + caps
        obj = mesh.loft(name, [self.deform(r) for r in rings], mat, parent=parent)
        _smooth_by_angle(obj)
        return obj

    def outline(self, off: float, end: str | None = None, reach: float = 0.3) -> np.ndarray:
        """Plan outline (K x 2, counter-clockwise) grown by ``off``; with ``end``, only that end's part,
        running ``reach`` metres back along both sides (an open polyline from the -y side to the +y side)."""
        t = np.linspace(0.0, 1.0, 10)
        fd, fy = self._corner(self.front, t)
        rd, ry = self._corner(self.rear, t)
        f_left = np.column_stack([self.xf - fd + off * np.cos(t * math.pi / 2), fy + off * np.sin(t * math.pi / 2)])
        r_left = np.column_stack([self.xr + rd - off * np.cos(t * math.pi / 2), ry + off * np.sin(t * math.pi / 2)])
        flip = np.array([1.0, -1.0])
        if end == "front":
            side = [(self.xf - self.front.length - reach, -(self.hw + off))]
            return np.array(side + list((f_left * flip)[::-1]) + list(f_left) + [(side[0][0], self.hw + off)])
        if end == "rear":
            side = [(self.xr + self.rear.length + reach, self.hw + off)]
            return np.array(side + list(r_left[::-1]) + list(r_left * flip) + [(side[0][0], -(self.hw + off))])
        return np.concatenate([f_left, r_left[::-1], (r_left * flip), (f_left * flip)[::-1]])

    def band(self, name: str, z0: float, z1: float, off: float, mat, parent, end: str | None = None,
             reach: float = 0.3, rings: int = 5):
        """A sheet ``off`` metres proud of the body between heights ``z0`` and ``z1``: all round, or round one
        ``end`` (windscreen, bumper); follows the rake."""
        plan = self.outline(off, end, reach)
        loops = [self.deform(np.column_stack([plan, np.full(len(plan), z)])) for z in np.linspace(z0, z1, rings)]
        return mesh.loft(name, loops, mat, cap=False, parent=parent, closed=end is None)

    def end_patch(self, name: str, end: str, y0: float, y1: float, z0: float, z1: float, off: float, mat, parent,
                  n: int = 6):
        """A panel on an end face between lateral ``y0``..``y1`` and heights ``z0``..``z1``, following the plan
        corner and the rake ``off`` metres proud (lamps, grilles, plates, displays)."""
        ys = np.linspace(y0, y1, n)
        sign = 1.0 if end == "front" else -1.0
        xs = self.end_x(ys, end) + sign * off
        loops = [self.deform(np.column_stack([xs, ys, np.full(n, z)])) for z in np.linspace(z0, z1, 4)]
        return mesh.loft(name, loops, mat, cap=False, parent=parent, closed=False, smooth=False)

    def surface_point(self, x: float, y_side: float, z: float, off: float = 0.0) -> np.ndarray:
        """A point on the body side at ``x`` (``y_side`` = +-1), moved by the rake."""
        return self.deform(np.array([[x, y_side * (self.half_width(x) + off), z]]))[0]


# ------------------------------------------------------------------ materials


def _paint(name: str, color, rng) -> bpy.types.Material:
    return surfaces.principled(name, color, roughness=rng.uniform(0.25, 0.4), coat=rng.uniform(0.5, 1.0),
                               noise=rng.uniform(0.03, 0.1), noise_scale=3.0)


def _infinigen_metal(kind: str, seed: int, grey: float) -> bpy.types.Material:
    """Infinigen's metal ``kind`` with its base colour set to ``grey`` (its own draw can be near black or
    brass; rims, tanks and rails are silver)."""
    mat = surfaces.infinigen(kind, seed)
    for node in mat.node_tree.nodes:
        socket = node.inputs.get("Base Color")
        if socket is not None and not socket.is_linked and node.type == "GROUP":
            socket.default_value = (grey, grey, grey * 1.02, 1.0)
    return mat


def _common_materials(rng, seed: int, metal_kind: str = "metal.brushed_metal.BrushedMetal") -> dict:
    """Glass, trim, rubber, chrome, lamps and one Infinigen metal (rims, tank, rails) shared by the vehicles."""
    return {
        "window": surfaces.principled("window_glass", (0.012, 0.016, 0.02), roughness=0.03, coat=1.0, ior=1.5),
        "dark": surfaces.principled("black_trim", (0.018, 0.018, 0.02), roughness=0.55, noise=0.1, noise_scale=20),
        "rubber": surfaces.rubber("tyre_rubber"),
        "chrome": surfaces.chrome("chrome"),
        "mirror": surfaces.principled("mirror_glass", (0.9, 0.9, 0.92), roughness=0.02, metallic=1.0),
        "rim": _infinigen_metal(metal_kind, seed, rng.uniform(0.5, 0.75)),
        "head": surfaces.lamp("head_lamp", (1.0, 0.97, 0.9), strength=rng.choice([0.0, 2.0])),
        "tail": surfaces.lamp("tail_lamp", (0.7, 0.02, 0.01), strength=rng.choice([0.0, 1.5])),
        "amber": surfaces.lamp("indicator_lamp", (0.9, 0.35, 0.01)),
        "plate": surfaces.principled("plate", rng.choice([(0.8, 0.8, 0.78), (0.85, 0.62, 0.02)]), roughness=0.35),
    }


def _mirror_arm(root, name: str, shell: _Shell, x: float, z: float, side: float, reach, head, mats,
                forward: float = 1.0) -> None:
    """A mirror on a bent arm from the body side at (``x``, ``z``): arm steps ``reach`` ((forward, out, up)
    from the root), head size ``head`` (x, y, z), mirror glass on the face looking back (``forward`` = -1:
    a rear cab, facing -x)."""
    p = shell.surface_point(x, side, z, -0.02)
    pts = [p]
    for dx, dy, dz in reach:
        pts.append(pts[-1] + np.array([forward * dx, side * dy, dz]))
    mesh.tube(f"{name}_arm", pts, 0.018, mats["dark"], segments=8, parent=root)
    hx, hy, hz = head
    c = pts[-1] + np.array([0.0, side * hy * 0.35, -hz / 2 + 0.03])
    mesh.box(f"{name}_head", (hx, hy, hz), c, mats["dark"], bevel=0.025, parent=root)
    mesh.box(f"{name}_glass", (0.006, hy - 0.03, hz - 0.03), (c[0] - forward * (hx / 2 + 0.002), c[1], c[2]),
             mats["mirror"], parent=root)


def _side_doors(root, hw: float, doors, z0: float, z1: float, side: float, mats: dict, leaf=None) -> None:
    """Double doors on one side (``side`` = +-1): black frame, two glazed leaves with a middle seal and a
    grab rail, a few millimetres proud of the body at half-width ``hw``."""
    leaf = leaf or mats["window"]
    y = side * hw
    for i, (a, b) in enumerate(doors):
        xc, dw = (a + b) / 2, b - a
        mesh.box(f"door{i}_frame", (dw + 0.06, 0.016, z1 - z0 + 0.04), (xc, y + side * 0.004, (z0 + z1) / 2),
                 mats["dark"], parent=root)
        for s in (-1, 1):
            lx = xc + s * dw / 4
            mesh.box(f"door{i}_leaf", (dw / 2 - 0.05, 0.008, z1 - z0 - 0.06), (lx, y + side * 0.016, (z0 + z1) / 2),
                     leaf, parent=root)
            mesh.box(f"door{i}_rail", (dw / 2 - 0.1, 0.012, 0.03), (lx, y + side * 0.02, z0 + 0.9),
                     mats["dark"], parent=root)
        mesh.box(f"door{i}_seal", (0.04, 0.012, z1 - z0 - 0.06), (xc, y + side * 0.018, (z0 + z1) / 2), mats["dark"],
                 parent=root)


def _pillars(root, hw: float, x0: float, x1: float, pitch: float, width: float, z0: float, z1: float, blocked,
             mat) -> None:
    """Black window pillars every ``pitch`` metres along both sides, skipping the ``blocked`` spans
    ({side: [(a, b), ...]})."""
    for side in (1.0, -1.0):
        x = x0
        while x < x1:
            if not any(a < x < b for a, b in blocked.get(side, ())):
                mesh.box("pillar", (width, 0.01, z1 - z0), (x, side * (hw + 0.009), (z0 + z1) / 2), mat, parent=root)
            x += pitch


def _free_spans(x0: float, x1: float, blocked) -> list[tuple[float, float]]:
    """Parts of [x0, x1] outside the ``blocked`` intervals."""
    spans, cur = [], x0
    for a, b in sorted(blocked):
        if b <= cur or a >= x1:
            continue
        if a > cur:
            spans.append((cur, a))
        cur = max(cur, b)
    if cur < x1:
        spans.append((cur, x1))
    return [(a, b) for a, b in spans if b - a > 0.05]


# ------------------------------------------------------------------ bus

# City bus liveries (body, accent), linear RGB: white with a colour band, all-over fleet colours
# (Berlin yellow, London red, Paris green-white, Vienna red-white, blue, orange).
BUS_LIVERIES = ((((0.80, 0.80, 0.78), (0.60, 0.02, 0.02)), 0.22), (((0.80, 0.80, 0.78), (0.02, 0.12, 0.45)), 0.16),
                (((0.93, 0.60, 0.01), (0.02, 0.02, 0.02)), 0.12), (((0.70, 0.022, 0.011), (0.75, 0.75, 0.72)), 0.12),
                (((0.80, 0.80, 0.78), (0.05, 0.30, 0.08)), 0.10), (((0.05, 0.14, 0.45), (0.75, 0.75, 0.72)), 0.10),
                (((0.80, 0.80, 0.78), (0.90, 0.30, 0.01)), 0.08), (((0.10, 0.35, 0.15), (0.80, 0.80, 0.78)), 0.05),
                (((0.55, 0.56, 0.58), (0.45, 0.02, 0.02)), 0.05))


class BusFactory(ProceduralFactory):
    """A low-floor city bus (Mercedes Citaro / MAN Lion's City / Solaris Urbino style, rigid, two axles).

    Sizes (manufacturer data; EU Directive 96/53/EC caps width at 2.55 m): length 10.5-12.2 m, body width
    2.50-2.55 m (mirrors add about 0.2 m a side), height 2.9-3.2 m with the roof air-conditioning pod,
    front overhang 2.5-2.75 m, rear overhang 2.9-3.4 m, wheels 275/70 R22.5 (0.95-1.0 m), floor and
    skirt at 0.28-0.33 m. Two doors below 11.4 m, three above, on the right (-y, right-hand traffic).
    """

    def create_asset(self, **spawn):
        r = self.rng
        L, W, H = r.uniform(10.5, 12.2), r.uniform(2.50, 2.55), r.uniform(2.9, 3.2)
        pod_h = r.uniform(0.16, 0.26)
        z1 = H - pod_h
        hw = W / 2
        wheel = _Wheel(r.uniform(0.475, 0.5), 0.28, 0.286, nuts=10)
        clear = r.uniform(0.28, 0.33)
        xf, xr = L / 2, -L / 2
        x_fa, x_ra = xf - r.uniform(2.5, 2.75), xr + r.uniform(2.9, 3.4)
        arch_r = wheel.radius + r.uniform(0.06, 0.1)
        rc_f, rc_r = r.uniform(0.22, 0.38), r.uniform(0.18, 0.32)
        shell = _Shell(xr, xf, hw, z1, r.uniform(0.18, 0.28), 0.04,
                       _End(rc_f, rc_f, 2.0, drop=r.uniform(0.08, 0.15), rake=r.uniform(0.08, 0.22), rake_z=1.0,
                            zone=1.2),
                       _End(rc_r, rc_r, 2.0, drop=r.uniform(0.06, 0.12), rake=r.uniform(0.0, 0.08), rake_z=1.4,
                            zone=0.8),
                       arches=[(x_fa, wheel.radius, arch_r), (x_ra, wheel.radius, arch_r)])
        body_c, accent_c = surfaces.pick_weighted(r, BUS_LIVERIES)
        mats = _common_materials(r, self.seed)
        mats["paint"] = _paint("bus_paint", body_c, r)
        mats["accent"] = _paint("bus_accent", accent_c, r)
        mats["display"] = surfaces.lamp("destination_display", (1.0, 0.45, 0.02), strength=r.uniform(2.0, 5.0))
        root = mesh.empty("bus")
        shell.build("bus_body", lambda x: clear, mats["paint"], root)
        belt = r.uniform(1.0, 1.2)
        win_top = z1 - shell.r_top - shell.front.drop - 0.03
        doors = self._doors(L, xf, xr, x_fa, x_ra, arch_r)
        lamp_z = clear + r.uniform(0.3, 0.4)
        self._glazing(root, shell, belt, win_top, lamp_z + 0.14 + r.uniform(0.05, 0.15), doors, mats)
        _side_doors(root, hw, doors, clear + 0.02, win_top + 0.03, -1.0, mats)
        sx = doors[0][0] - 0.75
        mesh.box("side_display_box", (1.1, 0.012, 0.26), (sx, -(hw + 0.012), win_top - 0.17), mats["dark"], parent=root)
        mesh.box("side_display", (0.98, 0.006, 0.16), (sx, -(hw + 0.02), win_top - 0.17), mats["display"], parent=root)
        self._livery(root, shell, belt, clear, doors, x_fa, x_ra, arch_r, mats)
        self._front_rear(root, shell, clear, belt, win_top, lamp_z, mats)
        self._roof(root, shell, pod_h, mats)
        for x in (x_fa, x_ra):
            _arc_shell("arch_liner", (x, 0.0, wheel.radius), arch_r - 0.012, 2 * hw - 0.06, 0.0, math.pi, 0.01,
                       mats["dark"], root)
        for side in (1.0, -1.0):
            _mirror_arm(root, "mirror", shell, xf - 0.3, win_top + 0.08, side,
                        [(0.25, 0.05, 0.06), (0.18, 0.06, -0.12), (0.03, 0.02, -0.25)], (0.07, 0.2, 0.38), mats)
        anchors = _axle(root, "front", x_fa, hw - 0.04, wheel, False, mats)
        anchors |= _axle(root, "rear", x_ra, hw - 0.04, wheel, True, mats)
        set_anchors(root, anchors)
        _join_parts(root)
        return root

    def _doors(self, L, xf, xr, x_fa, x_ra, arch_r) -> list[tuple[float, float]]:
        r = self.rng
        dw = r.uniform(1.1, 1.25)
        front = (x_fa + arch_r + 0.12, min(x_fa + arch_r + 0.12 + dw, xf - 0.45))
        mid_c = (x_fa + x_ra) / 2 + r.uniform(-0.4, 0.4)
        doors = [front, (mid_c - dw / 2, mid_c + dw / 2)]
        if L > 11.4:
            x1 = x_ra - arch_r - 0.15
            doors.append((x1 - dw, x1))
        return doors

    def _glazing(self, root, shell: _Shell, belt, win_top, ws_low, doors, mats) -> None:
        """Window band all round with black frit edges, a deeper windscreen and pillars between panes."""
        r = self.rng
        shell.band("window_band", belt, win_top, 0.006, mats["window"], root)
        shell.band("frit_low", belt - 0.05, belt, 0.007, mats["dark"], root, rings=2)
        shell.band("frit_high", win_top, win_top + 0.05, 0.007, mats["dark"], root, rings=2)
        shell.band("windscreen", ws_low, belt + 0.01, 0.006, mats["window"], root, end="front",
                   reach=0.05)
        x0, x1 = shell.xr + shell.rear.length + 0.5, shell.xf - shell.front.zone - 0.3
        _pillars(root, shell.hw, x0, x1, r.uniform(1.2, 1.6), r.uniform(0.06, 0.1), belt, win_top,
                 {-1.0: [(a - 0.1, b + 0.1) for a, b in doors]}, mats["dark"])

    def _livery(self, root, shell: _Shell, belt, clear, doors, x_fa, x_ra, arch_r, mats) -> None:
        """An accent band along both sides (low on the skirt or under the windows), broken by arches and doors,
        and on many buses the skirt below it in the accent colour too."""
        r = self.rng
        if r.random() < 0.5:
            z0, z1 = clear + 0.04, clear + r.uniform(0.12, 0.3)
        else:
            z1 = belt - 0.07
            z0 = z1 - r.uniform(0.1, 0.25)
        x0, x1 = shell.xr + shell.rear.length + 0.02, shell.xf - shell.front.zone - 0.05
        arch_top = shell.arches[0][1] + arch_r
        arches = [(x - arch_r - 0.03, x + arch_r + 0.03) for x in (x_fa, x_ra)] if z0 < arch_top else []
        for side in (1.0, -1.0):
            blocked = arches + ([(a - 0.04, b + 0.04) for a, b in doors] if side < 0 else [])
            for a, b in _free_spans(x0, x1, blocked):
                mesh.box("livery", (b - a, 0.006, z1 - z0), ((a + b) / 2, side * (shell.hw + 0.003), (z0 + z1) / 2),
                         mats["accent"], parent=root)

    def _front_rear(self, root, shell: _Shell, clear, belt, win_top, lz, mats) -> None:
        """Bumpers, lamps, plates, destination display, wipers and the rear engine grille."""
        r = self.rng
        hw = shell.hw
        for end in ("front", "rear"):
            shell.band(f"{end}_bumper", clear - 0.01, clear + r.uniform(0.22, 0.32), 0.025, mats["dark"], root,
                       end=end, reach=0.35, rings=3)
            plate_z = clear + 0.06
            shell.end_patch(f"{end}_plate", end, -0.26, 0.26, plate_z, plate_z + 0.11, 0.03, mats["plate"], root, n=2)
        for s in (-1, 1):
            y0, y1 = sorted((s * (hw - 0.5), s * (hw - 0.04)))
            shell.end_patch("headlamp", "front", y0, y1, lz, lz + 0.14, 0.012, mats["head"], root)
            ya, yb = sorted((s * (hw - 0.62), s * (hw - 0.52)))
            shell.end_patch("indicator", "front", ya, yb, lz, lz + 0.14, 0.012, mats["amber"], root, n=2)
            ya, yb = sorted((s * (hw - 0.22), s * (hw - 0.02)))
            shell.end_patch("tail_lamp", "rear", ya, yb, clear + 0.45, belt - 0.05, 0.012, mats["tail"], root, n=3)
        dy = hw - shell.front.inset - 0.15
        shell.end_patch("display_box", "front", -dy, dy, win_top - 0.34, win_top - 0.02, 0.009, mats["dark"], root, n=2)
        shell.end_patch("display", "front", -dy + 0.08, dy - 0.08, win_top - 0.28, win_top - 0.08, 0.011,
                        mats["display"], root, n=2)
        shell.end_patch("rear_display", "rear", -0.5, 0.5, win_top - 0.26, win_top - 0.06, 0.009, mats["display"],
                        root, n=2)
        grille_top = belt - r.uniform(0.12, 0.3)
        shell.end_patch("engine_grille", "rear", -hw + 0.45, hw - 0.45, clear + 0.4, grille_top, 0.006, mats["dark"],
                        root, n=2)
        for z in np.arange(clear + 0.45, grille_top - 0.03, 0.07):
            shell.end_patch("louvre", "rear", -hw + 0.5, hw - 0.5, z, z + 0.025, 0.012, mats["paint"], root, n=2)
        ws_z = belt - 0.25
        for y in (-0.55, 0.25):
            a = shell.deform(np.array([[shell.xf + 0.02, y, ws_z], [shell.xf + 0.02, y + 0.75, ws_z + 0.12]]))
            mesh.tube("wiper", a, 0.008, mats["dark"], segments=6, parent=root)

    def _roof(self, root, shell: _Shell, pod_h, mats) -> None:
        r = self.rng
        pl = r.uniform(2.4, 3.6)
        pw = 2 * shell.hw * r.uniform(0.62, 0.75)
        xc = r.uniform(shell.xf - 3.8, shell.xf - 2.2 - pl / 2)
        pod_mat = mats["paint"] if r.random() < 0.6 else surfaces.principled("roof_white", (0.75, 0.75, 0.73), 0.4)
        mesh.box("ac_pod", (pl, pw, pod_h + 0.02), (xc, 0.0, shell.z1 + pod_h / 2 - 0.01), pod_mat, bevel=0.07,
                 parent=root, bevel_segments=3)
        mesh.box("ac_grille", (pl * 0.7, pw * 0.6, 0.01), (xc, 0.0, shell.z1 + pod_h - 0.005), mats["dark"],
                 parent=root)
        for hx in (shell.xf - 1.2, shell.xr + 2.5):
            mesh.box("roof_hatch", (0.8, 0.7, 0.06), (hx, 0.0, shell.z1 + 0.02), mats["dark"], bevel=0.02, parent=root)


# ------------------------------------------------------------------ truck

# Cab colours of rigid trucks (fleet white dominates), linear RGB, with their shares.
TRUCK_CAB = (((0.80, 0.80, 0.78), 0.40), ((0.50, 0.02, 0.02), 0.12), ((0.03, 0.09, 0.40), 0.12),
             ((0.12, 0.12, 0.13), 0.10), ((0.55, 0.56, 0.58), 0.08), ((0.75, 0.30, 0.01), 0.06),
             ((0.04, 0.22, 0.07), 0.06), ((0.85, 0.62, 0.02), 0.06))
CURTAIN = (((0.75, 0.75, 0.72), 0.35), ((0.06, 0.12, 0.40), 0.2), ((0.45, 0.03, 0.02), 0.15),
           ((0.2, 0.2, 0.21), 0.15), ((0.05, 0.25, 0.08), 0.1), ((0.8, 0.55, 0.02), 0.05))


class TruckFactory(ProceduralFactory):
    """A rigid (cab-over) distribution truck with a box or curtain-side body (MAN TGL/TGM, Mercedes
    Atego, DAF LF/CF style), two axles or a tandem rear bogie, dual rear wheels.

    Sizes (EU Directive 96/53/EC, manufacturer data): length 7-10 m, body width 2.45-2.55 m (mirrors add
    about 0.25 m a side), height 3.2-3.9 m (the street layout's range; the legal cap is 4 m), cab 2.05-2.35 m
    long and 2.9-3.2 m tall, front overhang 1.2-1.4 m, wheels 295/80 R22.5 (0.92-1.05 m), frame top at
    0.95-1.05 m, cargo floor 1.15-1.3 m.
    """

    def create_asset(self, **spawn):
        r = self.rng
        L, W, H = r.uniform(7.0, 10.0), r.uniform(2.45, 2.55), r.uniform(3.2, 3.9)
        hw = W / 2
        wheel = _Wheel(r.uniform(0.46, 0.525), 0.30, 0.286, nuts=10, holes=r.choice([0, 8]))
        xf, xr = L / 2 - 0.12, -L / 2 + 0.08  # bumper, visor and door gear stand out of the shell
        lc = r.uniform(2.05, 2.35)
        hc = min(r.uniform(2.9, 3.2), H - 0.05)
        x_fa = xf - r.uniform(1.2, 1.4)
        arch_r = wheel.radius + r.uniform(0.06, 0.09)
        rc = r.uniform(0.12, 0.25)
        hw_c = hw - r.uniform(0.0, 0.04)
        z_bump, z_step = r.uniform(0.38, 0.48), r.uniform(0.95, 1.1)
        cab = _Shell(xf - lc, xf, hw_c, hc, r.uniform(0.08, 0.18), 0.03,
                     _End(rc, rc, 2.0, drop=r.uniform(0.06, 0.14), rake=r.uniform(0.05, 0.2), rake_z=1.6, zone=1.0),
                     _End(0.06, 0.06, 2.0, drop=0.05), arches=[(x_fa, wheel.radius, arch_r)])
        mats = _common_materials(r, self.seed)
        mats["paint"] = _paint("cab_paint", surfaces.pick_weighted(r, TRUCK_CAB), r)
        root = mesh.empty("truck")
        cab.build("cab", lambda x: z_step if x < x_fa else z_bump, mats["paint"], root)
        self._cab_details(root, cab, z_bump, z_step, x_fa, arch_r, mats)
        frame_top = r.uniform(0.95, 1.05)
        floor = max(frame_top + 0.12, 2 * wheel.radius + 0.18)
        tandem = L > 8.4 and r.random() < 0.45
        x_rc = xr + r.uniform(0.24, 0.32) * L
        rear_axles = [x_rc - 0.68, x_rc + 0.68] if tandem else [x_rc]
        xb1 = xf - lc - r.uniform(0.1, 0.25)
        self._chassis(root, hw, xr, xf, frame_top, floor, xb1, x_fa, arch_r, rear_axles, wheel, mats)
        if H - hc > 0.35 and r.random() < 0.6:
            self._deflector(root, cab, H, mats)
        self._cargo(root, hw, xr, xb1, floor, H, mats)
        anchors = _axle(root, "front", x_fa, hw_c - 0.03, wheel, False, mats)
        for i, x in enumerate(rear_axles):
            anchors |= _axle(root, f"rear{i}", x, hw - 0.05, wheel, True, mats)
            for side in (1.0, -1.0):
                _arc_shell("mudguard", (x, side * (hw - 0.05 - wheel.width - 0.02), wheel.radius), wheel.radius + 0.06,
                           2 * wheel.width + 0.1, 0.12 * math.pi, 0.88 * math.pi, 0.012, mats["dark"], root)
        set_anchors(root, anchors)
        _join_parts(root)
        return root

    def _cab_details(self, root, cab: _Shell, z_bump, z_step, x_fa, arch_r, mats) -> None:
        """Glazing, grille, bumper with lamps, sun visor, door seams and handles, steps, mirrors, plate."""
        r = self.rng
        hw, xf = cab.hw, cab.xf
        ws_lo = r.uniform(1.75, 1.95)
        ws_top = cab.z1 - cab.r_top - cab.front.drop - r.uniform(0.12, 0.22)
        cab.band("windscreen", ws_lo, ws_top, 0.006, mats["window"], root, end="front", reach=0.04)
        door_rear = xf - cab.front.length - r.uniform(1.05, 1.3)
        for side in (1.0, -1.0):
            y = side * (hw + 0.004)
            x0, x1 = door_rear + 0.08, xf - cab.front.length - 0.08
            mesh.box("side_window", (x1 - x0, 0.008, ws_top - ws_lo - 0.08),
                     ((x0 + x1) / 2, y, (ws_lo + ws_top) / 2 + 0.04), mats["window"], parent=root)
            mesh.box("door_seam", (0.012, 0.006, ws_top - z_step + 0.08), (door_rear, side * (hw + 0.002),
                     (z_step + ws_top) / 2 + 0.04), mats["dark"], parent=root)
            mesh.box("door_handle", (0.2, 0.02, 0.04), (door_rear + 0.18, side * (hw + 0.01), ws_lo - 0.15),
                     mats["chrome"], bevel=0.008, parent=root)
            for k, z in enumerate((0.55, 0.82)):
                sx = x_fa - arch_r - 0.2
                mesh.box("step", (0.34, 0.24 - 0.05 * k, 0.04), (sx, side * (hw - 0.12), z), mats["dark"], parent=root)
            mesh.box("step_well", (0.36, 0.02, z_step - 0.45), (x_fa - arch_r - 0.2, side * (hw - 0.24),
                     (z_step + 0.45) / 2), mats["dark"], parent=root)
            _mirror_arm(root, "mirror", cab, xf - 0.3, ws_top - 0.05, side, [(0.1, 0.12, 0.02)], (0.06, 0.18, 0.45),
                        mats)
        gw = hw - cab.front.inset - r.uniform(0.05, 0.2)
        bump_top = z_bump + r.uniform(0.3, 0.4)
        g0, g1 = bump_top + 0.05, ws_lo - r.uniform(0.1, 0.2)
        cab.end_patch("grille", "front", -gw, gw, g0, g1, 0.006, mats["dark"], root, n=2)
        slat = mats["chrome"] if r.random() < 0.5 else mats["paint"]
        for z in np.linspace(g0 + 0.06, g1 - 0.06, r.randint(3, 6)):
            cab.end_patch("grille_slat", "front", -gw + 0.05, gw - 0.05, z - 0.02, z + 0.02, 0.014, slat, root, n=2)
        cab.end_patch("badge", "front", -0.12, 0.12, g1 - 0.02, g1 + 0.08, 0.01, mats["chrome"], root, n=2)
        bumper_mat = mats["dark"] if r.random() < 0.6 else mats["paint"]
        cab.band("bumper", z_bump, bump_top, 0.04, bumper_mat, root, end="front", reach=0.2, rings=3)
        lz = z_bump + 0.08
        for s in (-1, 1):
            y0, y1 = sorted((s * (hw - 0.45), s * (hw - 0.06)))
            cab.end_patch("headlamp", "front", y0, y1, lz + 0.06, bump_top - 0.04, 0.043, mats["head"], root)
            y0, y1 = sorted((s * (hw - 0.55), s * (hw - 0.46)))
            cab.end_patch("indicator", "front", y0, y1, lz + 0.06, bump_top - 0.04, 0.043, mats["amber"], root, n=2)
        cab.end_patch("plate", "front", -0.26, 0.26, lz - 0.04, lz + 0.07, 0.045, mats["plate"], root, n=2)
        visor = cab.deform(np.array([[xf + 0.06, 0.0, ws_top + 0.06]]))[0]
        mesh.box("sun_visor", (0.2, 2 * (hw - cab.front.inset) - 0.1, 0.035), visor, mats["dark"], bevel=0.01,
                 rotation=(0.0, -0.25, 0.0), parent=root)
        for y in (-0.5, 0.2):
            a = cab.deform(np.array([[xf + 0.015, y, ws_lo + 0.05], [xf + 0.015, y + 0.6, ws_lo + 0.14]]))
            mesh.tube("wiper", a, 0.008, mats["dark"], segments=6, parent=root)

    def _chassis(self, root, hw, xr, xf, frame_top, floor, xb1, x_fa, arch_r, rear_axles, wheel: _Wheel, mats):
        """Frame rails and subframe, fuel tank and battery box, side and rear under-run guards, rear lamps."""
        r = self.rng
        rail_h = 0.28
        for y in (-0.43, 0.43):
            mesh.box("frame_rail", (xf - 0.6 - (xr + 0.15), 0.08, rail_h), ((xf - 0.6 + xr + 0.15) / 2, y,
                     frame_top - rail_h / 2), mats["dark"], parent=root)
            mesh.box("subframe", (xb1 - xr - 0.1, 0.1, floor - frame_top), ((xb1 + xr + 0.1) / 2, y,
                     (floor + frame_top) / 2), mats["dark"], parent=root)
        free_lo, free_hi = max(rear_axles) + wheel.radius + 0.2, x_fa - arch_r - 0.45
        tank_l = min(r.uniform(0.8, 1.5), free_hi - free_lo - 0.3)
        tw, th = r.uniform(0.5, 0.62), r.uniform(0.5, 0.62)
        tx = free_hi - 0.05 - tank_l / 2
        ty, tz = -(hw - 0.08 - tw / 2), frame_top - th / 2 - 0.04
        sec = mesh.rounded_rect(tw, th, r.uniform(0.1, 0.2), 6)
        mesh.loft("fuel_tank", [np.column_stack([np.full(len(sec), x), sec[:, 0] + ty, sec[:, 1] + tz])
                                for x in (tx - tank_l / 2, tx + tank_l / 2)], mats["rim"], parent=root)
        for dx in (-tank_l * 0.3, tank_l * 0.3):
            mesh.box("tank_strap", (0.04, tw + 0.02, th + 0.02), (tx + dx, ty, tz), mats["dark"], parent=root)
        mesh.cylinder("tank_cap", 0.05, 0.04, (tx + tank_l * 0.35, ty - tw * 0.25, tz + th / 2 + 0.02), mats["chrome"],
                      parent=root)
        mesh.box("battery_box", (0.7, 0.55, 0.5), (tx, hw - 0.08 - 0.275, frame_top - 0.3), mats["dark"], bevel=0.02,
                 parent=root)
        for side in (1.0, -1.0):
            for z in (0.5, 0.78):
                mesh.box("side_guard", (free_hi - free_lo, 0.03, 0.1), ((free_lo + free_hi) / 2, side * (hw - 0.03), z),
                         mats["rim"], bevel=0.005, parent=root)
            for x in (free_lo + 0.05, free_hi - 0.05):
                mesh.box("guard_bracket", (0.05, 0.3, frame_top - 0.45),
                         (x, side * (hw - 0.18), (frame_top + 0.45) / 2), mats["dark"], parent=root)
        ux = xr + 0.35
        mesh.box("rear_guard", (0.12, 2 * hw - 0.3, 0.12), (ux, 0.0, 0.5), mats["rim"], bevel=0.01, parent=root)
        for y in (-0.43, 0.43):
            mesh.box("rear_guard_leg", (0.08, 0.06, frame_top - 0.5), (ux + 0.05, y, (frame_top + 0.5) / 2),
                     mats["dark"], parent=root)
        lamp_z = floor - 0.16
        mesh.box("lamp_bar", (0.08, 2 * hw - 0.1, 0.1), (xr + 0.1, 0.0, lamp_z), mats["dark"], parent=root)
        for s in (-1, 1):
            for k, (mat, w) in enumerate(((mats["tail"], 0.22), (mats["amber"], 0.1), (mats["head"], 0.08))):
                y = s * (hw - 0.2 - 0.17 * k)
                mesh.box("rear_lamp", (0.02, w, 0.08), (xr + 0.055, y, lamp_z), mat, parent=root)
        mesh.box("rear_plate", (0.01, 0.52, 0.11), (ux - 0.065, 0.0, 0.5), mats["plate"], parent=root)

    def _deflector(self, root, cab: _Shell, H, mats) -> None:
        """A roof wind deflector rising from the cab roof to the cargo body's height."""
        xs = np.linspace(cab.xf - 0.75, cab.xr + 0.05, 8)
        rings = []
        for k, x in enumerate(xs):
            t = k / (len(xs) - 1)
            h = 0.02 + (H - 0.05 - cab.z1) * math.sin(t * math.pi / 2)
            sec = _section(cab.hw * (0.6 + 0.35 * t), cab.z1 - 0.03, cab.z1 + h, 0.15, 0.01)
            rings.append(np.column_stack([np.full(len(sec), x), sec]))
        obj = mesh.loft("deflector", rings, mats["paint"], parent=root)
        _smooth_by_angle(obj)

    def _cargo(self, root, hw, x0, x1, floor, H, mats) -> None:
        """A dry-freight box (painted panels, aluminium rails, posts and ribs) or a curtain-sider (wavy
        tarpaulin with tension straps), with rear doors, lock rods and hinges."""
        r = self.rng
        curtain = r.random() < 0.45
        length, height, zc = x1 - x0, H - floor, (floor + H) / 2
        colour = r.choice([(0.8, 0.8, 0.78)] * 3 + [surfaces.pick_weighted(r, CURTAIN)])
        panel = surfaces.principled("box_panel", colour, roughness=0.45, noise=0.08, noise_scale=2.0)
        core_w = 2 * hw - (0.1 if curtain else 0.0)
        mesh.box("cargo_body", (length, core_w, height), ((x0 + x1) / 2, 0.0, zc), panel, bevel=0.03, parent=root)
        alu = mats["rim"]
        for side in (1.0, -1.0):
            mesh.box("top_rail", (length, 0.03, 0.12), ((x0 + x1) / 2, side * (hw - 0.005), H - 0.06), alu, parent=root)
            mesh.box("bottom_rail", (length, 0.03, 0.16), ((x0 + x1) / 2, side * (hw - 0.005), floor + 0.08), alu,
                     parent=root)
            for x in (x0 + 0.04, x1 - 0.04):
                mesh.box("corner_post", (0.08, 0.03, height), (x, side * (hw - 0.005), zc), alu, parent=root)
        if curtain:
            self._curtains(root, hw, x0, x1, floor + 0.16, H - 0.12, mats)
        elif r.random() < 0.6:
            pitch = r.uniform(0.6, 1.2)
            n = max(int((length - 0.2) / pitch), 1)
            for side in (1.0, -1.0):
                rib = mesh.box("rib", (0.05, 0.02, height - 0.28), (x0 + 0.1 + pitch, side * (hw + 0.01), zc), alu,
                               parent=root)
                mesh.array_copies(rib, [(k * pitch, 0.0, 0.0) for k in range(1, n - 1)])
        door_w = hw - 0.06
        for s in (-1, 1):
            y = s * (door_w / 2 + 0.03)
            mesh.box("rear_door", (0.02, door_w - 0.02, height - 0.24), (x0 - 0.01, y, zc), panel, parent=root)
            for dy in (0.18, door_w - 0.3):
                yy = s * (0.03 + dy)
                mesh.cylinder("lock_rod", 0.014, height - 0.2, (x0 - 0.04, yy, zc), alu, segments=8, parent=root)
                mesh.box("lock_handle", (0.04, 0.03, 0.25), (x0 - 0.05, yy - s * 0.05, floor + 0.9), alu, parent=root)
            for z in np.linspace(floor + 0.3, H - 0.3, 4):
                mesh.box("hinge", (0.03, 0.12, 0.06), (x0 - 0.03, s * (hw - 0.08), z), alu, parent=root)
        mesh.box("door_gap", (0.024, 0.02, height - 0.24), (x0 - 0.012, 0.0, zc), mats["dark"], parent=root)

    def _curtains(self, root, hw, x0, x1, z0, z1, mats) -> None:
        """Tarpaulin sides bulging between vertical tension straps."""
        r = self.rng
        cloth = surfaces.principled("curtain", surfaces.pick_weighted(r, CURTAIN), roughness=0.8, noise=0.12,
                                    noise_scale=6.0)
        pitch = r.uniform(0.45, 0.65)
        xs = np.linspace(x0 + 0.08, x1 - 0.08, int((x1 - x0) / pitch * 6) + 1)
        zs = np.linspace(z0, z1, 6)
        sag = r.uniform(0.01, 0.025)
        for side in (1.0, -1.0):
            bulge = [[sag * abs(math.sin(math.pi * (x - x0) / pitch)) * math.sin(math.pi * (z - z0) / (z1 - z0))
                      for x in xs] for z in zs]
            verts = [(x, side * (hw - 0.02 + bulge[k][i]), z) for k, z in enumerate(zs) for i, x in enumerate(xs)]
            nx = len(xs)
            faces = [[k * nx + i, k * nx + i + 1, (k + 1) * nx + i + 1, (k + 1) * nx + i]
                     for k in range(len(zs) - 1) for i in range(nx - 1)]
            mesh.mesh_object("curtain", verts, faces, cloth, root, smooth=True)
            n = int((x1 - x0 - 0.16) / pitch)
            strap = mesh.box("strap", (0.05, 0.012, z1 - z0), (x0 + pitch, side * (hw - 0.012), (z0 + z1) / 2),
                             mats["dark"], parent=root)
            mesh.array_copies(strap, [(k * pitch, 0.0, 0.0) for k in range(1, n)])


# ------------------------------------------------------------------ tram

GAUGE = 1.435  # standard gauge, between the rails' inner faces
TRAM_LIVERIES = ((((0.80, 0.80, 0.78), (0.60, 0.02, 0.02)), 0.22), (((0.80, 0.80, 0.78), (0.02, 0.25, 0.05)), 0.15),
                 (((0.80, 0.80, 0.78), (0.02, 0.10, 0.45)), 0.15), (((0.93, 0.60, 0.01), (0.80, 0.80, 0.78)), 0.12),
                 (((0.60, 0.02, 0.02), (0.80, 0.80, 0.78)), 0.12), (((0.55, 0.56, 0.58), (0.02, 0.25, 0.05)), 0.12),
                 (((0.80, 0.80, 0.78), (0.80, 0.30, 0.01)), 0.12))


@dataclass
class _Module:
    """One carbody section of an articulated tram between ``x0`` and ``x1``; ``cab``: 'front', 'rear' or
    None; ``bogie``: x of the bogie under it, or None (a suspended module)."""

    x0: float
    x1: float
    cab: str | None
    bogie: float | None


class TramFactory(ProceduralFactory):
    """A bidirectional low-floor tram (Alstom Citadis / Siemens Combino style): 3 or 5 articulated modules,
    cab modules and a short central module on bogies, suspended modules between them, doors on both sides,
    a folded single-arm pantograph on the roof.

    Sizes (manufacturer data): length 20-32 m (the street layout's range), width 2.30-2.65 m, 3.3-3.6 m tall
    including the lowered pantograph (roof 2.9-3.3 m), floor at 0.35 m, skirts 0.12-0.2 m above the rail,
    wheels 0.6-0.68 m on standard gauge (1.435 m): bogies sit between the rails' heads, wheels at z = 0.
    """

    def create_asset(self, **spawn):
        r = self.rng
        L, W, H = r.uniform(20.0, 32.0), r.uniform(2.30, 2.65), r.uniform(3.3, 3.6)
        panto_h = r.uniform(0.3, 0.4)
        z_roof = H - panto_h
        hw = W / 2
        body_c, accent_c = surfaces.pick_weighted(r, TRAM_LIVERIES)
        mats = _common_materials(r, self.seed)
        mats["paint"] = _paint("tram_paint", body_c, r)
        mats["accent"] = _paint("tram_accent", accent_c, r)
        mats["display"] = surfaces.lamp("destination_display", (1.0, 0.45, 0.02), strength=r.uniform(2.0, 5.0))
        mats["steel"] = surfaces.principled("bogie_steel", (0.08, 0.08, 0.085), roughness=0.55, metallic=0.6,
                                            noise=0.2, noise_scale=8.0)
        root = mesh.empty("tram")
        modules = self._modules(L)
        skirt = r.uniform(0.12, 0.2)
        nose = _End(r.uniform(0.8, 1.3), hw * r.uniform(0.45, 0.7), r.uniform(2.0, 2.6), drop=r.uniform(0.2, 0.35),
                    rake=r.uniform(0.25, 0.5), rake_z=r.uniform(0.9, 1.3), zone=1.8)
        r_top = r.uniform(0.22, 0.35)
        belt = r.uniform(0.95, 1.1)
        win_top = z_roof - r_top - 0.08
        stripe = (skirt + 0.02, skirt + r.uniform(0.2, 0.45))
        joint = _End(0.06, 0.06, 2.0, drop=0.04)
        anchors = {}
        for i, m in enumerate(modules):
            shell = _Shell(m.x0, m.x1, hw, z_roof, r_top, 0.05, nose if m.cab == "front" else joint,
                           nose if m.cab == "rear" else joint)
            shell.build(f"module{i}", lambda x: skirt, mats["paint"], root)
            self._module_details(root, shell, m, belt, win_top, stripe, mats)
            if m.bogie is not None:
                anchors |= self._bogie(root, f"bogie{i}", m.bogie, skirt, mats)
        for a, b in zip(modules, modules[1:]):
            self._bellows(root, a.x1, b.x0, hw, skirt, z_roof, mats)
        pm = modules[len(modules) // 2]
        self._roof(root, modules, hw, z_roof, panto_h, mats)
        self._pantograph(root, (pm.x0 + pm.x1) / 2, z_roof, panto_h, mats)
        set_anchors(root, anchors)
        _join_parts(root)
        return root

    def _modules(self, L: float) -> list[_Module]:
        """Module spans along x: cab (bogie) - suspended - [bogie - suspended] - cab, bellows gaps between."""
        r = self.rng
        gap = r.uniform(0.3, 0.45)
        if L < 26.0:
            shares, kinds = [0.36, 0.28, 0.36], ["rear", None, "front"]
        else:
            shares, kinds = [0.25, 0.19, 0.12, 0.19, 0.25], ["rear", None, "mid", None, "front"]
        usable = L - gap * (len(shares) - 1)
        x = -L / 2
        out = []
        for share, kind in zip(shares, kinds):
            ln = usable * share
            bogie = {"rear": x + r.uniform(0.38, 0.45) * ln, "front": x + r.uniform(0.55, 0.62) * ln,
                     "mid": x + ln / 2}.get(kind)
            out.append(_Module(x, x + ln, kind if kind in ("front", "rear") else None, bogie))
            x += ln + gap
        return out

    def _module_details(self, root, shell: _Shell, m: _Module, belt, win_top, stripe, mats) -> None:
        """Windows, doors on both sides, livery stripe, and on cab modules lamps, display, mirrors, skirt."""
        r = self.rng
        hw = shell.hw
        shell.band("window_band", belt, win_top, 0.006, mats["window"], root)
        shell.band("frit_high", win_top, win_top + 0.06, 0.007, mats["dark"], root, rings=2)
        shell.band("stripe", *stripe, 0.004, mats["accent"], root, rings=2)
        ln = m.x1 - m.x0
        dw = r.uniform(1.25, 1.35)
        if m.cab is None:
            n = 2 if ln > 5.5 and m.bogie is None else 1
            centres = [m.x0 + ln * (k + 1) / (n + 1) for k in range(n)]
        elif m.cab == "front":
            centres = [m.bogie - 1.4 - dw / 2]
        else:
            centres = [m.bogie + 1.4 + dw / 2]
        if m.bogie is not None and m.cab is None:
            centres = []
        doors = [(c - dw / 2, c + dw / 2) for c in centres]
        for side in (1.0, -1.0):
            _side_doors(root, hw, doors, 0.33, win_top + 0.04, side, mats)
        x0 = m.x0 + (shell.rear.zone + 0.2 if m.cab == "rear" else 0.25)
        x1 = m.x1 - (shell.front.zone + 0.2 if m.cab == "front" else 0.25)
        blocked = [(a - 0.1, b + 0.1) for a, b in doors]
        _pillars(root, hw, x0, x1, r.uniform(1.1, 1.5), 0.08, belt, win_top, {1.0: blocked, -1.0: blocked},
                 mats["dark"])
        if m.cab:
            self._cab(root, shell, m.cab, belt, win_top, mats)

    def _cab(self, root, shell: _Shell, end: str, belt, win_top, mats) -> None:
        """Windscreen to the floor line, front mask, lamps, destination display, camera-mirrors, skirt."""
        r = self.rng
        e = shell.front if end == "front" else shell.rear
        hw = shell.hw
        face = hw - e.inset + e.inset * 0.6
        shell.band("windscreen", r.uniform(0.75, 0.9), belt + 0.01, 0.006, mats["window"], root, end=end, reach=0.2)
        shell.band("cab_skirt", 0.1, 0.45, 0.02, mats["dark"], root, end=end, reach=0.6, rings=3)
        lz = r.uniform(0.5, 0.6)
        for s in (-1, 1):
            y0, y1 = sorted((s * (face - 0.4), s * face))
            shell.end_patch("headlamp", end, y0, y1, lz, lz + 0.16, 0.024, mats["head"], root, n=4)
            y0, y1 = sorted((s * (face - 0.58), s * (face - 0.44)))
            shell.end_patch("tail_lamp", end, y0, y1, lz, lz + 0.16, 0.024, mats["tail"], root, n=2)
        dy = hw - e.inset
        shell.end_patch("display_box", end, -dy, dy, win_top - 0.3, win_top - 0.02, 0.009, mats["dark"], root, n=3)
        shell.end_patch("display", end, -dy + 0.08, dy - 0.08, win_top - 0.24, win_top - 0.08, 0.011, mats["display"],
                        root, n=3)
        shell.end_patch("plate", end, -0.2, 0.2, 0.75, 0.85, 0.02, mats["plate"], root, n=2)
        sign = 1.0 if end == "front" else -1.0
        tip = shell.xf if end == "front" else shell.xr
        for side in (1.0, -1.0):
            _mirror_arm(root, "mirror", shell, tip - sign * (e.length + 0.3), 2.2, side,
                        [(0.14, 0.04, 0.03), (0.1, 0.05, -0.1)], (0.06, 0.14, 0.26), mats, forward=sign)
        for y in (-0.45, 0.2):
            pts = np.array([[tip + sign * 0.02, y, belt - 0.1], [tip + sign * 0.02, y + 0.6, belt + 0.1]])
            pts[:, 0] = shell.end_x(pts[:, 1], end) + sign * 0.02
            mesh.tube("wiper", shell.deform(pts), 0.008, mats["dark"], segments=6, parent=root)

    def _bogie(self, root, name: str, x: float, skirt: float, mats) -> dict:
        """A two-axle bogie between the rails: steel wheels (tread, flange, web, hub) on axles, an inside frame
        and a motor; returns the wheels' rail contact points."""
        r = self.rng
        wr = r.uniform(0.3, 0.34)
        tw = 0.1
        yc = GAUGE / 2 - 0.015 - tw / 2
        anchors = {}
        for k, ax in enumerate((x - 0.9, x + 0.9)):
            for side, tag in ((1.0, "left"), (-1.0, "right")):
                prof = [(wr * 0.25, -0.5 * tw), (wr * 0.8, -0.45 * tw), (wr - 0.01, -0.5 * tw), (wr + 0.0, -0.45 * tw),
                        (wr, 0.5 * tw), (wr * 0.85, 0.5 * tw), (wr * 0.5, 0.2 * tw), (wr * 0.3, 0.45 * tw),
                        (wr * 0.18, 0.45 * tw)]
                _lathe(f"{name}_wheel", prof, (ax, side * yc, wr), side, mats["rim"], root, segments=24, hub=True)
                anchors[f"wheel_{name}_{k}_{tag}"] = (ax, side * yc, 0.0)
            mesh.cylinder(f"{name}_axle", 0.07, 2 * yc, (ax, 0.0, wr), mats["steel"], axis="Y", segments=12,
                          parent=root)
        for side in (1.0, -1.0):
            mesh.box(f"{name}_side_frame", (2.5, 0.14, 0.22), (x, side * (yc - 0.13), wr + 0.05), mats["steel"],
                     bevel=0.03, parent=root)
        mesh.box(f"{name}_bolster", (0.5, 2 * yc - 0.3, 0.18), (x, 0.0, wr + 0.12), mats["steel"], parent=root)
        mesh.box(f"{name}_motor", (0.6, 0.45, 0.3), (x + 0.4, 0.0, wr), mats["steel"], bevel=0.04, parent=root)
        return anchors

    def _bellows(self, root, x0: float, x1: float, hw: float, skirt: float, z_roof: float, mats) -> None:
        """The articulation between two modules: a pleated rubber bellows set in from the body."""
        xs = np.linspace(x0 - 0.05, x1 + 0.05, 13)
        rings = []
        for k, x in enumerate(xs):
            inset = 0.06 if k % 2 == 0 else 0.1
            sec = _section(hw - inset, skirt + 0.15, z_roof - inset, 0.2, 0.05)
            rings.append(np.column_stack([np.full(len(sec), x), sec]))
        mesh.loft("bellows", rings, mats["dark"], parent=root, smooth=False)

    def _roof(self, root, modules, hw: float, z_roof: float, panto_h: float, mats) -> None:
        """Equipment fairings (traction converters, air conditioning) along the roof, lower than the
        folded pantograph."""
        r = self.rng
        mid = len(modules) // 2
        fair = mats["paint"] if r.random() < 0.6 else surfaces.principled("fairing_grey", (0.4, 0.4, 0.42), 0.45)
        for i, m in enumerate(modules):
            if i == mid:
                continue
            ln = (m.x1 - m.x0) * r.uniform(0.45, 0.75)
            c = (m.x0 + m.x1) / 2 + (0.5 if m.cab == "rear" else -0.5 if m.cab == "front" else 0.0)
            h = r.uniform(0.15, panto_h - 0.06)
            mesh.box("roof_fairing", (ln, 2 * hw * r.uniform(0.6, 0.8), h + 0.02), (c, 0.0, z_roof + h / 2 - 0.01),
                     fair, bevel=0.06, parent=root, bevel_segments=3)

    def _pantograph(self, root, x: float, z_roof: float, panto_h: float, mats) -> None:
        """A lowered single-arm pantograph: base frame on four insulators, lower and upper arms folded back,
        a pan head with two contact strips and horns across the track; its top is ``panto_h`` over the roof."""
        ins = surfaces.principled("insulator", (0.55, 0.2, 0.06), roughness=0.3)
        for dx in (-0.5, 0.5):
            for y in (-0.35, 0.35):
                mesh.cylinder("insulator", 0.045, 0.1, (x + dx, y, z_roof + 0.05), ins, segments=10, parent=root)
        zb = z_roof + 0.11
        mesh.box("panto_base", (1.2, 0.85, 0.04), (x, 0.0, zb), mats["steel"], parent=root)
        top = z_roof + panto_h
        hinge = np.array([x - 0.55, 0.0, zb + 0.05])
        knee = np.array([x + 0.85, 0.0, top - 0.12])
        head = np.array([x - 0.1, 0.0, top - 0.07])
        for dy in (-0.18, 0.18):
            mesh.tube("panto_lower_arm", [hinge + [0, dy, 0], (hinge + knee) / 2 + [0, dy * 0.6, 0], knee], 0.025,
                      mats["rim"], segments=8, parent=root)
        mesh.tube("panto_upper_arm", [knee, (knee + head) / 2 + [0, 0, 0.015], head], 0.02, mats["rim"], segments=8,
                  parent=root)
        mesh.cylinder("panto_damper", 0.03, 0.5, (x - 0.1, 0.25, zb + 0.06), mats["steel"], axis="X", segments=8,
                      parent=root)
        for dx in (-0.13, 0.13):
            pts = [(head[0] + dx, -0.86, top - 0.08), (head[0] + dx, -0.7, top - 0.02), (head[0] + dx, 0.7, top - 0.02),
                   (head[0] + dx, 0.86, top - 0.08)]
            mesh.tube("panto_strip", pts, 0.018, mats["dark"], segments=8, parent=root)
        mesh.box("panto_head_frame", (0.3, 0.08, 0.03), (head[0], 0.0, top - 0.06), mats["rim"], parent=root)
