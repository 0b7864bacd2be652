"""Realise a :class:`~pipeline.scene_spec.SceneSpec` in the current Blender scene, and clear it again.

- Parts become mesh objects built from :func:`pipeline.render.geometry.part_mesh` (exact dimensions,
  bounding-box centre at ``Part.location``, XYZ Euler rotation about it), flat or smooth shaded, with the
  material of its ``Part.material`` (:mod:`pipeline.render.materials`; equal materials are shared).
  Every part object carries its object's instance id (custom property ``instance_id``, read by the label
  render, and ``pass_index`` where Blender's 0..32767 range allows) and semantic class (``class_name``,
  and BlenderProc's ``category_id`` = taxonomy id).
- Asset parts (``Part.shape == "asset"``) are baked bank assets (:mod:`pipeline.render.asset_build`):
  each ``.blend`` is appended once per scene into an unlinked collection and placed as empties that
  instance it (one modifier evaluation and one BVH per asset), with the same instance-id and class
  properties on the empty; their materials already write the label AOVs, reading the instancer's id.
- Lights are hidden from camera rays, so every pixel of an image belongs to a labelled object or to the
  world. ``Light.size`` is the soft-shadow radius (point, spot), the side length (area) or the angular
  diameter in radians (sun). Lights shine along their local -Z axis, rotated by ``Light.rotation``.
- The world is a flat colour, one of the HDRIs shipped in the bpy wheel or a user HDRI from the asset
  bank (turned by ``World.rotation`` about +Z), or a Nishita physical sky.
- Parts with a user PBR material get a box-projected UV map in metres (``metric_uv``), through which
  the material reads its maps at their real-world scale.
- Heightfield and scatter parts (nature terrain and its ground cover) are made by
  :mod:`pipeline.render.terrain`.
- Cameras are set for one render call at a time by :func:`set_cameras`: one per view, all views of a
  call rendered together by Blender's multi-view rendering.
:func:`clear_scene` removes every object, mesh, material, light, image, world and node group in one
batch (BlenderProc's ``clean_up`` removes them one by one, which is quadratic: seconds for a street
scene) and purges orphans, so a long-lived worker holds nothing from earlier scenes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import bpy
import numpy as np
from mathutils import Matrix

from pipeline.render.geometry import metric_uv, part_mesh
from pipeline.render.materials import INSTANCE_PROPERTY, SHADING_NORMAL_ATTRIBUTE, MaterialLibrary
from pipeline.render.terrain import terrain_object
from pipeline.scene_spec import Camera, Light, SceneSpec, World, rotation_matrix
from pipeline.taxonomy import class_id

CLIP_START = 0.01
CLIP_END = 100_000.0
CAMERA_NAME = "Camera"  # the scene camera is CAMERA_NAME + view_suffix(0)
_PASS_INDEX_MAX = 32767
ASSET_PREFIX = "asset_"  # name prefix of the one object a bank file holds for placing (instanced twigs etc. aside)
METRIC_UV = "metric_uv"  # box-projected UVs in metres (pipeline.render.geometry.metric_uv), for user materials
WORLD_IMPORTANCE_MAP = 256  # world-light importance map size; Blender's automatic one takes ~1.4 s per scene


def hdri_dir() -> Path:
    return Path(bpy.utils.system_resource("DATAFILES", path="studiolights/world"))


def available_hdris() -> list[str]:
    """Names of the environment maps shipped with the bpy wheel."""
    return sorted(p.stem for p in hdri_dir().glob("*.exr"))


def clear_scene() -> None:
    """Remove all scene content, keeping only the scene camera; leave a new empty world."""
    scene = bpy.context.scene
    camera = scene.camera
    keep = {camera, camera.data} if camera is not None else set()
    doomed = [block for collection in (bpy.data.objects, bpy.data.meshes, bpy.data.materials, bpy.data.lights,
                                       bpy.data.cameras, bpy.data.worlds, bpy.data.node_groups, bpy.data.textures,
                                       bpy.data.collections, bpy.data.curves)
              for block in collection if block not in keep]
    doomed += [img for img in bpy.data.images if img.type != "RENDER_RESULT"]
    doomed += list(bpy.data.libraries)
    bpy.data.batch_remove(doomed)
    bpy.data.orphans_purge(do_local_ids=True, do_linked_ids=True, do_recursive=True)
    if camera is None:
        camera = bpy.data.objects.new(CAMERA_NAME, bpy.data.cameras.new(CAMERA_NAME))
        scene.collection.objects.link(camera)
        scene.camera = camera
    scene.world = bpy.data.worlds.new("World")


class AssetLoader:
    """Bank assets of one scene: each ``.blend`` appended once into a collection of its own that no scene
    links, then placed as empties instancing that collection.

    Instancing (not object copies) lets Blender evaluate an asset's modifiers once per scene (a tree's
    twig and leaf instancer takes seconds) and Cycles build one BVH per asset, however often it is placed.
    The labels still read per placement: materials take ``instance_id`` from the instancer first.
    """

    def __init__(self, asset_file: Callable[[str], Path] | None):
        self._asset_file = asset_file
        self._collections: dict[str, bpy.types.Collection] = {}

    def instance(self, key: str, name: str) -> bpy.types.Object:
        collection = self._collections.get(key)
        if collection is None:
            if self._asset_file is None:
                raise ValueError(f"scene has bank asset {key[:12]}... but the renderer was given no asset bank")
            with bpy.data.libraries.load(str(self._asset_file(key)), link=False) as (src, dst):
                dst.objects = [name for name in src.objects if name.startswith(ASSET_PREFIX)]
            if len(dst.objects) != 1:  # objects it instances (twigs, leaves) come along as dependencies
                raise ValueError(f"bank asset {key[:12]}...: expected one {ASSET_PREFIX}* object, "
                                 f"found {len(dst.objects)}")
            template = dst.objects[0]
            template.location, template.rotation_euler = (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)  # its scale is its size
            collection = self._collections[key] = bpy.data.collections.new(f"{ASSET_PREFIX}{key[:12]}")
            collection.objects.link(template)
        obj = bpy.data.objects.new(name, None)
        obj.instance_type = "COLLECTION"
        obj.instance_collection = collection
        return obj


def _add_part_object(name: str, part, instance_id: int, class_name: str, materials: MaterialLibrary,
                     assets: AssetLoader) -> bpy.types.Object:
    if part.shape == "asset":
        obj = assets.instance(part.asset, name)
    elif part.shape in ("heightfield", "scatter"):  # nature terrain and its ground cover
        obj = terrain_object(name, part, materials)
    else:
        obj = bpy.data.objects.new(name, _part_mesh(name, part, materials))
    obj.location = part.location
    obj.rotation_mode = "XYZ"
    obj.rotation_euler = part.rotation
    obj[INSTANCE_PROPERTY] = instance_id
    obj["class_name"] = class_name
    obj["category_id"] = class_id(class_name)
    if instance_id <= _PASS_INDEX_MAX:
        obj.pass_index = instance_id
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _part_mesh(name: str, part, materials: MaterialLibrary) -> bpy.types.Mesh:
    verts, faces = part_mesh(part)
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts.tolist(), [], faces)
    mesh.polygons.foreach_set("use_smooth", [part.smooth] * len(mesh.polygons))
    mesh.update()
    if part.material.asset is not None:  # a user PBR material reads its maps through a UV map in metres
        uv = metric_uv(verts @ rotation_matrix(part.rotation).T + np.asarray(part.location), faces)
        mesh.uv_layers.new(name=METRIC_UV).data.foreach_set("uv", uv.astype(np.float32).ravel())
    mesh.materials.append(materials.get(part.material))
    return mesh


def _add_light(index: int, light: Light) -> None:
    data = bpy.data.lights.new(f"light_{index}", type=light.kind.upper())
    data.energy = light.energy
    data.color = light.color
    if light.kind == "sun":
        data.angle = light.size
    elif light.kind == "area":
        data.shape = "SQUARE"
        data.size = light.size
    else:
        data.shadow_soft_size = light.size
    obj = bpy.data.objects.new(f"light_{index}", data)
    obj.location = light.location
    obj.rotation_mode = "XYZ"
    obj.rotation_euler = light.rotation
    obj.visible_camera = False
    bpy.context.scene.collection.objects.link(obj)


def _set_world(world: World, asset_file: Callable[[str], Path] | None = None) -> None:
    bw = bpy.context.scene.world
    bw.cycles.sampling_method = "MANUAL"
    bw.cycles.sample_map_resolution = WORLD_IMPORTANCE_MAP
    bw.use_nodes = True
    nodes, links = bw.node_tree.nodes, bw.node_tree.links
    background = nodes["Background"]
    background.inputs["Strength"].default_value = world.strength
    if world.kind == "color":
        background.inputs["Color"].default_value = (*world.color, 1.0)
    elif world.kind == "hdri":
        if world.asset is not None:  # a user HDRI, from the asset bank
            if asset_file is None:
                raise ValueError(f"HDRI {world.hdri!r} is a user HDRI but the renderer was given no asset bank")
            path = asset_file(world.asset)
        else:
            path = hdri_dir() / f"{world.hdri}.exr"
            if not path.is_file():
                raise ValueError(f"unknown HDRI {world.hdri!r}; shipped ones: {available_hdris()}")
        env = nodes.new("ShaderNodeTexEnvironment")
        env.image = bpy.data.images.load(str(path), check_existing=True)
        if world.rotation:
            coords, turn = nodes.new("ShaderNodeTexCoord"), nodes.new("ShaderNodeMapping")
            turn.inputs["Rotation"].default_value = (0.0, 0.0, world.rotation)
            links.new(coords.outputs["Generated"], turn.inputs["Vector"])
            links.new(turn.outputs["Vector"], env.inputs["Vector"])
        links.new(env.outputs["Color"], background.inputs["Color"])
    elif world.kind == "sky":
        sky = nodes.new("ShaderNodeTexSky")
        sky.sky_type = "NISHITA"
        sky.sun_elevation = world.sun_elevation
        sky.sun_rotation = world.sun_rotation
        links.new(sky.outputs["Color"], background.inputs["Color"])
    else:
        raise ValueError(f"unknown world kind {world.kind!r}")


def build_scene(spec: SceneSpec, asset_file: Callable[[str], Path] | None = None) -> None:
    """Clear the Blender scene and realise ``spec``'s objects, lights and world in it (cameras: :func:`set_cameras`).

    ``asset_file`` maps a bank key to a local ``.blend`` (needed when the spec has asset parts)."""
    clear_scene()
    ids = [o.instance_id for o in spec.objects]
    if len(set(ids)) != len(ids) or any(not 1 <= i <= 65535 for i in ids):
        raise ValueError(f"scene {spec.scene_id}: instance ids must be unique and in 1..65535")
    materials = MaterialLibrary(asset_file)
    assets = AssetLoader(asset_file)
    for obj in spec.objects:
        for k, part in enumerate(obj.parts):
            _add_part_object(f"i{obj.instance_id}_p{k}", part, obj.instance_id, obj.class_name, materials, assets)
    for index, light in enumerate(spec.lights):
        _add_light(index, light)
    _set_world(spec.world, asset_file)
    for mesh in bpy.data.meshes:  # ours, the bank assets' and the meshes their instancers emit
        if mesh.users:
            add_shading_normals(mesh)


def add_shading_normals(mesh: bpy.types.Mesh) -> None:
    """Store ``mesh``'s corner normals (smooth, flat or custom split, as Blender shades them) in the
    attribute the normal label reads (:data:`SHADING_NORMAL_ATTRIBUTE`); kept if already there."""
    if SHADING_NORMAL_ATTRIBUTE in mesh.attributes or not len(mesh.loops):
        return
    normals = np.empty(len(mesh.loops) * 3, dtype=np.float32)
    mesh.corner_normals.foreach_get("vector", normals)
    mesh.attributes.new(SHADING_NORMAL_ATTRIBUTE, "FLOAT_VECTOR", "CORNER").data.foreach_set("vector", normals)


def view_suffix(k: int) -> str:
    """Name suffix of view ``k``'s camera and of its output files in a multi-view render call."""
    return f"_v{k}"


def set_cameras(cameras: Sequence[Camera]) -> None:
    """Place one Blender camera per view of one render call (Blender's multi-view rendering).

    Pinhole intrinsics from ``hfov_deg``/``width``/``height``, pose from ``cam2world``. Blender finds view
    k's camera by swapping the scene camera's view suffix for view k's, so the scene camera is
    ``Camera_v0`` (view 0) and view k's is ``Camera_v{k}``; they must share one resolution, the render's.
    One camera renders as a plain (mono) render; more enable multi-view with one view per camera, each
    written to its own file (:func:`view_suffix` before the extension).
    """
    sizes = {(c.width, c.height) for c in cameras}
    if len(sizes) != 1:
        raise ValueError(f"one render call needs one resolution, got {sorted(sizes)}")
    scene = bpy.context.scene
    render = scene.render
    (render.resolution_x, render.resolution_y), render.resolution_percentage = sizes.pop(), 100
    render.pixel_aspect_x = render.pixel_aspect_y = 1.0
    scene.camera.name = CAMERA_NAME + view_suffix(0)
    for k, camera in enumerate(cameras):
        _point(scene.camera if k == 0 else _view_camera(scene, k), camera)
    _set_render_views(render, len(cameras))


def _view_camera(scene: bpy.types.Scene, k: int) -> bpy.types.Object:
    """View ``k``'s camera object, made on first use in a scene (:func:`clear_scene` removes it)."""
    name = CAMERA_NAME + view_suffix(k)
    obj = bpy.data.objects.get(name)
    if obj is None:
        obj = bpy.data.objects.new(name, bpy.data.cameras.new(name))
        scene.collection.objects.link(obj)
    return obj


def _point(obj: bpy.types.Object, camera: Camera) -> None:
    """Make the Blender camera ``obj`` the pinhole ``camera``."""
    cam = obj.data
    cam.type = "PERSP"
    cam.sensor_fit = "HORIZONTAL"
    cam.angle_x = math.radians(camera.hfov_deg)
    cam.shift_x = cam.shift_y = 0.0
    cam.clip_start, cam.clip_end = CLIP_START, CLIP_END
    pose = np.asarray(camera.cam2world, dtype=np.float64)
    if pose.shape != (4, 4):
        raise ValueError(f"cam2world must be 4x4, got {pose.shape}")
    obj.matrix_world = Matrix(pose.tolist())


def _set_render_views(render: bpy.types.RenderSettings, count: int) -> None:
    """Multi-view off for one camera; else views ``v0``.. with the cameras' suffixes, one file per view."""
    render.use_multiview = count > 1
    render.views_format = "MULTIVIEW"
    render.image_settings.views_format = "INDIVIDUAL"
    wanted = [f"v{k}" for k in range(count)] if count > 1 else []
    for k, name in enumerate(wanted):
        if render.views.get(name) is None:
            render.views.new(name).camera_suffix = view_suffix(k)
    for view in render.views:  # Blender's own left/right stereo views stay, unused
        view.use = view.name in wanted
