"""Look at bank factories: bake seeds of each factory and render every asset on a ground plane.

``pipeline bank preview FACTORY... --seeds N --out grid.png`` bakes through the bank's own path
(:func:`pipeline.render.asset_build.build_asset`) into a scratch folder, renders each asset from a
three-quarter view under sun and sky, and tiles the renders into one grid with a 1 m checker ground,
so scale, floating, intersections and missing textures can be judged by eye. Returns each asset's facts.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import bpy
from mathutils import Vector

from pipeline.render.asset_build import build_asset
from pipeline.render.blender_scene import ASSET_PREFIX, clear_scene
from scenes.shared.assets import bank_factories


def _checker_ground(size: float) -> None:
    bpy.ops.mesh.primitive_plane_add(size=size)
    plane = bpy.context.object
    mat = bpy.data.materials.new("preview_ground")
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    checker = nodes.new("ShaderNodeTexChecker")
    checker.inputs["Scale"].default_value = size / 2  # 1 m squares
    checker.inputs["Color1"].default_value = (0.55, 0.55, 0.55, 1)
    checker.inputs["Color2"].default_value = (0.35, 0.35, 0.35, 1)
    links.new(checker.outputs["Color"], nodes["Principled BSDF"].inputs["Base Color"])
    plane.data.materials.append(mat)


def _stage(obj: bpy.types.Object, size: tuple[float, float, float], px: int, samples: int) -> None:
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = True
    scene.render.resolution_x = scene.render.resolution_y = px
    scene.render.film_transparent = False
    world = scene.world
    world.use_nodes = True
    sky = world.node_tree.nodes.new("ShaderNodeTexSky")
    sky.sky_type = "NISHITA"
    sky.sun_elevation = math.radians(35)
    world.node_tree.links.new(sky.outputs["Color"], world.node_tree.nodes["Background"].inputs["Color"])
    world.node_tree.nodes["Background"].inputs["Strength"].default_value = 0.15
    sun = bpy.data.objects.new("sun", bpy.data.lights.new("sun", "SUN"))
    sun.data.energy = 1.6
    sun.rotation_euler = (math.radians(50), 0, math.radians(150))  # lights the fronts the camera sees
    scene.collection.objects.link(sun)
    w, d, h = size
    obj.location = (0.0, 0.0, h / 2)  # bank frame: bounding box centred on the origin
    _checker_ground(max(8.0, 4 * max(w, d)))
    cam = scene.camera
    cam.data.lens = 35
    reach = max(w, d, h) * 1.35 + 0.5
    target = Vector((0.0, 0.0, h * 0.45))
    cam.location = target + Vector((reach * 0.75, reach * 1.1, reach * 0.45 + 0.3))  # fronts: +Y, vehicles' +X
    cam.rotation_euler = (target - cam.location).to_track_quat("-Z", "Y").to_euler()
    cam.data.clip_end = 1000


def preview(factories: list[str], seeds: int, out: Path, px: int = 256, samples: int = 32) -> list[dict]:
    """Bake ``seeds`` seeds of each factory (manifest names), render each, write the grid to ``out``."""
    from PIL import Image, ImageDraw

    known = bank_factories()
    unknown = [f for f in factories if f not in known]
    if unknown:
        raise KeyError(f"unknown factories {unknown}; known: {', '.join(known)}")
    tiles, facts = [], []
    with tempfile.TemporaryDirectory(prefix="asset-preview-") as tmp:
        for name in factories:
            f = known[name]
            for seed in range(seeds):
                blend = Path(tmp) / f"{name}_{seed}.blend"
                fact = build_asset(f.import_path, seed, f.front_yaw, blend, f.spawn)
                clear_scene()
                with bpy.data.libraries.load(str(blend), link=False) as (src, dst):
                    dst.objects = [o for o in src.objects if o.startswith(ASSET_PREFIX)]
                obj = dst.objects[0]
                bpy.context.scene.collection.objects.link(obj)
                _stage(obj, fact["size"], px, samples)
                png = Path(tmp) / f"{name}_{seed}.png"
                bpy.context.scene.render.filepath = str(png)
                bpy.ops.render.render(write_still=True)
                img = Image.open(png).convert("RGB")
                ImageDraw.Draw(img).text((4, 4), f"{name} {seed}\n" + "x".join(f"{v:.2f}" for v in fact["size"])
                                         + f" m\n{fact['vertices']} v, {fact['build_s']:.1f} s", fill=(255, 255, 255))
                tiles.append(img)
                facts.append({"factory": name, "seed": seed, **{k: fact[k] for k in
                              ("size", "vertices", "faces", "materials", "build_s", "anchors")}})
                clear_scene()
    cols = min(len(tiles), max(seeds, 4))
    rows = math.ceil(len(tiles) / cols)
    grid = Image.new("RGB", (cols * px, rows * px), (0, 0, 0))
    for i, t in enumerate(tiles):
        grid.paste(t, ((i % cols) * px, (i // cols) * px))
    out.parent.mkdir(parents=True, exist_ok=True)
    grid.save(out)
    return facts
