"""The user's content in generated scenes: which models a scene places, and the materials and HDRIs
that dress it (pure: plain data in, plain data out, no Blender).

Models: with ``use_prob`` a scene of a family that offers placements places ``per_scene`` models drawn
from those the family may use; each family puts them where their ``placement`` says with its own
no-overlap layout code (:mod:`scenes.indoor.family`, :mod:`scenes.street.family` and
:mod:`scenes.nature.family` call :func:`models_for`). Materials: with ``use_prob`` per class, every object of a class a user material
applies to takes it. HDRIs: an HDRI-lit world draws its map from the pool of the bundled maps for its
use plus the user's (one pool, each map equally likely), at a random rotation and, for a user map, a
strength from its range. These draws use their own random streams, so a job without user content
makes exactly the scenes it made before, and one with it keeps every other choice of the scene.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace

from pipeline.scene_spec import USER_PREFIX, Material, SceneSpec
from scenes.shared.assets import hdris_for
from scenes.shared.content import Catalogue, variant_piece
from scenes.shared.piece import Piece
from scenes.shared.user_assets import HDRI_USE_OF_FAMILY

def models_for(catalogue: Catalogue | None, family: str, seed: int) -> list[tuple[Piece, str]]:
    """The user models a scene of ``family`` with ``seed`` places, each as a piece standing at the origin
    (front +Y) with its ``placement``, in the order to place them; empty when the draw against
    ``use_prob`` says no or the family may place none of them."""
    user = catalogue.user if catalogue is not None else None
    eligible = user.models_for(family) if user is not None else ()
    if not eligible:
        return []
    rng = random.Random(f"{family}:{seed}:user-models")
    if rng.random() >= user.use_prob:
        return []
    n = rng.randint(*user.per_scene)
    chosen = [rng.choice(eligible) for _ in range(n)]
    return [(variant_piece(v), v.placement) for v in chosen]


def dress(spec: SceneSpec, catalogue: Catalogue | None) -> SceneSpec:
    """``spec`` with user materials on the classes they apply to, and an HDRI world drawn from the
    joined pool, turned at random; the choices are recorded in ``extra`` (``lighting``,
    ``hdri_rotation_deg``, ``user_materials``)."""
    if spec.family not in HDRI_USE_OF_FAMILY:
        return spec
    user = catalogue.user if catalogue is not None else None
    rng = random.Random(f"{spec.family}:{spec.seed}:user-dress")
    extra = dict(spec.extra)
    objects = spec.objects
    if user is not None and user.materials:
        chosen: dict[str, tuple[str, str]] = {}  # class -> (material name, bank key)
        for cls in sorted({o.class_name for o in objects}):
            fits = [m for m in user.materials if cls in m.tags]
            if fits and rng.random() < user.use_prob:
                m = rng.choice(fits)
                chosen[cls] = (m.name, m.key)
        if chosen:
            objects = tuple(_with_material(o, *chosen[o.class_name]) if o.class_name in chosen else o
                            for o in objects)
            extra["user_materials"] = {cls: name for cls, (name, _) in sorted(chosen.items())}
    world = spec.world
    if world.kind == "hdri":
        use = "night" if extra.get("time_of_day") == "night" else HDRI_USE_OF_FAMILY[spec.family]
        bundled = hdris_for(use)
        mine = [h for h in (user.hdris if user is not None else ()) if use in h.tags]
        pick = rng.randrange(len(bundled) + len(mine)) if (bundled or mine) else 0
        rotation = rng.uniform(0.0, 2.0 * math.pi)
        if pick >= len(bundled):
            h = mine[pick - len(bundled)]
            world = replace(world, hdri=f"{USER_PREFIX}{h.name}", asset=h.key,
                            strength=round(rng.uniform(*h.strength), 3))
        world = replace(world, rotation=round(rotation, 6))
        extra.update(lighting=f"hdri:{world.hdri}", hdri_rotation_deg=round(math.degrees(rotation), 3),
                     hdri_strength=world.strength)
    return replace(spec, objects=objects, world=world, extra=extra)


def _with_material(obj, name: str, key: str):
    """``obj`` with the user material on its own surfaces (asset parts keep the asset's materials)."""
    parts = tuple(p if p.shape == "asset" else replace(p, material=_material(p.material, name, key))
                  for p in obj.parts)
    return replace(obj, parts=parts)


def _material(base: Material, name: str, key: str) -> Material:
    return Material(f"{USER_PREFIX}{name}", base.base_color, "", asset=key)
