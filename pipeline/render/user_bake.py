"""Bake the user's models and PBR materials into asset-bank ``.blend`` files (run as a child process).

A model is imported with the importer of its format (glTF/GLB, OBJ+MTL, FBX, PLY, STL, USD, or the
objects of a ``.blend``), joined into one labelled mesh like an Infinigen asset
(:mod:`pipeline.render.asset_build`): scaled to metres (``scale``, or ``target_size`` for its largest
dimension), front turned to +Y, bounding box centred on the origin, textures packed into the file,
support surfaces measured. A material folder becomes one Blender material whose maps are read through
the ``metric_uv`` map the renderer gives every surface it is applied to (one texture tile per
``size_m`` metres); a DX normal map has its green channel flipped to the GL convention; displacement
is bump only, so depth and normal labels stay those of the geometry.

``python -m pipeline.render.user_bake JOBS.json RESULTS.json``: each job is ``{"kind": "model" |
"material", "name", "out", ...}``; each result is the job's facts or ``{"name", "error"}``, so one
bad entry is reported by name and the others still bake.
"""

from __future__ import annotations

import json
import math
import sys
import time
from functools import cache
from pathlib import Path

import bpy
import numpy as np

from pipeline.render.asset_build import (bake_to_one_mesh, evaluated_size, find_supports, instance_corners,
                                         instancers_of, labelled_materials, normalise, polygon_arrays)
from pipeline.render.blender_scene import ASSET_PREFIX, METRIC_UV, clear_scene
from pipeline.render.materials import USER_MATERIAL_PREFIX, add_label_aovs

BUMP_DISTANCE_M = 0.01  # height-map relief as bump (shading only)
ADDONS = ("io_scene_gltf2", "io_scene_fbx")


@cache
def _importers() -> dict:
    """Format -> import call; the glTF and FBX add-ons are enabled once per process."""
    import addon_utils

    for name in ADDONS:
        addon_utils.enable(name, default_set=False)
    return {
        "gltf": lambda p: bpy.ops.import_scene.gltf(filepath=p),
        "obj": lambda p: bpy.ops.wm.obj_import(filepath=p),
        "fbx": lambda p: bpy.ops.import_scene.fbx(filepath=p),
        "ply": lambda p: bpy.ops.wm.ply_import(filepath=p),
        "stl": lambda p: bpy.ops.wm.stl_import(filepath=p),
        "usd": lambda p: bpy.ops.wm.usd_import(filepath=p),
        "blend": _append_blend,
    }


def _append_blend(path: str) -> None:
    """Link the top-level objects of a ``.blend`` into the scene: those nothing else uses (an object
    written with ``bpy.data.libraries.write``), else those no geometry-node tree or collection instances
    (a plant's leaf objects come along as data, not as geometry). Cameras and lights are left out."""
    with bpy.data.libraries.load(path, link=False) as (src, dst):
        dst.objects = list(src.objects)
    loaded = [o for o in dst.objects if o is not None and o.type not in ("CAMERA", "LIGHT")]
    top = [o for o in loaded if o.users == 0]
    if not top:
        instanced = set()
        for group in bpy.data.node_groups:
            for node in group.nodes:
                if node.bl_idname == "GeometryNodeObjectInfo" and node.inputs["Object"].default_value:
                    instanced.add(node.inputs["Object"].default_value)
                if node.bl_idname == "GeometryNodeCollectionInfo" and node.inputs["Collection"].default_value:
                    instanced |= set(node.inputs["Collection"].default_value.all_objects)
        for obj in loaded:
            for mod in obj.modifiers:
                if mod.type == "NODES":
                    instanced |= {mod[k] for k in mod.keys() if isinstance(mod[k], bpy.types.Object)}
        top = [o for o in loaded if o not in instanced]
    for obj in top:
        bpy.context.scene.collection.objects.link(obj)


def import_model(path: str, fmt: str) -> list[bpy.types.Object]:
    """The objects ``path`` brings into an empty scene (cameras and lights removed)."""
    clear_scene()
    before = set(bpy.data.objects)
    _importers()[fmt](path)
    new = [o for o in bpy.data.objects if o not in before]
    bpy.data.batch_remove([o for o in new if o.type in ("CAMERA", "LIGHT")])
    scene = set(bpy.context.scene.objects)
    return [o for o in bpy.data.objects if o not in before and o in scene]


def _pack_images() -> None:
    for image in bpy.data.images:
        if image.source == "FILE" and image.packed_file is None and image.filepath:
            image.pack()


def bake_model(job: dict) -> dict:
    """Import, scale, normalise and save one model; returns its facts (size in metres after scaling)."""
    t0 = time.perf_counter()
    tree = import_model(job["path"], job["format"])
    instancers = instancers_of(tree)  # objects emitting geometry-node instances (a plant's leaves) stay so
    corners = instance_corners(instancers)
    obj = bake_to_one_mesh(tree, keep=instancers, what=f"{Path(job['path']).name}", own_mesh_of_kept=True)
    for k, kept in enumerate(instancers):  # data the asset object instances, never a second asset_* object
        kept.name = f"user_instancer_{job['name']}_{k}"
    obj.name = f"{ASSET_PREFIX}user_{job['name']}"
    labelled_materials(obj)
    _pack_images()
    scale = job.get("scale")
    if scale is None:  # target_size: the largest dimension, instances included, measured unscaled first
        co = np.empty(len(obj.data.vertices) * 3)
        obj.data.vertices.foreach_get("co", co)
        pts = np.concatenate([co.reshape(-1, 3), corners])
        scale = job["target_size"] / max(float((pts.max(axis=0) - pts.min(axis=0)).max()), 1e-9)
    verts, _ = normalise(obj, math.radians(job.get("front_yaw_deg", 0.0)), instancers, corners, scale,
                         instances_only=True)
    supports = find_supports(*polygon_arrays(obj.data), verts)
    size = evaluated_size(obj)
    Path(job["out"]).parent.mkdir(parents=True, exist_ok=True)
    bpy.data.libraries.write(job["out"], {obj}, fake_user=True, compress=True)
    facts = {"name": job["name"], "size": [round(v, 5) for v in size], "vertices": len(verts),
             "faces": len(obj.data.polygons), "supports": supports, "scale": scale,
             "build_s": round(time.perf_counter() - t0, 3)}
    clear_scene()
    return facts


def _image_node(nodes, links, path: str, colour: bool, uv_out):
    node = nodes.new("ShaderNodeTexImage")
    node.image = bpy.data.images.load(path, check_existing=True)
    node.image.colorspace_settings.name = "sRGB" if colour else "Non-Color"
    links.new(uv_out, node.inputs["Vector"])
    return node


def bake_material(job: dict) -> dict:
    """One Blender material from a PBR folder's maps (``job["maps"]``: role -> file), saved to ``out``."""
    t0 = time.perf_counter()
    clear_scene()
    maps, size_m = job["maps"], float(job["size_m"])
    mat = bpy.data.materials.new(f"{USER_MATERIAL_PREFIX}{job['name']}")
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf, out = nodes["Principled BSDF"], nodes["Material Output"]
    uv = nodes.new("ShaderNodeUVMap")
    uv.uv_map = METRIC_UV
    mapping = nodes.new("ShaderNodeMapping")
    mapping.inputs["Scale"].default_value = (1.0 / size_m, 1.0 / size_m, 1.0)
    links.new(uv.outputs["UV"], mapping.inputs["Vector"])
    coords = mapping.outputs["Vector"]
    links.new(_image_node(nodes, links, maps["color"], True, coords).outputs["Color"], bsdf.inputs["Base Color"])
    if "roughness" in maps:
        links.new(_image_node(nodes, links, maps["roughness"], False, coords).outputs["Color"], bsdf.inputs["Roughness"])
    if "metalness" in maps:
        links.new(_image_node(nodes, links, maps["metalness"], False, coords).outputs["Color"], bsdf.inputs["Metallic"])
    normal_file, dx = _normal_map(maps, job.get("normal", "gl"))
    if normal_file:
        colour = _image_node(nodes, links, normal_file, False, coords).outputs["Color"]
        if dx:  # DirectX maps point green down: flip it to OpenGL's (Blender's) convention
            split = nodes.new("ShaderNodeSeparateColor")
            flip = nodes.new("ShaderNodeMath")
            flip.operation = "SUBTRACT"
            flip.inputs[0].default_value = 1.0
            join = nodes.new("ShaderNodeCombineColor")
            links.new(colour, split.inputs["Color"])
            links.new(split.outputs["Green"], flip.inputs[1])
            links.new(split.outputs["Red"], join.inputs["Red"])
            links.new(flip.outputs["Value"], join.inputs["Green"])
            links.new(split.outputs["Blue"], join.inputs["Blue"])
            colour = join.outputs["Color"]
        normal_map = nodes.new("ShaderNodeNormalMap")
        normal_map.uv_map = METRIC_UV
        links.new(colour, normal_map.inputs["Color"])
        links.new(normal_map.outputs["Normal"], bsdf.inputs["Normal"])
    if "displacement" in maps:
        height = _image_node(nodes, links, maps["displacement"], False, coords)
        disp = nodes.new("ShaderNodeDisplacement")
        disp.inputs["Scale"].default_value = BUMP_DISTANCE_M
        links.new(height.outputs["Color"], disp.inputs["Height"])
        links.new(disp.outputs["Displacement"], out.inputs["Displacement"])
    mat.displacement_method = "BUMP"  # shading only: the label normal is the geometry's
    add_label_aovs(mat)
    _pack_images()
    mat.use_fake_user = True
    Path(job["out"]).parent.mkdir(parents=True, exist_ok=True)
    bpy.data.libraries.write(job["out"], {mat}, fake_user=True, compress=True)
    facts = {"name": job["name"], "material": mat.name, "maps": sorted(maps),
             "build_s": round(time.perf_counter() - t0, 3)}
    clear_scene()
    return facts


def _normal_map(maps: dict, convention: str) -> tuple[str | None, bool]:
    if "normal_gl" in maps:
        return maps["normal_gl"], False
    if "normal_dx" in maps:
        return maps["normal_dx"], True
    if "normal" in maps:
        return maps["normal"], convention == "dx"
    return None, False


def bake(jobs: list[dict]) -> list[dict]:
    """Bake every job; a job that fails gives ``{"name", "error"}`` and the rest go on."""
    results = []
    for job in jobs:
        try:
            results.append((bake_model if job["kind"] == "model" else bake_material)(job))
        except Exception as exc:  # noqa: BLE001 - reported by name to the driver, which refuses the entry
            results.append({"name": job["name"], "error": f"{type(exc).__name__}: {exc}"})
    return results


def main(argv: list[str]) -> int:
    jobs = json.loads(Path(argv[0]).read_text())
    Path(argv[1]).write_text(json.dumps(bake(jobs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
