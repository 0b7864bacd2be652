"""Kitchen counter runs from the asset bank's kitchen units (``content: infinigen``).

The bank's kitchen factories (pipeline/render/factories/kitchen.py) bake every unit as separate assets
of one class each: its carcass with fronts (``*_unit``), its worktop segment (``*_top``) and, for a sink
unit, the inset basin (``kitchen_sink``). All parts of one unit carry the anchors ``unit_origin``,
``unit_right`` and ``worktop_front``: the same physical points, read here (in each asset's own frame,
its bounding box centred on the origin) to pair the parts of a unit (same kind, width, worktop height
and depth) and to line them up. Units of one kitchen line share the worktop height and depth, so a run
is drawn from one line: no steps in the worktop, one set of fronts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from scenes.indoor import fixtures
from scenes.indoor.layout import Layout, Member
from scenes.shared.content import Catalogue, Variant, variant_piece
from scenes.shared.piece import Piece, Support

PARTS = {"base_unit": ("base", "body"), "base_top": ("base", "top"), "sink_unit": ("sink", "body"),
         "sink_top": ("sink", "top"), "kitchen_sink": ("sink", "basin"), "hob_unit": ("hob", "body"),
         "hob_top": ("hob", "top")}
NEEDS = {"base": ("body", "top"), "sink": ("body", "top", "basin"), "hob": ("body", "top")}
TOL = 1e-3  # metres: parts of one unit agree far closer; lines differ by more (continuous draws)
STOVE_STEP = 0.03  # a freestanding stove's hob may stand this far above or below the worktop


@dataclass(frozen=True)
class UnitPart:
    """A bank asset that is one part of a kitchen unit, with the unit's measures read from its anchors."""

    variant: Variant
    kind: str  # base, sink, hob
    part: str  # body, top, basin
    width: float
    height: float  # worktop top above the floor
    reach: float  # worktop front edge from the wall

    @property
    def origin(self) -> tuple[float, float, float]:
        return self.variant.anchor("unit_origin")

    def same_unit(self, other: UnitPart) -> bool:
        return self.kind == other.kind and self.same_line(other) and abs(self.width - other.width) < TOL

    def same_line(self, other: UnitPart) -> bool:
        return abs(self.height - other.height) < TOL and abs(self.reach - other.reach) < TOL


@dataclass(frozen=True)
class Unit:
    kind: str
    width: float
    parts: tuple[UnitPart, ...]  # body first, then top, then basin

    @property
    def line(self) -> UnitPart:
        return self.parts[0]


def unit_part(variant: Variant) -> UnitPart | None:
    """``variant`` read as a kitchen unit part, or ``None`` when it is none (or lacks the anchors)."""
    role = next((r for r in variant.roles if r in PARTS), None)
    names = dict(variant.anchors)
    if role is None or not {"unit_origin", "unit_right", "worktop_front"} <= set(names):
        return None
    o, right, front = names["unit_origin"], names["unit_right"], names["worktop_front"]
    kind, part = PARTS[role]
    return UnitPart(variant, kind, part, 2 * (right[0] - o[0]), front[2] - o[2], front[1] - o[1])


def units(catalogue: Catalogue) -> list[Unit]:
    """Every complete unit the catalogue can build: one variant of each part it needs, paired by measures."""
    parts = [p for p in (unit_part(v) for v in catalogue.variants) if p is not None]
    out = []
    for body in (p for p in parts if p.part == "body"):
        found = [body]
        for name in NEEDS[body.kind][1:]:
            match = next((p for p in parts if p.part == name and p.same_unit(body)), None)
            if match is None:
                break
            found.append(match)
        else:
            out.append(Unit(body.kind, body.width, tuple(found)))
    return out


def _piece(v: Variant) -> Piece:
    """``v`` standing on z = 0, footprint centred, with its measured support surfaces (a worktop's top)."""
    piece = variant_piece(v)
    h = v.size[2]
    return Piece(piece.class_name, piece.parts, tuple(Support(s["x0"], s["y0"], s["x1"], s["y1"], h / 2 + s["z"],
                                                              s["clearance"]) for s in v.supports),
                 source=piece.source)


def _unit_members(unit: Unit, x: float, first: int) -> list[Member]:
    """The unit's parts with ``unit_origin`` at (x, 0, 0) of the run's frame (wall at y = 0), each part
    standing on the one before it; ``first``: index of the body among the run's members."""
    members = []
    for k, p in enumerate(unit.parts):
        piece = _piece(p.variant)
        ox, oy, oz = p.origin
        z = -(oz + p.variant.size[2] / 2)
        members.append(Member(piece, x - ox, -oy, 0.0 if k == 0 else z, on=None if k == 0 else first + k - 1))
    return members


def _stove_fits(v: Variant, line: UnitPart) -> bool:
    names = dict(v.anchors)
    if "hob" not in names:
        return False
    hob_z = names["hob"][2] + v.size[2] / 2
    return abs(hob_z - line.height) <= STOVE_STEP and v.size[1] <= line.reach + 0.05


def counter_run(rng: random.Random, layout: Layout) -> bool:
    """A run of one kitchen line's units against a wall: plain base units, a sink unit, a hob unit or a
    freestanding stove that matches the worktop, and a refrigerator at one end. Returns False (nothing
    drawn or placed) when the catalogue has no complete base unit."""
    catalogue = layout.kit.catalogue
    found = units(catalogue) if catalogue is not None else []
    bases = [u for u in found if u.kind == "base"]
    if not bases:
        return False
    line = rng.choice(bases).line
    on_line = [u for u in found if u.line.same_line(line)]
    by_kind = {k: [u for u in on_line if u.kind == k] for k in NEEDS}
    seq: list = [rng.choice(by_kind["base"]) for _ in range(rng.randint(2, 4))]
    if by_kind["sink"] and rng.random() < 0.9:
        seq.insert(rng.randrange(len(seq) + 1), rng.choice(by_kind["sink"]))
    if rng.random() < 0.85:
        stoves = [v for v in catalogue.for_role("stove") if _stove_fits(v, line)]
        cooker = (rng.choice(stoves) if stoves and (not by_kind["hob"] or rng.random() < 0.3)
                  else rng.choice(by_kind["hob"]) if by_kind["hob"] else None)
        if cooker is not None:
            seq.insert(rng.randrange(len(seq) + 1), cooker)
    fridge = layout.kit.make(fixtures.refrigerator, rng) if rng.random() < 0.8 else None
    side = rng.choice((-1, 1))
    while seq:
        if layout.against_wall(_members(seq, fridge, side)) is not None:
            return True
        if fridge is not None:
            fridge = None
        else:
            seq.pop(rng.randrange(len(seq)))
    return True


def _members(seq: list, fridge, side: int) -> list[Member]:
    """Members of a run: ``seq`` (units, or a stove variant) left to right, centred on x = 0, the fridge
    at the ``side`` end; every back on the wall line y = 0."""
    widths = [u.width if isinstance(u, Unit) else u.size[0] + 0.006 for u in seq]
    total = sum(widths)
    x = -total / 2
    members: list[Member] = []
    for item, w in zip(seq, widths):
        if isinstance(item, Unit):
            members += _unit_members(item, x + w / 2, len(members))
        else:
            members.append(Member(_piece(item), x + w / 2, item.size[1] / 2))
        x += w
    if fridge is not None:
        fw = fridge.bbox.size[0]
        members.append(Member(fridge, side * (total / 2 + 0.02 + fw / 2), -fridge.bbox.lo[1]))
    return members
