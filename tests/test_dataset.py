"""pipeline.open_dataset: shards and counts, filters decided on the Parquet index alone, and samples that
draw input | target | decoded target | raw label."""

import io
import json
import shutil

import numpy as np
import pyarrow.parquet as pq
import pytest
import webdataset as wds
from PIL import Image

from pipeline.codecs.depth import curve

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]


def _manifest(root):
    return json.loads((root / "manifest.json").read_text())


def test_lists_shards_and_counts(tiny_dataset):
    import pipeline

    ds = pipeline.open_dataset(tiny_dataset)
    manifest = _manifest(tiny_dataset)
    assert ds.counts == manifest["counts"] and len(ds) == manifest["counts"]["pairs"] > 0
    assert [s["name"] for s in ds.shards if s["series"] == "pairs"] == [s["name"] for s in manifest["series"]["pairs"]]
    assert sum(s["count"] for s in ds.shards if s["series"] == "views") == manifest["counts"]["views"]
    assert ds.task_counts() == manifest["counts"]["pairs_per_task"]
    assert f"{len(ds)} of {len(ds)} pairs" in repr(ds)


def test_pair_index_rows_match_the_shards(tiny_dataset):
    """Pair rows hold pair facts; the view's facts come from the views index, joined on view_key."""
    views = {r["key"]: r for r in pq.read_table(tiny_dataset / "index" / "views").to_pylist()}
    rows = {r["key"]: {**views[r["view_key"]], **r} for r in pq.read_table(tiny_dataset / "index" / "pairs").to_pylist()}
    manifest = _manifest(tiny_dataset)
    seen = 0
    for shard in manifest["series"]["pairs"]:
        for s in wds.WebDataset(str(tiny_dataset / shard["name"]), shardshuffle=False):
            row, meta = rows[s["__key__"]], json.loads(s["json"])
            assert row["shard"] == shard["name"] and row["task"] == meta["task"]
            assert json.loads(row["meta"]) == meta and row["roundtrip"] == meta["roundtrip"]
            assert (row["seed"], row["view_seed"], row["template_id"]) == (meta["seed"], meta["view_seed"],
                                                                            meta["template_id"])
            assert row["kind"] in ("indoor", "outdoor") and row["classes"]
            assert row["depth_min"] <= row["depth_median"] <= row["depth_max"]
            if meta["task"] == "semantic":
                assert row["target_classes"] == sorted({c["name"] for c in meta["classes"]})
            if meta["task"] == "instance":
                assert row["target_classes"] == [meta["class_name"]] and meta["class_name"] in row["classes"]
            seen += 1
    assert seen == len(rows)


def _expected(rows, task=None, kind=None, classes=(), target_classes=(), depth=(None, None)):
    out = []
    for r in rows:
        if task is not None and r["task"] not in ([task] if isinstance(task, str) else task):
            continue
        if kind is not None and r["kind"] != kind:
            continue
        if not set(classes) <= set(r["classes"]) or not set(target_classes) <= set(r["target_classes"]):
            continue
        lo, hi = depth
        if (lo is not None and not (r["depth_min"] is not None and r["depth_min"] >= lo)) or \
                (hi is not None and not (r["depth_max"] is not None and r["depth_max"] <= hi)):
            continue
        out.append(r["key"])
    return out


def test_filters_need_only_the_index(tiny_dataset, tmp_path):
    import pipeline

    root = tmp_path / "index_only"
    root.mkdir()
    shutil.copy(tiny_dataset / "manifest.json", root)
    shutil.copytree(tiny_dataset / "index", root / "index")  # no shard at all
    ds = pipeline.open_dataset(str(root))
    rows = ds.pairs.to_pylist()
    common = sorted(set.intersection(*(set(r["classes"]) for r in rows if r["task"] == "depth")) or {rows[0]["classes"][0]})
    some_class = sorted({c for r in rows for c in r["target_classes"]})[0]
    mid_lo = float(np.median([r["depth_min"] for r in rows]))
    mid_hi = float(np.median([r["depth_max"] for r in rows]))
    cases = [
        dict(task="depth"), dict(task=["normals", "semantic"]), dict(kind="outdoor"), dict(kind="indoor"),
        dict(classes=common[:1]), dict(classes=[common[0], "no-such-class"]), dict(target_classes=[some_class]),
        dict(depth=(mid_lo, None)), dict(depth=(None, mid_hi)), dict(depth=(mid_lo, mid_hi)),
        dict(task="instance", kind="indoor", classes=common[:1], depth=(0.0, mid_hi)),
    ]
    sizes = set()
    for case in cases:
        got = ds.filter(**case).pairs["key"].to_pylist()
        assert got == _expected(rows, **case), case
        sizes.add(len(got))
    assert 0 in sizes and len(sizes) > 3  # the filters select different, non-trivial subsets
    assert len(ds.filter(task="depth").filter(kind="outdoor")) == len(_expected(rows, task="depth", kind="outdoor"))
    with pytest.raises(FileNotFoundError):
        ds.filter(task="depth")[0]  # reading a sample does need its shard


def test_samples_decode_and_draw_side_by_side(tiny_dataset):
    import pipeline

    ds = pipeline.open_dataset(tiny_dataset)
    for task in ds.task_counts():
        sel = ds.filter(task=task)
        s = sel[len(sel) - 1]
        assert s.task == task and s.key == sel.pairs["key"][len(sel) - 1].as_py()
        assert s.input.shape == s.target.shape and s.input.dtype == np.uint8 and s.prompt
        assert s.labels.key == s.meta["view_key"] == s.row["view_key"]
        if task == "depth":
            hit = np.isfinite(s.truth)
            assert np.array_equal(np.isfinite(s.decoded), hit)
            assert np.abs(curve(s.decoded[hit]) - curve(s.truth[hit])).max() <= 1 / 3570 + 1e-6  # half a step
        elif task == "semantic":
            assert np.array_equal(s.decoded, s.truth)
        elif task == "referring":
            assert s.decoded.keys() == s.truth.keys()
        png = Image.open(io.BytesIO(s._repr_png_()))
        assert png.width > 3 * png.height and np.asarray(png.convert("L")).std() > 10
    keys = [s.key for s in ds.filter(task="normals")]
    assert keys == ds.filter(task="normals").pairs["key"].to_pylist()
    assert ds[keys[0]].key == keys[0]
    with pytest.raises(KeyError):
        ds["no_such_key"]


def test_a_sample_is_one_ranged_read_without_scanning_its_shard(tiny_dataset):
    """The index records each sample's byte range; ds[i] reads just that, and gets what a scan gets."""
    import pipeline
    from pipeline.shards.storage import Output
    from pipeline.shards.tar_reader import iter_samples

    ds = pipeline.open_dataset(tiny_dataset)
    rows = ds.pairs.select(["key", "shard", "offset", "size"]).to_pylist()
    assert all(r["offset"] is not None and r["size"] > 0 for r in rows)
    for i in (0, len(ds) // 2, len(ds) - 1):
        s = ds[i]
        scanned = {x["__key__"]: x for x in iter_samples(Output(str(tiny_dataset)), rows[i]["shard"])}[rows[i]["key"]]
        assert json.loads(scanned["json"]) == s.meta and s.prompt == scanned["prompt.txt"].decode()
        assert s.labels.key == s.meta["view_key"]
    assert ds._reader._locations == {}  # no shard was scanned
