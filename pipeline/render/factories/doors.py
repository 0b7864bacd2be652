"""Wall openings: interior doors (a closed leaf in a lined frame with architraves on both faces and lever
handles) and casement windows sized for room walls.

Frame (the one Infinigen's door entries are baked in, ``front_yaw`` 0.0): width along X, the wall's
thickness along Y with the room side towards +Y, standing on z = 0. The layout cuts the wall hole to the
asset's bounding box and centres the asset in the wall (scenes/indoor/openings.py ``opening_asset``), so
the frame's depth (lining plus architraves) is kept near the thinnest walls (10 cm): in thicker walls the
door sits in a reveal, in thin ones the architraves lie on the wall faces.

Sizes: leaves 0.70-0.90 m wide, 35-45 mm thick; heights 1.90-2.05 m (low rooms, cottages, attic doors;
UK 1.98 m, DIN 18101 1.86/1.985 m leaves) or 2.00-2.10 m (standard: US 80 in = 2.03 m, DIN 2.11 m
clear); linings 18-28 mm, 9-10 cm deep; architraves 50-90 mm wide, 12-20 mm thick; lever handles at
0.95-1.05 m (DIN 18101, BS 8300, door-maker catalogues). Whole asset: 0.87-1.14 m wide, 1.97-2.23 m tall.

Windows: the bank's Infinigen windows come out 3.8-4 m wide and 2 m tall, too large for most room walls,
so rooms fell back to primitive windows. Casement windows here match the room programme's sizes
(generators.yaml ``window``: 0.6-1.8 m wide, 0.9-1.5 m tall; Neufert; uPVC and timber window
catalogues): frames 50-80 mm wide and 70-100 mm deep, one to three sashes, an optional top light and
glazing bars. Same frame as the doors; the layout sets the asset's bottom on the sill height.
"""

from __future__ import annotations

import bpy

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory

PAINT = (((0.88, 0.88, 0.86), 0.55), ((0.62, 0.63, 0.62), 0.12), ((0.05, 0.05, 0.05), 0.1), ((0.8, 0.76, 0.66), 0.1),
         ((0.25, 0.33, 0.38), 0.07), ((0.33, 0.4, 0.33), 0.06))
HANDLES = (((0.8, 0.8, 0.82), 0.1, 1.0), ((0.62, 0.62, 0.63), 0.35, 1.0), ((0.02, 0.02, 0.02), 0.45, 0.0),
           ((0.72, 0.55, 0.3), 0.2, 1.0))


def pane_glass(name: str, tint=(0.92, 0.95, 0.95), frosted: bool = False) -> bpy.types.Material:
    """Window glass seen as a thin pane: a transparent BSDF (daylight and sun reach the room through it,
    shadow rays included, and the view through stays clear) layered under a Fresnel-weighted gloss.
    ``frosted``: a rough translucent pane (bathroom doors, glazed door lites)."""
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    nodes.remove(nodes["Principled BSDF"])
    clear = nodes.new("ShaderNodeBsdfTranslucent" if frosted else "ShaderNodeBsdfTransparent")
    clear.inputs["Color"].default_value = (*tint, 1.0)
    gloss = nodes.new("ShaderNodeBsdfGlossy")
    gloss.inputs["Roughness"].default_value = 0.25 if frosted else 0.02
    weight = nodes.new("ShaderNodeLayerWeight")
    weight.inputs["Blend"].default_value = 0.15
    mix = nodes.new("ShaderNodeMixShader")
    links.new(weight.outputs["Fresnel"], mix.inputs["Fac"])
    links.new(clear.outputs["BSDF"], mix.inputs[1])
    links.new(gloss.outputs["BSDF"], mix.inputs[2])
    links.new(mix.outputs["Shader"], nodes["Material Output"].inputs["Surface"])
    return mat


class DoorFactory(ProceduralFactory):
    """A flush, panelled or glazed interior door in its frame. Sizes and frame: module docstring."""

    def create_asset(self, **spawn):
        r = self.rng
        leaf_h = r.uniform(1.9, 2.05) if r.random() < 0.5 else r.uniform(2.0, 2.1)
        leaf_w, leaf_t = r.uniform(0.7, 0.9), r.uniform(0.035, 0.045)
        lt, ld = r.uniform(0.018, 0.028), r.uniform(0.09, 0.1)
        aw, at = r.uniform(0.05, 0.09), r.uniform(0.012, 0.02)
        style = r.choices(("flush", "panel", "glazed"), (0.35, 0.4, 0.25))[0]
        wood = r.random() < 0.3
        leaf_mat = (surfaces.infinigen("wood.wood.Wood", self.seed) if wood
                    else surfaces.principled("door_paint", surfaces.pick_weighted(r, PAINT), roughness=0.4, noise=0.03))
        frame_mat = leaf_mat if wood or r.random() < 0.5 else surfaces.principled("frame_paint", (0.88, 0.88, 0.86),
                                                                                   roughness=0.4, noise=0.03)
        metal_spec = r.choice(HANDLES)
        metal = surfaces.principled("handle", metal_spec[0], roughness=metal_spec[1], metallic=metal_spec[2])
        root = mesh.empty("door")
        gap, floor_gap = 0.003, 0.008
        hole_w, hole_h = leaf_w + 2 * gap, leaf_h + floor_gap + gap
        self._frame(hole_w, hole_h, lt, ld, aw, at, frame_mat, root)
        leaf_y = 0.0  # in the middle of the lining: handles reach out alike on both faces, so the frame
        # stays centred in the wall when the layout centres the asset's bounding box there
        self._stops(hole_w, hole_h, leaf_y - leaf_t / 2, frame_mat, root)
        self._leaf(style, leaf_w, leaf_h, leaf_t, floor_gap, leaf_y, leaf_mat, root)
        hinge_right = r.random() < 0.5
        hx = (-1 if hinge_right else 1) * (leaf_w / 2 - r.uniform(0.055, 0.07))
        self._levers(hx, r.uniform(0.95, 1.05), leaf_y, leaf_t, -1 if hinge_right else 1, r.random() < 0.6, metal, root)
        for k, z in enumerate((0.25, leaf_h - 0.2) + ((leaf_h / 2,) if r.random() < 0.4 else ())):
            mesh.cylinder(f"hinge{k}", 0.007, 0.1, (-hx / abs(hx) * (leaf_w / 2 + gap), leaf_y + leaf_t / 2, z), metal,
                          segments=8, parent=root)
        return root

    @staticmethod
    def _frame(hole_w, hole_h, lt, ld, aw, at, mat, root) -> None:
        """Jamb and head linings through the wall, and architraves round the hole on both faces."""
        for s in (-1, 1):
            mesh.box(f"jamb{s}", (lt, ld, hole_h + lt), (s * (hole_w / 2 + lt / 2), 0, (hole_h + lt) / 2), mat,
                     parent=root)
        mesh.box("head", (hole_w, ld, lt), (0, 0, hole_h + lt / 2), mat, parent=root)
        outer_w = hole_w + 2 * lt + 2 * aw
        top = hole_h + lt + aw
        for face in (-1, 1):
            y = face * (ld / 2 + at / 2)
            for s in (-1, 1):
                mesh.box(f"arch{face}{s}", (aw, at, top), (s * (outer_w / 2 - aw / 2), y, top / 2), mat, bevel=0.003,
                         parent=root)
            mesh.box(f"arch{face}_head", (outer_w, at, aw), (0, y, top - aw / 2), mat, bevel=0.003, parent=root)

    @staticmethod
    def _stops(hole_w, hole_h, y_face, mat, root) -> None:
        """Door stops behind the closed leaf."""
        t, w = 0.012, 0.03
        for s in (-1, 1):
            mesh.box(f"stop{s}", (w, t, hole_h), (s * (hole_w / 2 - w / 2), y_face - t / 2, hole_h / 2), mat, parent=root)
        mesh.box("stop_head", (hole_w, t, w), (0, y_face - t / 2, hole_h - w / 2), mat, parent=root)

    def _leaf(self, style, w, h, t, z0, y, mat, root) -> None:
        r = self.rng
        if style == "flush":
            mesh.box("leaf", (w, t, h), (0, y, z0 + h / 2), mat, bevel=0.002, parent=root)
            return
        stile, rail_b = r.uniform(0.1, 0.13), r.uniform(0.18, 0.24)
        glazed = style == "glazed"
        if glazed:
            rows, cols = r.choice(((1, 1), (3, 1), (5, 1), (4, 2))) if r.random() < 0.6 else (1, 1)
            lite_from = z0 + (rail_b if r.random() < 0.5 else h * r.uniform(0.4, 0.5))
        else:
            rows, cols = r.choice(((2, 1), (3, 1), (4, 1), (5, 1), (3, 2), (2, 2)))
            lite_from = z0 + rail_b
        x0, x1 = -w / 2 + stile, w / 2 - stile
        z_lo, z_hi = lite_from, z0 + h - stile
        for s in (-1, 1):
            mesh.box(f"stile{s}", (stile, t, h), (s * (w / 2 - stile / 2), y, z0 + h / 2), mat, bevel=0.002, parent=root)
        mesh.box("rail_top", (x1 - x0, t, stile), (0, y, z_hi + stile / 2), mat, bevel=0.002, parent=root)
        mesh.box("rail_bottom", (x1 - x0, t, lite_from - z0), (0, y, (z0 + lite_from) / 2), mat, bevel=0.002, parent=root)
        bar = 0.025 if glazed else r.uniform(0.07, 0.1)
        cell_w = (x1 - x0 - (cols - 1) * bar) / cols
        cell_h = (z_hi - z_lo - (rows - 1) * bar) / rows
        fill = pane_glass("door_glass", frosted=r.random() < 0.4) if glazed else mat
        fill_t = 0.006 if glazed else t * 0.55
        for i in range(rows):
            cz = z_lo + cell_h / 2 + i * (cell_h + bar)
            if i:
                mesh.box(f"mullion_h{i}", (x1 - x0, t * (0.8 if glazed else 1.0), bar), (0, y, cz - cell_h / 2 - bar / 2),
                         mat, bevel=0.002, parent=root)
            for j in range(cols):
                cx = x0 + cell_w / 2 + j * (cell_w + bar)
                if j and i == 0:
                    mesh.box(f"mullion_v{j}", (bar, t * (0.8 if glazed else 1.0), z_hi - z_lo),
                             (cx - cell_w / 2 - bar / 2, y, (z_lo + z_hi) / 2), mat, bevel=0.002, parent=root)
                mesh.box(f"fill{i}{j}", (cell_w + 0.004, fill_t, cell_h + 0.004), (cx, y, cz), fill,
                         bevel=0.0 if glazed else 0.004, parent=root)

    @staticmethod
    def _levers(x, z, y, t, toward, rose_round, mat, root) -> None:
        """Lever handles on both faces, pointing away from the leaf's opening edge (``toward``: -1 or +1)."""
        for face in (-1, 1):
            yf = y + face * t / 2
            if rose_round:
                mesh.cylinder(f"rose{face}", 0.026, 0.01, (x, yf + face * 0.005, z), mat, axis="Y", segments=20, parent=root)
            else:
                mesh.box(f"plate{face}", (0.045, 0.008, 0.2), (x, yf + face * 0.004, z - 0.05), mat, bevel=0.003,
                         parent=root)
            mesh.cylinder(f"neck{face}", 0.009, 0.05, (x, yf + face * 0.03, z), mat, axis="Y", segments=12, parent=root)
            mesh.tube(f"lever{face}", [(x, yf + face * 0.052, z), (x - toward * 0.04, yf + face * 0.056, z),
                                       (x - toward * 0.125, yf + face * 0.05, z)], 0.009, mat, segments=10, parent=root)


FRAMES = ((((0.9, 0.9, 0.89), 0.35, 0.0), 0.55), (((0.12, 0.13, 0.14), 0.45, 0.6), 0.2),
          (((0.35, 0.22, 0.12), 0.5, 0.0), 0.15), (((0.55, 0.56, 0.57), 0.35, 1.0), 0.1))


class CasementWindowFactory(ProceduralFactory):
    """A casement window: outer frame, one to three sashes (with glazing bars or a top light at times),
    double glazing and lever handles. Sizes and frame: module docstring."""

    def create_asset(self, **spawn):
        r = self.rng
        w, h = r.uniform(0.6, 1.8), r.uniform(0.9, 1.5)
        fw, fd = r.uniform(0.05, 0.08), r.uniform(0.07, 0.1)
        color, rough, metallic = surfaces.pick_weighted(r, FRAMES)
        frame = surfaces.principled("window_frame", color, roughness=rough, metallic=metallic, noise=0.03)
        glass = pane_glass("window_glass")
        metal = surfaces.principled("window_handle", r.choice(((0.8, 0.8, 0.82), (0.9, 0.9, 0.89), (0.03, 0.03, 0.03))),
                                    roughness=0.3, metallic=0.5)
        root = mesh.empty("window")
        for s in (-1, 1):
            mesh.box(f"jamb{s}", (fw, fd, h), (s * (w - fw) / 2, 0, h / 2), frame, bevel=0.002, parent=root)
        for k, z in enumerate((fw / 2, h - fw / 2)):
            mesh.box(f"rail{k}", (w - 2 * fw, fd, fw), (0, 0, z), frame, bevel=0.002, parent=root)
        top_light = h > 1.1 and r.random() < 0.3
        z_sash = h - fw
        if top_light:  # a fixed light over the sashes, behind a transom
            z_sash = h - fw - r.uniform(0.25, 0.35)
            mesh.box("transom", (w - 2 * fw, fd, fw * 0.8), (0, 0, z_sash), frame, bevel=0.002, parent=root)
            mesh.box("top_glass", (w - 2 * fw, 0.02, h - fw - z_sash), (0, 0, (h - fw + z_sash) / 2), glass, parent=root)
            z_sash -= fw * 0.4
        panes = 1 if w < 0.8 else 2 if w < 1.4 else 3
        bars = r.random() < 0.2
        inner = w - 2 * fw
        for k in range(panes):
            x0 = -inner / 2 + k * inner / panes
            self._sash(f"sash{k}", x0, x0 + inner / panes, fw, z_sash, fd, frame, glass, metal, bars,
                       handle_side=1 if k % 2 == 0 else -1, root=root)
        return root

    def _sash(self, name, x0, x1, z0, z1, fd, frame, glass, metal, bars, handle_side, root) -> None:
        """One sash filling ``x0..x1, z0..z1``: a 55 mm frame, a double-glazed unit, a lever handle."""
        sw, sd = 0.055, fd * 0.75
        cx, cz, w, h = (x0 + x1) / 2, (z0 + z1) / 2, x1 - x0, z1 - z0
        y = fd / 2 - sd / 2 + 0.004  # a little proud of the frame on the room side
        for s in (-1, 1):
            mesh.box(f"{name}_stile{s}", (sw, sd, h), (cx + s * (w - sw) / 2, y, cz), frame, bevel=0.002, parent=root)
            mesh.box(f"{name}_rail{s}", (w - 2 * sw, sd, sw), (cx, y, cz + s * (h - sw) / 2), frame, bevel=0.002,
                     parent=root)
        mesh.box(f"{name}_glass", (w - 2 * sw + 0.01, 0.024, h - 2 * sw + 0.01), (cx, y, cz), glass, parent=root)
        if bars:
            mesh.box(f"{name}_bar_v", (0.02, sd * 0.7, h - 2 * sw), (cx, y, cz), frame, parent=root)
            for f in (1 / 3, 2 / 3):
                mesh.box(f"{name}_bar_h{f:.1f}", (w - 2 * sw, sd * 0.7, 0.02), (cx, y, z0 + sw + f * (h - 2 * sw)), frame,
                         parent=root)
        hx = cx + handle_side * (w / 2 - sw / 2)
        mesh.box(f"{name}_rose", (0.03, 0.012, 0.07), (hx, y + sd / 2 + 0.006, cz), metal, bevel=0.004, parent=root)
        mesh.box(f"{name}_lever", (0.018, 0.02, 0.11), (hx, y + sd / 2 + 0.022, cz - 0.045), metal, bevel=0.006,
                 parent=root)
