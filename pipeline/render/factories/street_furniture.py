"""Street furniture: bollards, traffic signal poles and heads, sign posts and signs, street lamps,
benches, litter bins, fire hydrants and bike racks.

Sizes follow common municipal catalogues: bollards 0.8-1.1 m tall, 0.1-0.25 m across; each class states
its ranges and sources. Frames are those of the primitives in ``scenes/street/street_furniture.py``:
signal heads and sign plates face +x, their poles stand at the origin (a mast arm reaches -y over the
road), a street lamp's arm reaches +y, benches and bins face +y. Anchors say where the pieces of a
pair (pole and head, post and plate) meet.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import bpy
import numpy as np
from mathutils import Euler, Matrix

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors


class BollardFactory(ProceduralFactory):
    """A round or square bollard: a lathed post with a domed or flat cap and a reflective band."""

    def create_asset(self, **spawn):
        r = self.rng
        height = r.uniform(0.8, 1.1)
        radius = r.uniform(0.05, 0.125)
        square = r.random() < 0.3
        body = surfaces.principled("bollard_body", r.choice([(0.02, 0.02, 0.02), (0.15, 0.15, 0.16), (0.5, 0.5, 0.5)]),
                                   roughness=r.uniform(0.3, 0.6), metallic=r.choice([0.0, 1.0]), noise=0.2)
        band = surfaces.principled("bollard_band", r.choice([(0.8, 0.8, 0.78), (0.8, 0.6, 0.03)]), roughness=0.3)
        root = mesh.empty("bollard")
        profile = (mesh.rounded_rect(2 * radius, 2 * radius, radius * 0.2) if square
                   else mesh.superellipse(radius, radius, 2.0, 32))
        if square:
            profile = profile[np.linspace(0, len(profile) - 1, 32).astype(int)]
        dome = r.random() < 0.6
        zs = np.linspace(0.0, height - (radius if dome else 0.02), 6)
        rings = [np.column_stack([profile, np.full(len(profile), z)]) for z in zs]
        if dome:
            for a in np.linspace(0.2, 1.0, 5) * math.pi / 2:
                rings.append(np.column_stack([profile * math.cos(a), np.full(len(profile), zs[-1] + radius * math.sin(a))]))
        mesh.loft("bollard_post", rings, body, parent=root)
        band_z = height * r.uniform(0.7, 0.82)
        mesh.loft("bollard_band", [np.column_stack([profile * 1.02, np.full(len(profile), z)])
                                   for z in (band_z, band_z + 0.06)], band, parent=root)
        mesh.loft("bollard_base", [np.column_stack([profile * s, np.full(len(profile), z)])
                                   for s, z in ((1.25, 0.0), (1.25, 0.02), (1.05, 0.05))], body, parent=root)
        return root


# ------------------------------------------------------------------ shared helpers

ROT_FACE_X = Matrix(((0.0, 0.0, 1.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0))).to_4x4()  # text (x, y, z) -> (y, z, x)
STAGGER = 1e-4  # metres between the planes of overlapping pieces of one prism layer
FONT_FILE = "mpl-data/fonts/ttf/DejaVuSans-Bold.ttf"  # open licence (Bitstream Vera), shipped with matplotlib

# Pole finishes: hot-dip galvanised steel dominates municipal catalogues; the rest are powder coats.
POLE_PAINT = ((("galvanised", (0.55, 0.56, 0.56)), 0.4), (("paint", (0.03, 0.03, 0.03)), 0.2),
              (("paint", (0.12, 0.13, 0.13)), 0.2), (("paint", (0.03, 0.08, 0.05)), 0.1),
              (("paint", (0.35, 0.36, 0.37)), 0.1))
SIGN_COLOURS = {"white": (0.82, 0.82, 0.8), "red": (0.62, 0.02, 0.02), "blue": (0.0, 0.13, 0.48),
                "yellow": (0.9, 0.62, 0.0), "black": (0.015, 0.015, 0.015), "green": (0.0, 0.3, 0.13)}


def _finish(r, name: str, table=POLE_PAINT) -> bpy.types.Material:
    """A pole finish from ``table``: galvanised (metallic, mottled) or a powder coat."""
    kind, colour = surfaces.pick_weighted(r, table)
    if kind == "galvanised":
        return surfaces.principled(name, colour, roughness=r.uniform(0.3, 0.5), metallic=1.0, noise=0.3,
                                   noise_scale=6.0)
    return surfaces.principled(name, colour, roughness=r.uniform(0.35, 0.6), metallic=0.3, noise=0.1)


def _circle(radius: float, n: int = 32, cy: float = 0.0, cz: float = 0.0) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([cy + radius * np.cos(t), cz + radius * np.sin(t)], axis=1)


def _ngon(n: int, inradius: float, start: float) -> np.ndarray:
    """A regular ``n``-gon of ``inradius`` with its first vertex at angle ``start``."""
    t = start + np.arange(n) * 2 * np.pi / n
    return inradius / math.cos(math.pi / n) * np.stack([np.cos(t), np.sin(t)], axis=1)


def _round_corners(pts: np.ndarray, radius: float, n: int = 4) -> np.ndarray:
    """``pts`` (a convex polygon) with each corner replaced by a quadratic arc ``radius`` wide."""
    out = []
    k = len(pts)
    for i in range(k):
        p, a, b = pts[i], pts[i - 1], pts[(i + 1) % k]
        u, v = a - p, b - p
        d = min(radius, 0.45 * np.linalg.norm(u), 0.45 * np.linalg.norm(v))
        p0, p1 = p + u / np.linalg.norm(u) * d, p + v / np.linalg.norm(v) * d
        for t in np.linspace(0, 1, n):
            out.append((1 - t) ** 2 * p0 + 2 * t * (1 - t) * p + t ** 2 * p1)
    return np.array(out)


def _width_at(outline: np.ndarray, z: float) -> float:
    """The width (along the first plane axis) of a convex 2D ``outline`` at height ``z``."""
    a, b = outline, np.roll(outline, -1, axis=0)
    cross = (a[:, 1] - z) * (b[:, 1] - z) <= 0
    if not cross.any():
        return 0.0
    t = (z - a[cross, 1]) / np.where(b[cross, 1] == a[cross, 1], 1.0, b[cross, 1] - a[cross, 1])
    ys = a[cross, 0] + t * (b[cross, 0] - a[cross, 0])
    return float(ys.max() - ys.min())


def _limb(p0, p1, width: float) -> np.ndarray:
    """A quad ``width`` wide from ``p0`` to ``p1`` (2D), lengthened by half its width at both ends."""
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    d = (p1 - p0) / np.linalg.norm(p1 - p0)
    n = np.array([-d[1], d[0]]) * width / 2
    a, b = p0 - d * width / 2, p1 + d * width / 2
    return np.array([a - n, b - n, b + n, a + n])


def _prisms(name: str, polys, x0: float, depth: float, material, parent, axis: str = "X") -> bpy.types.Object:
    """Convex 2D polygons (plane coordinates as in :func:`mesh.extrude_polygon`) extruded ``depth``
    from ``x0`` along ``axis``, as one mesh: sign faces, pictograms, cast bench frames."""
    verts, faces = [], []
    for n, poly in enumerate(polys):
        p = np.asarray(poly, dtype=float)
        k, base = len(p), len(verts)
        step = STAGGER * n  # overlapping pieces must not share planes: Cycles would shade the overlap black
        for w in (x0 + step, x0 + depth + step):
            for a, b in p:
                verts.append({"X": (w, a, b), "Y": (a, w, b), "Z": (a, b, w)}[axis])
        own = [list(range(base, base + k)), list(range(base + k, base + 2 * k))]
        own += [[base + i, base + (i + 1) % k, base + k + (i + 1) % k, base + k + i] for i in range(k)]
        faces += _outward_faces(np.array(verts[base:]), [[v - base for v in f] for f in own], base)
    return mesh.mesh_object(name, verts, faces, material, parent)


def _outward_faces(co: np.ndarray, faces, base: int):
    """``faces`` of one convex solid (indices into ``co``), each wound to face away from its centroid
    (shifted by ``base``); overlapping pieces of one layer then shade alike."""
    centroid = co.mean(axis=0)
    out = []
    for f in faces:
        p = co[f] - co[f].mean(axis=0)
        normal = np.cross(p, np.roll(p, -1, axis=0)).sum(axis=0)  # Newell's normal of the polygon
        out.append([v + base for v in (f if np.dot(normal, co[f].mean(axis=0) - centroid) > 0 else f[::-1])])
    return out


def _lathe(name: str, profile, material, parent, segments: int = 24, center=(0.0, 0.0, 0.0), axis: str = "Z",
           cap: bool = True) -> bpy.types.Object:
    """A body of revolution: ``profile`` ((radius, height) pairs, radii > 0) turned around ``axis``
    through ``center`` (hydrant barrels, bins, lanterns, lenses)."""
    ring = _circle(1.0, segments)
    rot = np.array(Euler(mesh.AXES[axis]).to_matrix())
    rings = [np.column_stack([ring * rad, np.full(segments, z)]) @ rot.T + np.asarray(center, float)
             for rad, z in profile]
    return mesh.loft(name, rings, material, cap=cap, parent=parent)


def _font() -> bpy.types.VectorFont | None:
    """DejaVu Sans Bold (open licence) from matplotlib's data; Blender's built-in font without it."""
    spec = importlib.util.find_spec("matplotlib")
    path = Path(spec.origin).parent / FONT_FILE if spec and spec.origin else None
    return bpy.data.fonts.load(str(path), check_existing=True) if path and path.exists() else None


def _text(name: str, body: str, height: float, center_yz, x_front: float, material, parent,
          max_width: float | None = None, depth: float = 0.0015) -> bpy.types.Object:
    """Extruded text facing +x: its glyph box ``height`` tall (narrowed to ``max_width``), centred on
    ``center_yz`` and raised ``depth`` in front of ``x_front``. Made a mesh here: the bake would keep a
    FONT object as an instancer (its evaluated mesh is a depsgraph instance) instead of joining it."""
    curve = bpy.data.curves.new(name, "FONT")
    font = _font()
    if font is not None:
        curve.font = font
    curve.body = body
    curve.extrude = depth / 2
    curve.resolution_u = 3
    obj = bpy.data.objects.new(name, curve)
    bpy.context.scene.collection.objects.link(obj)
    curve.materials.append(material)
    bpy.context.view_layer.update()
    bb = np.array([tuple(c) for c in obj.bound_box])
    lo, hi = bb.min(axis=0), bb.max(axis=0)
    s = height / (hi[1] - lo[1])
    if max_width is not None:
        s = min(s, max_width / (hi[0] - lo[0]))
    mid = (lo + hi) / 2
    shift = Matrix.Translation((x_front + depth / 2, center_yz[0] - s * mid[0], center_yz[1] - s * mid[1]))
    glyphs = bpy.data.meshes.new_from_object(obj)
    glyphs.transform(shift @ ROT_FACE_X @ Matrix.Diagonal((s, s, 1.0, 1.0)))
    bpy.data.objects.remove(obj)
    bpy.data.curves.remove(curve)
    out = bpy.data.objects.new(name, glyphs)
    bpy.context.scene.collection.objects.link(out)
    out.parent = parent
    return out


def _pedestrian(walking: bool, height: float, origin_yz) -> list[np.ndarray]:
    """A pictogram person (convex pieces), feet at ``origin_yz``, ``height`` tall, walking towards +y."""
    if walking:
        head = ((0.06, 0.9), 0.085)
        limbs = [((0.03, 0.75), (-0.02, 0.47), 0.15), ((-0.02, 0.46), (0.09, 0.25), 0.09),
                 ((0.09, 0.25), (0.17, 0.04), 0.085), ((-0.02, 0.46), (-0.1, 0.25), 0.09),
                 ((-0.1, 0.25), (-0.2, 0.07), 0.085), ((0.04, 0.73), (0.13, 0.56), 0.065),
                 ((0.13, 0.56), (0.21, 0.46), 0.06), ((0.0, 0.73), (-0.09, 0.57), 0.065),
                 ((-0.09, 0.57), (-0.15, 0.45), 0.06)]
    else:
        head = ((0.0, 0.9), 0.085)
        limbs = [((0.0, 0.76), (0.0, 0.47), 0.17), ((-0.045, 0.46), (-0.05, 0.04), 0.08),
                 ((0.045, 0.46), (0.05, 0.04), 0.08), ((-0.1, 0.73), (-0.12, 0.45), 0.06),
                 ((0.1, 0.73), (0.12, 0.45), 0.06)]
    o = np.asarray(origin_yz, float)
    polys = [_circle(head[1], 16, *head[0])] + [_limb(a, b, w) for a, b, w in limbs]
    return [p * height + o for p in polys]


def _pole(name: str, height: float, r_base: float, r_top: float, material, parent, segments: int = 20,
          dome: bool = True) -> bpy.types.Object:
    """A tapered round pole on z = 0 with a domed (or flat) top."""
    prof = [(r_base, 0.0), (r_base + (r_top - r_base) * 0.5, height * 0.5), (r_top, height - r_top * 0.6)]
    if dome:
        prof += [(r_top * math.cos(a), height - r_top * 0.6 + r_top * 0.6 * math.sin(a))
                 for a in np.linspace(0.35, 1.35, 4)]
    else:
        prof.append((r_top, height))
    return _lathe(name, prof, material, parent, segments)


def _foot(name: str, r_pole: float, material, parent, r) -> None:
    """A pole's foot: a bolted base flange, or a plain collar."""
    if r.random() < 0.6:
        mesh.cylinder(f"{name}_flange", r_pole * 2.2, 0.025, (0, 0, 0.0125), material, segments=24, parent=parent)
        for k in range(4):
            a = math.pi / 4 + k * math.pi / 2
            mesh.cylinder(f"{name}_bolt{k}", 0.012, 0.05, (r_pole * 1.75 * math.cos(a), r_pole * 1.75 * math.sin(a),
                                                            0.045), material, segments=6, parent=parent)
    else:
        _lathe(f"{name}_collar", [(r_pole * 1.45, 0.0), (r_pole * 1.45, 0.25), (r_pole * 1.15, 0.32)],
               material, parent, 24)


class TrafficLightPoleFactory(ProceduralFactory):
    """A traffic signal pole (class pole) in the signal primitive's frame: pole foot at the origin, the
    vehicle head facing +x; a mast arm reaches over the road towards -y (right-hand traffic).

    Sizes (municipal signal catalogues, e.g. Siemens/Swarco poles, FHWA MUTCD clearances): pole-top
    poles 3.0-4.5 m tall, 100-160 mm across; mast-arm poles 5.8-7.2 m with 5-8 m arms so the head
    clears 5 m over the road. Anchors: ``head`` (the vehicle head's back centre, on the pole front or
    under the arm's end), ``head_low`` (a pedestrian head's back centre at 2.2-2.5 m on the pole's -y
    side, that head facing -y, across the crossing) when present, ``base`` (the pole foot).
    """

    def create_asset(self, **spawn):
        r = self.rng
        root = mesh.empty("signal_pole")
        metal = _finish(r, "signal_pole_finish")
        mast = r.random() < 0.35
        height = r.uniform(5.8, 7.2) if mast else r.uniform(3.0, 4.5)
        r_base = r.uniform(0.1, 0.14) if mast else r.uniform(0.05, 0.08)
        r_top = r_base * r.uniform(0.7, 0.9)
        _pole("signal_pole_shaft", height, r_base, r_top, metal, root)
        _foot("signal_pole_foot", r_base, metal, root, r)
        anchors = {"base": (0.0, 0.0, 0.0)}
        if mast:
            anchors["head"] = self._mast_arm(root, metal, height, r_top)
        else:
            anchors["head"] = self._side_bracket(root, metal, "head", r_top, height - r.uniform(0.55, 0.7), "X")
        z_low = r.uniform(2.2, 2.5)
        if r.random() < 0.5 and anchors["head"][2] - 0.6 > z_low + 0.4:  # a 0.7 m pedestrian head fits under
            r_low = r_base + (r_top - r_base) * 0.4
            anchors["head_low"] = self._side_bracket(root, metal, "head_low", r_low, z_low, "-Y")
        if r.random() < 0.5:
            self._push_button(root, r_base)
        set_anchors(root, anchors)
        return root

    def _side_bracket(self, root, metal, name: str, r_pole: float, z: float, side: str):
        """Two arms and an upright bar a head bolts to, on the pole's +x or -y side; returns the anchor."""
        reach = r_pole + 0.06
        for k, dz in enumerate((-0.3, 0.3)):
            c = (reach / 2, 0, z + dz) if side == "X" else (0, -reach / 2, z + dz)
            mesh.cylinder(f"{name}_arm{k}", 0.016, reach, c, metal, axis="X" if side == "X" else "Y", segments=8,
                          parent=root)
            mesh.cylinder(f"{name}_clamp{k}", r_pole + 0.008, 0.05, (0, 0, z + dz), metal, segments=20, parent=root)
        size = (0.012, 0.06, 0.68) if side == "X" else (0.06, 0.012, 0.68)
        c = (reach - 0.006, 0, z) if side == "X" else (0, -reach + 0.006, z)
        mesh.box(f"{name}_bar", size, c, metal, parent=root)
        return (reach, 0.0, z) if side == "X" else (0.0, -reach, z)

    def _mast_arm(self, root, metal, height: float, r_top: float):
        """A tapered arm from the pole top over the road (-y) with a tie rod and a hanger at its end."""
        r = self.rng
        length, rise = r.uniform(5.0, 8.0), r.uniform(0.15, 0.45)
        z0 = height - r.uniform(0.35, 0.6)
        ys = np.linspace(0.0, -length, 14)
        rad = np.linspace(r.uniform(0.065, 0.085), r.uniform(0.04, 0.05), len(ys))
        zs = z0 + rise * (ys / -length) ** 1.5
        ring = _circle(1.0, 14)
        rings = [np.column_stack([ring[:, 0] * rr, np.full(14, y), z + ring[:, 1] * rr])
                 for y, z, rr in zip(ys, zs, rad)]
        mesh.loft("signal_arm", rings, metal, parent=root)
        mesh.box("signal_arm_clamp", (2 * r_top + 0.06, 0.12, 0.32), (0, 0, z0), metal, bevel=0.01, parent=root)
        if z0 + 0.3 < height:
            mid = int(len(ys) * 0.45)
            mesh.tube("signal_arm_tie", [(0, 0, height - 0.08), (0, ys[mid], zs[mid] + rad[mid])], 0.014, metal,
                      segments=8, parent=root)
        y_end = -length + 0.25
        z_end = float(np.interp(y_end, ys[::-1], zs[::-1]))
        r_end = float(rad[-1])
        top = z_end - r_end
        anchor_z = top - 0.08 - 0.55
        mesh.cylinder("signal_hanger_clamp", r_end + 0.01, 0.1, (0, y_end, z_end), metal, axis="Y", segments=14,
                      parent=root)
        mesh.box("signal_hanger", (0.02, 0.08, top - anchor_z - 0.2), (r_end + 0.02, y_end, (top + anchor_z + 0.2) / 2),
                 metal, parent=root)
        return (r_end + 0.03, y_end, anchor_z)

    def _push_button(self, root, r_pole: float) -> None:
        """A pedestrian request box at 1.05 m on the sidewalk (+y) side."""
        r = self.rng
        colour = r.choice([(0.85, 0.6, 0.02), (0.02, 0.02, 0.02), (0.6, 0.6, 0.6)])
        body = surfaces.principled("push_button_box", colour, roughness=0.4)
        mesh.box("push_button", (0.11, 0.08, 0.2), (0, r_pole + 0.04, 1.05), body, bevel=0.01, parent=root)
        mesh.cylinder("push_button_knob", 0.022, 0.012, (0, r_pole + 0.085, 1.02), surfaces.principled(
            "push_button_knob", (0.02, 0.02, 0.02), roughness=0.3), axis="Y", segments=12, parent=root)


SIGNAL_COLOURS = {"red": (1.0, 0.04, 0.02), "amber": (1.0, 0.42, 0.0), "green": (0.05, 1.0, 0.55)}
HOUSING_COLOURS = (((0.015, 0.015, 0.015), 0.5), ((0.1, 0.1, 0.1), 0.2), ((0.8, 0.58, 0.02), 0.15),
                   ((0.03, 0.08, 0.05), 0.15))


def _visor_outline(radius: float, thickness: float, a0: float, a1: float, n: int = 12) -> np.ndarray:
    """The cross-section (y, z) of a lens hood: an arc band from angle ``a0`` to ``a1``."""
    t = np.linspace(a0, a1, n)
    outer = np.stack([np.cos(t), np.sin(t)], axis=1) * (radius + thickness)
    inner = np.stack([np.cos(t), np.sin(t)], axis=1)[::-1] * radius
    return np.concatenate([outer, inner])


class TrafficLightHeadFactory(ProceduralFactory):
    """A signal head (class traffic light) facing +x, standing on z = 0: a vertical 3-aspect vehicle head
    (red, amber, green) or a 2-aspect pedestrian head (red standing, green walking figure), with hoods
    over the lenses and sometimes a backplate with a white retroreflective border. Exactly one aspect
    is lit (emissive), drawn at random.

    Sizes (EN 12368 / ITE signal heads): 200, 210 or 250 mm lenses at 280-350 mm pitch, housings
    0.28-0.37 m wide, 0.2-0.28 m deep, 0.88-1.14 m tall (3 aspects) or 0.6-0.66 m (2 aspects);
    backplates 0.1-0.15 m wider on each side. Anchor ``mount``: the back centre (bracket face).
    """

    def create_asset(self, **spawn):
        r = self.rng
        root = mesh.empty("signal_head")
        ped = r.random() < 0.3
        aspects = ("red", "green") if ped else ("red", "amber", "green")
        lens_d = 0.2 if ped else r.choice([0.2, 0.2, 0.21, 0.25])
        pitch = lens_d + r.uniform(0.08, 0.1)
        width, depth = lens_d + r.uniform(0.08, 0.12), r.uniform(0.2, 0.28)
        height = len(aspects) * pitch + 0.04
        housing = surfaces.principled("signal_housing", surfaces.pick_weighted(r, HOUSING_COLOURS),
                                      roughness=r.uniform(0.4, 0.6), noise=0.1)
        black = surfaces.principled("signal_black", (0.01, 0.01, 0.01), roughness=0.5)
        lit = r.randrange(len(aspects))
        for k, colour in enumerate(aspects):
            z = height - 0.02 - pitch * (k + 0.5)
            mesh.box(f"signal_module{k}", (depth, width, pitch - 0.006), (0, 0, z), housing, bevel=0.012,
                     parent=root)
            strength = r.uniform(4.0, 10.0) if k == lit else 0.0
            if ped:
                self._ped_aspect(root, k, colour, strength, z, lens_d, depth / 2)
            else:
                self._lens(root, k, colour, strength, z, lens_d, depth / 2, black)
            self._visor(root, k, housing, z, lens_d, depth / 2, 0.6 if ped else 1.0)
        mesh.box("signal_cap", (depth + 0.01, width + 0.01, 0.02), (0, 0, height - 0.01), housing, bevel=0.005,
                 parent=root)
        if r.random() < 0.55:
            self._backplate(root, width, height, -depth / 2 + 0.03)
        for k, z in enumerate((0.15, height - 0.15)):
            mesh.box(f"signal_bracket{k}", (0.05, 0.08, 0.06), (-depth / 2 - 0.025, 0, z), black, parent=root)
        set_anchors(root, {"mount": (-depth / 2 - 0.05, 0.0, height / 2)})
        return root

    def _lens(self, root, k: int, colour: str, strength: float, z: float, lens_d: float, front: float, black):
        c = SIGNAL_COLOURS[colour]
        tone = c if strength > 0 else tuple(v * 0.25 for v in c)
        mesh.cylinder(f"signal_bezel{k}", lens_d / 2 + 0.02, 0.01, (front + 0.005, 0, z), black, axis="X",
                      segments=24, parent=root)
        dome = [(lens_d / 2, 0.0), (lens_d / 2, 0.008), (lens_d * 0.35, 0.016), (lens_d * 0.15, 0.02)]
        _lathe(f"signal_lens{k}", dome,
               surfaces.lamp(f"signal_lens_{colour}", tone, strength), root, 24, (front + 0.01, 0, z), "X")

    def _ped_aspect(self, root, k: int, colour: str, strength: float, z: float, size: float, front: float):
        """A dark square lens with the standing (red) or walking (green) figure lit on it."""
        c = SIGNAL_COLOURS[colour]
        tone = c if strength > 0 else tuple(v * 0.18 for v in c)
        glass = surfaces.principled("ped_lens", (0.02, 0.02, 0.02), roughness=0.1)
        mesh.box(f"ped_lens{k}", (0.012, size, size), (front + 0.006, 0, z), glass, parent=root)
        figure = _pedestrian(colour == "green", size * 0.8, (0.0, z - size * 0.4))
        _prisms(f"ped_figure{k}", figure, front + 0.012, 0.002, surfaces.lamp(f"ped_{colour}", tone, strength), root)

    def _visor(self, root, k: int, housing, z: float, lens_d: float, front: float, scale: float):
        """A hood over a lens (cap or tunnel), 0.14-0.24 m long (pedestrian heads: shorter)."""
        r = self.rng
        wrap = r.choice([0.0, 0.35])
        outline = _visor_outline(lens_d / 2 + 0.02, 0.004, -wrap, math.pi + wrap) + np.array([0.0, z])
        mesh.extrude_polygon(f"signal_visor{k}", outline, r.uniform(0.14, 0.24) * scale, housing, axis="X",
                             offset=front + 0.005, parent=root)

    def _backplate(self, root, width: float, height: float, x: float):
        r = self.rng
        margin = r.uniform(0.1, 0.15)
        plate = surfaces.principled("signal_backplate", (0.012, 0.012, 0.012), roughness=0.6)
        outline = mesh.rounded_rect(width + 2 * margin, height + 2 * margin, 0.04) + np.array([0.0, height / 2])
        _prisms("signal_backplate", [outline], x, 0.01, plate, root)
        if r.random() < 0.6:
            white = surfaces.principled("signal_border", (0.85, 0.85, 0.82), roughness=0.3, coat=0.3)
            _prisms("signal_border", [outline], x + 0.01, 0.002, white, root)
            inner = mesh.rounded_rect(width + 2 * margin - 0.1, height + 2 * margin - 0.1, 0.03)
            inner = inner + np.array([0.0, height / 2])
            _prisms("signal_border_inner", [inner], x + 0.012, 0.002, plate, root)


class SignPostFactory(ProceduralFactory):
    """A sign post (class pole) in the sign primitive's frame: post foot at the origin, plate facing +x.

    Sizes (road-sign mounting rules, e.g. German RWB / UK TSM ch. 8): 60-76 mm galvanised tube,
    2.5-3.5 m tall, so a plate's lower edge clears 2.0-2.2 m over footways. Anchors: ``plate`` (where the
    sign's back centre mounts: the clamps' front face, 0.42-0.5 m under the top) and ``base``.
    """

    def create_asset(self, **spawn):
        r = self.rng
        root = mesh.empty("sign_post")
        metal = _finish(r, "sign_post_finish", (*POLE_PAINT[:1], *POLE_PAINT[1:3]))
        height, rad = r.uniform(2.5, 3.5), r.uniform(0.03, 0.038)
        mesh.cylinder("sign_post_tube", rad, height, (0, 0, height / 2), metal, segments=16, parent=root)
        cap = surfaces.principled("sign_post_cap", (0.02, 0.02, 0.02), roughness=0.5)
        _lathe("sign_post_cap", [(rad + 0.004, height - 0.01), (rad + 0.004, height + 0.02),
                                 (rad * 0.6, height + 0.035)], cap, root, 16)
        if r.random() < 0.5:
            mesh.cylinder("sign_post_sleeve", rad + 0.012, 0.12, (0, 0, 0.06), metal, segments=16, parent=root)
        z = height - r.uniform(0.42, 0.5)
        for k, dz in enumerate((-0.1, 0.1)):
            mesh.cylinder(f"sign_clamp{k}", rad + 0.005, 0.03, (0, 0, z + dz), metal, segments=16, parent=root)
            mesh.box(f"sign_clamp_block{k}", (0.014, 0.05, 0.03), (rad + 0.005, 0, z + dz), metal, parent=root)
        set_anchors(root, {"plate": (rad + 0.012, 0.0, z), "base": (0.0, 0.0, 0.0)})
        return root


STREET_NAMES = ("MAIN ST", "Oak Avenue", "Bahnhofstraße", "Rue de la Paix", "Via Roma", "High Street", "Elm St",
                "Kingsway", "Calle Mayor", "Park Lane", "Lindenallee", "5th Ave", "Marktplatz", "Station Rd")
SPEEDS = ("20", "30", "30", "40", "50", "50", "60", "70", "80", "100")
SIGN_KINDS = (("stop", 0.12), ("give_way", 0.12), ("speed", 0.16), ("no_entry", 0.08), ("no_parking", 0.07),
              ("mandatory", 0.11), ("crossing", 0.12), ("street_name", 0.1), ("warning", 0.07), ("parking", 0.05),
              ("priority", 0.05))


class TrafficSignFactory(ProceduralFactory):
    """A traffic sign plate (class traffic sign) facing +x, centred on its plate, with a readable face from
    the Vienna-convention set: stop octagon with "STOP", give-way triangle, speed limits (20-100), no
    entry, no parking, blue mandatory arrows, pedestrian crossing with its pictogram, warning triangle,
    parking "P", priority road diamond, or a street name plate with the name in text.

    Aluminium plate 3 mm with a rolled rim and two mounting rails behind; the face is retroreflective
    sheeting in layers raised 1.2 mm each, the legend 3D text (DejaVu Sans Bold) or extruded polygons.
    Sizes (Vienna Convention annex / EU national catalogues): circles and octagons 0.6, 0.75 or 0.9 m,
    triangles 0.6-0.9 m a side, squares 0.6-0.75 m, street name plates 0.6-1.0 x 0.2-0.3 m.
    Anchor ``mount``: the back centre (the rails' back face).
    """

    LAYER = 0.0012

    def create_asset(self, kind: str | None = None, **spawn):
        """``kind`` (one of ``SIGN_KINDS``) picks the face; drawn by weight when not given."""
        r = self.rng
        self.root = mesh.empty("traffic_sign")
        kind = kind or surfaces.pick_weighted(r, SIGN_KINDS)
        self.sheet = {}
        self.layers = 0
        outline = getattr(self, f"_{kind}")()
        cz = (outline[:, 1].min() + outline[:, 1].max()) / 2
        self._plate(outline, cz)
        set_anchors(self.root, {"mount": (-0.03, 0.0, cz)})
        return self.root

    def _mat(self, colour: str) -> bpy.types.Material:
        if colour not in self.sheet:
            self.sheet[colour] = surfaces.principled(f"sign_{colour}", SIGN_COLOURS[colour], roughness=0.3,
                                                     coat=0.25, noise=0.04, noise_scale=10.0)
        return self.sheet[colour]

    def _layer(self, polys, colour: str, name: str = "face") -> None:
        """One layer of sheeting (or legend) in front of the previous ones."""
        self.layers += 1
        _prisms(f"sign_{name}{self.layers}", polys, 0.003 + (self.layers - 1) * self.LAYER, self.LAYER,
                self._mat(colour), self.root)

    def _legend(self, body: str, height: float, center_yz, colour: str, max_width: float) -> None:
        _text(f"sign_text_{body[:4]}", body, height, center_yz, 0.003 + self.layers * self.LAYER, self._mat(colour),
              self.root, max_width)
        self.layers += 1

    def _plate(self, outline: np.ndarray, cz: float) -> None:
        """The aluminium plate, its rolled rim, and mounting rails behind it (as wide as the plate allows)."""
        r = self.rng
        metal = surfaces.principled("sign_back", (0.6, 0.61, 0.62), roughness=r.uniform(0.35, 0.55), metallic=1.0,
                                    noise=0.2, noise_scale=8.0)
        mesh.extrude_polygon("sign_plate", outline, 0.003, metal, axis="X", parent=self.root)
        rim = [np.column_stack([np.full(len(outline), x), outline]) for x in (-0.015, 0.0)]
        mesh.loft("sign_rim", rim, metal, cap=False, parent=self.root, smooth=False)
        height = outline[:, 1].max() - outline[:, 1].min()
        for k, dz in enumerate((-0.15, 0.15) if height > 0.4 else (0.0,)):
            z = cz + dz * height
            span = min(0.8 * _width_at(outline, z), 0.6)
            mesh.box(f"sign_rail{k}", (0.015, span, 0.035), (-0.0225, 0, z), metal, parent=self.root)
        mesh.box("sign_mount", (0.015, 0.06, min(0.25, height * 0.8)), (-0.0225, 0, cz), metal, parent=self.root)

    def _size(self) -> float:
        return self.rng.choice([0.6, 0.6, 0.75, 0.9])

    def _stop(self) -> np.ndarray:
        d = self._size()
        octagon = _ngon(8, d / 2, math.pi / 8)
        self._layer([octagon], "white")
        self._layer([_ngon(8, d / 2 - d * 0.03, math.pi / 8)], "red")
        self._legend("STOP", d * 0.27, (0.0, 0.0), "white", d * 0.78)
        return octagon

    def _give_way(self) -> np.ndarray:
        side = self.rng.choice([0.6, 0.75, 0.9])
        inr = side / (2 * math.sqrt(3))
        tri = _round_corners(_ngon(3, inr, -math.pi / 2), side * 0.05)
        self._layer([tri], "red")
        self._layer([_round_corners(_ngon(3, inr - side * 0.11, -math.pi / 2), side * 0.03)], "white")
        return tri

    def _circle_sign(self, ring: str, inner: str, ring_share: float) -> tuple[np.ndarray, float]:
        d = self._size()
        disc = _circle(d / 2, 48)
        self._layer([disc], ring)
        self._layer([_circle(d / 2 * (1 - ring_share), 48)], inner)
        return disc, d

    def _speed(self) -> np.ndarray:
        disc, d = self._circle_sign("red", "white", 0.2)
        self._legend(self.rng.choice(SPEEDS), d * 0.4, (0.0, 0.0), "black", d * 0.62)
        return disc

    def _no_entry(self) -> np.ndarray:
        disc, d = self._circle_sign("white", "red", 0.03)
        self._layer([mesh.rounded_rect(d * 0.74, d * 0.18, 0.01)], "white")
        return disc

    def _no_parking(self) -> np.ndarray:
        disc, d = self._circle_sign("red", "blue", 0.2)
        bars = [(math.pi / 4,), (math.pi / 4, -math.pi / 4)][self.rng.random() < 0.4]
        rot = [np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]]) for a in bars]
        self._layer([mesh.rounded_rect(d * 0.8, d * 0.1, 0.005) @ m.T for m in rot], "red")
        return disc

    def _mandatory(self) -> np.ndarray:
        disc, d = self._circle_sign("white", "blue", 0.025)
        angle = self.rng.choice([math.pi / 2, 0.0, math.pi, -math.pi / 4, -3 * math.pi / 4])
        shaft = np.array([[-0.3, -0.08], [0.08, -0.08], [0.08, 0.08], [-0.3, 0.08]])
        head = np.array([[0.08, -0.21], [0.33, 0.0], [0.08, 0.21]])
        rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
        self._layer([shaft @ rot.T * d, head @ rot.T * d], "white")
        return disc

    def _square(self, colour: str) -> tuple[np.ndarray, float]:
        s = self.rng.choice([0.6, 0.6, 0.75])
        square = mesh.rounded_rect(s, s, s * 0.05)
        self._layer([square], "white")
        self._layer([mesh.rounded_rect(s * 0.94, s * 0.94, s * 0.035)], colour)
        return square, s

    def _crossing(self) -> np.ndarray:
        square, s = self._square("blue")
        inr = s * 0.85 / (2 * math.sqrt(3))
        self._layer([_round_corners(_ngon(3, inr, math.pi / 2) + np.array([0.0, -s * 0.06]), s * 0.03)], "white")
        stripes = [mesh.rounded_rect(s * 0.07, s * 0.035, 0.002) + np.array([s * (k - 1.5) * 0.11, -s * 0.26])
                   for k in range(4)]
        self._layer(stripes + _pedestrian(True, s * 0.38, (0.0, -s * 0.225)), "black", "pictogram")
        return square

    def _parking(self) -> np.ndarray:
        square, s = self._square("blue")
        self._legend("P", s * 0.6, (0.0, 0.0), "white", s * 0.7)
        return square

    def _warning(self) -> np.ndarray:
        side = self.rng.choice([0.6, 0.75, 0.9])
        inr = side / (2 * math.sqrt(3))
        tri = _round_corners(_ngon(3, inr, math.pi / 2), side * 0.05)
        self._layer([tri], "red")
        self._layer([_round_corners(_ngon(3, inr - side * 0.11, math.pi / 2), side * 0.03)], "white")
        if self.rng.random() < 0.5:
            self._legend("!", side * 0.36, (0.0, -inr * 0.1), "black", side * 0.3)
        else:
            self._layer(_pedestrian(True, side * 0.38, (0.0, -inr * 0.62)), "black", "pictogram")
        return tri

    def _priority(self) -> np.ndarray:
        s = self.rng.choice([0.6, 0.75])
        diamond = _round_corners(_ngon(4, s / 2, 0.0), s * 0.04)
        self._layer([diamond], "white")
        self._layer([_round_corners(_ngon(4, s / 2 * 0.62, 0.0), s * 0.02)], "yellow")
        return diamond

    def _street_name(self) -> np.ndarray:
        r = self.rng
        w, h = r.uniform(0.6, 1.0), r.uniform(0.2, 0.3)
        bg, fg = r.choice([("blue", "white"), ("green", "white"), ("white", "black"), ("black", "white")])
        plate = mesh.rounded_rect(w, h, 0.02)
        self._layer([plate], fg)
        self._layer([mesh.rounded_rect(w - 0.025, h - 0.025, 0.015)], bg)
        self._legend(r.choice(STREET_NAMES), h * 0.5, (0.0, 0.0), fg, w - 0.08)
        return plate


class StreetLampFactory(ProceduralFactory):
    """A street light (class pole) in the lamp primitive's frame: pole foot at the origin, the arm
    reaching over the road towards +y. A straight raked arm or a curved (bracket) arm carrying a flat
    LED/cobra-head luminaire, or a post-top lantern (cylinder, cone or globe); tapered steel pole with
    a collar or flange and a service door on the back (-y).

    Sizes (EN 40 lighting columns, EN 13201 road lighting practice): 6-10 m mounting height, poles
    tapering from 140-200 mm to 80-110 mm, arms 0.8-2.5 m out, luminaires 0.45-0.8 m long;
    post-top lanterns on 6-8 m columns. Anchors: ``lamp`` (the lens centre, where the layout puts a
    light at night) and ``base``.
    """

    def create_asset(self, **spawn):
        r = self.rng
        root = mesh.empty("street_lamp")
        metal = _finish(r, "street_lamp_finish")
        kind = r.choices(["straight", "curved", "post_top"], [0.45, 0.3, 0.25])[0]
        height = r.uniform(6.0, 8.0) if kind == "post_top" else r.uniform(6.0, 10.0)
        r_base, r_top = r.uniform(0.07, 0.1), r.uniform(0.04, 0.055)
        lens = surfaces.lamp("street_lamp_lens", (0.95, 0.93, 0.85), 0.0)
        if kind == "post_top":
            spigot = height - r.uniform(0.6, 0.9)
            _pole("street_lamp_pole", spigot, r_base, r_top, metal, root, dome=False)
            lamp = self._lantern(root, metal, lens, spigot)
        else:
            top = height - (r.uniform(0.5, 1.2) if kind == "curved" else 0.0)
            _pole("street_lamp_pole", top, r_base, r_top, metal, root, dome=kind == "straight")
            end = self._arm(root, metal, kind, top, height, r_top)
            lamp = self._luminaire(root, lens, end)
        self._base(root, metal, r_base)
        set_anchors(root, {"lamp": lamp, "base": (0.0, 0.0, 0.0)})
        return root

    def _base(self, root, metal, r_base: float) -> None:
        r = self.rng
        if r.random() < 0.5:
            _lathe("street_lamp_collar", [(r_base * 1.5, 0.0), (r_base * 1.5, r.uniform(0.4, 0.8)),
                                          (r_base * 1.05, 0.85)], metal, root, 20)
            door_z = 1.2
        else:
            _foot("street_lamp_foot", r_base, metal, root, r)
            door_z = 0.8
        mesh.box("street_lamp_door", (0.07, 0.012, 0.32), (0, -r_base * 0.97, door_z), metal, bevel=0.004, parent=root)

    def _arm(self, root, metal, kind: str, top: float, height: float, r_top: float):
        """The arm from the pole top towards +y; returns where the luminaire hangs (its mount point)."""
        r = self.rng
        rad = r_top * r.uniform(0.7, 0.85)
        if kind == "straight":
            reach, rake = r.uniform(0.8, 2.5), math.radians(r.uniform(5.0, 15.0))
            start = (0.0, 0.0, top - 0.25)
            end = (0.0, reach, top - 0.25 + reach * math.tan(rake))
            mesh.tube("street_lamp_arm", [start, end], rad, metal, segments=12, parent=root)
            mesh.cylinder("street_lamp_sleeve", r_top + 0.01, 0.3, (0, 0, top - 0.25), metal, segments=16, parent=root)
            return end
        bend = height - top
        reach = bend + r.uniform(0.3, 1.3)
        pts = [(0.0, bend * (1 - math.cos(t)), top + bend * math.sin(t)) for t in np.linspace(0, math.pi / 2, 8)]
        pts = [(0.0, 0.0, top - 0.1)] + pts + [(0.0, reach, height)]
        mesh.tube("street_lamp_arm", pts, rad, metal, segments=12, parent=root)
        return pts[-1]

    def _luminaire(self, root, lens, end):
        """A flat road luminaire whose rear end takes the arm; returns its lens centre."""
        r = self.rng
        length, width, thick = r.uniform(0.45, 0.8), r.uniform(0.22, 0.38), r.uniform(0.07, 0.13)
        colour = r.choice([(0.5, 0.51, 0.52), (0.12, 0.12, 0.13), (0.03, 0.03, 0.03)])
        housing = surfaces.principled("luminaire", colour, roughness=0.45, metallic=0.5)
        _, y0, z0 = end
        z_bottom = z0 - thick * 0.45
        prof = mesh.superellipse(width / 2, thick, 3.0, 20)
        prof[:, 1] = np.maximum(prof[:, 1], 0.0)
        rings = []
        for t, s in ((0.0, 0.55), (0.08, 0.9), (0.5, 1.0), (0.9, 0.95), (1.0, 0.7)):
            rings.append(np.column_stack([prof[:, 0] * s, np.full(len(prof), y0 - 0.05 + t * length),
                                          z_bottom + prof[:, 1] * s]))
        mesh.loft("luminaire_body", rings, housing, parent=root)
        centre_y = y0 - 0.05 + length * 0.55
        outline = mesh.rounded_rect(width * 0.72, length * 0.6, 0.03)
        mesh.extrude_polygon("luminaire_lens", outline + np.array([0.0, centre_y]), 0.012, lens, axis="Z",
                             offset=z_bottom - 0.012, parent=root)
        return (0.0, centre_y, z_bottom - 0.006)

    def _lantern(self, root, metal, lens, spigot: float):
        """A post-top lantern on the pole's spigot; returns its lens centre."""
        r = self.rng
        style = r.choice(["cylinder", "cone", "globe"])
        rad = r.uniform(0.2, 0.3)
        mesh.cylinder("lantern_spigot", rad * 0.45, 0.1, (0, 0, spigot + 0.05), metal, segments=20, parent=root)
        base = spigot + 0.1
        if style == "globe":
            mesh.sphere("lantern_globe", rad, (0, 0, base + rad * 0.95), lens, segments=24, rings=12, parent=root)
            return (0.0, 0.0, base + rad * 0.95)
        tall = r.uniform(0.3, 0.55)
        top_r = rad if style == "cylinder" else rad * 1.35
        _lathe("lantern_lens", [(rad * 0.85, base), (rad * 0.85 + (top_r * 0.85 - rad * 0.85) * 0.5, base + tall * 0.5),
                                (top_r * 0.85, base + tall)], lens, root, 24)
        _lathe("lantern_cap", [(top_r, base + tall), (top_r * 1.05, base + tall + 0.04),
                               (top_r * 0.6, base + tall + 0.12), (0.03, base + tall + 0.16)], metal, root, 24)
        return (0.0, 0.0, base + tall / 2)


WOOD_TONES = ((0.33, 0.18, 0.08), (0.45, 0.28, 0.13), (0.22, 0.12, 0.06), (0.04, 0.2, 0.1))
FRAME_COLOURS = ((0.015, 0.015, 0.015), (0.03, 0.08, 0.05), (0.12, 0.12, 0.13), (0.5, 0.51, 0.52))


class BenchFactory(ProceduralFactory):
    """A park bench (class bench) facing +y, standing on z = 0: wooden slats on two or three cast-iron
    side frames (or bent steel tube frames), backrest and armrests optional.

    Sizes (EN 1729-like street furniture catalogues, ADA/UK inclusive seating guidance): 1.5-2.0 m long,
    seat 0.43-0.47 m high and 0.4-0.48 m deep, backrest 0.35-0.45 m over the seat, reclined 8-18 deg,
    armrests 0.2-0.25 m over the seat. Materials: Infinigen wood (or a principled stained or painted
    wood) and painted iron or galvanised steel.
    """

    def create_asset(self, **spawn):
        r = self.rng
        root = mesh.empty("bench")
        width, seat_h, seat_d = r.uniform(1.5, 2.0), r.uniform(0.43, 0.47), r.uniform(0.4, 0.48)
        back = r.random() < 0.8
        wood = (surfaces.infinigen("wood.wood.Wood", self.seed) if r.random() < 0.5 else
                surfaces.principled("bench_wood", r.choice(WOOD_TONES), roughness=0.6, noise=0.35, noise_scale=12.0))
        frame = surfaces.principled("bench_frame", r.choice(FRAME_COLOURS), roughness=r.uniform(0.4, 0.6),
                                    metallic=0.6, noise=0.08)
        recline = math.radians(r.uniform(8.0, 18.0))
        back_h = r.uniform(0.35, 0.45)
        arms = r.random() < 0.5
        n_frames = 3 if width > 1.8 else 2
        xs = np.linspace(-width / 2 + 0.12, width / 2 - 0.12, n_frames)
        cast = r.random() < 0.6
        for k, x in enumerate(xs):
            edge = arms and k in (0, n_frames - 1)
            if cast:
                self._cast_frame(root, frame, f"bench_frame{k}", x, seat_h, seat_d, back, recline, back_h, edge)
            else:
                self._tube_frame(root, frame, f"bench_frame{k}", x, seat_h, seat_d, back, recline, back_h, edge)
        self._slats(root, wood, width, seat_h, seat_d, back, recline, back_h)
        return root

    def _slats(self, root, wood, width, seat_h, seat_d, back, recline, back_h) -> None:
        r = self.rng
        n = r.randint(4, 6)
        pitch = seat_d / n
        for i in range(n):
            y = seat_d / 2 - pitch * (i + 0.5)
            mesh.box(f"bench_seat_slat{i}", (width, pitch - 0.012, 0.035), (0, y, seat_h - 0.0175), wood,
                     bevel=0.005, parent=root)
        if not back:
            return
        m = r.randint(2, 4)
        for i in range(m):
            t = (i + 0.5) / m * back_h + 0.06
            y = -seat_d / 2 - 0.02 - t * math.sin(recline)
            z = seat_h + t * math.cos(recline)
            mesh.box(f"bench_back_slat{i}", (width, 0.03, back_h / m - 0.015), (0, y, z), wood, bevel=0.005,
                     rotation=(recline, 0, 0), parent=root)

    def _cast_frame(self, root, frame, name, x, seat_h, seat_d, back, recline, back_h, arm) -> None:
        """A cast side frame (convex pieces in the y-z plane, 40 mm thick): legs, seat rail, back, arm."""
        sd = seat_d / 2
        top = seat_h - 0.035
        pieces = [_limb((sd - 0.06, 0.03), (sd - 0.03, top - 0.02), 0.06),
                  _limb((-sd + 0.02, 0.03), (-sd + 0.06, top - 0.02), 0.06),
                  _limb((-sd - 0.02, top - 0.03), (sd + 0.01, top - 0.03), 0.05),
                  np.array([[sd - 0.06, 0.0], [sd + 0.02, 0.0], [sd + 0.0, 0.025], [sd - 0.06, 0.025]]),
                  np.array([[-sd - 0.02, 0.0], [-sd + 0.08, 0.0], [-sd + 0.08, 0.025], [-sd - 0.02, 0.025]])]
        if back:
            tip = (-sd - 0.035 - (back_h + 0.08) * math.sin(recline), top + (back_h + 0.08) * math.cos(recline))
            pieces.append(_limb((-sd - 0.02, top - 0.05), tip, 0.05))
        if arm:
            pieces += [_limb((-sd + 0.0, seat_h + 0.22), (sd + 0.02, seat_h + 0.22), 0.05),
                       _limb((sd - 0.01, top), (sd - 0.0, seat_h + 0.22), 0.045)]
        _prisms(name, pieces, x - 0.02, 0.04, frame, root)

    def _tube_frame(self, root, frame, name, x, seat_h, seat_d, back, recline, back_h, arm) -> None:
        """A bent 30 mm steel tube frame: a loop from the front foot under the seat and up the back."""
        sd = seat_d / 2
        z = seat_h - 0.05
        path = [(x, sd - 0.05, 0.0), (x, sd - 0.04, z - 0.03), (x, sd - 0.02, z), (x, -sd, z)]
        if back:
            path.append((x, -sd - 0.035 - back_h * math.sin(recline), z + 0.05 + back_h * math.cos(recline)))
        mesh.tube(name, path, 0.016, frame, segments=10, parent=root)
        mesh.tube(f"{name}_rear", [(x, -sd + 0.03, 0.0), (x, -sd + 0.01, z)], 0.016, frame, segments=10, parent=root)
        if arm:
            mesh.tube(f"{name}_arm", [(x, sd - 0.02, z), (x, sd, seat_h + 0.22), (x, -sd + 0.05, seat_h + 0.22)],
                      0.014, frame, segments=10, parent=root)


BIN_COLOURS = ((0.02, 0.2, 0.08), (0.02, 0.02, 0.02), (0.2, 0.2, 0.21), (0.7, 0.25, 0.02), (0.02, 0.1, 0.35),
               (0.4, 0.41, 0.42))


class TrashCanFactory(ProceduralFactory):
    """A municipal litter bin (class trash can), front (opening, lid front) towards +y, on z = 0: a round
    bin hung on a post, a square bin with a lid and a slot, a round standing bin with a domed top, or a
    two-wheeled wheelie bin (wheels and handle at the back, -y).

    Sizes (municipal catalogues, EN 840 for wheelie bins): post bins 0.34-0.44 m across on 1.0-1.15 m
    posts; square bins 0.45-0.6 m wide and 0.9-1.1 m tall; standing round bins 0.45-0.6 m across,
    0.85-1.05 m tall; wheelie bins 120 L (0.48 x 0.55 x 0.93 m) to 240 L (0.58 x 0.73 x 1.07 m).
    """

    def create_asset(self, kind: str | None = None, **spawn):
        """``kind``: post, square, round or wheelie; drawn by weight when not given."""
        r = self.rng
        root = mesh.empty("trash_can")
        kind = kind or r.choices(["post", "square", "round", "wheelie"], [0.3, 0.25, 0.25, 0.2])[0]
        colour = r.choice(BIN_COLOURS)
        body = surfaces.principled("bin_body", colour, roughness=r.uniform(0.35, 0.6),
                                   metallic=0.0 if kind == "wheelie" else r.choice([0.0, 0.5]), noise=0.15)
        dark = surfaces.principled("bin_inside", (0.015, 0.015, 0.015), roughness=0.8)
        getattr(self, f"_{kind}")(root, body, dark)
        return root

    def _post(self, root, body, dark) -> None:
        r = self.rng
        post_h, rad, tall = r.uniform(1.0, 1.15), r.uniform(0.17, 0.22), r.uniform(0.5, 0.62)
        metal = _finish(r, "bin_post")
        mesh.cylinder("bin_post", 0.03, post_h, (0, -rad - 0.04, post_h / 2), metal, segments=12, parent=root)
        z0 = post_h - 0.08 - tall
        c = (0.0, 0.0, 0.0)
        _lathe("bin_shell", [(rad * 0.9, z0), (rad, z0 + 0.04), (rad, z0 + tall), (rad + 0.012, z0 + tall),
                             (rad + 0.012, z0 + tall + 0.02), (rad - 0.01, z0 + tall + 0.02), (rad - 0.01, z0 + 0.05)],
               body, root, 24, c)
        mesh.cylinder("bin_floor", rad - 0.01, 0.01, (0, 0, z0 + 0.05), dark, segments=24, parent=root)
        for k, z in enumerate((z0 + tall * 0.3, z0 + tall * 0.8)):
            mesh.box(f"bin_bracket{k}", (0.06, 0.06, 0.04), (0, -rad - 0.01, z), metal, parent=root)
        if r.random() < 0.4:
            _lathe("bin_hood", [(rad + 0.03, z0 + tall + 0.1), (rad * 0.8, z0 + tall + 0.18), (0.02, z0 + tall + 0.22)],
                   body, root, 24, c)
            for k, a in enumerate((math.pi * 0.15, math.pi * 0.85)):
                mesh.cylinder(f"bin_hood_stay{k}", 0.008, 0.1, (rad * math.cos(a) * 1.05, -rad * math.sin(a) * 1.05,
                                                                z0 + tall + 0.07), body, segments=6, parent=root)

    def _square(self, root, body, dark) -> None:
        r = self.rng
        w, d, h = r.uniform(0.45, 0.6), r.uniform(0.4, 0.55), r.uniform(0.9, 1.1)
        lid_h = r.uniform(0.08, 0.14)
        mesh.box("bin_plinth", (w - 0.06, d - 0.06, 0.06), (0, 0, 0.03), dark, parent=root)
        mesh.box("bin_box", (w, d, h - 0.06 - lid_h), (0, 0, 0.06 + (h - 0.06 - lid_h) / 2), body, bevel=0.015,
                 parent=root)
        mesh.box("bin_lid", (w + 0.02, d + 0.02, lid_h), (0, 0, h - lid_h / 2), body, bevel=0.03, parent=root)
        slot_z = h - lid_h - 0.12
        mesh.box("bin_slot", (w * 0.6, 0.01, 0.12), (0, d / 2 + 0.002, slot_z), dark, bevel=0.02, parent=root)
        if r.random() < 0.5:
            panel = surfaces.principled("bin_panel", r.choice(WOOD_TONES), roughness=0.6, noise=0.3, noise_scale=12.0)
            for sx in (-1, 1):
                for k in range(4):
                    mesh.box(f"bin_side_slat{sx}{k}", (0.015, d * 0.8, (h - 0.4) / 4 - 0.015),
                             (sx * (w / 2 + 0.007), 0, 0.15 + (k + 0.5) * (h - 0.4) / 4), panel, parent=root)

    def _round(self, root, body, dark) -> None:
        r = self.rng
        rad, h = r.uniform(0.225, 0.3), r.uniform(0.85, 1.05)
        _lathe("bin_body", [(rad * 0.85, 0.0), (rad * 0.85, 0.05), (rad, 0.08), (rad, h - 0.2), (rad * 1.03, h - 0.18),
                            (rad * 1.03, h - 0.16)], body, root, 28)
        _lathe("bin_opening", [(rad * 0.98, h - 0.16), (rad * 0.98, h - 0.06)], dark, root, 28)
        _lathe("bin_dome", [(rad * 1.03, h - 0.06), (rad * 1.03, h - 0.04), (rad * 0.8, h - 0.01), (0.05, h)],
               body, root, 28)
        for k in range(4):
            a = math.pi / 4 + k * math.pi / 2
            mesh.box(f"bin_post{k}", (0.03, 0.03, 0.1), (rad * 0.98 * math.cos(a), rad * 0.98 * math.sin(a), h - 0.11),
                     body, parent=root)
        for k, z in enumerate((0.3, h - 0.35)):
            mesh.cylinder(f"bin_band{k}", rad + 0.006, 0.03, (0, 0, z), body, segments=28, parent=root)

    def _wheelie(self, root, body, dark) -> None:
        r = self.rng
        w, d, h = r.choice([(0.48, 0.55, 0.93), (0.5, 0.6, 0.98), (0.58, 0.73, 1.07)])
        lid = surfaces.principled("bin_lid", r.choice(BIN_COLOURS), roughness=0.5)
        rings = []
        for z, s in ((0.04, 0.82), (0.3, 0.88), (h - 0.12, 0.98)):
            p = mesh.rounded_rect(w * s, (d - 0.04) * s, 0.05, 4)
            rings.append(np.column_stack([p[:, 0], p[:, 1] + 0.02 * (1 - s), np.full(len(p), z)]))
        p = mesh.rounded_rect(w, d - 0.04, 0.05, 4)
        rings.append(np.column_stack([p, np.full(len(p), h - 0.06)]))
        mesh.loft("bin_body", rings, body, parent=root)
        mesh.box("bin_lid", (w + 0.02, d, 0.04), (0, 0.0, h - 0.04), lid, bevel=0.01, parent=root)
        mesh.box("bin_lid_lip", (w * 0.5, 0.03, 0.06), (0, d / 2 + 0.005, h - 0.07), lid, bevel=0.008, parent=root)
        mesh.cylinder("bin_handle", 0.016, w * 0.8, (0, -d / 2 - 0.02, h - 0.08), dark, axis="X", segments=10,
                      parent=root)
        wheel_r = 0.1
        mesh.cylinder("bin_axle", 0.012, w + 0.06, (0, -d / 2 + 0.06, wheel_r), dark, axis="X", segments=8, parent=root)
        for sx in (-1, 1):
            mesh.cylinder(f"bin_wheel{sx}", wheel_r, 0.05, (sx * (w / 2 + 0.005), -d / 2 + 0.06, wheel_r), dark,
                          axis="X", segments=20, parent=root)
        mesh.box("bin_foot", (w * 0.6, 0.05, 0.04), (0, d / 2 - 0.08, 0.02), dark, parent=root)


HYDRANT_COLOURS = (((0.55, 0.03, 0.02), 0.55), ((0.85, 0.58, 0.02), 0.25), ((0.6, 0.6, 0.6), 0.1),
                   ((0.05, 0.25, 0.08), 0.1))


class HydrantFactory(ProceduralFactory):
    """A pillar fire hydrant (class fire hydrant) on z = 0, its pumper outlet (when present) facing +y:
    a flanged barrel, a collar and domed bonnet with the pentagon operating nut, capped hose outlets.

    Sizes (AWWA C502 dry-barrel and EN 14384 pillar hydrants): 0.6-0.9 m tall, barrels 180-260 mm
    across, hose outlets 65 mm (caps ~90 mm), pumper outlet 100-115 mm; red, yellow, silver or green
    paint, caps and bonnet often in a second colour.
    """

    def create_asset(self, **spawn):
        r = self.rng
        root = mesh.empty("hydrant")
        h, rad = r.uniform(0.6, 0.9), r.uniform(0.09, 0.13)
        paint = surfaces.pick_weighted(r, HYDRANT_COLOURS)
        body = surfaces.principled("hydrant_body", paint, roughness=r.uniform(0.35, 0.55), noise=0.15)
        trim_colour = r.choice([paint, paint, (0.8, 0.8, 0.78), (0.03, 0.03, 0.03), (0.55, 0.56, 0.57)])
        trim = surfaces.principled("hydrant_trim", trim_colour, roughness=0.4, metallic=0.4, noise=0.1)
        collar = h * r.uniform(0.72, 0.8)
        _lathe("hydrant_barrel", [(rad * 1.7, 0.0), (rad * 1.7, 0.035), (rad * 1.15, 0.05), (rad, 0.09),
                                  (rad, collar - 0.03), (rad * 1.2, collar - 0.02), (rad * 1.2, collar + 0.02)],
               body, root, 28)
        _lathe("hydrant_bonnet", [(rad * 1.1, collar + 0.02), (rad * 1.05, collar + 0.05),
                                  *[(rad * 1.05 * math.cos(a), collar + 0.05 + (h - 0.05 - collar - 0.05) * math.sin(a))
                                    for a in np.linspace(0.3, 1.35, 4)]], trim, root, 28)
        nut = _ngon(5, 0.022, math.pi / 2)
        mesh.extrude_polygon("hydrant_nut", nut, 0.05, trim, axis="Z", offset=h - 0.05, parent=root)
        for k in range(6):
            a = k * math.pi / 3
            mesh.cylinder(f"hydrant_bolt{k}", 0.01, 0.03, (rad * 1.45 * math.cos(a), rad * 1.45 * math.sin(a), 0.045),
                          trim, segments=6, parent=root)
        z_out = h * r.uniform(0.5, 0.6)
        for sx in (-1, 1):
            self._outlet(root, body, trim, (sx, 0.0), rad, z_out, r.uniform(0.035, 0.045))
        if r.random() < 0.6:
            self._outlet(root, body, trim, (0.0, 1.0), rad, z_out - 0.02, r.uniform(0.055, 0.065))
        return root

    def _outlet(self, root, body, trim, direction, rad: float, z: float, r_out: float) -> None:
        """A nozzle out of the barrel along ``direction`` (x, y) with a cap and its pentagon nut."""
        dx, dy = direction
        axis = "X" if dx else "Y"
        sign = dx or dy

        def at(dist: float):
            return (sign * dist, 0.0, z) if axis == "X" else (0.0, sign * dist, z)

        prof = [(r_out, rad * 0.5), (r_out, rad + 0.05)]
        cap = [(r_out + 0.012, rad + 0.05), (r_out + 0.012, rad + 0.09), (r_out * 0.5, rad + 0.1)]
        flip = sign if axis == "X" else -sign  # a lathe's height runs along +x for "X", along -y for "Y"
        prof = [(p, flip * q) for p, q in prof]
        cap = [(p, flip * q) for p, q in cap]
        _lathe(f"hydrant_nozzle_{axis}{sign}", prof, body, root, 20, (0, 0, z), axis)
        _lathe(f"hydrant_cap_{axis}{sign}", cap, trim, root, 20, (0, 0, z), axis)
        mesh.cylinder(f"hydrant_cap_nut_{axis}{sign}", 0.018, 0.03, at(rad + 0.11), trim, axis=axis, segments=5,
                      parent=root)


RACK_FINISH = ((("galvanised", (0.55, 0.56, 0.56)), 0.35), (("stainless", (0.75, 0.75, 0.76)), 0.25),
               (("paint", (0.015, 0.015, 0.015)), 0.25), (("paint", (0.03, 0.08, 0.05)), 0.15))


class BikeRackFactory(ProceduralFactory):
    """A row of 1-5 Sheffield stands (class bike rack): inverted-U tubes in the y-z plane (a bike leans
    along y), spaced along x, standing on z = 0, optionally on base plates, with a tapping rail or
    contrast bands.

    Sizes (Sustrans / London Cycling Design Standards ch. 8): stands 0.75-0.9 m tall and 0.65-1.0 m
    long, 48-60 mm tube, 0.9-1.2 m apart (1.0 m typical), contrast bands for visually impaired users.
    """

    def create_asset(self, **spawn):
        r = self.rng
        root = mesh.empty("bike_rack")
        kind, colour = surfaces.pick_weighted(r, RACK_FINISH)
        metal = (surfaces.principled("rack_steel", colour, roughness=0.15, metallic=1.0) if kind == "stainless"
                 else _finish(r, "rack_finish", ((("galvanised" if kind == "galvanised" else "paint", colour), 1.0),)))
        n, spacing = r.randint(1, 5), r.uniform(0.9, 1.2)
        h, length, rad = r.uniform(0.75, 0.9), r.uniform(0.65, 1.0), r.uniform(0.024, 0.03)
        bend = r.uniform(0.1, 0.2)
        rail = r.random() < 0.3
        bands = surfaces.principled("rack_band", r.choice([(0.85, 0.6, 0.02), (0.85, 0.85, 0.82)]), roughness=0.35,
                                    coat=0.3) if r.random() < 0.4 else None
        plates = r.random() < 0.4
        for i in range(n):
            x = (i - (n - 1) / 2) * spacing
            self._stand(root, metal, f"rack_stand{i}", x, h, length, rad, bend, rail)
            for sy in (-1, 1):
                if plates:
                    mesh.cylinder(f"rack_plate{i}{sy}", rad * 2.6, 0.01, (x, sy * length / 2, 0.005), metal,
                                  segments=16, parent=root)
                if bands is not None:
                    mesh.cylinder(f"rack_band{i}{sy}", rad + 0.003, 0.12, (x, sy * length / 2, h * 0.75), bands,
                                  segments=16, parent=root)
        return root

    def _stand(self, root, metal, name, x, h, length, rad, bend, rail) -> None:
        half = length / 2
        pts = [(x, -half, 0.0), (x, -half, h * 0.5)]
        for t in np.linspace(math.pi, math.pi / 2, 6):
            pts.append((x, -half + bend + bend * math.cos(t), h - bend + bend * math.sin(t)))
        for t in np.linspace(math.pi / 2, 0.0, 6):
            pts.append((x, half - bend + bend * math.cos(t), h - bend + bend * math.sin(t)))
        pts += [(x, half, h * 0.5), (x, half, 0.0)]
        mesh.tube(name, pts, rad, metal, segments=14, parent=root)
        if rail:
            mesh.cylinder(f"{name}_rail", rad * 0.8, length, (x, 0, self.rng.uniform(0.2, 0.3)), metal, axis="Y",
                          segments=12, parent=root)


class FenceFactory(ProceduralFactory):
    """One front-yard fence panel (class fence) with its two posts: picket, horizontal board or
    vertical metal bar infill, along x, front +y, on z = 0; the layout lines panels up end to end.

    Sizes (garden-fence practice: 1.8-2.4 m bays between posts, front fences 0.9-1.5 m high, posts
    70-100 mm square timber or 40-60 mm steel): bay 1.8-2.4 m, height 0.9-1.5 m."""

    def create_asset(self, **spawn):
        r = self.rng
        kind = spawn.get("kind") or r.choice(["picket", "boards", "bars"])
        bay, height = r.uniform(1.8, 2.4), r.uniform(0.9, 1.5)
        root = mesh.empty("fence_panel")
        if kind == "bars":
            metal = surfaces.principled("fence_metal", r.choice([(0.015, 0.015, 0.015), (0.02, 0.06, 0.03),
                                                                (0.25, 0.25, 0.26)]), roughness=0.45, metallic=0.6,
                                        noise=0.15)
            post = r.uniform(0.04, 0.06)
            for sx in (-1, 1):
                mesh.box(f"fence_post{sx}", (post, post, height + 0.05), (sx * (bay / 2 - post / 2), 0, (height + 0.05) / 2),
                         metal, bevel=0.004, parent=root)
            for z in (0.12, height - 0.08):
                mesh.box(f"fence_rail{z:.2f}", (bay - 2 * post, 0.03, 0.03), (0, 0, z), metal, parent=root)
            n = int((bay - 2 * post) / r.uniform(0.11, 0.14))
            for k in range(n):
                x = -bay / 2 + post + (k + 0.5) * (bay - 2 * post) / n
                mesh.box(f"fence_bar{k}", (0.016, 0.016, height - 0.06), (x, 0, 0.03 + (height - 0.06) / 2), metal,
                         parent=root)
                mesh.cylinder(f"fence_tip{k}", 0.012, 0.05, (x, 0, height - 0.005), metal, radius_top=0.0, segments=6,
                              parent=root)
            return root
        wood = (surfaces.infinigen("wood.wood.Wood", r.randrange(2**31)) if r.random() < 0.4 else
                surfaces.principled("fence_paint", r.choice([(0.8, 0.8, 0.78), (0.25, 0.15, 0.07), (0.06, 0.15, 0.08),
                                                             (0.45, 0.42, 0.38)]), roughness=0.7, noise=0.2))
        post = r.uniform(0.07, 0.1)
        for sx in (-1, 1):
            mesh.box(f"fence_post{sx}", (post, post, height + 0.08), (sx * (bay / 2 - post / 2), 0, (height + 0.08) / 2),
                     wood, bevel=0.006, parent=root)
        inner = bay - 2 * post
        if kind == "picket":
            for z in (0.2, height - 0.25):
                mesh.box(f"fence_rail{z:.2f}", (inner, 0.04, 0.07), (0, -0.03, z), wood, parent=root)
            width, gap = r.uniform(0.07, 0.1), r.uniform(0.04, 0.07)
            n = int(inner / (width + gap))
            for k in range(n):
                x = -inner / 2 + (k + 0.5) * inner / n
                outline = np.array([(x - width / 2, 0.05), (x + width / 2, 0.05), (x + width / 2, height - 0.08),
                                    (x, height), (x - width / 2, height - 0.08)])
                mesh.extrude_polygon(f"fence_picket{k}", outline, 0.02, wood, axis="Y", offset=0.0, parent=root)
        else:
            boards = int(height / r.uniform(0.1, 0.16))
            pitch = (height - 0.05) / boards
            for k in range(boards):
                mesh.box(f"fence_board{k}", (inner, 0.02, pitch * 0.85), (0, 0.0, 0.05 + (k + 0.5) * pitch), wood,
                         bevel=0.003, parent=root)
        return root
