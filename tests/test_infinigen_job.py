"""Infinigen-furnished rooms and a nature scene through the whole job (asset bank on Ray actors, render
actors, shards), run offline under a network guard, then their labels checked against each other and
the room assets checked for interpenetration in Blender."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from pipeline.view import View
from pipeline.render.labels import pixel_rays
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]

NETGUARD = Path(__file__).parent / "netguard"
ROOM = {"views": 2, "resolutions": [[128, 128]], "room_types": ["office", "living room"], "closeup_prob": 0.0}
# a small clearing of bank bushes (leaves are instances of their twigs) and boulders; trees stay primitive here
NATURE = {"views": 2, "resolutions": [[128, 96]], "area_m": 30.0, "trees": [0, 0], "bushes": [12, 16], "rocks": [3, 5],
          "lake_prob": 0.0, "camera_height_m": [1.5, 2.0]}
CONFIG = {
    "name": "infinigen-room", "seed": 11,
    "scenes": [{"family": "indoor_room", "count": 2, "params": ROOM},
               {"family": "outdoor_nature", "count": 1, "params": NATURE}],
    "tasks": ["depth", "normals", "semantic"],
    "render": {"quality": "draft", "samples": 4, "denoise": False, "device": "cpu"},
    "validity": {"min_depth_m": 0.05, "min_classes": 1, "min_non_sky_fraction": 0.0},
    "bank": {"variants": 1, "per_factory": {"BedFactory": 0, "TreeFactory": 0}},  # bed (cloth), tree: a minute or more
    "ray": {"num_workers": 2, "cpus_per_worker": 1, "scenes_per_unit": 1},
}


@pytest.fixture(scope="module")
def infinigen_job(tmp_path_factory):
    """Run ``pipeline render`` in a child process whose every Python process has the network guard."""
    root = tmp_path_factory.mktemp("infinigen")
    config, out, log = root / "job.yaml", root / "out", root / "netguard.log"
    config.write_text(yaml.safe_dump(CONFIG))
    env = {**os.environ, "NETGUARD_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(NETGUARD), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.pop("RAY_ADDRESS", None)
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "render", str(config), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out, log


def _views(out: Path) -> list[View]:
    output = Output(str(out))
    manifest = output.read_json("manifest.json")
    return [View.from_sample(s) for shard in manifest["series"]["views"]
            for s in iter_samples(output, shard["name"] if isinstance(shard, dict) else shard)]


def test_job_opens_no_connection_outside_this_machine(infinigen_job):
    out, log = infinigen_job
    refused = log.read_text() if log.exists() else ""
    assert refused == "", f"render job tried to reach outside this machine:\n{refused}"
    guard_check = subprocess.run(  # the guard itself works: an outside address is refused and logged
        [sys.executable, "-c", "import socket; socket.getaddrinfo('extensions.blender.org', 443)"],
        env={**os.environ, "NETGUARD_LOG": str(log), "PYTHONPATH": str(NETGUARD)}, capture_output=True, text=True)
    assert guard_check.returncode != 0 and "extensions.blender.org" in log.read_text()


def test_bank_is_built_once_and_reused(infinigen_job):
    out, _ = infinigen_job
    bank = json.loads((out / "bank" / "manifest.json").read_text())
    factories = {e["factory"] for e in bank["entries"]}
    assert {"ChairFactory", "BushFactory", "BoulderFactory"} <= factories
    assert "BedFactory" not in factories and "TreeFactory" not in factories
    bush = next(e for e in bank["entries"] if e["factory"] == "BushFactory")
    assert bush["params"] == {"distance": 10}  # the manifest's spawn arguments, part of the key
    for e in bank["entries"]:
        blend = out / "bank" / "assets" / f"{e['key']}.blend"
        assert blend.is_file() and e["size"][2] > 0
        import hashlib

        assert hashlib.sha256(blend.read_bytes()).hexdigest() == e["sha256"]
    run = json.loads((out / "manifest.json").read_text())["run"]["asset_bank"]
    assert run["built"] == len(bank["entries"]) and run["reused"] == 0


def test_views_record_sources_and_every_visible_asset_has_a_class(infinigen_job):
    out, _ = infinigen_job
    views = _views(out)
    assert views
    seen_infinigen = 0
    for v in views:
        sources = {r["id"]: r["source"] for r in v.meta["instances"]}
        ids = {int(i) for i in np.unique(v.instance) if i}
        assert ids == set(sources) == set(v.instance_classes), v.key
        for iid, src in sources.items():
            assert src.split(":", 1)[0] in ("infinigen", "procedural", "primitive", "user"), src
            if src.startswith("infinigen:"):
                seen_infinigen += 1
                mask = v.instance == iid
                assert len(np.unique(v.semantic[mask])) == 1  # one class over the whole asset
    assert seen_infinigen >= 3


def test_every_surface_hit_has_an_instance_id_leaves_included(infinigen_job):
    """Pixels with a finite depth carry an object id: instanced geometry (a bush's twigs and leaves) takes
    its instancer's id, never 0; and the clearing's bushes are in view."""
    out, _ = infinigen_job
    bush_pixels = 0
    for v in _views(out):
        hit = np.isfinite(v.depth)
        assert (v.instance[hit] != 0).all(), f"{v.key}: {(v.instance[hit] == 0).sum()} hit pixels without an id"
        bushes = [r["id"] for r in v.meta["instances"] if r["source"] == "infinigen:BushFactory"]
        bush_pixels += int(np.isin(v.instance, bushes).sum())
    assert bush_pixels > 50


def test_depth_back_projected_agrees_with_normal_labels_on_planar_pixels(infinigen_job):
    out, _ = infinigen_job
    agree = total = 0
    for v in _views(out):
        pts = pixel_rays(v.meta["intrinsics"]) * v.depth[..., None].astype(np.float64)
        dx = pts[1:-1, 2:] - pts[1:-1, :-2]
        dy = pts[2:, 1:-1] - pts[:-2, 1:-1]
        n = np.cross(dx, dy)
        n /= np.linalg.norm(n, axis=-1, keepdims=True) + 1e-30
        n *= -np.sign(np.sum(n * pts[1:-1, 1:-1], axis=-1, keepdims=True))  # face the camera
        lab = v.normals.astype(np.float64)
        centre = lab[1:-1, 1:-1]
        planar = np.isfinite(v.depth[1:-1, 1:-1])
        for di, dj in ((0, 1), (2, 1), (1, 0), (1, 2)):  # 4-neighbours on the same id and the same facet
            nb = lab[di:di + v.depth.shape[0] - 2, dj:dj + v.depth.shape[1] - 2]
            same_id = v.instance[di:di + v.depth.shape[0] - 2, dj:dj + v.depth.shape[1] - 2] == v.instance[1:-1, 1:-1]
            planar &= same_id & (np.sum(nb * centre, axis=-1) > 1 - 1e-6)
        cos = np.sum(n * centre, axis=-1)[planar]
        agree += int((cos > np.cos(np.radians(2.0))).sum())
        total += int(planar.sum())
    assert total > 2000
    assert agree / total > 0.97, f"{agree}/{total} planar pixels agree within 2 degrees"


def _world_tree(obj, lift: float = 0.0):
    """BVH of ``obj``'s mesh in world coordinates, raised by ``lift`` metres; a placed bank asset is an
    empty instancing its template's collection."""
    from mathutils.bvhtree import BVHTree

    m = np.array(obj.matrix_world)
    if obj.instance_type == "COLLECTION":
        (template,) = obj.instance_collection.objects
        obj, m = template, m @ np.array(template.matrix_basis)
    mesh = obj.data
    co = np.empty(len(mesh.vertices) * 3)
    mesh.vertices.foreach_get("co", co)
    co = co.reshape(-1, 3)
    world = co @ m[:3, :3].T + m[:3, 3] + np.array([0.0, 0.0, lift])
    return BVHTree.FromPolygons(world.tolist(), [tuple(p.vertices) for p in mesh.polygons])


def test_placed_assets_do_not_interpenetrate(infinigen_job):
    """Every pair of asset meshes of each scene, realised in Blender: their triangles do not intersect.
    An item standing on another may touch it: it is checked raised by the support tolerance (1 cm, the
    height bin of measured support surfaces)."""
    import bpy

    from pipeline.bank.build import job_catalogue
    from pipeline.bank.store import AssetBank
    from pipeline.config import parse_config
    from pipeline.plan import plan_units
    from pipeline.render.asset_build import SUPPORT_BIN_M
    from pipeline.render.blender_boot import init_blender
    from pipeline.render.blender_scene import build_scene, clear_scene
    from scenes import build

    out, _ = infinigen_job
    config = parse_config(CONFIG)
    catalogue = job_catalogue(config, str(out / "bank"))
    init_blender()
    checked = 0
    for unit in plan_units(config):
        for task in unit.scenes:
            spec = build(task.family, task.params, task.seed, task.scene_id, catalogue)
            build_scene(spec, AssetBank(str(out / "bank")).resolver())
            bpy.context.view_layer.update()  # world matrices of the placed objects
            on = {o.instance_id: o.supported_by for o in spec.objects}
            asset_ids = {o.instance_id for o in spec.objects if o.source.startswith("infinigen:")}
            objs = [o for o in bpy.context.scene.objects if o.get("instance_id") in asset_ids]
            trees = {o.name: _world_tree(o) for o in objs}
            for i, a in enumerate(objs):
                for b in objs[i + 1:]:
                    ia, ib = a["instance_id"], b["instance_id"]
                    if on[ia] == ib or on[ib] == ia:
                        item, support = (a, b) if on[ia] == ib else (b, a)
                        hits = _world_tree(item, SUPPORT_BIN_M).overlap(trees[support.name])
                    else:
                        hits = trees[a.name].overlap(trees[b.name])
                    checked += 1
                    assert not hits, f"{spec.scene_id}: {a['class_name']} {ia} and {b['class_name']} {ib} intersect"
            clear_scene()
    assert checked > 10
