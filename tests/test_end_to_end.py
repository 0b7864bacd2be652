"""End to end through local Ray and Blender: the tiny dataset's shards, index and manifest."""

import hashlib
import json
import subprocess

import numpy as np
import pyarrow.parquet as pq
import pytest
import webdataset as wds
from PIL import Image

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]

PAIR_MEMBERS = {"input.png", "prompt.txt", "target.png", "json"}
VIEW_MEMBERS = {"rgb.png", "depth.exr", "normal.exr", "instance.png", "semantic.png", "json"}


def _shards(root, series):
    manifest = json.loads((root / "manifest.json").read_text())
    return manifest, [str(root / s["name"]) for s in manifest["series"][series]]


def test_plain_webdataset_reads_pairs(tiny_dataset):
    manifest, urls = _shards(tiny_dataset, "pairs")
    samples = list(wds.WebDataset(urls, shardshuffle=False).decode("pil"))
    assert len(samples) == manifest["counts"]["pairs"] > 0
    keys = [s["__key__"] for s in samples]
    assert len(set(keys)) == len(keys) and not any("." in k for k in keys)
    tasks = set()
    for s in samples:
        assert PAIR_MEMBERS <= set(s) - {"__key__", "__url__", "__local_path__"}
        meta = s["json"]
        tasks.add(meta["task"])
        assert s["input.png"].size == s["target.png"].size
        assert isinstance(s["prompt.txt"], str) and s["prompt.txt"]
    assert {"depth", "normals", "semantic"} <= tasks
    assert manifest["counts"]["views"] == 6 - manifest["counts"]["rejected_views"]


def test_views_series_holds_exact_raw_labels(tiny_dataset):
    from pipeline.formats import read_exr, read_png

    manifest, urls = _shards(tiny_dataset, "views")
    n = 0
    for s in wds.WebDataset(urls, shardshuffle=False):
        assert VIEW_MEMBERS <= set(s)
        depth, normals = read_exr(s["depth.exr"]), read_exr(s["normal.exr"])
        inst, sem = read_png(s["instance.png"]), read_png(s["semantic.png"])
        meta = json.loads(s["json"])
        assert depth.dtype == np.float32 and inst.dtype == np.uint16
        hit = np.isfinite(depth)
        assert np.all(depth[hit] > 0)
        assert np.allclose(np.linalg.norm(normals[hit], axis=-1), 1, atol=1e-4)
        assert np.all(inst[~hit] == 0)
        assert set(np.unique(inst[hit])) <= {r["id"] for r in meta["instances"]}
        assert set(np.unique(sem)) <= {r["id"] for r in meta["class_table"]} and 0 not in set(np.unique(sem))
        assert {"fx", "fy", "cx", "cy", "width", "height"} <= set(meta["intrinsics"])
        assert np.asarray(meta["cam2world"]).shape == (4, 4)
        n += 1
    assert n == manifest["counts"]["views"]


def test_manifest_hashes_and_tar_listing(tiny_dataset):
    manifest = json.loads((tiny_dataset / "manifest.json").read_text())
    for series in ("views", "pairs"):
        for shard in manifest["series"][series]:
            data = (tiny_dataset / shard["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == shard["sha256"]
            names = subprocess.run(["tar", "-tf", str(tiny_dataset / shard["name"])], capture_output=True,
                                   text=True, check=True).stdout.split()
            assert len({n.split(".", 1)[0] for n in names}) == shard["count"]
    leftovers = [p for p in tiny_dataset.rglob("*") if ".partial" in p.name]
    assert leftovers == []


def test_parquet_index_matches_shards(tiny_dataset):
    manifest = json.loads((tiny_dataset / "manifest.json").read_text())
    pairs = pq.read_table(tiny_dataset / "index" / "pairs").to_pylist()
    views = pq.read_table(tiny_dataset / "index" / "views").to_pylist()
    assert len(pairs) == manifest["counts"]["pairs"] and len(views) == manifest["counts"]["views"]
    assert {r["kind"] for r in views} == {"indoor", "outdoor"}
    for r in views:
        assert 0 < r["depth_min"] <= r["depth_median"] <= r["depth_max"]


def test_contact_sheet(tiny_dataset, tmp_path):
    from pipeline.consumers.contact_sheet import contact_sheet

    out = tmp_path / "sheet.png"
    rows, pairs = contact_sheet(str(tiny_dataset), str(out), max_rows=3)
    img = np.asarray(Image.open(out).convert("RGB"))
    assert rows == 3 and pairs == 0 and img.shape[1] == 4 * 192 and img.shape[0] > 3 * 192
    assert img[16:, :].std() > 10


def test_rerun_is_a_noop_and_other_config_is_refused(tiny_dataset):
    from tiny_job import tiny_config
    from pipeline.job import OutputConflict, render_job

    before = (tiny_dataset / "manifest.json").read_text()
    assert render_job(tiny_config(), str(tiny_dataset), progress=False) == json.loads(before)
    assert (tiny_dataset / "manifest.json").read_text() == before
    with pytest.raises(OutputConflict, match="different job"):
        render_job(tiny_config(seed=8), str(tiny_dataset), progress=False)


def test_stats_json_and_plot(tiny_dataset, tmp_path):
    from pipeline.cli import main

    assert main(["stats", str(tiny_dataset), "--json", str(tmp_path / "s.json"), "--png", str(tmp_path / "s.png")]) == 0
    stats = json.loads((tmp_path / "s.json").read_text())
    assert stats["views"] == json.loads((tiny_dataset / "manifest.json").read_text())["counts"]["views"]
    assert abs(sum(stats["class_pixel_share"].values()) - 1) < 1e-3
    assert {"floor", "wall"} <= set(stats["class_pixel_share"])
    assert set(stats["kinds"]) == {"indoor", "outdoor"} and sum(stats["kinds"].values()) == stats["views"]
    assert Image.open(tmp_path / "s.png").size[0] > 500


def test_family_sheets(tiny_dataset, tmp_path):
    from pipeline.consumers.contact_sheet import family_sheets

    paths = family_sheets(str(tiny_dataset), str(tmp_path), per_family=3)
    assert sorted(p.rsplit("/", 1)[1] for p in paths) == ["views_indoor_room.png", "views_outdoor_street.png"]
    indoor = np.asarray(Image.open(paths[0]).convert("RGB"))
    assert indoor.shape == (16 + 2 * 160, 2 * 160, 3)
    assert indoor[16:176, :160].std() > 5 and indoor[16:176, 160:].std() > 5


def test_task_balance_follows_the_config(tiny_dataset):
    """One pair per view of each task by default: depth, normals and semantic on every view, instance
    and referring on every view that offers one; the manifest records rates and shares."""
    manifest = json.loads((tiny_dataset / "manifest.json").read_text())
    views, per_task = manifest["counts"]["views"], manifest["counts"]["pairs_per_task"]
    balance = manifest["task_balance"]
    assert set(balance) == set(manifest["config"]["tasks"]) == {"depth", "normals", "semantic", "instance", "referring"}
    for task, b in balance.items():
        assert b["pairs_per_view_config"] == 1.0
        assert b["pairs_per_view"] == round(per_task.get(task, 0) / views, 4)
    assert per_task["depth"] == per_task["normals"] == views
    assert per_task["semantic"] >= views  # a mapping too long for CLIP's 77 tokens is split across pairs
    assert 0 < per_task["instance"] <= views and 0 < per_task["referring"] <= views
    assert abs(sum(b["share"] for b in balance.values()) - 1.0) < 1e-3
    pairs = pq.read_table(tiny_dataset / "index" / "pairs").to_pylist()
    inst = [r for r in pairs if r["task"] == "instance"]
    rt = [r["roundtrip"] for r in inst]
    assert all(t["missed"] == 0 and t["recovered"] >= 1 and t["mask_iou_min"] >= 0.9 for t in rt)
    assert all(r["roundtrip"]["recovered"] is None for r in pairs if r["task"] == "depth")
