"""Soft furnishings: curtains on a rod, bath mats and area rugs.

Curtains (build frame: the wall at y = 0, the room towards +Y, width along X centred on x = 0, the hem at
z = 0). A bank asset has a fixed size, so each seed draws a rod length and a drop that cover a band of
common windows; the layout picks a variant that fits the window and the wall (the rod from 0.12 m short
of to 0.6 m past each side of the window: short, the panels are drawn partly over the glass; hem on the
floor or below the sill) and falls back to its primitive curtains when none fits. Anchors:
``fabric_back`` (the fabric's point nearest the wall: it must clear the window sill) and ``rod`` (the
rod's axis, middle).

Sizes (curtain-maker and retailer guides, e.g. IKEA, Dunelm, John Lewis made-to-measure): rods 1.0-2.9 m,
rod diameter 19-35 mm on brackets 10-18 cm off the wall (extension brackets clear deep sills), drops
1.3-1.9 m (sill length) or 2.0-2.55 m (floor length), panels gathered open to 20-40 cm each with
8-12 cm pleats. Bath mats 0.5-0.6 x 0.8-0.9 m, 8-20 mm pile (textile catalogues: 50 x 80 cm,
60 x 90 cm are the common sizes). Area rugs 1.2-2.2 m long at 0.55-0.75 of that wide (4 x 6 ft to
5 x 8 ft, 120 x 170 cm, 160 x 230 cm), 6-15 mm pile: the sizes that go under a coffee table or beside a
bed; Infinigen's rugs (4.6-6 m in the bank) cover whole floors and rarely fit there.
"""

from __future__ import annotations

import math

import numpy as np

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors

FABRICS = (("fabric.velvet.Velvet", 0.35), ("fabric.coarse_knit_fabric.CoarseKnitFabric", 0.25),
           ("fabric.lined_fabric.LinedFabric", 0.2), ("sheer", 0.2))  # Infinigen's fabrics read object coordinates
MAT_FABRICS = (("fabric.rug.Rug", 0.5), ("fabric.coarse_knit_fabric.CoarseKnitFabric", 0.35),
               ("fabric.velvet.Velvet", 0.15))


def pleated_panel(name: str, x0: float, x1: float, z0: float, z1: float, y: float, pitch: float, amp_top: float,
                  amp_bottom: float, flare: float, thickness: float, mat, parent, rings: int = 12):
    """A pleated fabric panel hanging from z1 to z0: a sine-folded sheet (``thickness`` thick) lofted top
    to bottom, its folds deepening from ``amp_top`` to ``amp_bottom`` and its free edge (towards +X when
    ``x1 > x0``) moving out by ``flare`` at the hem, so it falls fuller at the bottom."""
    folds = max(2, round(abs(x1 - x0) / pitch))
    m = folds * 8 + 1
    t = np.linspace(0.0, 1.0, m)
    loops = []
    for k, s in enumerate(np.linspace(0.0, 1.0, rings)):  # s = 0 at the top
        fall = s ** 1.5
        amp = amp_top + (amp_bottom - amp_top) * fall
        xs = x0 + (x1 - x0 + math.copysign(flare, x1 - x0) * fall) * t
        ys = y + amp * np.sin(2 * math.pi * folds * t) * np.minimum(1.0, 6 * np.minimum(t, 1 - t) + 0.3)
        z = z1 - (z1 - z0) * s
        front = np.column_stack([xs, ys + thickness / 2, np.full(m, z)])
        back = np.column_stack([xs, ys - thickness / 2, np.full(m, z)])[::-1]
        loops.append(np.concatenate([front, back]))
    return mesh.loft(name, loops, mat, cap=True, parent=parent)


class CurtainFactory(ProceduralFactory):
    """A pair of pleated curtains drawn open at the ends of a rod with rings, brackets and finials. Sizes
    and frame: module docstring."""

    def create_asset(self, **spawn):
        r = self.rng
        width = r.uniform(1.0, 2.9)
        drop = r.uniform(2.0, 2.55) if r.random() < 0.5 else r.uniform(1.3, 1.9)
        kind = surfaces.pick_weighted(r, FABRICS)
        fabric = (surfaces.principled("sheer", r.choice(((0.9, 0.9, 0.88), (0.85, 0.82, 0.75))), roughness=0.7,
                                      transmission=0.6) if kind == "sheer" else surfaces.infinigen(kind, self.seed))
        metal = surfaces.principled("rod", r.choice(((0.8, 0.8, 0.82), (0.03, 0.03, 0.03), (0.7, 0.52, 0.28),
                                                     (0.45, 0.3, 0.18))), roughness=r.uniform(0.15, 0.4),
                                    metallic=r.choice((1.0, 1.0, 0.0)))
        rod_r = r.uniform(0.0095, 0.0175)
        proj = r.uniform(0.1, 0.18)
        finial = r.uniform(0.03, 0.06)
        rod_z = drop - finial / 2 - 0.005
        root = mesh.empty("curtains")
        rod_len = width - 2 * finial
        mesh.cylinder("rod", rod_r, rod_len, (0, proj, rod_z), metal, axis="X", segments=16, parent=root)
        ball = r.random() < 0.6  # finials: balls or flat caps
        for s in (-1, 1):
            fx = s * (width / 2 - finial / 2)
            if ball:
                mesh.sphere(f"finial{s}", finial / 2, (fx, proj, rod_z), metal, segments=12, rings=8, parent=root)
            else:
                mesh.cylinder(f"finial{s}", rod_r * 1.5, finial, (fx, proj, rod_z), metal, axis="X", segments=16,
                              parent=root)
            bx = s * (rod_len / 2 - 0.06)
            mesh.cylinder(f"bracket{s}", 0.006, proj, (bx, proj / 2, rod_z), metal, axis="Y", segments=8, parent=root)
            mesh.cylinder(f"rose{s}", 0.022, 0.012, (bx, 0.006, rod_z), metal, axis="Y", segments=14, parent=root)
        panel_w = min(r.uniform(0.22, 0.4) * min(1.0, width / 1.2), 0.3 * width)
        pitch = r.uniform(0.08, 0.12)
        amp_top, amp_bottom = r.uniform(0.015, 0.025), r.uniform(0.035, 0.055)
        flare = r.uniform(0.03, 0.15)
        ring_major = rod_r + 0.008
        top = rod_z - ring_major - 0.004
        for s in (-1, 1):
            outer = s * (rod_len / 2 - 0.02)
            inner = outer - s * panel_w
            pleated_panel(f"panel{s}", outer, inner, 0.0, top, proj, pitch, amp_top, amp_bottom, flare, 0.004,
                          fabric, root)
            folds = max(2, round(panel_w / pitch))
            for k in range(folds + 1):
                x = outer - s * panel_w * k / folds
                mesh.torus(f"ring{s}_{k}", ring_major, 0.0025, (x, proj, rod_z - 0.003), metal, axis="X", segments=12,
                           ring_segments=6, parent=root)
        set_anchors(root, {"fabric_back": (0.0, proj - amp_bottom - 0.003, 0.0), "rod": (0.0, proj, rod_z)})
        return root


def soft_slab(name: str, w: float, d: float, h: float, corner: float, mat, parent, edge: float = 0.012):
    """A thin pile slab ``w x d x h`` with rounded corners and a soft, bevelled edge (``edge`` inset)."""
    rings = []
    for inset, z in ((edge, 0.0), (edge / 3, h * 0.25), (0.0, h * 0.55), (edge / 3, h * 0.85), (edge * 0.8, h)):
        prof = mesh.rounded_rect(w - 2 * inset, d - 2 * inset, max(0.005, corner - inset), n=8)
        rings.append(np.column_stack([prof, np.full(len(prof), z)]))
    return mesh.loft(name, rings, mat, parent=parent)


class AreaRugFactory(ProceduralFactory):
    """An area rug (rug): a thin pile slab in one of Infinigen's fabrics, square-cornered or softly rounded,
    with a fringe of tassels along the short ends at times. Sizes: module docstring."""

    def create_asset(self, **spawn):
        r = self.rng
        w = r.uniform(1.2, 2.2)
        d, h = w * r.uniform(0.55, 0.75), r.uniform(0.006, 0.015)
        mat = surfaces.infinigen(surfaces.pick_weighted(r, MAT_FABRICS), self.seed)
        root = mesh.empty("area_rug")
        soft_slab("rug", w, d, h, r.uniform(0.005, 0.05), mat, root, edge=0.006)
        if r.random() < 0.4:
            fringe = surfaces.principled("fringe", r.choice(((0.85, 0.82, 0.74), (0.3, 0.25, 0.2))), roughness=0.8,
                                         noise=0.3, noise_scale=400.0)
            length = r.uniform(0.04, 0.08)
            for s in (-1, 1):
                mesh.box(f"fringe{s}", (length, d - 0.02, 0.003), (s * (w / 2 + length / 2), 0, 0.0015), fringe,
                         parent=root)
        return root


class BathMatFactory(ProceduralFactory):
    """A soft bath mat (rug class: NYU40 floor mat, ADE20K rug): a thin rounded-cornered slab with a
    bevelled pile edge in one of Infinigen's fabrics. Sizes: module docstring. Frame: long side along X."""

    def create_asset(self, **spawn):
        r = self.rng
        w, d = r.uniform(0.8, 0.9), r.uniform(0.5, 0.6)
        h = r.uniform(0.008, 0.02)
        corner = r.uniform(0.03, 0.12)
        mat = surfaces.infinigen(surfaces.pick_weighted(r, MAT_FABRICS), self.seed)
        root = mesh.empty("bath_mat")
        soft_slab("mat", w, d, h, corner, mat, root)
        return root
