"""Street buildings with detailed facades: window grids, doors, ledges, balconies, shop fronts, roofs.

Frame (that of ``scenes`` ``building()``, the primitive this replaces): the street front faces +Y, the
footprint is centred on the origin, the bottom stands on z = 0 (the sidewalk). Only the front and the
front parts of the two sides carry detail; the back is a plain wall.

Construction: the walls are thin sheets on the footprint's outline with rectangular openings whose
reveals run back to a core block, so windows and doors sit in real recesses. Windows come from
Infinigen's ``WindowFactory`` (one spawn per opening size, repeated as linked copies); the walls wear one
Infinigen material (brick, plaster or concrete, read through a metric UV map), everything else is a
plain principled material.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass, field
from pathlib import Path

import bpy
import numpy as np
from mathutils import Vector

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors

WALL_KINDS = (("ceramic.brick.Brick", 0.4), ("ceramic.plaster.Plaster", 0.4), ("ceramic.concrete.Concrete", 0.2))
TRADES = ("BAKERY", "CAFE", "PHARMACY", "BOOKS", "DELI", "FLOWERS", "MARKET", "PIZZA", "BAR", "OPTICIAN",
          "HARDWARE", "LAUNDRY", "SHOES", "FASHION", "HAIR", "KEBAB", "BISTRO", "BANK", "TOYS", "WINE")
OWNERS = ("ROSA", "MILLER", "LUCA", "ANNA", "KIM", "PARK", "NOVA", "OTTO", "MARIO", "CITY", "CORNER", "SUN")
FRAME_COLOURS = (((0.85, 0.85, 0.83), 0.45), ((0.09, 0.09, 0.1), 0.25), ((0.28, 0.18, 0.1), 0.15),
                 ((0.35, 0.37, 0.38), 0.15))
DOOR_COLOURS = ((0.25, 0.13, 0.06), (0.05, 0.12, 0.08), (0.03, 0.05, 0.15), (0.45, 0.05, 0.04),
                (0.05, 0.05, 0.05), (0.45, 0.3, 0.15))
SIGN_COLOURS = ((0.02, 0.05, 0.15), (0.03, 0.03, 0.03), (0.45, 0.03, 0.03), (0.03, 0.18, 0.08),
                (0.85, 0.83, 0.78), (0.6, 0.35, 0.05))
ROOF_COVERS = ((((0.42, 0.13, 0.06), 0.8, 0.0), 0.4), (((0.1, 0.1, 0.12), 0.6, 0.0), 0.35),
               (((0.38, 0.4, 0.42), 0.35, 0.7), 0.25))  # (colour, roughness, metallic): clay tile, slate, zinc
FLAT_COVERS = ((((0.08, 0.08, 0.08), 0.9, 0.0), 0.5), (((0.32, 0.3, 0.28), 0.95, 0.0), 0.5))  # bitumen, gravel
Z = np.array([0.0, 0.0, 1.0])
MAX_PANE = 3.5  # widest shop window unit (m); beyond 8 m Infinigen's window loses its materials
EPS = 0.01  # offset that keeps touching faces of different parts from sharing a plane


@dataclass
class Plan:
    """The building's main dimensions (metres), drawn once per seed."""

    width: float
    depth: float
    storeys: int
    ground_h: float
    upper_h: float
    shop: bool
    roof: str  # "flat", "gable_front" (ridge along y: the gable faces the street) or "gable_side"
    pitch: float  # radians, pitched roofs
    recess: float  # depth of the window reveals
    course: float  # height of the string course over the ground floor
    frame: float  # depth of the window frames (set at the back of the reveals)

    @property
    def heights(self) -> list[float]:
        return [self.ground_h] + [self.upper_h] * (self.storeys - 1)

    @property
    def wall_h(self) -> float:
        return self.ground_h + self.upper_h * (self.storeys - 1)

    def floor_z(self, k: int) -> float:
        return 0.0 if k == 0 else self.ground_h + (k - 1) * self.upper_h


@dataclass(frozen=True)
class Side:
    """One wall plane: facade coordinates (u along the wall, z up, s inwards from the outer face) to the
    asset frame. ``normal`` points out of the building, ``u_axis`` = ``normal`` x Z."""

    origin: tuple
    u_axis: tuple
    normal: tuple
    half: float

    def point(self, u: float, z: float, s: float = 0.0) -> np.ndarray:
        return np.asarray(self.origin) + u * np.asarray(self.u_axis) + z * Z - s * np.asarray(self.normal)

    def box(self, u0, u1, z0, z1, s0, s1) -> tuple[np.ndarray, np.ndarray]:
        """(size, centre) of the box spanning [u0, u1] x [z0, z1] x [s0, s1] (s < 0: in front of the wall)."""
        a, b = self.point(u0, z0, s0), self.point(u1, z1, s1)
        return np.abs(b - a), (a + b) / 2

    @property
    def yaw(self) -> float:
        return math.atan2(self.normal[1], self.normal[0]) - math.pi / 2


def _sides(w: float, d: float) -> dict[str, Side]:
    return {"front": Side((0, d / 2, 0), (1, 0, 0), (0, 1, 0), w / 2),
            "right": Side((w / 2, 0, 0), (0, -1, 0), (1, 0, 0), d / 2),
            "left": Side((-w / 2, 0, 0), (0, 1, 0), (-1, 0, 0), d / 2),
            "back": Side((0, -d / 2, 0), (-1, 0, 0), (0, -1, 0), w / 2)}


class Boxes:
    """Boxes collected per part name and realised as one mesh each (few objects for many pieces)."""

    def __init__(self, root):
        self.root = root
        self.groups: dict[str, tuple[bpy.types.Material, list]] = {}

    def add(self, name: str, material, size, center) -> None:
        self.groups.setdefault(name, (material, []))[1].append((np.asarray(size, float), np.asarray(center, float)))

    def on(self, name: str, material, side: Side, u0, u1, z0, z1, s0, s1) -> None:
        self.add(name, material, *side.box(u0, u1, z0, z1, s0, s1))

    def realise(self, uv_names: set[str]) -> None:
        for name, (material, boxes) in self.groups.items():
            obj = box_mesh(name, np.array([s for s, _ in boxes]), np.array([c for _, c in boxes]), material,
                           self.root)
            if name in uv_names:
                metric_uv(obj)


CUBE_SIGNS = np.array([[(i >> k & 1) * 2 - 1 for k in range(3)] for i in range(8)], dtype=float)
CUBE_FACES = np.array([[0, 4, 6, 2], [1, 3, 7, 5], [0, 1, 5, 4], [2, 6, 7, 3], [0, 2, 3, 1], [4, 5, 7, 6]])


def box_mesh(name: str, sizes: np.ndarray, centers: np.ndarray, material, parent) -> bpy.types.Object:
    """Many axis-aligned boxes (K x 3 sizes and centres) as one mesh object, written in bulk."""
    verts = (centers[:, None, :] + sizes[:, None, :] / 2 * CUBE_SIGNS[None]).reshape(-1, 3)
    faces = (CUBE_FACES[None] + 8 * np.arange(len(sizes))[:, None, None]).reshape(-1)
    me = bpy.data.meshes.new(name)
    me.vertices.add(len(verts))
    me.vertices.foreach_set("co", verts.astype(np.float32).ravel())
    me.loops.add(len(faces))
    me.loops.foreach_set("vertex_index", faces.astype(np.int32))
    me.polygons.add(len(faces) // 4)
    me.polygons.foreach_set("loop_start", np.arange(0, len(faces), 4, dtype=np.int32))
    me.update(calc_edges=True)
    me.materials.append(material)
    obj = bpy.data.objects.new(name, me)
    bpy.context.scene.collection.objects.link(obj)
    obj.parent = parent
    return obj


def metric_uv(obj: bpy.types.Object) -> None:
    """A UV map in metres, each face projected along its dominant normal axis (Infinigen's brick and
    plaster read the active UV map: this keeps bricks at their real size and courses level)."""
    me = obj.data
    n = len(me.polygons)
    normals = np.empty(n * 3)
    me.polygons.foreach_get("normal", normals)
    totals = np.empty(n, dtype=np.int64)
    me.polygons.foreach_get("loop_total", totals)
    starts = np.empty(n, dtype=np.int64)
    me.polygons.foreach_get("loop_start", starts)
    co = np.empty(len(me.vertices) * 3)
    me.vertices.foreach_get("co", co)
    co = co.reshape(-1, 3) + np.asarray(obj.location)
    loop_vertex = np.empty(len(me.loops), dtype=np.int64)
    me.loops.foreach_get("vertex_index", loop_vertex)
    axis = np.argmax(np.abs(normals.reshape(-1, 3)), axis=1)
    loop_axis = np.empty(len(me.loops), dtype=np.int64)
    for a, s, t in zip(axis, starts, totals):
        loop_axis[s:s + t] = a
    keep = np.array([[1, 2], [0, 2], [0, 1]])[loop_axis]
    p = co[loop_vertex]
    uv = np.take_along_axis(p, keep, axis=1)
    layer = me.uv_layers.new(name="UVMap")
    layer.data.foreach_set("uv", uv.astype(np.float32).ravel())


def wall_sheet(name: str, side: Side, height: float, openings: list[tuple], recess: float, material, parent
               ) -> bpy.types.Object:
    """The outer face of one wall with rectangular ``openings`` (u0, u1, z0, z1) and their reveals, which
    run ``recess`` metres in to the core block. Built on the grid of all opening edges (no T-junctions)."""
    us = sorted({-side.half, side.half, *(o[0] for o in openings), *(o[1] for o in openings)})
    zs = sorted({0.0, height, *(o[2] for o in openings), *(o[3] for o in openings)})
    verts: list[np.ndarray] = []
    index: dict[tuple, int] = {}
    faces: list[list[int]] = []

    def vid(u, z, s):
        key = (round(u, 6), round(z, 6), round(s, 6))
        if key not in index:
            index[key] = len(verts)
            verts.append(side.point(u, z, s))
        return index[key]

    def quad(corners, normal):
        ids = [vid(*c) for c in corners]
        p = [verts[i] for i in ids]
        if np.dot(np.cross(p[1] - p[0], p[3] - p[0]), normal) < 0:
            ids.reverse()
        faces.append(ids)

    normal, u_axis = np.asarray(side.normal, float), np.asarray(side.u_axis, float)
    for a, b in zip(us, us[1:]):
        for c, e in zip(zs, zs[1:]):
            uc, zc = (a + b) / 2, (c + e) / 2
            if not any(o[0] < uc < o[1] and o[2] < zc < o[3] for o in openings):
                quad([(a, c, 0), (b, c, 0), (b, e, 0), (a, e, 0)], normal)
    for u0, u1, z0, z1 in openings:
        u_in = [u for u in us if u0 - 1e-9 <= u <= u1 + 1e-9]
        z_in = [z for z in zs if z0 - 1e-9 <= z <= z1 + 1e-9]
        for a, b in zip(u_in, u_in[1:]):
            if z0 > 1e-6:  # an opening at ground level has no sill face (it would lie on the pavement)
                quad([(a, z0, 0), (b, z0, 0), (b, z0, recess), (a, z0, recess)], Z)
            quad([(a, z1, 0), (b, z1, 0), (b, z1, recess), (a, z1, recess)], -Z)
        for c, e in zip(z_in, z_in[1:]):
            quad([(u0, c, 0), (u0, e, 0), (u0, e, recess), (u0, c, recess)], u_axis)
            quad([(u1, c, 0), (u1, e, 0), (u1, e, recess), (u1, c, recess)], -u_axis)
    obj = mesh.mesh_object(name, np.array(verts), faces, material, parent)
    metric_uv(obj)
    return obj


class WindowKit:
    """Infinigen windows: one ``WindowFactory`` spawn per opening size, placed as linked copies."""

    def __init__(self, root, seed: int, frame, glass, depth: float):
        self.root, self.seed, self.frame, self.glass, self.depth = root, seed, frame, glass, depth
        self.places: dict[tuple, list[tuple[np.ndarray, float]]] = {}

    def place(self, side: Side, u0: float, u1: float, z0: float, z1: float, recess: float) -> None:
        """A window filling the opening, its back against the core block."""
        key = (round(u1 - u0, 3), round(z1 - z0, 3))
        center = side.point((u0 + u1) / 2, (z0 + z1) / 2, recess - self.depth / 2)
        self.places.setdefault(key, []).append((center, side.yaw))

    def realise(self) -> int:
        """Spawn each window type and its copies; returns the number of windows placed."""
        for k, ((w, h), places) in enumerate(self.places.items()):
            obj = self._spawn(w, h, self.seed + k)
            obj.location, obj.rotation_euler[2] = Vector(places[0][0]), places[0][1]
            copies = mesh.array_copies(obj, [p - places[0][0] for p, _ in places[1:]], name=f"window_{k}")
            for c, (_, yaw) in zip(copies, places[1:]):
                c.rotation_euler[2] = yaw
        return sum(len(p) for p in self.places.values())

    def _spawn(self, w: float, h: float, seed: int) -> bpy.types.Object:
        from infinigen.assets.objects.windows.window import WindowFactory
        from infinigen.core.util.math import FixedSeed

        with FixedSeed(seed):
            fac = WindowFactory(seed, curtain=False, shutter=False)
            obj = fac.spawn_asset(seed, dimensions=(w, h, self.depth))
        for child in list(obj.children):  # the light portal Infinigen adds for indoor scenes
            bpy.data.objects.remove(child, do_unlink=True)
        if not obj.data.materials:
            raise ValueError(f"Infinigen's window of {w:.2f} x {h:.2f} m came back without materials")
        dims = obj.dimensions.copy()
        obj.scale = ((w - EPS) / dims.x, 1.0, (h - EPS) / dims.z)
        old = list(obj.data.materials)
        for i, m in enumerate(old):
            obj.data.materials[i] = self.glass if m is not None and "glass" in m.name else self.frame
        for m in old:
            if m is not None and m.users == 0:
                bpy.data.materials.remove(m)
        obj.name = f"window_{w:.2f}x{h:.2f}"
        obj.parent = self.root
        return obj


def sign_fonts() -> list[Path]:
    """Bold TrueType fonts shipped with installed packages (matplotlib's DejaVu, pyrender's Open Sans)."""
    found = []
    for pkg, sub, names in (("matplotlib", "mpl-data/fonts/ttf", ("DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf",
                                                                    "DejaVuSansMono-Bold.ttf")),
                            ("pyrender", "fonts", ("OpenSans-ExtraBold.ttf", "OpenSans-Bold.ttf"))):
        spec = importlib.util.find_spec(pkg)
        if spec is not None and spec.origin:
            found += [p for n in names if (p := Path(spec.origin).parent / sub / n).exists()]
    return found


def sign_text(name: str, body: str, font: Path | None, height: float, max_width: float, center: np.ndarray,
              yaw: float, material, parent) -> bpy.types.Object:
    """Raised capitals standing on a wall: ``height`` tall, at most ``max_width`` long, centred on
    ``center``, facing the direction ``yaw`` turns +Y to."""
    curve = bpy.data.curves.new(name, "FONT")
    curve.body = body
    if font is not None:
        curve.font = bpy.data.fonts.load(str(font), check_existing=True)
    curve.extrude = 0.012
    curve.resolution_u = 3
    curve.align_x, curve.align_y = "CENTER", "CENTER"
    curve.materials.append(material)
    obj = bpy.data.objects.new(name, curve)
    bpy.context.scene.collection.objects.link(obj)
    obj.parent = parent
    obj.rotation_euler = (math.pi / 2, 0.0, math.pi + yaw)
    bpy.context.view_layer.update()
    corners = np.array([tuple(c) for c in obj.bound_box])
    extent = corners.max(axis=0) - corners.min(axis=0)
    scale = min(max_width / max(extent[0], 1e-6), height / max(extent[1], 1e-6))  # capitals only: extent = cap height
    obj.scale = (scale, scale, 1.0)
    local_mid = (corners.max(axis=0) + corners.min(axis=0)) / 2 * np.array([scale, scale, 1.0])
    local_mid[2] = corners.min(axis=0)[2]  # back of the letters on the board
    obj.location = Vector(center) - obj.rotation_euler.to_matrix() @ Vector(local_mid)
    return _text_to_mesh(obj)


def _text_to_mesh(text: bpy.types.Object) -> bpy.types.Object:
    """The text object as a mesh object in its place. The bake takes an evaluated text object for an
    instancer (its letters show up as depsgraph instances) and would leave it out of the joined mesh."""
    bpy.context.view_layer.update()
    depsgraph = bpy.context.evaluated_depsgraph_get()
    data = bpy.data.meshes.new_from_object(text.evaluated_get(depsgraph), depsgraph=depsgraph)
    obj = bpy.data.objects.new(text.name, data)
    bpy.context.scene.collection.objects.link(obj)
    obj.parent = text.parent
    obj.matrix_basis = text.matrix_basis.copy()
    curve = text.data
    bpy.data.objects.remove(text, do_unlink=True)
    bpy.data.curves.remove(curve)
    return obj


@dataclass
class Materials:
    wall: bpy.types.Material
    trim: bpy.types.Material
    frame: bpy.types.Material
    glass: bpy.types.Material
    door: bpy.types.Material
    roof: bpy.types.Material
    metal: bpy.types.Material
    extra: dict = field(default_factory=dict)


class BuildingFactory(ProceduralFactory):
    """A street building: 2-8 storeys on a 6-24 m wide, 8-16 m deep footprint, front towards +Y.

    Ranges (Neufert, Architects' Data; building codes for guards and stairs): frontage 6-9 m for row
    houses, 9-15 m for mid-rise, 15-24 m for blocks; depth 8-16 m (daylit double-aspect plans); ground
    floor 3.5-3.9 m, 3.9-4.5 m with a shop front; upper floors 2.8-3.3 m floor to floor. Windows
    0.9-1.5 m wide and 1.3-1.8 m tall on 2.3-3.4 m centres, sills 0.8-1.0 m above the floor, reveals
    0.15-0.28 m deep; balconies 1.0-1.6 m deep with 1.0-1.1 m guards; entrance doors 0.95-1.9 m wide and
    2.1-2.4 m tall behind 0-4 steps of 0.15-0.17 m rise and 0.30 m going; shop signs 0.5-0.8 m tall; flat
    roofs behind 0.4-1.0 m parapets, or pitched 25-45 degrees with 0.3-0.6 m eaves. Cornices, eaves,
    balconies and steps stand out past the footprint (up to 0.7 m at the sides, 2 m at the front).

    ``plan`` holds the main dimensions; anchors: ``front_centre`` (ground under the middle of the street
    wall), ``entrance`` (threshold of the street door), ``eaves`` (top of the street wall), ``top``.
    """

    def __init__(self, seed: int, coarse: bool = False):
        super().__init__(seed, coarse)
        self.plan = self._draw_plan()

    def _draw_plan(self) -> Plan:
        r = self.rng
        kind = surfaces.pick_weighted(r, (("row", 0.35), ("mid", 0.4), ("block", 0.25)))
        width = {"row": r.uniform(6, 9), "mid": r.uniform(9, 15), "block": r.uniform(15, 24)}[kind]
        storeys = {"row": r.randint(2, 4), "mid": r.randint(3, 6), "block": r.randint(4, 8)}[kind]
        depth = r.uniform(8, 12) if kind == "row" else r.uniform(10, 16)
        shop = r.random() < {"row": 0.25, "mid": 0.55, "block": 0.6}[kind]
        roofs = {"row": (("flat", 0.35), ("gable_front", 0.35), ("gable_side", 0.3)),
                 "mid": (("flat", 0.55), ("gable_front", 0.15), ("gable_side", 0.3)),
                 "block": (("flat", 0.8), ("gable_side", 0.2))}[kind]
        roof = surfaces.pick_weighted(r, roofs)
        if roof == "gable_front" and width > 12:
            roof = "gable_side"
        recess = r.uniform(0.15, 0.28)
        return Plan(width=width, depth=depth, storeys=storeys,
                    ground_h=r.uniform(3.9, 4.5) if shop else r.uniform(3.5, 3.9), upper_h=r.uniform(2.8, 3.3),
                    shop=shop, roof=roof, pitch=math.radians(r.uniform(25, 45 if width < 12 else 35)),
                    recess=recess, course=r.uniform(0.2, 0.35), frame=r.uniform(0.07, min(0.12, recess - 0.05)))

    def _materials(self) -> Materials:
        r = self.rng
        wall = surfaces.infinigen(surfaces.pick_weighted(r, WALL_KINDS), self.seed)
        stone = r.choice([(0.75, 0.72, 0.66), (0.6, 0.6, 0.58), (0.85, 0.84, 0.8), (0.45, 0.43, 0.4)])
        covers = FLAT_COVERS if self.plan.roof == "flat" else ROOF_COVERS
        roof_rgb, roof_rough, roof_metal = surfaces.pick_weighted(r, covers)
        return Materials(
            wall=wall,
            trim=surfaces.principled("trim", stone, roughness=0.8, noise=0.25, noise_scale=6.0),
            frame=surfaces.principled("window_frame", surfaces.pick_weighted(r, FRAME_COLOURS), roughness=0.4),
            glass=surfaces.principled("window_glass", (0.015, 0.02, 0.025), roughness=0.04, ior=1.5),
            door=surfaces.principled("door", r.choice(DOOR_COLOURS), roughness=0.45, noise=0.15, noise_scale=20.0),
            roof=surfaces.principled("roof", roof_rgb, roughness=roof_rough, metallic=roof_metal, noise=0.3,
                                     noise_scale=4.0),
            metal=surfaces.principled("metal", r.choice([(0.03, 0.03, 0.03), (0.3, 0.31, 0.32), (0.1, 0.1, 0.1)]),
                                      roughness=0.45, metallic=0.8))

    def create_asset(self, **spawn):
        p, r = self.plan, self.rng
        self.root = root = mesh.empty("building")
        self.mats = self._materials()
        self.sides = _sides(p.width, p.depth)
        self.boxes = Boxes(root)
        self.windows = WindowKit(root, r.randrange(10 ** 6), self.mats.frame, self.mats.glass, p.frame)
        self.openings = {name: [] for name in self.sides}
        self.grid = self._window_grid()
        entrance = self._shop_floor() if p.shop else self._house_floor()
        self._upper_floors(self._balconies())
        self._back()
        self._bands()
        for name, side in self.sides.items():
            wall_sheet(f"wall_{name}", side, p.wall_h, self.openings[name], p.recess, self.mats.wall, root)
        core = mesh.box("core", (p.width - 2 * p.recess, p.depth - 2 * p.recess, p.wall_h), (0, 0, p.wall_h / 2),
                        self.mats.wall, parent=root)
        metric_uv(core)
        top = self._flat_roof() if p.roof == "flat" else self._pitched_roof()
        if p.roof == "gable_front":
            self._attic_window()
        self.boxes.realise(uv_names={"parapet", "chimney"})
        self.windows.realise()
        set_anchors(root, {"front_centre": (0.0, p.depth / 2, 0.0), "entrance": entrance,
                           "eaves": (0.0, p.depth / 2, p.wall_h), "top": (0.0, 0.0, top)})
        return root

    # ------------------------------------------------------------------ layout

    def _window_grid(self) -> dict:
        """Window columns of the front (u centres), window size and the gap above the window heads."""
        p, r = self.plan, self.rng
        margin = r.uniform(0.8, 1.4)
        cols = max(1, round((p.width - 2 * margin) / r.uniform(2.3, 3.4)))
        pitch = (p.width - 2 * margin) / cols
        lintel, lintel_h = r.random() < 0.45, r.uniform(0.12, 0.25)
        head_gap = r.uniform(0.4, 0.55) + (lintel_h if lintel else 0.0)
        return {"us": [-p.width / 2 + margin + pitch * (i + 0.5) for i in range(cols)], "pitch": pitch,
                "ww": min(r.uniform(0.9, 1.5), pitch - 0.55),
                "wh": min(r.uniform(1.3, 1.8), p.upper_h - head_gap - 0.8),
                "head_gap": head_gap, "lintel": lintel, "lintel_h": lintel_h, "sill_out": r.uniform(0.04, 0.08)}

    def _balconies(self) -> dict:
        """Which front columns carry balconies on the upper floors, and the balcony's form."""
        p, r, grid = self.plan, self.rng, self.grid
        n = len(grid["us"])
        style = surfaces.pick_weighted(r, (("none", 0.45), ("centre", 0.25), ("ends", 0.1), ("all", 0.2)))
        if p.storeys < 2 or style == "none" or (style == "ends" and n < 3):
            cols: set[int] = set()
        elif style == "centre":
            cols = {n // 2} if n % 2 else {n // 2 - 1, n // 2}
        elif style == "ends":
            cols = {0, n - 1}
        else:
            cols = set(range(n))
        width = min(grid["ww"] + r.uniform(0.8, 1.8), grid["pitch"] - 0.3)
        return {"cols": cols, "width": max(width, grid["ww"] + 0.3), "depth": r.uniform(1.0, 1.6),
                "slab": r.uniform(0.14, 0.2), "guard": r.uniform(1.0, 1.1),
                "rail": surfaces.pick_weighted(r, (("bars", 0.5), ("solid", 0.3), ("glass", 0.2))),
                "from": 1 if r.random() < 0.7 else min(2, p.storeys - 1)}

    def _side_columns(self) -> dict[str, list[float]]:
        """Window columns on the sides near the front (u of each side), or none (a party wall)."""
        p, r, grid = self.plan, self.rng, self.grid
        if r.random() < 0.35:
            return {}
        n = min(r.randint(1, 2), int((p.depth - 1.5) / grid["pitch"]))
        start = r.uniform(1.0, 1.8)
        dist = [start + grid["ww"] / 2 + i * grid["pitch"] for i in range(n)]
        return {"right": [-p.depth / 2 + e for e in dist], "left": [p.depth / 2 - e for e in dist]}

    # ------------------------------------------------------------------ storeys

    def _window(self, side: str, u: float, z0: float, w: float, h: float) -> None:
        """A punched window: opening, Infinigen window at the back of the reveal, sill and lintel."""
        p, grid, trim, wall = self.plan, self.grid, self.mats.trim, self.sides[side]
        u0, u1, z1 = u - w / 2, u + w / 2, z0 + h
        self.openings[side].append((u0, u1, z0, z1))
        self.windows.place(wall, u0, u1, z0, z1, p.recess)
        self.boxes.on("sills", trim, wall, u0 - 0.06, u1 + 0.06, z0 - 0.05, z0 + 0.02, p.recess - p.frame,
                      -grid["sill_out"])
        if grid["lintel"]:
            self.boxes.on("lintels", trim, wall, u0 - 0.1, u1 + 0.1, z1 + EPS, z1 + grid["lintel_h"], 0.03, -0.04)

    def _upper_floors(self, balconies: dict) -> None:
        p, grid = self.plan, self.grid
        side_cols = self._side_columns()
        for k in range(1, p.storeys):
            z = p.floor_z(k)
            head = z + p.upper_h - grid["head_gap"]
            for i, u in enumerate(grid["us"]):
                if i in balconies["cols"] and k >= balconies["from"]:
                    self._balcony(u, z, head, balconies)
                else:
                    self._window("front", u, head - grid["wh"], grid["ww"], grid["wh"])
            for name, us in side_cols.items():
                for u in us:
                    self._window(name, u, head - grid["wh"], grid["ww"], grid["wh"])
        if p.shop:  # a shop's side wall keeps a window on its ground floor too
            for name, us in side_cols.items():
                for u in us:
                    self._window(name, u, 1.0, grid["ww"], min(grid["wh"] + 0.4, p.ground_h - 1.6))

    def _back(self) -> None:
        """Plain windows on the back (a glass pane in the reveal and a sill): seldom seen, so no Infinigen
        frames, but the back is not blank and the detail is not all on the front."""
        p, grid, side = self.plan, self.grid, self.sides["back"]
        for k in range(p.storeys):
            head = p.floor_z(k) + (p.upper_h - grid["head_gap"] if k else p.ground_h - p.course - 0.45)
            for u in grid["us"]:
                u0, u1, z0 = u - grid["ww"] / 2, u + grid["ww"] / 2, head - grid["wh"]
                self.openings["back"].append((u0, u1, z0, head))
                self.boxes.on("back_glass", self.mats.glass, side, u0, u1, z0, head, p.recess, p.recess - 0.04)
                self.boxes.on("sills", self.mats.trim, side, u0 - 0.05, u1 + 0.05, z0 - 0.05, z0 + 0.02,
                              p.recess - 0.04, -0.05)

    def _balcony(self, u: float, z: float, head: float, bal: dict) -> None:
        """A French window onto a slab balcony with a guard (bars, a solid parapet or glass)."""
        p, grid, mats, front, on = self.plan, self.grid, self.mats, self.sides["front"], self.boxes.on
        z0 = z + 0.12
        u0, u1 = u - grid["ww"] / 2, u + grid["ww"] / 2
        self.openings["front"].append((u0, u1, z0, head))
        self.windows.place(front, u0, u1, z0, head, p.recess)
        if grid["lintel"]:
            on("lintels", mats.trim, front, u0 - 0.1, u1 + 0.1, head + EPS, head + grid["lintel_h"], 0.03, -0.04)
        a, b, top = u - bal["width"] / 2, u + bal["width"] / 2, z0 - 0.02
        on("balcony_slabs", mats.trim, front, a, b, top - bal["slab"], top, p.recess - p.frame, -bal["depth"])
        g, dep, rail = top + bal["guard"], -bal["depth"], 0.05
        if bal["rail"] == "solid":
            for a0, b0, s0, s1 in ((a, b, dep + 0.12, dep), (a, a + 0.12, 0.0, dep), (b - 0.12, b, 0.0, dep)):
                on("parapet", mats.wall, front, a0, b0, top, g - 0.05, s0, s1)
            for a0, b0, s0, s1 in ((a - 0.02, b + 0.02, dep + 0.14, dep - 0.02), (a - 0.02, a + 0.14, 0.0, dep),
                                   (b - 0.14, b + 0.02, 0.0, dep)):
                on("coping", mats.trim, front, a0, b0, g - 0.05, g, s0, s1)
            return
        for a0, b0, s0, s1 in ((a, b, dep + rail, dep), (a, a + rail, 0.0, dep), (b - rail, b, 0.0, dep)):
            on("railing", mats.metal, front, a0, b0, g - rail, g, s0, s1)
            on("railing", mats.metal, front, a0, b0, top, top + 0.04, s0, s1)
        for uu in (a, b - rail):
            on("railing", mats.metal, front, uu, uu + rail, top, g, dep + rail, dep)
        if bal["rail"] == "glass":
            pane = self._balustrade_glass()
            on("balustrade_glass", pane, front, a + rail, b - rail, top + 0.04, g - rail, dep + 0.03, dep + 0.02)
            for uu in (a, b - rail):
                on("balustrade_glass", pane, front, uu + 0.02, uu + 0.03, top + 0.04, g - rail, 0.0, dep + rail)
            return
        step = 0.115  # balusters under the 0.12 m gap codes allow
        for uu in np.arange(a + rail + step / 2, b - rail - 0.01, step):
            on("railing", mats.metal, front, uu - 0.01, uu + 0.01, top + 0.04, g - rail, dep + 0.035, dep + 0.015)
        for ss in np.arange(-0.05, dep + rail, -step):
            for uu in (a + 0.015, b - 0.035):
                on("railing", mats.metal, front, uu, uu + 0.02, top + 0.04, g - rail, ss, ss - 0.02)

    def _balustrade_glass(self) -> bpy.types.Material:
        if "balustrade" not in self.mats.extra:
            self.mats.extra["balustrade"] = surfaces.principled("balustrade_glass", (0.7, 0.8, 0.8), roughness=0.05,
                                                                transmission=0.9)
        return self.mats.extra["balustrade"]

    # ------------------------------------------------------------------ ground floor

    def _house_floor(self) -> tuple:
        """Residential ground floor: windows on the column grid, an entrance door in one column behind
        steps (a raised ground floor) and under a canopy. Returns the entrance point."""
        p, r, grid = self.plan, self.rng, self.grid
        steps = surfaces.pick_weighted(r, ((0, 0.25), (1, 0.2), (2, 0.2), (3, 0.2), (4, 0.15)))
        riser = r.uniform(0.15, 0.17)
        z_thr = steps * riser
        slots, pitch, ww = grid["us"], grid["pitch"], grid["ww"]
        if len(slots) == 1:  # a narrow house: door and window side by side under the one column
            pitch = p.width / 2 - 0.6
            slots, ww = [-pitch / 2, pitch / 2], min(ww, pitch - 0.5)
        n = len(slots)
        door_col = n // 2 if n % 2 else r.choice([0, n - 1])
        sill = z_thr + r.uniform(0.8, 1.0)
        head = p.ground_h - p.course - 0.05 - (grid["lintel_h"] + 0.05 if grid["lintel"] else r.uniform(0.25, 0.4))
        wh = min(grid["wh"] + 0.2, head - sill)
        for i, u in enumerate(slots):
            if i != door_col:
                self._window("front", u, head - wh, ww, wh)
        u = slots[door_col]
        dw = r.uniform(1.5, 1.9) if r.random() < 0.35 and pitch > 2.4 else r.uniform(0.95, 1.2)
        dw = min(dw, pitch - 0.5)
        top = min(z_thr + r.uniform(2.1, 2.4) + (r.uniform(0.35, 0.6) if r.random() < 0.5 else 0.0), head)
        self.openings["front"].append((u - dw / 2, u + dw / 2, z_thr, top))
        self._door(u - dw / 2, u + dw / 2, z_thr, top, glazed=False)
        self._steps(u, dw, steps, riser)
        if r.random() < 0.6:
            self._canopy(u, dw, top + 0.2)
        if r.random() < 0.7:
            self._plinth((u - dw / 2, u + dw / 2), min(sill - 0.15, max(z_thr + 0.05, r.uniform(0.3, 0.6))))
        return (u, p.depth / 2, z_thr)

    def _shop_floor(self) -> tuple:
        """Ground floor with one or two shop fronts (bulkhead, large glass, glazed door, fascia sign and
        an optional awning) and the door to the flats above at one end. Returns that door's point."""
        p, r = self.plan, self.rng
        sign_h = r.uniform(0.5, 0.8)
        shop_top = p.ground_h - p.course - 0.1 - sign_h - 0.08
        dw, left, pier = r.uniform(0.95, 1.15), r.random() < 0.5, r.uniform(0.3, 0.45)
        edge = -p.width / 2 + pier
        door_u = edge + dw / 2 if left else -edge - dw / 2
        door_top = min(r.uniform(2.2, 2.4) + r.uniform(0.0, 0.5), shop_top)
        self.openings["front"].append((door_u - dw / 2, door_u + dw / 2, 0.0, door_top))
        self._door(door_u - dw / 2, door_u + dw / 2, 0.0, door_top, glazed=False)
        if r.random() < 0.5:
            self._canopy(door_u, dw, door_top + 0.15)
        a, b = (edge + dw + pier, -edge) if left else (edge, -edge - dw - pier)
        n = 1 if b - a < 11 else 2
        bay = (b - a - (n - 1) * pier) / n
        layout = {"door_mid": r.random() < 0.5 and bay > 4.0, "door_w": r.uniform(0.95, 1.2),
                  "bulk": r.uniform(0.3, 0.6), "door_left": r.random() < 0.5, "awning": r.random() < 0.4,
                  "top": shop_top, "sign_h": sign_h}
        colour = r.choice(SIGN_COLOURS)
        board = surfaces.principled("shop_paint", colour, roughness=0.35)
        letters = surfaces.principled("sign_letters", (0.9, 0.88, 0.8) if sum(colour) < 1.5 else (0.03, 0.03, 0.03),
                                      roughness=0.3, metallic=0.3 if r.random() < 0.3 else 0.0)
        for k in range(n):
            u0 = a + k * (bay + pier)
            self._shop(u0, u0 + bay, layout, board, letters)
        return (door_u, p.depth / 2, 0.0)

    def _shop(self, u0: float, u1: float, layout: dict, board, letters) -> None:
        """One shop front between ``u0`` and ``u1``: glass over a bulkhead, a glazed door with a transom
        light, a fascia with the shop's name in raised letters, maybe an awning."""
        p, r, front, on = self.plan, self.rng, self.sides["front"], self.boxes.on
        top, sign_h, dw = layout["top"], layout["sign_h"], layout["door_w"]
        self.openings["front"].append((u0, u1, 0.0, top))
        if layout["door_mid"]:
            d0 = (u0 + u1) / 2 - dw / 2
            parts = [(u0, d0), (d0 + dw, u1)]
        elif layout["door_left"]:
            d0, parts = u0, [(u0 + dw, u1)]
        else:
            d0, parts = u1 - dw, [(u0, u1 - dw)]
        door_top = min(2.3, top - 0.3)
        self._door(d0, d0 + dw, 0.0, door_top, glazed=True)
        self.windows.place(front, d0, d0 + dw, door_top, top, p.recess)
        for a, b in parts:
            on("shop_bulkhead", board, front, a, b, 0.0, layout["bulk"], p.recess, p.recess - p.frame - 0.03)
            n = math.ceil((b - a) / MAX_PANE)  # mullions: Infinigen's window is for openings up to ~4 m
            for k in range(n):
                self.windows.place(front, a + k * (b - a) / n, a + (k + 1) * (b - a) / n, layout["bulk"], top,
                                   p.recess)
        z0 = top + 0.08
        on("fascia", board, front, u0 - 0.15, u1 + 0.15, z0, z0 + sign_h, 0.02, -0.1)
        body = f"{r.choice(OWNERS)}'S {r.choice(TRADES)}" if r.random() < 0.5 else r.choice(TRADES)
        fonts = sign_fonts()
        sign_text("sign", body, r.choice(fonts) if fonts else None, sign_h * 0.62, u1 - u0 - 0.3,
                  front.point((u0 + u1) / 2, z0 + sign_h / 2, -0.1), front.yaw, letters, self.root)
        if layout["awning"] and top - 2.2 > 0.4:
            self._awning(u0, u1, top)

    def _door(self, u0: float, u1: float, z0: float, z1: float, glazed: bool) -> None:
        """A street door at the back of its reveal: frame, one or two leaves with raised panels (or a
        glazed shop door), a transom light when the opening is tall, handles."""
        p, mats, front, on = self.plan, self.mats, self.sides["front"], self.boxes.on
        back, f = p.recess, 0.06
        leaf_top = min(z1 - f, z0 + 2.35)
        for a, b, c, e in ((u0, u0 + f, z0, z1), (u1 - f, u1, z0, z1), (u0, u1, z1 - f, z1),
                           (u0, u1, leaf_top, leaf_top + f)):
            on("door_frames", mats.frame, front, a, b, c, e, back, back - 0.08)
        if z0 <= 1e-6:
            on("thresholds", mats.trim, front, u0, u1, 0.0, 0.03, back, 0.0)
        if z1 - f - (leaf_top + f) > 0.1:
            on("door_glass", mats.glass, front, u0 + f, u1 - f, leaf_top + f, z1 - f, back - 0.03, back - 0.04)
        leaves = 2 if u1 - u0 > 1.4 else 1
        lw = (u1 - u0 - 2 * f) / leaves
        z_bot = z0 + (0.03 if z0 <= 1e-6 else 0.0)
        for k in range(leaves):
            a = u0 + f + k * lw
            if glazed:
                for a0, b0, c, e in ((a, a + 0.09, z_bot, leaf_top), (a + lw - 0.09, a + lw, z_bot, leaf_top),
                                     (a, a + lw, z_bot, z_bot + 0.2), (a, a + lw, leaf_top - 0.1, leaf_top)):
                    on("door_frames", mats.frame, front, a0, b0, c, e, back - 0.01, back - 0.06)
                on("door_glass", mats.glass, front, a + 0.09, a + lw - 0.09, z_bot + 0.2, leaf_top - 0.1,
                   back - 0.03, back - 0.04)
            else:
                on("door_leaves", mats.door, front, a, a + lw, z_bot, leaf_top, back - 0.01, back - 0.05)
                rows = 3 if leaf_top - z_bot > 2.2 else 2
                ph = (leaf_top - z_bot - 0.15 * (rows + 1)) / rows
                for j in range(rows):
                    zz = z_bot + 0.15 + j * (ph + 0.15)
                    on("door_leaves", mats.door, front, a + 0.12, a + lw - 0.12, zz, zz + ph, back - 0.05, back - 0.065)
            hand = a + (lw - 0.1 if k == 0 else 0.1)
            on("handles", mats.metal, front, hand - 0.015, hand + 0.015, z_bot + 0.95, z_bot + 1.15, back - 0.065,
               back - 0.11)

    def _steps(self, u: float, dw: float, steps: int, riser: float) -> None:
        """Steps up to a raised ground floor; the top one runs into the door reveal."""
        p = self.plan
        half = dw / 2 + self.rng.uniform(0.3, 0.5)
        for i in range(steps):
            last = i == steps - 1
            self.boxes.on("steps", self.mats.trim, self.sides["front"], u - half, u + half, 0.0,
                          (i + 1) * riser - (EPS if last else 0.0), p.recess if last else 0.05, -(steps - i) * 0.3)

    def _canopy(self, u: float, dw: float, z: float) -> None:
        """A thin slab over the door, held by two tie rods from the wall."""
        r, front = self.rng, self.sides["front"]
        depth, half = r.uniform(0.9, 1.3), dw / 2 + r.uniform(0.3, 0.5)
        self.boxes.on("canopy", self.mats.metal, front, u - half, u + half, z, z + 0.1, 0.0, -depth)
        for uu in (u - half + 0.1, u + half - 0.1):
            mesh.tube("canopy_rod", [front.point(uu, z + 0.1, -depth + 0.1), front.point(uu, z + 0.9, 0.0)], 0.012,
                      self.mats.metal, segments=6, parent=self.root)

    def _awning(self, u0: float, u1: float, z: float) -> None:
        """A fabric awning over a shop front: a sloping sheet with a valance, on two arms (2.2 m clear)."""
        r, front = self.rng, self.sides["front"]
        out, val = r.uniform(1.0, 1.5), r.uniform(0.15, 0.25)
        drop = min(r.uniform(0.4, 0.7), z - 2.2 - val)
        z += 0.06  # on the wall strip between the opening and the sign
        cloth = surfaces.principled("awning", r.choice([(0.5, 0.05, 0.04), (0.05, 0.2, 0.08), (0.04, 0.06, 0.2),
                                                        (0.55, 0.45, 0.3), (0.1, 0.1, 0.1)]), roughness=0.9,
                                    noise=0.2, noise_scale=30.0)
        rings = [np.array([front.point(u, z, -0.02), front.point(u, z - drop, -out),
                           front.point(u, z - drop - val, -out)]) for u in (u0 - 0.1, u1 + 0.1)]
        mesh.loft("awning", rings, cloth, cap=False, closed=False, parent=self.root, smooth=False)
        for u in (u0 - 0.08, u1 + 0.08):
            arm = [front.point(u, z - drop - 0.03, -out + 0.05), front.point(u, z - drop - 0.5, -0.02)]
            mesh.tube("awning_arm", arm, 0.015, self.mats.metal, segments=6, parent=self.root)

    def _plinth(self, cut: tuple[float, float], height: float) -> None:
        """A base course around the building, cut where the entrance door is."""
        p, trim = self.plan, self.mats.trim
        for a, b in ((-p.width / 2 - 0.04, cut[0]), (cut[1], p.width / 2 + 0.04)):
            if b - a > 0.05:
                self.boxes.on("plinth", trim, self.sides["front"], a, b, 0.0, height, 0.1, -0.04)
        for name in ("right", "left", "back"):
            side = self.sides[name]
            self.boxes.on("plinth", trim, side, -side.half, side.half, 0.0, height, 0.1, -0.04)

    # ------------------------------------------------------------------ bands and roofs

    def _bands(self) -> None:
        """A string course over the ground floor (wrapping the building) and, on some buildings, thin
        ledges at every upper floor line."""
        p, r, trim = self.plan, self.rng, self.mats.trim
        w, d = p.width, p.depth
        out = r.uniform(0.06, 0.14)
        self.boxes.add("bands", trim, (w + 2 * out, d + 2 * out, p.course), (0, 0, p.ground_h - p.course / 2 - 0.02))
        if r.random() < 0.5:
            h, o = r.uniform(0.08, 0.14), r.uniform(0.03, 0.07)
            for k in range(2, p.storeys):
                self.boxes.add("bands", trim, (w + 2 * o, d + 2 * o, h), (0, 0, p.floor_z(k) - h / 2 - 0.01))

    def _flat_roof(self) -> float:
        """Cornice, parapet with coping, roof membrane, a stair housing and plant. Returns the top height."""
        p, r, mats, add = self.plan, self.rng, self.mats, self.boxes.add
        w, d, H = p.width, p.depth, p.wall_h
        ch, co = r.uniform(0.2, 0.32), r.uniform(0.15, 0.4)
        add("cornice", mats.trim, (w + 2 * co, d + 2 * co, ch), (0, 0, H - ch / 2 - 0.02))
        hp, t = r.uniform(0.4, 1.0), 0.25
        for size, c in (((w, t, hp), (0, d / 2 - t / 2, H + hp / 2)), ((w, t, hp), (0, -d / 2 + t / 2, H + hp / 2)),
                        ((t, d - 2 * t, hp), (w / 2 - t / 2, 0, H + hp / 2)),
                        ((t, d - 2 * t, hp), (-w / 2 + t / 2, 0, H + hp / 2))):
            add("parapet", mats.wall, size, c)
            add("coping", mats.trim, (size[0] + 0.06, size[1] + 0.06, 0.06), (c[0], c[1], H + hp + 0.03))
        add("roof", mats.roof, (w - 0.1, d - 0.1, 0.1), (0, 0, H + 0.05))
        top = H + hp + 0.06
        if r.random() < 0.7 and w > 7:
            hw, hd, hh = r.uniform(2.2, 3.2), r.uniform(2.5, 3.5), r.uniform(2.3, 2.8)
            add("parapet", mats.wall, (hw, hd, hh), (r.uniform(-w / 2 + hw, w / 2 - hw) / 2, -d / 4, H + hh / 2))
            top = max(top, H + hh)
        for _ in range(r.randint(0, 3)):
            add("roof_units", mats.metal, (r.uniform(0.6, 1.2), r.uniform(0.6, 1.2), r.uniform(0.5, 0.9)),
                (r.uniform(-w / 2 + 1, w / 2 - 1), r.uniform(-d / 2 + 1, 0), H + 0.35))
        return top

    def _pitched_roof(self) -> float:
        """A gable roof: the attic in wall material, two roof planes with eaves, a ridge cap, a gutter
        along each eave with downpipes at the street, sometimes a chimney. Returns the top height."""
        p, r, mats = self.plan, self.rng, self.mats
        H, a = p.wall_h, p.pitch
        along_y = p.roof == "gable_front"
        span, length = (p.width, p.depth) if along_y else (p.depth, p.width)
        rise = span / 2 * math.tan(a)
        tri = np.array([(-span / 2, H), (span / 2, H), (0.0, H + rise)])
        attic = mesh.extrude_polygon("attic", tri, length, mats.wall, axis="Y" if along_y else "X",
                                     offset=-length / 2, parent=self.root)
        metric_uv(attic)
        ov, ov_g, t = r.uniform(0.3, 0.6), r.uniform(0.15, 0.4), r.uniform(0.12, 0.18)
        run = length + 2 * ov_g
        slope = (span / 2 + ov) / math.cos(a)
        gutter_z = H - ov * math.tan(a) - 0.05

        def frame(across: float, z: float):  # (across the ridge, along it, z) to the asset frame
            return (across, 0.0, z) if along_y else (0.0, across, z)

        for sgn in (1, -1):
            ridge, eave = np.array([0.0, H + rise]), np.array([sgn * (span / 2 + ov), H - ov * math.tan(a)])
            c = (ridge + eave) / 2 + np.array([sgn * math.sin(a), math.cos(a)]) * (t / 2 + EPS)
            size, turn = ((slope, run, t), (0.0, sgn * a, 0.0)) if along_y else ((run, slope, t), (-sgn * a, 0.0, 0.0))
            mesh.box("roof_plane", size, frame(*c), mats.roof, rotation=turn, parent=self.root)
            mesh.cylinder("gutter", 0.07, run, frame(sgn * (span / 2 + ov - 0.05), gutter_z), mats.metal,
                          axis="Y" if along_y else "X", segments=10, parent=self.root)
        if not along_y:
            self._downpipes(ov, gutter_z)
        cap = (0.22, run, 0.22) if along_y else (run, 0.22, 0.22)
        mesh.box("ridge", cap, (0, 0, H + rise + t / math.cos(a) + EPS), mats.roof,
                 rotation=(0, math.pi / 4, 0) if along_y else (math.pi / 4, 0, 0), parent=self.root)
        if r.random() < 0.5:
            cw, top = r.uniform(0.5, 0.9), H + rise + r.uniform(0.5, 1.0)
            x, y, _ = frame(r.uniform(-span / 4, span / 4), 0.0)
            along = r.uniform(-length / 2 + 1.0, length / 2 - 1.0)
            x, y = (x, along) if along_y else (along, y)
            self.boxes.add("chimney", mats.wall, (cw, cw, top - H), (x, y, (top + H) / 2))
            self.boxes.add("coping", mats.trim, (cw + 0.08, cw + 0.08, 0.08), (x, y, top + 0.04))
        return H + rise + t / math.cos(a) + 0.16

    def _attic_window(self) -> None:
        """A window in the street gable, in a stone surround standing proud of the wall (the attic is
        solid, so the surround makes the reveal)."""
        p, grid, front = self.plan, self.grid, self.sides["front"]
        rise = p.width / 2 * math.tan(p.pitch)
        z0 = p.wall_h + 0.4
        wh = min(grid["wh"], 0.4 * rise)
        room = p.width / 2 * (1 - (z0 + wh + 0.35 - p.wall_h) / rise)  # half-width of the gable at the head
        ww = min(grid["ww"], 2 * room - 0.3)
        if rise < 1.8 or ww < 0.6:
            return
        u0, u1, z1, f, out = -ww / 2, ww / 2, z0 + wh, 0.12, -(p.frame + 0.05)
        for a, b, c, e in ((u0 - f, u0, z0 - f, z1 + f), (u1, u1 + f, z0 - f, z1 + f), (u0, u1, z1, z1 + f),
                           (u0 - 0.05, u1 + 0.05, z0 - f, z0)):
            self.boxes.on("surrounds", self.mats.trim, front, a, b, c, e, 0.05, out)
        self.windows.place(front, u0, u1, z0, z1, 0.0)

    def _downpipes(self, eave_out: float, gutter_z: float) -> None:
        """Rain-water pipes from the front gutter (``eave_out`` past the wall, at ``gutter_z``) down the
        front corners."""
        p, r = self.plan, self.rng
        if r.random() < 0.2:
            return
        y = p.depth / 2 + 0.1
        for sx in (-1, 1):
            x = sx * (p.width / 2 - 0.08)
            run = [(x, y, 0.02), (x, y, gutter_z - 0.35), (x, p.depth / 2 + eave_out - 0.05, gutter_z - 0.05)]
            mesh.tube("downpipe", run, 0.045, self.mats.metal, segments=8, parent=self.root)
