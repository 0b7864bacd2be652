"""Kitchens: base units with their worktop segments, an inset sink, a hob over a built-in oven, a
freestanding stove and a fridge-freezer; and, sharing the basin and tap code, the bathroom's wash basin.

Kitchen lines. Seed ``s`` of every unit factory belongs to kitchen line ``s`` (:func:`kitchen_line`): one
worktop height and depth, one plinth, one front style and colour, one handle and one worktop material, so
the units a layout lines up from one line join into one kitchen (no steps in the worktop, no patchwork of
fronts). Each unit is baked as the separate assets a segmentation model should see, since one bank
asset is one class: its carcass with fronts (``cabinet``, NYU40 and ADE20K cabinet), its worktop segment
(``counter``, NYU40 counter, ADE20K countertop), for a sink unit the inset basin with its tap (``sink``)
and for a hob unit the built-in oven with the hob (``stove``, ADE20K stove). All parts of one unit are
drawn from the same streams, and carry the anchors ``unit_origin`` (floor, middle of the unit's width,
carcass back), ``unit_right`` (the right end) and ``worktop_front`` (the worktop's top front edge), the
same physical points in every part: the layout pairs parts by width, worktop height and depth read from
them, and lines the parts up by ``unit_origin``.

Build frame (all kitchen factories): metres, the unit standing on z = 0, its back at y = 0 (the wall),
front towards +Y, width along X centred on x = 0.

Sizes (EN 1116 co-ordinating sizes for kitchen furniture; NKBA kitchen planning guidelines; IKEA METOD,
Nobilia, Hafele catalogues; EN 60350 appliance niches; manufacturers' specification sheets):
- worktop top 0.86-0.93 m; units (carcass plus front) 0.58-0.62 m deep; worktop 12-40 mm thick with a
  20-40 mm front overhang; plinth 0.10-0.15 m, set back 40-70 mm; base units 0.30-1.00 m wide
  (standard modules 30, 40, 45, 50, 60, 80, 90, 100 cm), sink units 0.60-1.00 m, hob units 0.60/0.90 m.
- inset sinks: bowls 0.16-0.20 m deep, flange 0.44-0.51 m deep; built-in oven 0.595 x 0.595 m;
  60 cm hobs 0.58 x 0.51 m, 90 cm hobs 0.77-0.86 m wide.
- freestanding cookers 0.50/0.60 m (EU) or 0.76 m (US 30 in) wide, 0.60-0.65 m deep, hob at 0.85-0.93 m.
- fridge-freezers 0.55-0.70 m wide, 0.60-0.70 m deep, 1.70-2.00 m tall.
- wash basins 0.50-0.70 m wide, 0.40-0.52 m deep, rim at 0.80-0.90 m, on a pedestal (NKBA bathroom
  planning guidelines; sanitaryware catalogues).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors

GAP = 0.003  # between fronts
PAINT = (((0.86, 0.86, 0.84), 0.34), ((0.62, 0.62, 0.6), 0.1), ((0.16, 0.17, 0.18), 0.12),
         ((0.33, 0.4, 0.34), 0.08), ((0.06, 0.1, 0.2), 0.07), ((0.78, 0.74, 0.64), 0.12), ((0.42, 0.3, 0.2), 0.05),
         ((0.55, 0.6, 0.66), 0.06), ((0.6, 0.2, 0.12), 0.03), ((0.9, 0.9, 0.9), 0.03))
LAMINATE = (((0.85, 0.84, 0.8), 0.3), ((0.1, 0.1, 0.1), 0.2), ((0.5, 0.5, 0.48), 0.25), ((0.35, 0.3, 0.25), 0.15),
            ((0.7, 0.66, 0.58), 0.1))
METALS = (((0.8, 0.8, 0.82), 0.1, 1.0), ((0.62, 0.62, 0.63), 0.35, 1.0), ((0.02, 0.02, 0.02), 0.45, 0.0),
          ((0.75, 0.55, 0.28), 0.25, 1.0))
APPLIANCE = ((((0.85, 0.85, 0.84), 0.25, 0.0), 0.35), (((0.6, 0.6, 0.61), 0.3, 1.0), 0.4),
             (((0.03, 0.03, 0.03), 0.3, 0.0), 0.2), (((0.78, 0.72, 0.6), 0.25, 0.0), 0.05))
UNIT_WIDTHS = ((0.3, 0.06), (0.4, 0.12), (0.45, 0.1), (0.5, 0.12), (0.6, 0.34), (0.8, 0.12), (0.9, 0.07),
               (1.0, 0.07))


@dataclass(frozen=True)
class Line:
    """What every unit of one kitchen line shares (see the module docstring)."""

    seed: int
    height: float  # worktop top above the floor
    depth: float  # carcass plus front
    top_t: float
    overhang: float
    plinth_h: float
    plinth_recess: float
    front_t: float
    style: str  # slab, shaker, gola (handleless, a recessed rail under the worktop)
    paint: tuple | None  # None: wood fronts
    gloss: float
    handle: str  # bar, knob, edge, none
    handle_len: float
    metal: tuple
    top_kind: str  # marble, wood, laminate
    top_color: tuple
    upstand: float  # 0: none

    @property
    def reach(self) -> float:
        """Worktop depth from the wall to its front edge."""
        return self.depth + self.overhang


def kitchen_line(seed: int) -> Line:
    r = random.Random(f"kitchen-line:{seed}")
    style = r.choices(("slab", "shaker", "gola"), (0.5, 0.3, 0.2))[0]
    wood = r.random() < 0.25
    return Line(seed=seed, height=r.uniform(0.86, 0.93), depth=r.uniform(0.58, 0.62),
                top_t=r.choices((0.012, 0.02, 0.03, 0.038), (0.1, 0.25, 0.3, 0.35))[0] + r.uniform(0, 0.002),
                overhang=r.uniform(0.02, 0.04), plinth_h=r.uniform(0.1, 0.15), plinth_recess=r.uniform(0.04, 0.07),
                front_t=r.uniform(0.018, 0.022), style=style,
                paint=None if wood else surfaces.pick_weighted(r, PAINT), gloss=r.choice((0.15, 0.35, 0.5)),
                handle="none" if style == "gola" else r.choices(("bar", "knob", "edge"), (0.55, 0.25, 0.2))[0],
                handle_len=r.choice((0.128, 0.16, 0.192, 0.256)), metal=r.choice(METALS),
                top_kind=r.choices(("marble", "wood", "laminate"), (0.35, 0.25, 0.4))[0],
                top_color=surfaces.pick_weighted(r, LAMINATE), upstand=r.choice((0.0, 0.0, 0.05, 0.1)))


# ------------------------------------------------------------------ materials


def _front_material(line: Line):
    if line.paint is None:
        return surfaces.infinigen("wood.wood.Wood", line.seed)
    return surfaces.principled("kitchen_front", line.paint, roughness=0.6 - line.gloss, coat=line.gloss,
                               noise=0.04, noise_scale=30.0)


def _top_material(line: Line):
    if line.top_kind == "marble":
        return surfaces.infinigen("ceramic.marble.Marble", line.seed)
    if line.top_kind == "wood":
        return surfaces.infinigen("wood.wood.Wood", line.seed + 101)
    return surfaces.principled("worktop", line.top_color, roughness=0.35, noise=0.15, noise_scale=90.0)


def _metal(spec, name: str = "handle"):
    color, rough, metallic = spec
    return surfaces.principled(name, color, roughness=rough, metallic=metallic)


def _appliance(rng: random.Random, name: str = "appliance"):
    color, rough, metallic = surfaces.pick_weighted(rng, APPLIANCE)
    return surfaces.principled(name, color, roughness=rough, metallic=metallic, coat=0.0 if metallic else 0.4,
                               noise=0.03 if metallic else 0.0, noise_scale=300.0)


def _dark_glass(name: str = "dark_glass"):
    return surfaces.principled(name, (0.01, 0.01, 0.012), roughness=0.04, coat=1.0)


# ------------------------------------------------------------------ fronts and handles


def front(name: str, x0: float, x1: float, z0: float, z1: float, y: float, line: Line, mat, parent) -> None:
    """A door or drawer front on the plane y (its back), in the line's style."""
    w, h, t = x1 - x0, z1 - z0, line.front_t
    cx, cz = (x0 + x1) / 2, (z0 + z1) / 2
    if line.style != "shaker" or h < 0.2 or w < 0.25:
        mesh.box(name, (w, t, h), (cx, y + t / 2, cz), mat, bevel=0.0015, parent=parent)
        return
    rail = min(0.07, 0.18 * w)
    mesh.box(f"{name}_panel", (w - 2 * rail + 0.004, t - 0.006, h - 2 * rail + 0.004), (cx, y + (t - 0.006) / 2, cz),
             mat, parent=parent)
    for k, (sx, sz, px, pz) in enumerate(((rail, h, x0 + rail / 2, cz), (rail, h, x1 - rail / 2, cz),
                                          (w - 2 * rail, rail, cx, z0 + rail / 2), (w - 2 * rail, rail, cx, z1 - rail / 2))):
        mesh.box(f"{name}_rail{k}", (sx, t, sz), (px, y + t / 2, pz), mat, bevel=0.002, parent=parent)


def handle(name: str, line: Line, mat, x: float, z: float, y: float, vertical: bool, span: float, parent) -> None:
    """The line's handle on a front whose face is at ``y``, centred on (x, z); ``span`` bounds its length."""
    kind = line.handle
    if kind == "none":
        return
    if kind == "knob":
        mesh.cylinder(f"{name}_stem", 0.006, 0.022, (x, y + 0.011, z), mat, axis="Y", segments=10, parent=parent)
        mesh.sphere(f"{name}_knob", 0.014, (x, y + 0.028, z), mat, scale=(1, 0.7, 1), segments=12, rings=6, parent=parent)
        return
    length = min(line.handle_len + 0.04, span - 0.04)
    if kind == "edge":  # a pull profile on the front's top edge
        mesh.box(f"{name}_edge", (length, 0.025, 0.012), (x, y + 0.008, z), mat, bevel=0.002, parent=parent)
        return
    pitch = min(line.handle_len, length - 0.03)
    axis = "Z" if vertical else "X"
    mesh.cylinder(f"{name}_bar", 0.0065, length, (x, y + 0.032, z), mat, axis=axis, segments=10, parent=parent)
    for s in (-1, 1):
        off = (0, s * pitch / 2) if vertical else (s * pitch / 2, 0)
        mesh.cylinder(f"{name}_post{s}", 0.005, 0.03, (x + off[0], y + 0.015, z + off[1]), mat, axis="Y",
                      segments=8, parent=parent)


def _handle_at(line: Line, x0: float, x1: float, z0: float, z1: float, vertical: bool, side: int) -> tuple[float, float]:
    """Where a front's handle goes: drawers centred near the top, doors near the top of the opening edge."""
    if line.handle == "edge":
        return (x0 + x1) / 2, z1 - 0.006
    if not vertical:
        return (x0 + x1) / 2, z1 - min(0.05, (z1 - z0) / 2)
    x = x1 - 0.045 if side > 0 else x0 + 0.045
    z = z1 - 0.06 - (0 if line.handle == "knob" else line.handle_len / 2)
    return x, z


# ------------------------------------------------------------------ plates and slabs


def plate_with_holes(name: str, x0: float, y0: float, x1: float, y1: float, holes: list[tuple[float, float]],
                     hy0: float, hy1: float, z0: float, z1: float, mat, parent) -> None:
    """A slab ``x0..x1, y0..y1, z0..z1`` with rectangular holes ``(hx0, hx1)`` (left to right) spanning
    ``hy0..hy1``, built as strips round the holes (a worktop cut for a sink, a sink's flange)."""
    dz, cz = z1 - z0, (z0 + z1) / 2
    mesh.box(f"{name}_front", (x1 - x0, y1 - hy1, dz), ((x0 + x1) / 2, (hy1 + y1) / 2, cz), mat, parent=parent)
    mesh.box(f"{name}_back", (x1 - x0, hy0 - y0, dz), ((x0 + x1) / 2, (y0 + hy0) / 2, cz), mat, parent=parent)
    edges = [x0] + [v for hole in holes for v in hole] + [x1]
    for k in range(0, len(edges), 2):
        a, b = edges[k], edges[k + 1]
        if b - a > 1e-4:
            mesh.box(f"{name}_mid{k}", (b - a, hy1 - hy0, dz), ((a + b) / 2, (hy0 + hy1) / 2, cz), mat, parent=parent)


def _carcass(line: Line, w: float, mat, plinth_mat, parent, hollow: float = 0.0) -> None:
    """Carcass box between plinth and worktop, and the recessed plinth board. ``hollow``: the top that
    deep is open between side and back panels (a sink unit: the bowls hang into it)."""
    body_d = line.depth - line.front_t
    top = line.height - line.top_t
    solid = top - hollow
    mesh.box("carcass", (w, body_d, solid - line.plinth_h), (0, body_d / 2, (solid + line.plinth_h) / 2), mat,
             parent=parent)
    if hollow:
        board = 0.018
        for s in (-1, 1):
            mesh.box(f"side{s}", (board, body_d, hollow), (s * (w - board) / 2, body_d / 2, top - hollow / 2), mat,
                     parent=parent)
        mesh.box("back", (w - 2 * board, board, hollow), (0, board / 2, top - hollow / 2), mat, parent=parent)
    py = body_d - line.plinth_recess
    mesh.box("plinth", (w, py, line.plinth_h), (0, py / 2, line.plinth_h / 2), plinth_mat, parent=parent)
    if line.style == "gola":  # the handle rail: a dark recess under the worktop across the unit
        mesh.box("gola", (w, 0.03, 0.034), (0, body_d - 0.012, top - 0.017), _metal(((0.05, 0.05, 0.05), 0.4, 1.0), "gola"),
                 parent=parent)


def _front_top(line: Line) -> float:
    """Top edge of the fronts: under the worktop, or under the gola rail."""
    return line.height - line.top_t - (0.036 if line.style == "gola" else GAP)


def _rows(line: Line, w: float, heights: list[float], doors_below: bool, side: int, mat, metal, parent,
          z_lo: float | None = None, z_hi: float | None = None) -> None:
    """Fronts stacked from the top: drawers of ``heights`` (fractions of the front height when below 1),
    then the rest as door(s) (``doors_below``) or one more drawer."""
    y = line.depth - line.front_t
    z_lo = line.plinth_h + GAP if z_lo is None else z_lo
    z_hi = _front_top(line) if z_hi is None else z_hi
    total = z_hi - z_lo
    z = z_hi
    x0, x1 = -w / 2 + GAP / 2, w / 2 - GAP / 2
    for k, h in enumerate(heights):
        h = h * total if h < 1 else h
        front(f"drawer{k}", x0, x1, z - h + GAP / 2, z - GAP / 2, y, line, mat, parent)
        hx, hz = _handle_at(line, x0, x1, z - h, z - GAP / 2, False, 0)
        handle(f"drawer{k}_h", line, metal, hx, hz, line.depth, False, x1 - x0, parent)
        z -= h
    if z - z_lo < 0.05:
        return
    if not doors_below:
        front("drawer_last", x0, x1, z_lo, z - GAP / 2, y, line, mat, parent)
        hx, hz = _handle_at(line, x0, x1, z_lo, z - GAP / 2, False, 0)
        handle("drawer_last_h", line, metal, hx, hz, line.depth, False, x1 - x0, parent)
        return
    leaves = [(x0, x1, side)] if w <= 0.6 else [(x0, -GAP / 2, 1), (GAP / 2, x1, -1)]
    for k, (a, b, s) in enumerate(leaves):
        front(f"door{k}", a, b, z_lo, z - GAP / 2, y, line, mat, parent)
        hx, hz = _handle_at(line, a, b, z_lo, z - GAP / 2, True, s)
        handle(f"door{k}_h", line, metal, hx, hz, line.depth, True, z - z_lo, parent)


# ------------------------------------------------------------------ hob and oven


def hob(name: str, rng: random.Random, w: float, d: float, cx: float, cy: float, z: float, parent,
        gas: bool | None = None) -> float:
    """A ceramic/induction glass hob or a gas hob with burners and pan supports, ``w x d`` centred on
    (cx, cy), lying on z; returns its top height."""
    gas = rng.random() < 0.35 if gas is None else gas
    zones = [(-0.25, -0.22, 0.085), (0.25, -0.22, 0.07), (-0.25, 0.2, 0.07), (0.25, 0.2, 0.09)]
    if w > 0.7:
        zones = [(-0.33, -0.22, 0.07), (-0.33, 0.2, 0.085), (0.0, 0.0, 0.11), (0.33, -0.22, 0.07), (0.33, 0.2, 0.085)]
    if not gas:
        glass = surfaces.principled(f"{name}_glass", (0.012, 0.012, 0.014), roughness=0.05, coat=1.0)
        print_mat = surfaces.principled(f"{name}_print", (0.35, 0.35, 0.35), roughness=0.3)
        t = rng.uniform(0.004, 0.006)
        mesh.box(f"{name}_glass", (w, d, t), (cx, cy, z + t / 2), glass, bevel=0.002, parent=parent)
        for k, (u, v, r) in enumerate(zones):
            mesh.torus(f"{name}_zone{k}", r, 0.0012, (cx + u * w, cy + v * d, z + t), print_mat, segments=32,
                       ring_segments=4, parent=parent)
        for k in range(rng.randint(3, 6)):  # touch controls along the front edge
            mesh.cylinder(f"{name}_key{k}", 0.006, 0.0006, (cx - 0.1 + 0.04 * k, cy - d / 2 + 0.035, z + t), print_mat,
                          segments=8, parent=parent)
        return z + t
    plate = surfaces.principled(f"{name}_plate", rng.choice(((0.6, 0.6, 0.61), (0.02, 0.02, 0.02))), roughness=0.3,
                                metallic=1.0)
    iron = surfaces.principled(f"{name}_iron", (0.02, 0.02, 0.02), roughness=0.6)
    mesh.box(f"{name}_plate", (w, d, 0.008), (cx, cy, z + 0.004), plate, bevel=0.003, parent=parent)
    top = z + 0.008
    for k, (u, v, r) in enumerate(zones):
        x, y = cx + u * w, cy + v * d
        mesh.cylinder(f"{name}_ring{k}", r * 0.55, 0.018, (x, y, top + 0.009), iron, segments=16, parent=parent)
        mesh.cylinder(f"{name}_cap{k}", r * 0.4, 0.006, (x, y, top + 0.021), iron, segments=16, parent=parent)
    grate_h = top + 0.032
    for k in range(2 if w <= 0.7 else 3):  # cast-iron pan supports: frames with crossing fingers
        gx0 = cx - w / 2 + 0.01 + k * (w - 0.02) / (2 if w <= 0.7 else 3)
        gw = (w - 0.02) / (2 if w <= 0.7 else 3) - 0.006
        gcx = gx0 + gw / 2
        for s in (-1, 1):
            mesh.box(f"{name}_grx{k}{s}", (gw, 0.01, 0.01), (gcx, cy + s * (d / 2 - 0.02), grate_h), iron, parent=parent)
            mesh.box(f"{name}_gry{k}{s}", (0.01, d - 0.04, 0.01), (gcx + s * gw / 2, cy, grate_h), iron, parent=parent)
        mesh.box(f"{name}_grm{k}", (0.01, d - 0.04, 0.01), (gcx, cy, grate_h), iron, parent=parent)
        mesh.box(f"{name}_grc{k}", (gw, 0.01, 0.01), (gcx, cy, grate_h), iron, parent=parent)
    return grate_h + 0.005


def oven_front(name: str, rng: random.Random, w: float, x: float, y: float, z0: float, h: float, parent,
               body_mat=None) -> None:
    """A built-in (or a cooker's) oven face on the plane y: a control fascia with knobs over a glazed
    door with a bar handle."""
    frame = body_mat or surfaces.principled(f"{name}_frame", rng.choice(((0.6, 0.6, 0.61), (0.02, 0.02, 0.02))),
                                            roughness=0.3, metallic=1.0)
    glass = _dark_glass(f"{name}_glass")
    metal = surfaces.principled(f"{name}_steel", (0.75, 0.75, 0.76), roughness=0.2, metallic=1.0)
    fascia = rng.uniform(0.08, 0.11)
    door_h = h - fascia - GAP
    mesh.box(f"{name}_fascia", (w, 0.02, fascia), (x, y + 0.01, z0 + h - fascia / 2), frame, bevel=0.002, parent=parent)
    for k, u in enumerate((-0.36, -0.24, 0.24, 0.36) if rng.random() < 0.6 else (-0.36, 0.36)):
        mesh.cylinder(f"{name}_knob{k}", 0.017, 0.022, (x + u * w, y + 0.031, z0 + h - fascia / 2), metal, axis="Y",
                      segments=16, parent=parent)
    mesh.box(f"{name}_display", (0.09, 0.004, 0.03), (x, y + 0.021, z0 + h - fascia / 2), glass, parent=parent)
    mesh.box(f"{name}_door", (w, 0.025, door_h), (x, y + 0.0125, z0 + door_h / 2), frame, bevel=0.003, parent=parent)
    mesh.box(f"{name}_window", (w * 0.78, 0.004, door_h * 0.55), (x, y + 0.026, z0 + door_h * 0.46), glass, parent=parent)
    bar = w * rng.uniform(0.7, 0.85)
    zh = z0 + door_h - 0.045
    mesh.cylinder(f"{name}_bar", 0.009, bar, (x, y + 0.065, zh), metal, axis="X", segments=12, parent=parent)
    for s in (-1, 1):
        mesh.cylinder(f"{name}_post{s}", 0.007, 0.045, (x + s * (bar / 2 - 0.02), y + 0.045, zh), metal, axis="Y",
                      segments=8, parent=parent)


# ------------------------------------------------------------------ sink basin and tap


@dataclass(frozen=True)
class SinkPlan:
    """The inset sink of a sink unit: flange rectangle, its bowls (x ranges) over ``by0..by1``, the worktop
    cut-out (flange less ``overlap``), bowl depth, tap position."""

    fx0: float
    fx1: float
    fy0: float
    fy1: float
    bowls: tuple[tuple[float, float], ...]
    by0: float
    by1: float
    overlap: float
    depth: float
    radius: float
    kind: str  # steel, composite, ceramic
    tap_x: float
    tap_y: float


def sink_plan(r: random.Random, line: Line, w: float) -> SinkPlan:
    fd = min(r.uniform(0.44, 0.51), line.reach - 0.11)
    fy1 = line.reach - r.uniform(0.05, 0.07)
    fy0 = fy1 - fd
    deck, rim = r.uniform(0.05, 0.07), r.uniform(0.02, 0.03)
    layout = r.choice(("single", "drainer", "double")) if w >= 0.8 else "single"
    fw = r.uniform(0.46, min(0.58, w - 0.05)) if layout == "single" else r.uniform(0.76, w - 0.04)
    fx0, fx1 = -fw / 2, fw / 2
    if layout == "single":
        bowls = ((fx0 + rim, fx1 - rim),)
    elif layout == "drainer":
        bw = r.uniform(0.34, 0.44)
        bowls = ((fx0 + rim, fx0 + rim + bw),) if r.random() < 0.5 else ((fx1 - rim - bw, fx1 - rim),)
    else:
        split = fx0 + rim + (fw - 2 * rim) * r.choice((0.5, 0.6, 0.4))
        bowls = ((fx0 + rim, split - 0.025), (split + 0.025, fx1 - rim))
    kind = r.choices(("steel", "composite", "ceramic"), (0.55, 0.3, 0.15))[0]
    main = max(bowls, key=lambda b: b[1] - b[0])
    return SinkPlan(fx0, fx1, fy0, fy1, bowls, fy0 + deck, fy1 - rim, r.uniform(0.012, 0.016), r.uniform(0.16, 0.2),
                    r.uniform(0.015, 0.03) if kind == "steel" else r.uniform(0.03, 0.06), kind,
                    (main[0] + main[1]) / 2 if layout != "double" else (fx0 + fx1) / 2, fy0 + deck / 2)


def basin(plan: SinkPlan, line: Line, r: random.Random, parent) -> float:
    """Flange, bowls, strainers and a drainer's ribs, lying on the worktop top; returns the flange top."""
    color = {"steel": ((0.7, 0.7, 0.71), 0.28, 1.0), "composite": (r.choice(((0.03, 0.03, 0.03), (0.25, 0.24, 0.22),
                                                                             (0.75, 0.73, 0.68))), 0.55, 0.0),
             "ceramic": ((0.88, 0.88, 0.86), 0.12, 0.0)}[plan.kind]
    mat = surfaces.principled("sink", color[0], roughness=color[1], metallic=color[2],
                              noise=0.05 if plan.kind == "steel" else 0.1, noise_scale=200.0)
    z = line.height
    ft = 0.002 if plan.kind == "steel" else 0.009
    plate_with_holes("flange", plan.fx0, plan.fy0, plan.fx1, plan.fy1, list(plan.bowls), plan.by0, plan.by1,
                     z, z + ft, mat, parent)
    strainer = surfaces.principled("strainer", (0.75, 0.75, 0.76), roughness=0.2, metallic=1.0)
    bottom = z - plan.depth
    for k, (a, b) in enumerate(plan.bowls):
        bw, bd = b - a, plan.by1 - plan.by0
        cx, cy = (a + b) / 2, (plan.by0 + plan.by1) / 2
        rings = []
        for s, zz in ((1.0, z + ft), (1.0, z - 0.01), (0.97, bottom + 0.02), (0.94, bottom + 0.004)):
            prof = mesh.rounded_rect(bw * s, bd * s, plan.radius * s, n=5)
            rings.append(np.column_stack([prof[:, 0] + cx, prof[:, 1] + cy, np.full(len(prof), zz)]))
        mesh.loft(f"bowl{k}", rings, mat, cap=False, parent=parent)
        floor = mesh.rounded_rect(bw * 0.94, bd * 0.94, plan.radius * 0.94, n=5) + (cx, cy)
        mesh.extrude_polygon(f"bowl{k}_floor", floor, 0.004, mat, axis="Z", offset=bottom, parent=parent)
        mesh.cylinder(f"drain{k}", 0.042, 0.004, (cx, cy + bd * 0.15, bottom + 0.006), strainer, segments=20,
                      parent=parent)
    left, right = plan.bowls[0][0] - plan.fx0, plan.fx1 - plan.bowls[-1][1]
    if max(left, right) > 0.15:  # a drainer: ribs running to the bowl
        x0, x1 = (plan.fx0 + 0.03, plan.bowls[0][0] - 0.03) if left > right else (plan.bowls[-1][1] + 0.03, plan.fx1 - 0.03)
        for k, x in enumerate(np.linspace(x0, x1, 7)):
            mesh.box(f"rib{k}", (0.006, plan.by1 - plan.by0 - 0.04, 0.003), (x, (plan.by0 + plan.by1) / 2, z + ft + 0.0015),
                     mat, parent=parent)
    return z + ft


def tap(plan: SinkPlan, z: float, r: random.Random, parent, column=(0.16, 0.26), spout=(0.18, 0.24)) -> None:
    """A single-lever mixer on the deck behind the bowl: a column of ``column`` metres, then a gooseneck or
    an L spout reaching ``spout`` metres over the bowl."""
    spec = r.choice((((0.8, 0.8, 0.82), 0.08, 1.0), ((0.62, 0.62, 0.63), 0.3, 1.0), ((0.02, 0.02, 0.02), 0.5, 0.0),
                     ((0.72, 0.55, 0.3), 0.2, 1.0)))
    mat = _metal(spec, "tap")
    x, y = plan.tap_x, plan.tap_y
    rad = r.uniform(0.012, 0.017)
    mesh.cylinder("tap_base", rad * 1.6, 0.012, (x, y, z + 0.006), mat, segments=16, parent=parent)
    reach = min(r.uniform(*spout), plan.by1 - y - 0.05)
    top = z + r.uniform(*column)
    if r.random() < 0.6:  # gooseneck
        rad_arc = reach / 2
        pts = [(x, y, z)] + [(x, y, top - 0.1 * (1 - t)) for t in (0.0, 0.5)]
        pts += [(x, y + rad_arc - rad_arc * math.cos(a), top + rad_arc * math.sin(a)) for a in np.linspace(0, math.pi, 12)]
        pts.append((x, y + reach, top - 0.03))
    else:
        pts = [(x, y, z), (x, y, top - 0.05), (x, y, top - 0.015), (x, y + 0.02, top), (x, y + reach - 0.02, top),
               (x, y + reach, top - 0.015), (x, y + reach, top - 0.04)]
    mesh.tube("tap_spout", pts, rad, mat, segments=12, parent=parent)
    mesh.cylinder("tap_body", rad * 1.3, 0.07, (x, y, z + 0.047), mat, segments=16, parent=parent)
    mesh.box("tap_lever", (0.012, 0.07, 0.01), (x + rad * 1.3, y - 0.02, z + 0.085), mat, bevel=0.003,
             rotation=(0.35, 0, 0), parent=parent)


# ------------------------------------------------------------------ the unit factories


class _KitchenPart(ProceduralFactory):
    """One part (``PART``: body, top or basin) of a ``KIND`` unit of kitchen line ``seed``. The unit's
    parameters come from a stream of ``(KIND, seed)`` alone, so every part of one unit agrees."""

    KIND = "base"
    PART = "body"
    WIDTHS = UNIT_WIDTHS

    def create_asset(self, **spawn):
        line = kitchen_line(self.seed)
        r = random.Random(f"kitchen-{self.KIND}:{self.seed}")
        w = surfaces.pick_weighted(r, self.WIDTHS)
        root = mesh.empty(f"kitchen_{self.KIND}_{self.PART}")
        getattr(self, f"_{self.PART}")(line, r, w, root)
        set_anchors(root, {"unit_origin": (0.0, 0.0, 0.0), "unit_right": (w / 2, 0.0, 0.0),
                           "worktop_front": (0.0, line.reach, line.height)})
        return root

    def _top(self, line: Line, r: random.Random, w: float, root) -> None:
        """The unit's worktop segment (and upstand)."""
        mat = _top_material(line)
        z0, z1 = line.height - line.top_t, line.height
        if self.KIND == "sink":
            plan = sink_plan(r, line, w)
            o = plan.overlap
            plate_with_holes("worktop", -w / 2, 0.0, w / 2, line.reach, [(plan.fx0 + o, plan.fx1 - o)],
                             plan.fy0 + o, plan.fy1 - o, z0, z1, mat, root)
        else:
            top = mesh.box("worktop", (w, line.reach, line.top_t), (0, line.reach / 2, (z0 + z1) / 2), mat, parent=root)
            mesh.add_bevel(top, 0.0015, segments=1)
        if line.upstand:
            mesh.box("upstand", (w, 0.015, line.upstand), (0, 0.0075, z1 + line.upstand / 2), mat, parent=root)


class BaseUnitFactory(_KitchenPart):
    """A kitchen base unit's carcass with its fronts (cabinet): doors, drawers or a drawer over doors,
    with the line's handles on a recessed plinth. Sizes: module docstring."""

    KIND, PART = "base", "body"

    def _body(self, line: Line, r: random.Random, w: float, root) -> None:
        mat = _front_material(line)
        metal = _metal(line.metal)
        _carcass(line, w, mat, mat, root)
        layout = r.choices(("doors", "drawers", "drawer_door"), (0.35, 0.3, 0.35))[0]
        side = r.choice((-1, 1))
        if layout == "doors":
            _rows(line, w, [], True, side, mat, metal, root)
        elif layout == "drawers":
            _rows(line, w, r.choice(([0.2, 0.4], [1 / 3, 1 / 3], [0.16, 0.16, 0.34])), False, side, mat, metal, root)
        else:
            _rows(line, w, [r.uniform(0.14, 0.18)], True, side, mat, metal, root)


class BaseWorktopFactory(BaseUnitFactory):
    """The worktop segment of :class:`BaseUnitFactory`'s unit of the same seed (counter)."""

    PART = "top"


class SinkUnitFactory(_KitchenPart):
    """A sink unit's carcass (cabinet): a fixed false-drawer panel over doors, or full-height doors."""

    KIND, PART = "sink", "body"
    WIDTHS = ((0.6, 0.45), (0.8, 0.25), (0.9, 0.15), (1.0, 0.15))

    def _body(self, line: Line, r: random.Random, w: float, root) -> None:
        plan = sink_plan(r, line, w)  # drawn first, as the worktop and the basin draw it
        mat = _front_material(line)
        metal = _metal(line.metal)
        _carcass(line, w, mat, mat, root, hollow=plan.depth + 0.03 - line.top_t)
        if r.random() < 0.5:
            y, z_hi = line.depth - line.front_t, _front_top(line)
            h = r.uniform(0.12, 0.16)
            front("false_front", -w / 2 + GAP / 2, w / 2 - GAP / 2, z_hi - h + GAP / 2, z_hi, y, line, mat, root)
            _rows(line, w, [], True, r.choice((-1, 1)), mat, metal, root, z_hi=z_hi - h)
        else:
            _rows(line, w, [], True, r.choice((-1, 1)), mat, metal, root)


class SinkWorktopFactory(SinkUnitFactory):
    """The worktop segment of :class:`SinkUnitFactory`'s unit of the same seed, cut for its sink (counter)."""

    PART = "top"


class KitchenSinkFactory(SinkUnitFactory):
    """The inset sink of :class:`SinkUnitFactory`'s unit of the same seed (sink): stainless, composite or
    ceramic; one bowl, a bowl and drainer, or two bowls; a single-lever mixer tap."""

    PART = "basin"

    def _basin(self, line: Line, r: random.Random, w: float, root) -> None:
        plan = sink_plan(r, line, w)
        deck = basin(plan, line, r, root)
        tap(plan, deck, r, root)


class HobUnitFactory(_KitchenPart):
    """A hob unit (stove): a built-in oven (0.595 m) under the worktop, a drawer below it when there is
    room, and a ceramic/induction or gas hob lying on the worktop segment of the same seed."""

    KIND, PART = "hob", "body"
    WIDTHS = ((0.6, 0.85), (0.9, 0.15))

    def _body(self, line: Line, r: random.Random, w: float, root) -> None:
        mat = _front_material(line)
        _carcass(line, w, mat, mat, root)
        y = line.depth - line.front_t
        z_hi = _front_top(line)
        oven_h = min(0.595, z_hi - line.plinth_h - GAP)
        z0 = z_hi - oven_h
        ow = min(0.595, w - GAP)
        oven_front("oven", r, ow, 0.0, y, z0, oven_h, root)
        if w - ow > 0.05:  # a 90 cm unit: filler fronts beside the 60 cm oven
            for s in (-1, 1):
                a, b = sorted((s * (ow / 2 + GAP), s * (w / 2 - GAP / 2)))
                front(f"filler{s}", a, b, line.plinth_h + GAP, z_hi, y, line, mat, root)
        if z0 - line.plinth_h > 0.09:
            _rows(line, ow + GAP, [], False, 1, mat, _metal(line.metal), root, z_hi=z0 - GAP / 2)
        hw = 0.58 if w < 0.8 else r.uniform(0.77, 0.86)
        hob("hob", r, hw, 0.51, 0.0, line.reach - 0.05 - 0.255, line.height, root)


class HobWorktopFactory(HobUnitFactory):
    """The worktop segment of :class:`HobUnitFactory`'s unit of the same seed (counter); the hob lies on it."""

    PART = "top"


# ------------------------------------------------------------------ freestanding appliances


class StoveFactory(ProceduralFactory):
    """A freestanding cooker (stove): enamelled or stainless body on a recessed kick, a storage drawer,
    an oven door with a window and a bar handle, a control fascia (EU) or a raised backguard with knobs
    (US), and a glass or gas hob on top. Sizes: module docstring. Frame: back at y = 0, front +Y; anchor
    ``hob`` is the middle of the hob's surface."""

    def create_asset(self, **spawn):
        r = self.rng
        us = r.random() < 0.35
        w = 0.76 if us else r.choice((0.5, 0.6, 0.6))
        d, hob_z = r.uniform(0.6, 0.65), r.uniform(0.85, 0.93)
        body = _appliance(r, "stove_body")
        root = mesh.empty("stove")
        kick = r.uniform(0.06, 0.1)
        shell_top = hob_z - 0.01
        mesh.box("body", (w, d - 0.02, shell_top - kick), (0, (d - 0.02) / 2, (shell_top + kick) / 2), body, bevel=0.004,
                 parent=root)
        mesh.box("kick", (w - 0.02, d - 0.08, kick), (0, (d - 0.08) / 2, kick / 2),
                 surfaces.principled("kick", (0.02, 0.02, 0.02), roughness=0.7), parent=root)
        mesh.box("top", (w, d, 0.01), (0, d / 2, hob_z - 0.005), body, bevel=0.003, parent=root)
        top = hob("hob", r, w - 0.06, d - 0.12, 0.0, d / 2 + 0.02, hob_z, root)
        y = d - 0.02
        drawer_h = r.uniform(0.12, 0.16)
        oven_h = shell_top - kick - drawer_h - 0.02
        oven_front("oven", r, w - 0.02, 0.0, y, kick + drawer_h + 0.01, oven_h, root, body_mat=body)
        mesh.box("drawer", (w - 0.02, 0.02, drawer_h), (0, y + 0.01, kick + drawer_h / 2 + 0.003), body, bevel=0.003,
                 parent=root)
        if us:  # backguard with knobs and a clock
            bg_h = r.uniform(0.08, 0.16)
            mesh.box("backguard", (w, 0.06, bg_h), (0, 0.03, top + bg_h / 2 - 0.005), body, bevel=0.005, parent=root)
            knob = surfaces.principled("knob", (0.05, 0.05, 0.05), roughness=0.4)
            for k, u in enumerate((-0.38, -0.28, 0.28, 0.38)):
                mesh.cylinder(f"bg_knob{k}", 0.016, 0.02, (u * w, 0.07, top + bg_h / 2), knob, axis="Y", segments=14,
                              parent=root)
            mesh.box("clock", (0.12, 0.004, 0.04), (0, 0.061, top + bg_h / 2), _dark_glass("clock"), parent=root)
        set_anchors(root, {"hob": (0.0, d / 2, hob_z)})
        return root


class FridgeFactory(ProceduralFactory):
    """A fridge-freezer (refrigerator): a slightly rounded cabinet, a freezer at the bottom (or top) behind
    its own door, vertical bar handles or recessed grips, a ventilation grille at the foot. Sizes: module
    docstring. Frame: back at y = 0, front +Y."""

    def create_asset(self, **spawn):
        r = self.rng
        w, d, h = r.uniform(0.55, 0.7), r.uniform(0.6, 0.7), r.uniform(1.7, 2.0)
        body = _appliance(r, "fridge_body")
        dark = surfaces.principled("fridge_dark", (0.02, 0.02, 0.02), roughness=0.6)
        root = mesh.empty("fridge")
        door_t = r.uniform(0.05, 0.07)
        round_r = r.uniform(0.008, 0.02)
        cab_d = d - door_t
        foot = r.uniform(0.04, 0.08)
        mesh.box("cabinet", (w, cab_d, h - foot), (0, cab_d / 2, (h + foot) / 2), body, bevel=round_r, parent=root)
        mesh.box("grille", (w - 0.04, cab_d - 0.02, foot), (0, (cab_d - 0.02) / 2, foot / 2), dark, parent=root)
        for k in range(5):
            mesh.box(f"slot{k}", (w * 0.6, 0.004, 0.006), (0, cab_d - 0.018, foot * (0.25 + 0.12 * k)),
                     surfaces.principled("slot", (0.0, 0.0, 0.0), roughness=0.9), parent=root)
        split = r.uniform(0.3, 0.42) if r.random() < 0.75 else 1.0 - r.uniform(0.22, 0.3)
        z_split = foot + (h - foot) * split
        hinge_right = r.random() < 0.5
        grip = r.choices(("bar", "recess"), (0.6, 0.4))[0]
        metal = _metal(r.choice(METALS[:3]), "fridge_handle")
        for k, (z0, z1) in enumerate(((foot + 0.004, z_split - 0.004), (z_split + 0.004, h))):
            mesh.box(f"door{k}", (w, door_t, z1 - z0), (0, cab_d + door_t / 2, (z0 + z1) / 2), body, bevel=round_r,
                     parent=root)
            self._grip(grip, metal, dark, w, cab_d + door_t, z0, z1, k == 0 and split < 0.5, hinge_right, root)
        mesh.box("gasket", (w - 0.01, 0.006, 0.012), (0, cab_d + 0.003, z_split), dark, parent=root)
        return root

    @staticmethod
    def _grip(kind, metal, dark, w, y, z0, z1, low, hinge_right, root) -> None:
        x = (-1 if hinge_right else 1) * (w / 2 - 0.05)
        length = min(0.35 if low else 0.6, (z1 - z0) - 0.12)
        zc = z1 - 0.06 - length / 2 if low else z0 + 0.08 + length / 2
        if kind == "recess":  # a dark vertical grip channel on the door's opening edge
            mesh.box(f"grip{z0:.2f}", (0.02, 0.004, length), (x + (0.03 if x > 0 else -0.03), y + 0.001, zc), dark,
                     parent=root)
            return
        mesh.box(f"bar{z0:.2f}", (0.022, 0.025, length), (x, y + 0.045, zc), metal, bevel=0.008, parent=root)
        for s in (-1, 1):
            mesh.box(f"post{z0:.2f}{s}", (0.018, 0.035, 0.025), (x, y + 0.0175, zc + s * (length / 2 - 0.02)), metal,
                     bevel=0.004, parent=root)


class WashBasinFactory(ProceduralFactory):
    """A bathroom wash basin (sink): a ceramic basin with a rim and a tap deck, its bowl sunk into it, on
    a tapered pedestal, with a mixer tap. Sizes: module docstring. Frame: back at y = 0 (the wall), front
    +Y, standing on the floor (the layout sets the asset's bottom where the primitive's was)."""

    def create_asset(self, **spawn):
        r = self.rng
        w, d, rim_h = r.uniform(0.5, 0.7), r.uniform(0.4, 0.52), r.uniform(0.8, 0.9)
        body_h = r.uniform(0.14, 0.2)
        china = surfaces.principled("china", r.choice(((0.9, 0.9, 0.88), (0.9, 0.9, 0.88), (0.85, 0.83, 0.78))),
                                    roughness=0.08, coat=0.5)
        root = mesh.empty("wash_basin")
        exp = r.uniform(2.5, 5.0)
        outer = mesh.superellipse(w / 2, d / 2, exp, 48)
        deck = r.uniform(0.07, 0.1)
        bw, bd = w - 0.1, d - deck - 0.05
        bowl = mesh.superellipse(bw / 2, bd / 2, max(2.0, exp - 1.0), 48) + (0.0, (deck - 0.05) / 2)
        rings = []
        for prof, s_, z in ((outer, 0.75, rim_h - body_h), (outer, 0.95, rim_h - body_h * 0.5), (outer, 1.0, rim_h - 0.01),
                            (outer, 0.99, rim_h), (bowl, 1.0, rim_h), (bowl, 0.97, rim_h - 0.01),
                            (bowl, 0.8, rim_h - body_h * 0.7), (bowl, 0.45, rim_h - body_h + 0.03)):
            p = prof * s_
            rings.append(np.column_stack([p[:, 0], p[:, 1] + d / 2, np.full(len(p), z)]))
        mesh.loft("basin", rings, china, parent=root)
        under = rim_h - body_h
        foot, waist, exp_p = r.uniform(0.1, 0.13), r.uniform(0.065, 0.085), r.choice((2.0, 2.5, 4.0))
        col = [np.column_stack([mesh.superellipse(a, a * 0.85, exp_p, 24), np.full(24, z)])
               for a, z in ((foot, 0.0), (waist * 1.05, 0.15), (waist, under * 0.7), (waist * 1.35, under + 0.02))]
        for ring in col:  # a tapered pedestal to the floor, hiding the trap
            ring[:, 1] += 0.11
        mesh.loft("pedestal", col, china, parent=root)
        plan = SinkPlan(-w / 2, w / 2, 0.0, d, ((-bw / 2, bw / 2),), deck, d - 0.05, 0.0, body_h, 0.0, "ceramic",
                        0.0, deck / 2 + 0.01)
        tap(plan, rim_h, r, root, column=(0.08, 0.14), spout=(0.11, 0.15))
        mesh.cylinder("plug", 0.02, 0.003, (0.0, (deck - 0.05) / 2 + d / 2, rim_h - body_h + 0.031),
                      surfaces.principled("plug", (0.75, 0.75, 0.76), roughness=0.2, metallic=1.0), segments=16,
                      parent=root)
        return root
