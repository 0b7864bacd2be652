"""Blender materials from scene-spec ``Material``: a Principled BSDF plus cheap procedural variation.

Each part gets its own material. Besides the shading network, every material writes two AOVs that
the label render reads (see ``pipeline.render.blender_render``):
- ``AOV_NORMAL``: the geometric ("True Normal") world-space normal of the hit triangle;
- ``AOV_INSTANCE``: the part's instance id as a constant (exact in float32 up to 2**24, unlike
  ``Object.pass_index``, which Blender caps at 32767).
AOVs are written for camera rays only, so they cost nothing in the light transport.

The variation modulates brightness around ``base_color`` (the colour a referring expression names
stays true on average) with one texture in object space, in metres, so patterns keep their physical
scale whatever the part size. Unknown kinds get plain Principled shading.
"""

from __future__ import annotations

import bpy

from pipeline.scene_spec import Material

AOV_NORMAL = "label_normal"
AOV_INSTANCE = "label_instance"

# kind -> (texture node type, texture settings, scale (1/m), brightness amplitude, roughness amplitude)
_VARIATION: dict[str, tuple[str, dict, float, float, float]] = {
    "wood": ("ShaderNodeTexWave", {"wave_type": "RINGS", "inputs": {"Distortion": 4.0, "Detail": 3.0}}, 3.0, 0.35, 0.1),
    "fabric": ("ShaderNodeTexNoise", {"inputs": {"Detail": 8.0, "Roughness": 0.8}}, 60.0, 0.25, 0.05),
    "tile": ("ShaderNodeTexBrick", {"inputs": {"Mortar Size": 0.01}}, 1.5, 0.4, 0.2),
    "concrete": ("ShaderNodeTexNoise", {"inputs": {"Detail": 10.0, "Roughness": 0.7}}, 8.0, 0.3, 0.15),
    "asphalt": ("ShaderNodeTexNoise", {"inputs": {"Detail": 12.0, "Roughness": 0.9}}, 40.0, 0.4, 0.1),
    "foliage": ("ShaderNodeTexVoronoi", {"inputs": {"Randomness": 1.0}}, 12.0, 0.45, 0.1),
    "stone": ("ShaderNodeTexVoronoi", {"inputs": {"Randomness": 0.8}}, 4.0, 0.3, 0.1),
    "plaster": ("ShaderNodeTexNoise", {"inputs": {"Detail": 4.0, "Roughness": 0.5}}, 3.0, 0.08, 0.05),
}


def _texture_factor(nodes, links, kind: str):
    """A scalar socket in [0, 1] with the kind's pattern, or None for plain materials."""
    recipe = _VARIATION.get(kind)
    if recipe is None:
        return None
    node_type, options, scale, _, _ = recipe
    coords = nodes.new("ShaderNodeTexCoord")
    tex = nodes.new(node_type)
    for attr, value in options.items():
        if attr != "inputs":
            setattr(tex, attr, value)
    for name, value in options.get("inputs", {}).items():
        tex.inputs[name].default_value = value
    tex.inputs["Scale"].default_value = scale
    links.new(coords.outputs["Object"], tex.inputs["Vector"])
    return tex.outputs["Fac"] if "Fac" in tex.outputs else tex.outputs["Distance"]


def _modulate(nodes, links, fac, base: float, amplitude: float, clamp: bool):
    """``base * (1 + amplitude * (fac - 0.5))`` as a node output, optionally clamped to [0, 1]."""
    centred = nodes.new("ShaderNodeMath")
    centred.operation = "MULTIPLY_ADD"
    centred.inputs[1].default_value = amplitude
    centred.inputs[2].default_value = 1.0 - amplitude / 2.0
    links.new(fac, centred.inputs[0])
    scaled = nodes.new("ShaderNodeMath")
    scaled.operation = "MULTIPLY"
    scaled.use_clamp = clamp
    scaled.inputs[1].default_value = base
    links.new(centred.outputs[0], scaled.inputs[0])
    return scaled.outputs[0]


def build_material(spec: Material, instance_id: int, name: str) -> bpy.types.Material:
    """A new Blender material for one part of instance ``instance_id``."""
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = nodes["Principled BSDF"]
    color = (*spec.base_color, 1.0)
    bsdf.inputs["Base Color"].default_value = color
    bsdf.inputs["Roughness"].default_value = spec.roughness
    bsdf.inputs["Metallic"].default_value = spec.metallic
    bsdf.inputs["Transmission Weight"].default_value = spec.transmission
    if spec.transmission > 0:
        bsdf.inputs["IOR"].default_value = 1.45
    if spec.emission_strength > 0:
        bsdf.inputs["Emission Color"].default_value = color
        bsdf.inputs["Emission Strength"].default_value = spec.emission_strength

    fac = _texture_factor(nodes, links, spec.kind)
    if fac is not None:
        _, _, _, amp, rough_amp = _VARIATION[spec.kind]
        brightness = _modulate(nodes, links, fac, 1.0, amp, clamp=False)
        tint = nodes.new("ShaderNodeMix")
        tint.data_type = "RGBA"
        tint.blend_type = "MULTIPLY"
        tint.inputs["Factor"].default_value = 1.0
        tint.inputs["A"].default_value = color
        links.new(brightness, tint.inputs["B"])
        links.new(tint.outputs["Result"], bsdf.inputs["Base Color"])
        links.new(_modulate(nodes, links, fac, spec.roughness, rough_amp, clamp=True), bsdf.inputs["Roughness"])

    geometry = nodes.new("ShaderNodeNewGeometry")
    aov_normal = nodes.new("ShaderNodeOutputAOV")
    aov_normal.aov_name = AOV_NORMAL
    links.new(geometry.outputs["True Normal"], aov_normal.inputs["Color"])
    aov_id = nodes.new("ShaderNodeOutputAOV")
    aov_id.aov_name = AOV_INSTANCE
    aov_id.inputs["Value"].default_value = float(instance_id)
    return mat
