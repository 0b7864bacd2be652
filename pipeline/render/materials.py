"""Blender materials from scene-spec ``Material``: a Principled BSDF plus cheap procedural variation.

Parts with equal ``Material`` values share one Blender material (a scene has far fewer distinct
materials than parts, and Cycles compiles one shader per material). Each is a copy of a per-kind
template, since copying a node tree is much cheaper than building one node by node from Python.

Every material writes two AOVs that the label render reads (see ``pipeline.render.blender_render``):
- ``AOV_NORMAL``: the world-space shading normal of the mesh at the hit point, without bump or normal
  maps: the mesh's corner normals (``SHADING_NORMAL_ATTRIBUTE``, written by
  :func:`pipeline.render.blender_scene.add_shading_normals`) interpolated across the triangle as Cycles
  interpolates smooth normals, so a smooth-shaded surface gets its smooth normal, a flat face its face
  normal, and custom split normals are kept. Turned to the side the ray came from on back faces;
  where a mesh lacks the attribute, the geometric ("True Normal") normal;
- ``AOV_INSTANCE``: the object's ``instance_id`` custom property (an object attribute, so one shared
  material serves many instances; exact in float32 up to 2**24, unlike ``Object.pass_index``, which
  Blender caps at 32767).
AOVs are written for camera rays only, so they cost nothing in the light transport.

The variation modulates brightness around ``base_color`` (the colour a referring expression names
stays true on average) with one texture in object space, in metres, so patterns keep their physical
scale whatever the part size. Kinds without a recipe get plain Principled shading.

Kinds ``infinigen:<module>.<Class>`` are Infinigen's own materials (wood floors, tiles, plaster, ...),
generated from the material's seed; the label AOVs are added to them the same way.

Glass and water are thin for shadow rays: these pass through, tinted by the material's colour, so sun
and lamps light a room through its windows and a stream's bed under the water. A refractive surface
would otherwise block direct light and leave only caustic paths, which a path tracer finds as noise
(measured in ``tests/test_render_blender.py``). Camera rays still see the refractive surface.
"""

from __future__ import annotations

import bpy

from pipeline.scene_spec import USER_PREFIX, Material

AOV_NORMAL = "label_normal"
SHADING_NORMAL_ATTRIBUTE = "label_shading_normal"
AOV_INSTANCE = "label_instance"
INSTANCE_PROPERTY = "instance_id"
INFINIGEN_PREFIX = "infinigen:"

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
    "metal": ("ShaderNodeTexNoise", {"inputs": {"Detail": 6.0, "Roughness": 0.6}}, 25.0, 0.08, 0.3),
    "paint": ("ShaderNodeTexNoise", {"inputs": {"Detail": 2.0, "Roughness": 0.5}}, 200.0, 0.05, 0.15),
    "plastic": ("ShaderNodeTexNoise", {"inputs": {"Detail": 3.0, "Roughness": 0.5}}, 15.0, 0.06, 0.25),
    "bark": ("ShaderNodeTexWave", {"wave_type": "BANDS", "bands_direction": "Z",
                                   "inputs": {"Distortion": 8.0, "Detail": 4.0}}, 6.0, 0.45, 0.1),
    "grass": ("ShaderNodeTexNoise", {"inputs": {"Detail": 10.0, "Roughness": 0.8}}, 30.0, 0.45, 0.1),
    "soil": ("ShaderNodeTexNoise", {"inputs": {"Detail": 8.0, "Roughness": 0.7}}, 12.0, 0.35, 0.1),
}
_TINT, _ROUGHNESS = "tint", "roughness_scale"  # names of the template nodes a copy sets per material
_SHADOW_TINT = "shadow_tint"  # the Transparent BSDF that shadow rays see in the kinds below
_SHADOW_TRANSPARENT = frozenset({"glass", "water"})
_OWN_TEMPLATE = frozenset(_VARIATION) | _SHADOW_TRANSPARENT  # every other kind shares the "plain" one


def _texture_factor(nodes, links, kind: str):
    """A scalar socket in [0, 1] with the kind's pattern."""
    node_type, options, scale, _, _ = _VARIATION[kind]
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


def _modulate(nodes, links, fac, amplitude: float, clamp: bool, name: str = ""):
    """``base * (1 + amplitude * (fac - 0.5))`` as a node whose input 1 is ``base``; optionally clamped to [0, 1]."""
    centred = nodes.new("ShaderNodeMath")
    centred.operation = "MULTIPLY_ADD"
    centred.inputs[1].default_value = amplitude
    centred.inputs[2].default_value = 1.0 - amplitude / 2.0
    links.new(fac, centred.inputs[0])
    scaled = nodes.new("ShaderNodeMath")
    scaled.operation = "MULTIPLY"
    scaled.use_clamp = clamp
    scaled.inputs[1].default_value = 1.0
    if name:
        scaled.name = name
    links.new(centred.outputs[0], scaled.inputs[0])
    return scaled


def _build_template(kind: str) -> bpy.types.Material:
    """The node network of ``kind`` with neutral parameters, label AOVs included."""
    mat = bpy.data.materials.new(f"template_{kind}")
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = nodes["Principled BSDF"]
    bsdf.inputs["IOR"].default_value = 1.45
    if kind in _VARIATION:
        _, _, _, amp, rough_amp = _VARIATION[kind]
        fac = _texture_factor(nodes, links, kind)
        brightness = _modulate(nodes, links, fac, amp, clamp=False)
        tint = nodes.new("ShaderNodeMix")
        tint.name = _TINT
        tint.data_type = "RGBA"
        tint.blend_type = "MULTIPLY"
        tint.inputs["Factor"].default_value = 1.0
        links.new(brightness.outputs[0], tint.inputs["B"])
        links.new(tint.outputs["Result"], bsdf.inputs["Base Color"])
        roughness = _modulate(nodes, links, fac, rough_amp, clamp=True, name=_ROUGHNESS)
        links.new(roughness.outputs[0], bsdf.inputs["Roughness"])
    if kind in _SHADOW_TRANSPARENT:
        _pass_shadow_rays(nodes, links, bsdf)

    add_label_aovs(mat)
    return mat


def add_label_aovs(mat: bpy.types.Material) -> None:
    """Make ``mat`` write the two label AOVs (shading normal without bump, object instance id); idempotent.

    Used for our own templates and for every material an Infinigen asset or material brings along.
    """
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    if any(n.bl_idname == "ShaderNodeOutputAOV" and n.aov_name == AOV_INSTANCE for n in nodes):
        return
    aov_normal = nodes.new("ShaderNodeOutputAOV")
    aov_normal.aov_name = AOV_NORMAL
    links.new(_label_normal(nodes, links), aov_normal.inputs["Color"])
    instance = nodes.new("ShaderNodeAttribute")
    instance.attribute_type = "INSTANCER"  # instanced geometry (leaves) takes its instancer's id
    instance.attribute_name = INSTANCE_PROPERTY
    aov_instance = nodes.new("ShaderNodeOutputAOV")
    aov_instance.aov_name = AOV_INSTANCE
    links.new(instance.outputs["Fac"], aov_instance.inputs["Value"])


def _label_normal(nodes, links):
    """World-space interpolated corner normal, turned towards the ray on back faces; True Normal where
    the mesh has no corner normals (Cycles has already turned that one)."""
    geometry = nodes.new("ShaderNodeNewGeometry")
    corner = nodes.new("ShaderNodeAttribute")
    corner.attribute_type = "GEOMETRY"
    corner.attribute_name = SHADING_NORMAL_ATTRIBUTE
    to_world = nodes.new("ShaderNodeVectorTransform")
    to_world.vector_type, to_world.convert_from, to_world.convert_to = "NORMAL", "OBJECT", "WORLD"
    links.new(corner.outputs["Vector"], to_world.inputs["Vector"])
    side = nodes.new("ShaderNodeMath")  # +1 on front faces, -1 on back faces
    side.operation = "MULTIPLY_ADD"
    links.new(geometry.outputs["Backfacing"], side.inputs[0])
    side.inputs[1].default_value, side.inputs[2].default_value = -2.0, 1.0
    turned = nodes.new("ShaderNodeVectorMath")
    turned.operation = "SCALE"
    links.new(to_world.outputs["Vector"], turned.inputs[0])
    links.new(side.outputs[0], turned.inputs["Scale"])
    length = nodes.new("ShaderNodeVectorMath")
    length.operation = "LENGTH"
    links.new(corner.outputs["Vector"], length.inputs[0])
    missing = nodes.new("ShaderNodeMath")
    missing.operation = "LESS_THAN"
    links.new(length.outputs["Value"], missing.inputs[0])
    missing.inputs[1].default_value = 0.5
    pick = nodes.new("ShaderNodeMix")
    pick.data_type = "VECTOR"
    links.new(missing.outputs[0], pick.inputs["Factor"])
    links.new(turned.outputs["Vector"], pick.inputs["A"])
    links.new(geometry.outputs["True Normal"], pick.inputs["B"])
    return pick.outputs["Result"]


def _pass_shadow_rays(nodes, links, bsdf) -> None:
    """Shadow rays see a Transparent BSDF instead of ``bsdf``, so direct light passes."""
    output = nodes["Material Output"]
    light_path = nodes.new("ShaderNodeLightPath")
    transparent = nodes.new("ShaderNodeBsdfTransparent")
    transparent.name = _SHADOW_TINT
    mix = nodes.new("ShaderNodeMixShader")
    links.new(light_path.outputs["Is Shadow Ray"], mix.inputs["Fac"])
    links.new(bsdf.outputs["BSDF"], mix.inputs[1])
    links.new(transparent.outputs["BSDF"], mix.inputs[2])
    links.new(mix.outputs["Shader"], output.inputs["Surface"])


_FRACTAL_TEXTURES = ("ShaderNodeTexNoise", "ShaderNodeTexVoronoi", "ShaderNodeTexWave")


def _shader_trees() -> list:
    trees = [m.node_tree for m in bpy.data.materials if m.use_nodes and m.node_tree is not None]
    return trees + [g for g in bpy.data.node_groups if g.bl_idname == "ShaderNodeTree"]


def _fixed_details(tree, above: float):
    """The fractal texture nodes of ``tree`` whose Detail is a constant above ``above``."""
    for node in list(tree.nodes):
        detail = node.inputs.get("Detail") if node.bl_idname in _FRACTAL_TEXTURES else None
        if detail is not None and not detail.is_linked and detail.default_value > above:
            yield detail


def cap_texture_detail(max_detail: float | None) -> int:
    """Cap the fractal detail (octaves) of every procedural texture in the scene's shaders at
    ``max_detail`` (``None``: as authored); return how many texture nodes were changed.

    Each octave is evaluated at every shading point, and each doubles the frequency: past about eight,
    they are far below a pixel and only add sub-pixel noise that the samples average away. Infinigen's
    concrete wires a dozen 4D noises at detail 14-15 into its colour and its bump (which evaluates them
    three more times): 90% of a street view's render time. Detail wired from another node is kept."""
    if max_detail is None:
        return 0
    changed = 0
    for tree in _shader_trees():
        for detail in _fixed_details(tree, max_detail):
            detail.default_value = max_detail
            changed += 1
    return changed


def limit_secondary_detail(max_detail: float | None) -> int:
    """Let rays other than camera rays (bounces, shadow rays) evaluate procedural textures with at most
    ``max_detail`` octaves (``None``: all); return how many texture nodes were changed.

    Indirect light averages a texture over a wide footprint, so its fine octaves add nothing there, yet
    they cost as much on a bounce as on a camera ray. The Detail input becomes
    ``max_detail + (detail - max_detail) * Is Camera Ray``, which Cycles evaluates per shading point, so
    camera rays (and the bump they shade) still see every octave and the pattern and its colour stay."""
    if max_detail is None:
        return 0
    changed = 0
    for tree in _shader_trees():
        ray = None
        for detail in _fixed_details(tree, max_detail):
            if ray is None:
                ray = tree.nodes.new("ShaderNodeLightPath")
            blend = tree.nodes.new("ShaderNodeMath")
            blend.operation = "MULTIPLY_ADD"
            tree.links.new(ray.outputs["Is Camera Ray"], blend.inputs[0])
            blend.inputs[1].default_value = detail.default_value - max_detail
            blend.inputs[2].default_value = max_detail
            tree.links.new(blend.outputs[0], detail)
            changed += 1
    return changed


def drop_bump() -> int:
    """Unlink the Displacement input of every material output (Cycles turns it into bump, evaluating its
    graph three more times per shading point); return how many were unlinked. Normal-map inputs stay."""
    dropped = 0
    for mat in bpy.data.materials:
        if not mat.use_nodes or mat.node_tree is None:
            continue
        for node in mat.node_tree.nodes:
            socket = node.inputs.get("Displacement") if node.bl_idname == "ShaderNodeOutputMaterial" else None
            if socket is not None and socket.is_linked:
                for link in list(socket.links):
                    mat.node_tree.links.remove(link)
                dropped += 1
    return dropped


def apply_shading_levers(settings) -> None:
    """The shader-side levers of :class:`~pipeline.render.settings.RenderSettings`, applied to the built
    scene's materials once per scene (the integrator-side ones are set per render in
    :func:`pipeline.render.blender_render.set_rgb_mode`). None of them reaches a label."""
    cap_texture_detail(settings.max_texture_detail)
    limit_secondary_detail(settings.secondary_texture_detail)
    if not settings.bump:
        drop_bump()


def infinigen_library_material(kind: str, seed: int) -> bpy.types.Material:
    """Infinigen's material ``kind`` (``module.Class`` with ``generate()``, or ``module.shader_fn``, under
    ``infinigen.assets.materials``) generated with ``seed``, made to write the label AOVs."""
    import importlib

    from pipeline.render.infinigen_boot import init_infinigen

    init_infinigen()
    from infinigen.core.util.math import FixedSeed

    from infinigen.core.surface import shaderfunc_to_material

    module, name = kind.rsplit(".", 1)
    made = getattr(importlib.import_module(f"infinigen.assets.materials.{module}"), name)
    with FixedSeed(seed):
        mat = shaderfunc_to_material(made) if name.startswith("shader_") else made().generate()
    add_label_aovs(mat)
    mat.displacement_method = "BUMP"  # true displacement would move surfaces away from the label geometry
    return mat


def _infinigen_material(spec: Material) -> bpy.types.Material:
    return infinigen_library_material(spec.kind[len(INFINIGEN_PREFIX):], spec.seed)


USER_MATERIAL_PREFIX = "user_material_"  # name prefix of the material a user-material bank file holds


class MaterialLibrary:
    """The Blender materials of one scene: one per distinct ``Material``, made on first use.

    ``asset_file`` maps an asset-bank key to a local file: user materials (``kind == "user:<name>"``)
    are appended from their bank ``.blend`` (:mod:`pipeline.render.user_bake`)."""

    def __init__(self, asset_file=None) -> None:
        self._templates: dict[str, bpy.types.Material] = {}
        self._materials: dict[Material, bpy.types.Material] = {}
        self._asset_file = asset_file
        self._user: dict[str, bpy.types.Material] = {}  # bank key -> the user material, appended once

    def get(self, spec: Material) -> bpy.types.Material:
        mat = self._materials.get(spec)
        if mat is None:
            mat = self._materials[spec] = self._make(spec)
        return mat

    def _make(self, spec: Material) -> bpy.types.Material:
        if spec.kind.startswith(INFINIGEN_PREFIX):
            return _infinigen_material(spec)
        if spec.kind.startswith(USER_PREFIX):
            return self._user_material(spec)
        template_kind = spec.kind if spec.kind in _OWN_TEMPLATE else "plain"
        template = self._templates.get(template_kind)
        if template is None:
            template = self._templates[template_kind] = _build_template(template_kind)
        mat = template.copy()
        mat.name = f"{spec.kind}_{len(self._materials)}"
        nodes = mat.node_tree.nodes
        bsdf = nodes["Principled BSDF"]
        color = (*spec.base_color, 1.0)
        bsdf.inputs["Base Color"].default_value = color
        bsdf.inputs["Roughness"].default_value = spec.roughness
        bsdf.inputs["Metallic"].default_value = spec.metallic
        bsdf.inputs["Transmission Weight"].default_value = spec.transmission
        if spec.emission_strength > 0:
            bsdf.inputs["Emission Color"].default_value = color
            bsdf.inputs["Emission Strength"].default_value = spec.emission_strength
        if spec.kind in _SHADOW_TRANSPARENT:
            nodes[_SHADOW_TINT].inputs["Color"].default_value = color
        if spec.kind in _VARIATION:
            nodes[_TINT].inputs["A"].default_value = color
            nodes[_ROUGHNESS].inputs[1].default_value = spec.roughness
        return mat

    def _user_material(self, spec: Material) -> bpy.types.Material:
        """The user material of ``spec.asset``, appended from the bank once per scene (parts of
        different base colours share it: the maps are the colour)."""
        if self._asset_file is None or spec.asset is None:
            raise ValueError(f"material {spec.kind}: a user material needs the asset bank")
        if spec.asset in self._user:
            return self._user[spec.asset]
        with bpy.data.libraries.load(str(self._asset_file(spec.asset)), link=False) as (src, dst):
            dst.materials = [n for n in src.materials if n.startswith(USER_MATERIAL_PREFIX)]
        if len(dst.materials) != 1:
            raise ValueError(f"user material {spec.kind} ({spec.asset[:12]}...): expected one "
                             f"{USER_MATERIAL_PREFIX}* material in its bank file, found {len(dst.materials)}")
        mat = self._user[spec.asset] = dst.materials[0]
        add_label_aovs(mat)
        mat.displacement_method = "BUMP"
        return mat
