"""Make an example user asset library from what this machine already has (nothing is downloaded).

    .venv/bin/python examples/byo_assets/make_library.py --bank out/quickstart/bank --out out/byo_assets/library

Models: four Infinigen assets from an asset bank (``make demo`` builds ``out/quickstart/bank``),
re-exported the way a team's own models arrive: an office chair as glTF binary (its procedural
material baked into an embedded 1024 px texture), a shelf as FBX and a bowl as OBJ + MTL (both with
that baked texture beside them), a bush as ``.blend`` (procedural materials kept). Materials: two
PBR folders drawn here with numpy, in the ambientCG layout: wooden floor planks (colour, roughness,
OpenGL normal, displacement) and wall plaster (colour, roughness, DirectX normal). HDRI: a float
EXR sky (gradient and a sun). Then ``manifest.yaml`` with every sha256, ready for a job's
``assets`` section (configs/byo_assets.yaml).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import yaml

PICKS = {  # placement -> (factories tried in order, class, export format)
    "floor": (("OfficeChairFactory", "ArmChairFactory", "ChairFactory"), "chair", "glb"),
    "wall": (("LargeShelfFactory", "SimpleBookcaseFactory", "CellShelfFactory"), "shelf", "fbx"),
    "support": (("BowlFactory", "VaseFactory", "CupFactory"), "bowl", "obj"),
    "terrain": (("BushFactory", "BoulderFactory"), "vegetation", "blend"),  # instanced leaves stay instances
}
CLASS_OF = {"BowlFactory": "bowl", "VaseFactory": "vase", "CupFactory": "cup", "BushFactory": "vegetation",
            "BoulderFactory": "rock", "LargeShelfFactory": "shelf", "SimpleBookcaseFactory": "bookshelf",
            "CellShelfFactory": "shelf", "OfficeChairFactory": "chair", "ArmChairFactory": "chair",
            "ChairFactory": "chair"}
INFINIGEN_LICENCE = "BSD-3-Clause (generated with Infinigen, https://github.com/princeton-vl/infinigen)"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bank_object(bank: Path, key: str):
    import bpy

    with bpy.data.libraries.load(str(bank / "assets" / f"{key}.blend"), link=False) as (src, dst):
        dst.objects = [n for n in src.objects if n.startswith("asset_")]
    obj = dst.objects[0]
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _bake_texture(obj, png: Path, size: int = 1024):
    """UV-unwrap ``obj`` and bake its materials' diffuse colour into one image; returns a Principled
    material that shows it."""
    import bpy

    bpy.context.view_layer.objects.active = obj
    obj.select_set(True)
    bpy.ops.object.mode_set(mode="EDIT")
    bpy.ops.mesh.select_all(action="SELECT")
    bpy.ops.uv.smart_project(angle_limit=1.15, island_margin=0.02)
    bpy.ops.object.mode_set(mode="OBJECT")
    image = bpy.data.images.new(png.stem, size, size)
    for mat in obj.data.materials:
        node = mat.node_tree.nodes.new("ShaderNodeTexImage")
        node.image = image
        mat.node_tree.nodes.active = node
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 1
    scene.render.bake.use_pass_direct = scene.render.bake.use_pass_indirect = False
    scene.render.bake.margin = 4
    bpy.ops.object.bake(type="DIFFUSE", pass_filter={"COLOR"})
    image.filepath_raw, image.file_format = str(png), "PNG"
    image.save()
    mat = bpy.data.materials.new(png.stem)
    mat.use_nodes = True
    tex = mat.node_tree.nodes.new("ShaderNodeTexImage")
    tex.image = image
    bsdf = mat.node_tree.nodes["Principled BSDF"]
    mat.node_tree.links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    bsdf.inputs["Roughness"].default_value = 0.55
    obj.data.materials.clear()
    obj.data.materials.append(mat)


def export_models(bank: Path, out: Path) -> list[dict]:
    import bpy
    import addon_utils  # bpy's own module: importable once bpy is

    entries = {e["factory"]: e for e in json.loads((bank / "manifest.json").read_text())["entries"] if e["seed"] == 0}
    models = []
    for placement, (factories, _cls, fmt) in PICKS.items():
        factory = next((f for f in factories if f in entries), None)
        if factory is None:
            print(f"no {'/'.join(factories)} in {bank}: no {placement} model", file=sys.stderr)
            continue
        bpy.ops.wm.read_factory_settings(use_empty=True)
        for addon in ("io_scene_gltf2", "io_scene_fbx"):
            addon_utils.enable(addon, default_set=False)
        obj = _bank_object(bank, entries[factory]["key"])
        name = factory.removesuffix("Factory").lower()
        path = out / "models" / f"{name}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "blend":
            bpy.data.libraries.write(str(path), {obj}, fake_user=True, compress=True)
        else:
            _bake_texture(obj, path.with_suffix(".png"))
            obj.select_set(True)
            if fmt == "glb":
                bpy.ops.export_scene.gltf(filepath=str(path), export_format="GLB", use_selection=True)
                path.with_suffix(".png").unlink()  # embedded in the GLB
            elif fmt == "fbx":
                bpy.ops.export_scene.fbx(filepath=str(path), use_selection=True, path_mode="RELATIVE")
            else:
                bpy.ops.wm.obj_export(filepath=str(path), export_selected_objects=True, path_mode="RELATIVE")
        size = max(entries[factory]["size"])
        models.append({"name": name, "path": str(path.relative_to(out)), "class": CLASS_OF[factory],
                       "target_size": round(size, 4), "placement": placement, "licence": INFINIGEN_LICENCE,
                       "sha256": sha(path)})
    return models


def _noise(rng, h, w, scale):
    """Smooth value noise: a coarse random grid upsampled bilinearly."""
    gh, gw = max(2, h // scale), max(2, w // scale)
    grid = rng.random((gh + 1, gw + 1))
    y, x = np.linspace(0, gh, h, endpoint=False), np.linspace(0, gw, w, endpoint=False)
    y0, x0 = y.astype(int), x.astype(int)
    fy, fx = (y - y0)[:, None], (x - x0)[None, :]
    g = grid
    return ((1 - fy) * (1 - fx) * g[y0][:, x0] + (1 - fy) * fx * g[y0][:, x0 + 1]
            + fy * (1 - fx) * g[y0 + 1][:, x0] + fy * fx * g[y0 + 1][:, x0 + 1])


def _normal_from_height(height, strength, dx=False):
    gy, gx = np.gradient(height)
    n = np.dstack([-gx * strength, (gy if dx else -gy) * strength, np.ones_like(height)])
    n /= np.linalg.norm(n, axis=2, keepdims=True)
    return ((n * 0.5 + 0.5) * 255).astype(np.uint8)


def _save(folder: Path, name: str, array) -> None:
    from PIL import Image

    Image.fromarray(array).save(folder / name)


def wood_planks(folder: Path, px: int = 1024) -> None:
    """Planks 2 m across the tile (12.5 cm boards), grain along x, darker seams."""
    rng = np.random.default_rng(3)
    folder.mkdir(parents=True, exist_ok=True)
    boards = 16
    y = np.arange(px)[:, None] * boards / px
    board = np.floor(y).astype(int)
    tone = rng.uniform(0.75, 1.15, boards)[board % boards]
    grain = np.sin((np.arange(px)[None, :] / px * 40 + 6 * _noise(rng, px, px, 64)) * math.pi * 2) * 0.5 + 0.5
    seam = np.minimum(np.abs(y - np.round(y)), 1) < 0.03
    base = np.array([0.55, 0.36, 0.2])
    colour = base * (tone * (0.85 + 0.15 * grain) * (1 - 0.45 * seam))[..., None]
    _save(folder, f"{folder.name}_Color.png", (np.clip(colour, 0, 1) * 255).astype(np.uint8))
    rough = 0.45 + 0.2 * _noise(rng, px, px, 32) + 0.2 * seam
    _save(folder, f"{folder.name}_Roughness.png", (np.clip(rough, 0, 1) * 255).astype(np.uint8))
    height = 1 - 0.8 * seam + 0.05 * grain
    _save(folder, f"{folder.name}_NormalGL.png", _normal_from_height(height, 4.0))
    _save(folder, f"{folder.name}_Displacement.png", (np.clip(height, 0, 1) * 255).astype(np.uint8))


def plaster(folder: Path, px: int = 512) -> None:
    rng = np.random.default_rng(5)
    folder.mkdir(parents=True, exist_ok=True)
    height = 0.6 * _noise(rng, px, px, 48) + 0.4 * _noise(rng, px, px, 8)
    colour = np.array([0.86, 0.83, 0.76]) * (0.92 + 0.08 * height)[..., None]
    _save(folder, f"{folder.name}_Color.png", (colour * 255).astype(np.uint8))
    _save(folder, f"{folder.name}_Roughness.png", ((0.75 + 0.15 * height) * 255).astype(np.uint8))
    _save(folder, f"{folder.name}_NormalDX.png", _normal_from_height(height, 2.0, dx=True))


def sky_exr(path: Path, w: int = 1024, h: int = 512) -> None:
    """Equirectangular float sky: blue gradient, a bright sun at 35 degrees, dim brown ground."""
    import OpenEXR

    path.parent.mkdir(parents=True, exist_ok=True)
    el = (0.5 - (np.arange(h) + 0.5) / h)[:, None] * math.pi * np.ones((1, w))
    az = ((np.arange(w) + 0.5) / w * 2 * math.pi)[None, :] * np.ones((h, 1))
    t = np.clip(el / (math.pi / 2), 0, 1)[..., None]
    sky = (1 - t) * np.array([0.75, 0.85, 1.0]) + t * np.array([0.15, 0.35, 0.85])
    ground = np.array([0.12, 0.1, 0.08])
    rgb = np.where(el[..., None] > 0, sky, ground) * 1.2
    sun_el, sun_az = math.radians(35), math.radians(120)
    cosang = np.sin(el) * math.sin(sun_el) + np.cos(el) * math.cos(sun_el) * np.cos(az - sun_az)
    rgb += (cosang > math.cos(math.radians(1.5)))[..., None] * np.array([800.0, 760.0, 700.0])
    channels = {c: rgb[..., i].astype(np.float32) for i, c in enumerate("RGB")}
    with OpenEXR.File({"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}, channels) as f:
        f.write(str(path))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bank", default="out/quickstart/bank")
    ap.add_argument("--out", default="out/byo_assets/library")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from scenes.shared.user_assets import folder_sha256

    out = Path(args.out)
    models = export_models(Path(args.bank), out)
    wood_planks(out / "materials" / "WoodPlanks001_1K-PNG")
    plaster(out / "materials" / "Plaster001_1K-PNG")
    sky_exr(out / "hdri" / "clear_sky.exr")
    made = "CC0 (drawn by examples/byo_assets/make_library.py)"
    manifest = {
        "models": models,
        "hdris": [{"name": "clear_sky", "path": "hdri/clear_sky.exr", "use": ["indoor", "outdoor", "nature"],
                   "licence": made, "sha256": sha(out / "hdri" / "clear_sky.exr")}],
        "materials": [
            {"name": "wood_planks", "path": "materials/WoodPlanks001_1K-PNG", "applies_to": ["floor"], "size_m": 2.0,
             "licence": made, "sha256": folder_sha256(out / "materials" / "WoodPlanks001_1K-PNG")},
            {"name": "plaster", "path": "materials/Plaster001_1K-PNG", "applies_to": ["wall", "ceiling"],
             "size_m": 1.5, "normal": "dx", "licence": made,
             "sha256": folder_sha256(out / "materials" / "Plaster001_1K-PNG")}],
    }
    (out / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    print(f"wrote {len(models)} models, 1 HDRI and 2 materials to {out} (manifest.yaml)")


if __name__ == "__main__":
    main()
