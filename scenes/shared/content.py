"""Where a family's pieces come from: baked Infinigen assets from the asset bank, or our primitives.

Families keep their own layout logic and build every piece with a primitive generator first (the
fast ``content: primitive`` mode uses that piece as it is). With ``content: infinigen``, :meth:`Kit.swap`
replaces it by a bank variant of a factory that plays the same role: the variant keeps its real metric
size and brings its measured support surfaces; the layout code reads sizes from the returned piece, so
placement and the no-overlap checks work on the asset's true bounding box.

A :class:`Catalogue` is plain data (bank keys, sizes, supports), so generation stays a pure function of
``(params, seed)`` given the bank, and needs no Blender.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Callable, Literal

from pipeline.scene_spec import Material, Part
from scenes.shared.geometry import AABB
from scenes.shared.piece import Piece, Support

Content = Literal["infinigen", "primitive"]
# placeholder: assets bring their own materials, whose colours are procedural and so have no name
ASSET_MATERIAL = Material("asset", (0.5, 0.5, 0.5), "")


@dataclass(frozen=True)
class Variant:
    """One baked asset in the bank: ``size`` (w, d, h) in metres with front +Y; supports in its frame
    (bounding box centred on the origin), as dicts with x0, y0, x1, y1, z, clearance.

    ``origin`` "infinigen" or "procedural" (``factory``: the factory's name, placed by ``roles``; a
    procedural asset may carry named ``anchors``) or "user" (``factory``: the user's entry name, placed by
    ``placement`` in ``families``)."""

    key: str
    factory: str
    class_name: str
    roles: tuple[str, ...]
    size: tuple[float, float, float]
    supports: tuple[dict, ...] = ()
    origin: str = "infinigen"
    placement: str = ""
    families: tuple[str, ...] = ()
    anchors: tuple[tuple[str, tuple[float, float, float]], ...] = ()

    def anchor(self, name: str) -> tuple[float, float, float] | None:
        """Named point of a procedural asset, in its frame (bounding box centred on the origin), or
        ``None`` when it has none of that name (as :meth:`scenes.shared.piece.Piece.anchor`)."""
        return dict(self.anchors).get(name)

    @property
    def source(self) -> str:
        return f"{self.origin}:{self.factory}"


@dataclass(frozen=True)
class UserRef:
    """A user HDRI (``tags``: its uses, ``strength``: its range) or PBR material (``tags``: the classes
    it applies to), by name and bank key."""

    name: str
    key: str
    tags: tuple[str, ...]
    strength: tuple[float, float] = (1.0, 1.0)


@dataclass(frozen=True)
class UserContent:
    """The user's models, HDRIs and materials a job may use, and how often (``assets`` in the config)."""

    models: tuple[Variant, ...] = ()
    hdris: tuple[UserRef, ...] = ()
    materials: tuple[UserRef, ...] = ()
    use_prob: float = 0.0
    per_scene: tuple[int, int] = (1, 3)

    def models_for(self, family: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.models if family in v.families)


@dataclass(frozen=True)
class Catalogue:
    """Bank variants by role, in bank order (factory name, then seed), and the user's content."""

    variants: tuple[Variant, ...]
    user: UserContent = UserContent()

    def for_role(self, role: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if role in v.roles)

    def __len__(self) -> int:
        return len(self.variants)


class Kit:
    """Swaps primitive pieces for bank assets of the same role (``catalogue=None``: primitives only)."""

    def __init__(self, catalogue: Catalogue | None, family: str):
        self.catalogue = catalogue
        self.family = family

    def make(self, maker: Callable, rng: random.Random, *args, role: str | None = None,
             max_size: tuple[float, float, float] | None = None, **kwargs):
        """``maker(rng, *args, **kwargs)`` (a primitive generator), swapped by :meth:`swap` under ``role``
        (default: the maker's name). Makers returning ``(piece, height)`` get the piece swapped."""
        made = maker(rng, *args, **kwargs)
        role = role or maker.__name__
        if isinstance(made, tuple):
            return (self.swap(role, made[0], rng, max_size), *made[1:])
        return self.swap(role, made, rng, max_size)

    def variants(self, role: str) -> tuple[Variant, ...]:
        """The bank variants of ``role`` (none with primitives only)."""
        return () if self.catalogue is None else self.catalogue.for_role(role)

    def piece(self, role: str, rng: random.Random) -> Piece | None:
        """A bank variant of ``role`` standing on z = 0 (for pieces that have no primitive), or ``None``."""
        found = self.variants(role)
        return variant_piece(rng.choice(found)) if found else None

    def pick(self, role: str, rng: random.Random, fits: Callable[[tuple[float, float, float]], bool]
             ) -> Variant | None:
        """A bank variant of ``role`` whose size passes ``fits``, or ``None`` (primitives only, or none fits).

        For pieces whose surroundings are cut to the asset (doors and windows in their wall holes)."""
        if self.catalogue is None:
            return None
        fitting = [v for v in self.catalogue.for_role(role) if fits(v.size)]
        return rng.choice(fitting) if fitting else None

    def swap(self, role: str, piece: Piece, rng: random.Random, max_size: tuple[float, float, float] | None = None,
             ) -> Piece:
        """``piece`` itself, or a bank variant of ``role`` no larger than ``max_size`` anchored where it stood."""
        if self.catalogue is None:
            return replace(piece, source=f"primitive:{self.family}")
        fits = [v for v in self.catalogue.for_role(role)
                if max_size is None or all(a <= b + 1e-9 for a, b in zip(v.size, max_size))]
        if not fits:
            return replace(piece, source=f"primitive:{self.family}")
        return asset_piece(rng.choice(fits), piece)


def asset_piece(variant: Variant, stand_in: Piece) -> Piece:
    """``variant`` as a piece in ``stand_in``'s local frame.

    Anchoring: the footprint centre stays where the stand-in's was (layouts space group members by
    half-sizes from the centre), and the bottom stays on the stand-in's bottom, or the top on its top for
    pieces hung from their origin (ceiling lights). A procedural asset with a ``base`` anchor (the foot
    of a lamp post whose arm overhangs the road) puts that point on the stand-in's origin instead. Lights the stand-in carried move with the size
    change; support surfaces are the asset's own, marked soft if the stand-in's were.
    """
    w, d, h = variant.size
    old: AABB = stand_in.bbox
    hung = old.hi[2] <= 1e-6
    cx = (old.lo[0] + old.hi[0]) / 2
    cy = (old.lo[1] + old.hi[1]) / 2
    base = variant.anchor("base")
    if base is not None:
        cx, cy = -base[0], -base[1]
    cz = old.hi[2] - h / 2 if hung else old.lo[2] + h / 2
    part = Part("asset", (cx, cy, cz), (w, d, h), ASSET_MATERIAL, asset=variant.key)
    ow, od, oh = (max(old.hi[i] - old.lo[i], 1e-6) for i in range(3))
    lights = tuple(replace(li, location=(cx + (li.location[0] - (old.lo[0] + old.hi[0]) / 2) * w / ow,
                                         cy + (li.location[1] - (old.lo[1] + old.hi[1]) / 2) * d / od,
                                         cz + (li.location[2] - (old.lo[2] + old.hi[2]) / 2) * h / oh),
                           size=li.size * min(w / ow, d / od) if li.kind == "area" else li.size)
                   for li in stand_in.lights)
    soft = any(s.soft for s in stand_in.supports)
    supports = tuple(Support(cx + s["x0"], cy + s["y0"], cx + s["x1"], cy + s["y1"], cz + s["z"],
                             s["clearance"], soft) for s in variant.supports)
    return Piece(variant.class_name, (part,), supports, lights, source=variant.source,
                 anchors=_moved_anchors(variant, (cx, cy, cz)))


def variant_piece(variant: Variant, centre: tuple[float, float, float] | None = None) -> Piece:
    """``variant`` as a piece with its bounding box centred on ``centre`` (default: standing on z = 0,
    footprint centred on the origin), front +Y."""
    w, d, h = variant.size
    centre = centre or (0.0, 0.0, h / 2)
    return Piece(variant.class_name, (Part("asset", centre, (w, d, h), ASSET_MATERIAL, asset=variant.key),),
                 source=variant.source, anchors=_moved_anchors(variant, centre))


def anchored_piece(variant: Variant, anchor: str, at: tuple[float, float, float]) -> Piece:
    """``variant`` placed so that its anchor ``anchor`` lies at ``at`` (a rider's seat on a saddle)."""
    a = variant.anchor(anchor)
    return variant_piece(variant, (at[0] - a[0], at[1] - a[1], at[2] - a[2]))


def _moved_anchors(variant: Variant, centre) -> tuple:
    return tuple((k, (centre[0] + p[0], centre[1] + p[1], centre[2] + p[2])) for k, p in variant.anchors)


def kit_for(content: Content, catalogue: Catalogue | None, family: str) -> Kit:
    """The kit of a family's ``content`` param; Infinigen content needs the bank's catalogue."""
    if content == "primitive":
        return Kit(None, family)
    if catalogue is None:
        raise ValueError(f"{family}: content 'infinigen' needs the asset bank's catalogue "
                         "(jobs build the bank first; pass catalogue=..., or use content: primitive)")
    return Kit(catalogue, family)
