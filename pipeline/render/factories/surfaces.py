"""Materials for the procedural factories: plain principled ones (cheap to render) and Infinigen's.

Render cost matters (BENCHMARKS.md, issue 22): Infinigen's node trees are evaluated at every sample, so
factories use them for the surfaces that carry an asset's look (a facade's brick, a bench's wood, a
car's worn metal) and plain :func:`principled` materials, with at most a light noise, for the rest.
"""

from __future__ import annotations

import random

import bpy

from pipeline.render.materials import infinigen_library_material

# Car paint colours by share of new cars (a world-wide survey: white, black, grey, silver lead).
CAR_PAINT = (((0.80, 0.80, 0.78), 0.35), ((0.012, 0.012, 0.012), 0.19), ((0.16, 0.16, 0.17), 0.18),
             ((0.55, 0.56, 0.58), 0.09), ((0.03, 0.09, 0.40), 0.07), ((0.45, 0.02, 0.02), 0.06),
             ((0.12, 0.07, 0.03), 0.02), ((0.04, 0.20, 0.06), 0.02), ((0.75, 0.50, 0.03), 0.01),
             ((0.70, 0.22, 0.02), 0.01))


def pick_weighted(rng: random.Random, table):
    """One value of ``table`` ((value, weight), ...), drawn by weight."""
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


def principled(name: str, color, roughness: float = 0.5, metallic: float = 0.0, transmission: float = 0.0,
               coat: float = 0.0, emission: float = 0.0, emission_color=None, ior: float = 1.45,
               noise: float = 0.0, noise_scale: float = 40.0) -> bpy.types.Material:
    """A Principled BSDF material; ``noise`` > 0 modulates the colour by that fraction with a cheap
    3-octave noise (dirt, grain), so large plain surfaces do not look flat."""
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = nodes["Principled BSDF"]
    rgba = (*color[:3], 1.0)
    bsdf.inputs["Base Color"].default_value = rgba
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    bsdf.inputs["Transmission Weight"].default_value = transmission
    bsdf.inputs["IOR"].default_value = ior
    bsdf.inputs["Coat Weight"].default_value = coat
    if emission > 0:
        bsdf.inputs["Emission Color"].default_value = (*(emission_color or color)[:3], 1.0)
        bsdf.inputs["Emission Strength"].default_value = emission
    if noise > 0:
        tex = nodes.new("ShaderNodeTexNoise")
        tex.inputs["Scale"].default_value = noise_scale
        tex.inputs["Detail"].default_value = 3.0
        mix = nodes.new("ShaderNodeMix")
        mix.data_type = "RGBA"
        mix.blend_type = "MULTIPLY"
        mix.inputs["Factor"].default_value = noise
        mix.inputs["A"].default_value = rgba
        links.new(tex.outputs["Color"], mix.inputs["B"])
        links.new(mix.outputs["Result"], bsdf.inputs["Base Color"])
    return mat


def glass(name: str = "glass", tint=(0.85, 0.9, 0.9), dark: float = 0.0) -> bpy.types.Material:
    """Window glass; ``dark`` in [0, 1] tints it towards black (privacy glass, shop windows at night)."""
    c = tuple(v * (1.0 - 0.9 * dark) for v in tint)
    return principled(name, c, roughness=0.02, transmission=1.0, ior=1.5)


def rubber(name: str = "rubber") -> bpy.types.Material:
    return principled(name, (0.02, 0.02, 0.02), roughness=0.85, noise=0.15, noise_scale=200.0)


def chrome(name: str = "chrome") -> bpy.types.Material:
    return principled(name, (0.8, 0.8, 0.82), roughness=0.08, metallic=1.0)


def lamp(name: str, color=(1.0, 0.95, 0.85), strength: float = 0.0) -> bpy.types.Material:
    """A lamp lens: translucent-looking, glowing when ``strength`` > 0 (a lit signal, a tail light)."""
    return principled(name, color, roughness=0.15, emission=strength, emission_color=color)


def infinigen(kind: str, seed: int) -> bpy.types.Material:
    """Infinigen's material ``kind`` (e.g. ``metal.brushed_metal.BrushedMetal``, ``ceramic.brick.Brick``,
    ``fabric.leather.Leather``, ``wood.wood.Wood``, ``plastic.plastic_rough.PlasticRough``) with ``seed``."""
    return infinigen_library_material(kind, seed)
