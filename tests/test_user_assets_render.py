"""The user's models, HDRIs and materials baked into the asset bank and rendered in a real job: every
model format bakes at its metric size, a faceless or implausibly sized model is refused by name, and
the rendered pixels carry the asset's class and instance, with labels that agree with its geometry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from asset_kit import (sha, write_exr, write_glb, write_obj, write_pbr, write_ply, write_stl, write_usda,
                       write_with_blender)
from pipeline.config import parse_config
from scenes.shared.assets import AssetError
from scenes.shared.user_assets import check_library, folder_sha256, load_user_library

pytestmark = [pytest.mark.blender, pytest.mark.xdist_group("render")]

BOX = (1.0, 0.5, 2.0)  # model units; every format below holds this box


def _library(tmp_path, root, models=(), hdris=(), materials=()):
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump({"models": list(models), "hdris": list(hdris), "materials": list(materials)}))
    return check_library(load_user_library(path), root)


def _model(root, name, rel, **kw):
    return {"name": name, "path": rel, "class": "box", "placement": "support", "licence": "CC0 (test)",
            "sha256": sha(root / rel), **kw}


def test_every_model_format_bakes_at_its_metric_size(tmp_path):
    from pipeline.bank.user import build_user_assets

    root = tmp_path / "assets"
    root.mkdir()
    write_glb(root / "box.glb", BOX)
    write_obj(root / "box.obj", BOX)
    write_ply(root / "box.ply", BOX)
    write_stl(root / "box.stl", BOX)
    write_usda(root / "box.usda", BOX)
    write_with_blender([root / "box.fbx", root / "box.blend"], BOX)
    names = {"glb": "box.glb", "obj": "box.obj", "ply": "box.ply", "stl": "box.stl", "usd": "box.usda",
             "fbx": "box.fbx", "blend": "box.blend"}
    models = [_model(root, k, rel, scale=0.25) for k, rel in names.items()]
    models.append(_model(root, "sized", "box.glb", target_size=0.3))
    entries = build_user_assets(_library(tmp_path, root, models), str(tmp_path / "bank"))
    for k in names:
        assert np.allclose(entries[k].size, (0.25, 0.125, 0.5), atol=1e-4), (k, entries[k].size)
        assert entries[k].faces in (6, 12) and entries[k].kind == "model"
    assert np.allclose(entries["sized"].size, (0.15, 0.075, 0.3), atol=1e-4)
    assert entries["glb"].supports and abs(entries["glb"].supports[-1]["z"] - 0.25) < 1e-3  # its top, centred frame
    again = build_user_assets(_library(tmp_path, root, models), str(tmp_path / "bank"))
    assert {k: e.key for k, e in again.items()} == {k: e.key for k, e in entries.items()}  # reused, not rebaked


def test_a_blend_whose_object_instances_geometry_keeps_its_instances(tmp_path):
    """A plant-like ``.blend`` (a plane instancing cubes at its corners through geometry nodes): only the
    plane is imported as geometry, its instances stay instances, and its size counts them."""
    import subprocess
    import sys

    from pipeline.bank.store import AssetBank
    from pipeline.bank.user import build_user_assets
    from asset_kit import write_instancing_blend

    root = tmp_path / "assets"
    root.mkdir()
    write_instancing_blend(root / "plant.blend")
    entries = build_user_assets(_library(tmp_path, root, [_model(root, "plant", "plant.blend", scale=1.0)]),
                                str(tmp_path / "bank"))
    plant = entries["plant"]
    assert np.allclose(plant.size, (1.2, 1.2, 0.2), atol=1e-4) and plant.faces == 1  # the plane; cubes instanced
    blend = AssetBank(str(tmp_path / "bank")).resolver()(plant.key)
    names = subprocess.run([sys.executable, "-c", "import bpy, sys\nwith bpy.data.libraries.load(sys.argv[1]) as (s, d):"
                            "\n    print(','.join(s.objects))", str(blend)], capture_output=True, text=True, check=True)
    objects = names.stdout.strip().splitlines()[-1].split(",")
    assert [o for o in objects if o.startswith("asset_")] == ["asset_user_plant"]


def test_an_asset_placed_twice_is_one_instanced_template_and_each_placement_keeps_its_id(tmp_path):
    """A bank asset is evaluated once per scene (its modifiers, its BVH) and placed as instances of it;
    the instances its geometry nodes emit (the plant's cubes) take each placement's id in the labels."""
    import bpy

    from pipeline.bank.store import AssetBank
    from pipeline.bank.user import build_user_assets
    from pipeline.render.blender_scene import build_scene, clear_scene
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker
    from pipeline.scene_spec import Camera, Light, Material, Part, SceneObject, SceneSpec, World, look_at
    from asset_kit import write_instancing_blend

    root = tmp_path / "assets"
    root.mkdir()
    write_instancing_blend(root / "plant.blend")
    plant = build_user_assets(_library(tmp_path, root, [_model(root, "plant", "plant.blend", scale=1.0)]),
                              str(tmp_path / "bank"))["plant"]
    grey = Material("concrete", (0.5, 0.5, 0.5), "grey")
    spec = SceneSpec(
        scene_id="twice", seed=0, family="test", kind="outdoor",
        objects=(SceneObject(1, "floor", (Part("plane", (0.0, 0.0, -0.2), (8.0, 8.0, 0.0), grey),)),
                 SceneObject(7, "box", (Part("asset", (-0.8, 0.0, 0.0), plant.size, grey, asset=plant.key),)),
                 SceneObject(9, "box", (Part("asset", (0.8, 0.0, 0.0), plant.size, grey, asset=plant.key,
                                             rotation=(0.0, 0.0, 0.3)),))),
        lights=(Light("sun", (0, 0, 10), 3.0),), world=World(kind="color", color=(0.3, 0.3, 0.3)),
        cameras=(Camera(look_at((0.0, -0.01, 4.0), (0.0, 0.0, 0.0)), 60.0, 64, 48),),
    )
    resolver = AssetBank(str(tmp_path / "bank")).resolver()
    with RenderWorker(RenderSettings(quality="draft", samples=2, threads=1), resolver) as worker:
        (view,) = worker.render_scene(spec)
        build_scene(spec, resolver)
        templates = [o for o in bpy.data.objects if o.name.startswith("asset_")]
        placed = [o for o in bpy.context.scene.objects if o.get("instance_id") in (7, 9)]
        assert len(templates) == 1 and templates[0].name not in bpy.context.scene.objects
        assert [o.instance_collection for o in placed] == [templates[0].users_collection[0]] * 2
        clear_scene()
    seven, nine = (int((view.instance == i).sum()) for i in (7, 9))
    assert seven > 100 and nine > 100
    assert abs(seven - nine) < 0.15 * seven  # the same plant twice, seen from straight above


def test_faceless_and_implausibly_sized_models_are_refused_by_name(tmp_path):
    from pipeline.bank.user import build_user_assets

    root = tmp_path / "assets"
    root.mkdir()
    write_obj(root / "points.obj", BOX, faces=False)
    write_glb(root / "chair.glb", BOX)
    with pytest.raises(AssetError, match="user model 'cloud': cannot be baked: points.obj has no faces"):
        build_user_assets(_library(tmp_path, root, [_model(root, "cloud", "points.obj", scale=1.0)]),
                          str(tmp_path / "bank"))
    huge = _model(root, "giant_chair", "chair.glb", scale=20.0, **{"class": "chair", "placement": "floor"})
    with pytest.raises(AssetError, match="user model 'giant_chair': 40 m across after scaling .* implausible for a chair"):
        build_user_assets(_library(tmp_path, root, [huge]), str(tmp_path / "bank"))


@pytest.fixture(scope="module")
def user_dataset(tmp_path_factory) -> Path:
    """A job of rooms and nature scenes with a user chair (GLB), cabinet (OBJ), rock (PLY), a red HDRI
    and a green floor/terrain material, every scene using them (use_prob 1)."""
    import ray

    from pipeline.job import render_job

    tmp = tmp_path_factory.mktemp("user")
    root = tmp / "assets"
    root.mkdir()
    write_glb(root / "chair.glb", (0.5, 0.5, 0.9), colour=(0.9, 0.1, 0.1))
    write_obj(root / "cabinet.obj", (0.8, 0.4, 1.6))
    write_ply(root / "rock.ply", (0.8, 0.6, 0.5))
    write_exr(root / "red.exr", (1.0, 0.05, 0.05))
    write_pbr(root / "Green001", colour=(30, 200, 40), normal_rgb=(220, 128, 180))  # a steep normal map
    manifest = {
        "models": [
            {"name": "red_chair", "path": "chair.glb", "class": "chair", "target_size": 0.9, "placement": "floor",
             "licence": "CC-BY-4.0 (chair author)", "sha256": sha(root / "chair.glb")},
            {"name": "tall_cabinet", "path": "cabinet.obj", "class": "cabinet", "scale": 1.0, "placement": "wall",
             "licence": "CC0 (cabinet)", "sha256": sha(root / "cabinet.obj")},
            {"name": "boulder", "path": "rock.ply", "class": "rock", "scale": 2.5, "placement": "terrain",
             "licence": "CC0 (boulder)", "sha256": sha(root / "rock.ply")}],
        "hdris": [{"name": "red_sky", "path": "red.exr", "use": ["indoor", "nature"], "licence": "CC0 (sky)",
                   "sha256": sha(root / "red.exr")}],
        "materials": [{"name": "green_floor", "path": "Green001", "applies_to": ["floor", "terrain"], "size_m": 1.0,
                       "licence": "CC0 (ambientCG-like)", "sha256": folder_sha256(root / "Green001")}],
    }
    (root / "manifest.yaml").write_text(yaml.safe_dump(manifest))
    config = parse_config({
        "name": "user-assets", "seed": 1,
        "scenes": [{"family": "indoor_room", "count": 3, "params": {"content": "primitive", "views": 2,
                                                                   "resolutions": [[64, 64]], "hdri_prob": 1.0}},
                   {"family": "outdoor_nature", "count": 3,
                    "params": {"content": "primitive", "views": 1, "resolutions": [[64, 64]], "hdri_prob": 1.0,
                               "area_m": 30.0, "trees": [2, 5], "bushes": [1, 3], "rocks": [1, 3],
                               "relief": 0.0}}],  # flat ground at z = 0, which the boulder check below assumes
        "render": {"quality": "draft", "samples": 4, "denoise": False, "device": "cpu"},
        "validity": {"min_depth_m": 0.05, "min_classes": 1, "min_non_sky_fraction": 0.0},
        "assets": {"root": str(root), "manifest": str(root / "manifest.yaml"), "use_prob": 1.0, "per_scene": [3, 3]},
        "ray": {"num_workers": 2, "cpus_per_worker": 1, "scenes_per_unit": 2},
    }, "user-assets")
    out = tmp / "ds"
    try:
        render_job(config, str(out), progress=False)
    finally:
        ray.shutdown()
    return out


def _views(dataset: Path):
    from pipeline.shards.tar_reader import iter_samples
    from pipeline.shards.storage import Output
    from pipeline.view import View

    output = Output(str(dataset))
    for shard in json.loads((dataset / "manifest.json").read_text())["series"]["views"]:
        for sample in iter_samples(output, shard["name"]):
            yield View.from_sample(sample)


def _world_points(view, mask):
    """World positions of the pixel centres in ``mask`` from depth and the camera (planar z, -z forward)."""
    i, j = np.nonzero(mask)
    k, d = view.intrinsics, view.depth[mask].astype(np.float64)
    cam = np.stack([(j + 0.5 - k["cx"]) / k["fx"] * d, -(i + 0.5 - k["cy"]) / k["fy"] * d, -d, np.ones_like(d)])
    return (np.asarray(view.cam2world) @ cam)[:3].T


def test_user_assets_render_with_their_class_instance_and_true_geometry(user_dataset):
    from pipeline.taxonomy import class_id

    seen: dict[str, int] = {}
    red_skies = green_floors = 0
    for view in _views(user_dataset):
        meta = view.meta
        for inst in meta["instances"]:
            if not inst["source"].startswith("user:"):
                continue
            name = inst["source"][5:]
            mask = view.instance == inst["id"]
            if mask.sum() < 12:
                continue
            seen[name] = seen.get(name, 0) + 1
            assert (view.semantic[mask] == class_id(inst["class"])).all()  # its pixels carry its class
            assert inst["class"] == {"red_chair": "chair", "tall_cabinet": "cabinet", "boulder": "rock"}[name]
            pts = _world_points(view, mask & np.isfinite(view.depth))
            w, d, h = {"red_chair": (0.5, 0.5, 0.9), "tall_cabinet": (0.8, 0.4, 1.6), "boulder": (2.0, 1.5, 1.25)}[name]
            extent = pts.max(axis=0) - pts.min(axis=0)
            # depth agrees with its metric size: within its height, and its footprint's diagonal at any yaw
            assert extent[2] <= h + 0.03 and (extent[:2] <= np.hypot(w, d) + 0.03).all(), (name, extent)
            assert pts[:, 2].min() > -0.03 and pts[:, 2].max() < h + 0.03  # standing on its surface
            if name != "boulder":  # rooms turn pieces by quarter turns: its faces are axis-aligned
                assert (np.sort(extent[:2]) <= np.sort((w, d)) + 0.03).all(), (name, extent)
                normals = view.normals[mask] @ np.asarray(view.cam2world)[:3, :3].T
                assert np.mean(np.abs(normals).max(axis=1) > 0.999) > 0.9, name
        if meta["lighting"] == "hdri:user:red_sky" and meta["kind"] == "outdoor":
            sky = view.semantic == class_id("sky")
            if sky.sum() > 20:
                r, g = view.rgb[sky][:, 0].mean(), view.rgb[sky][:, 1].mean()
                assert r > 2 * g  # the sky is the user's red map
                red_skies += 1
        extra = json.loads(meta["extra"])
        if extra.get("user_materials", {}).get("floor") == "green_floor" and meta["lighting"] != "hdri:user:red_sky":
            floor = view.semantic == class_id("floor")
            if floor.sum() > 20:
                c = view.rgb[floor].mean(axis=0)
                assert c[1] > c[0] and c[1] > c[2]  # the floor wears the green material
                up = view.normals[floor] @ np.asarray(view.cam2world)[2, :3]  # world z of the normal label
                assert np.all(up > 0.9999)  # its normal map tilts the shading, never the label: still the plane
                green_floors += 1
    assert {"red_chair", "boulder"} <= set(seen) and red_skies and green_floors


def test_manifest_credits_every_user_asset_that_appears(user_dataset):
    from pipeline.consumers.validate import validate_dataset

    manifest = json.loads((user_dataset / "manifest.json").read_text())
    credits = {c["name"]: c for c in manifest["user_assets"]}
    assert {"red_chair", "boulder", "red_sky", "green_floor"} <= set(credits)
    assert credits["red_chair"]["licence"] == "CC-BY-4.0 (chair author)" and credits["red_chair"]["views"] >= 1
    assert credits["red_sky"]["kind"] == "hdri" and credits["green_floor"]["kind"] == "material"
    assert validate_dataset(str(user_dataset)).ok
