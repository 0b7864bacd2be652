"""Procedural PBR materials with randomised parameters per kind.

A material's ``kind`` picks the renderer's shader recipe; its colour comes from a named palette so that
``color_name`` stays true for referring expressions (the sampled colour is a small jitter of the named one).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pipeline.scene_spec import Material

# Linear-RGB reference colours for the names used in referring expressions.
COLORS: dict[str, tuple[float, float, float]] = {
    "white": (0.80, 0.80, 0.78),
    "cream": (0.78, 0.70, 0.50),
    "beige": (0.55, 0.44, 0.28),
    "light gray": (0.42, 0.42, 0.42),
    "gray": (0.18, 0.18, 0.18),
    "dark gray": (0.06, 0.06, 0.06),
    "black": (0.015, 0.015, 0.015),
    "silver": (0.60, 0.60, 0.62),
    "gold": (0.75, 0.52, 0.18),
    "light brown": (0.40, 0.24, 0.11),
    "brown": (0.20, 0.10, 0.04),
    "dark brown": (0.07, 0.035, 0.015),
    "red": (0.55, 0.03, 0.03),
    "dark red": (0.20, 0.01, 0.01),
    "orange": (0.80, 0.26, 0.02),
    "yellow": (0.80, 0.60, 0.03),
    "light green": (0.30, 0.55, 0.18),
    "green": (0.06, 0.30, 0.05),
    "dark green": (0.02, 0.10, 0.02),
    "olive": (0.20, 0.20, 0.04),
    "teal": (0.02, 0.25, 0.25),
    "light blue": (0.35, 0.55, 0.80),
    "blue": (0.03, 0.10, 0.50),
    "navy": (0.01, 0.02, 0.12),
    "purple": (0.18, 0.04, 0.35),
    "pink": (0.80, 0.35, 0.45),
    "clear": (0.95, 0.95, 0.95),
}


@dataclass(frozen=True)
class Recipe:
    """Parameter ranges of one material kind: colour names, roughness, metallic, transmission."""

    colors: tuple[str, ...]
    roughness: tuple[float, float]
    metallic: tuple[float, float] = (0.0, 0.0)
    transmission: tuple[float, float] = (0.0, 0.0)


KINDS: dict[str, Recipe] = {
    "wood": Recipe(("light brown", "brown", "dark brown", "beige", "white", "black"), (0.35, 0.75)),
    "fabric": Recipe(("white", "cream", "beige", "light gray", "gray", "dark gray", "black", "red", "dark red",
                      "orange", "yellow", "green", "olive", "teal", "light blue", "blue", "navy", "purple",
                      "pink", "brown"), (0.75, 1.0)),
    "tile": Recipe(("white", "cream", "beige", "light gray", "gray", "black", "light blue", "blue", "green"),
                   (0.08, 0.35)),
    "plaster": Recipe(("white", "cream", "beige", "light gray", "light blue", "light green", "pink"), (0.7, 0.95)),
    "concrete": Recipe(("light gray", "gray", "dark gray", "beige"), (0.75, 0.95)),
    "asphalt": Recipe(("dark gray", "black"), (0.8, 1.0)),
    "metal": Recipe(("silver", "gray", "dark gray", "black", "gold"), (0.15, 0.5), (1.0, 1.0)),
    "paint": Recipe(("white", "black", "silver", "gray", "red", "dark red", "blue", "navy", "green", "yellow",
                     "orange", "light blue", "beige"), (0.1, 0.35), (0.2, 0.7)),
    "plastic": Recipe(("white", "black", "gray", "red", "orange", "yellow", "green", "blue", "light blue",
                       "purple", "pink", "teal"), (0.2, 0.6)),
    "ceramic": Recipe(("white", "cream", "light gray", "black", "blue", "teal", "red", "green"), (0.05, 0.3)),
    "mirror": Recipe(("silver",), (0.0, 0.03), (1.0, 1.0)),
    "glass": Recipe(("clear",), (0.0, 0.05), (0.0, 0.0), (1.0, 1.0)),
    "foliage": Recipe(("light green", "green", "dark green", "olive"), (0.5, 0.8)),
    "bark": Recipe(("brown", "dark brown", "gray"), (0.8, 1.0)),
    "stone": Recipe(("light gray", "gray", "dark gray", "beige", "brown"), (0.6, 0.95)),
    "soil": Recipe(("brown", "dark brown", "beige"), (0.85, 1.0)),
    "grass": Recipe(("green", "light green", "olive"), (0.8, 1.0)),
    "water": Recipe(("blue", "teal", "navy"), (0.0, 0.05), (0.0, 0.0), (0.9, 1.0)),
    "rubber": Recipe(("black", "dark gray"), (0.8, 0.95)),
    "paper": Recipe(("white", "cream", "red", "blue", "green", "yellow", "black", "orange"), (0.6, 0.9)),
    "skin": Recipe(("beige", "light brown", "brown", "dark brown", "cream"), (0.4, 0.7)),
    "light": Recipe(("white",), (0.5, 0.5)),
}


def material(rng: random.Random, kind: str, colors: tuple[str, ...] | None = None,
             emission: float = 0.0) -> Material:
    """Sample a material of ``kind``; ``colors`` narrows the allowed colour names."""
    recipe = KINDS[kind]
    name = rng.choice(colors or recipe.colors)
    base = tuple(min(1.0, c * rng.uniform(0.88, 1.12)) for c in COLORS[name])
    return Material(
        kind=kind,
        base_color=base,  # type: ignore[arg-type]
        color_name=name,
        roughness=round(rng.uniform(*recipe.roughness), 4),
        metallic=round(rng.uniform(*recipe.metallic), 4),
        transmission=round(rng.uniform(*recipe.transmission), 4),
        emission_strength=float(emission),
    )


# Infinigen materials per surface, for content: infinigen. Entries are ``module.Class`` (a class with
# ``generate()``) or ``module.shader_fn`` (a shader function) under infinigen.assets.materials.
INFINIGEN_SURFACES: dict[str, tuple[str, ...]] = {
    "floor": ("wood.hardwood_floor.HardwoodFloor", "wood.tiled_wood.TiledWood", "wood.square_wood_tile.SquareWoodTile",
              "ceramic.tile.Tile", "ceramic.marble.Marble", "wood.composite_wood_tile.CompositeWoodTile"),
    "wall": ("ceramic.plaster.Plaster",),
    "ceiling": ("ceramic.plaster.Plaster",),
    "ground": ("terrain.soil.shader_soil", "terrain.dirt.shader_dirt",
               "terrain.cracked_ground.shader_cracked_ground"),
    "mountain": ("terrain.stone.shader_stone", "terrain.chunkyrock.shader_rocks"),
    "road": ("ceramic.concrete.Concrete", "terrain.cobble_stone.shader_cobblestone"),
    "sidewalk": ("ceramic.tile.Tile", "ceramic.concrete.Concrete", "terrain.cobble_stone.shader_cobblestone"),
    "curb": ("ceramic.concrete.Concrete", "terrain.stone.shader_stone"),
    "facade": ("ceramic.brick.Brick", "ceramic.plaster.Plaster", "ceramic.concrete.Concrete"),
}


def infinigen_material(rng: random.Random, surface: str) -> Material:
    """An Infinigen material for ``surface`` (a key of ``INFINIGEN_SURFACES``), with its own seed."""
    kind = rng.choice(INFINIGEN_SURFACES[surface])
    return Material(kind=f"infinigen:{kind}", base_color=(0.5, 0.5, 0.5), color_name="", roughness=0.5,
                    seed=rng.randrange(2**31))
