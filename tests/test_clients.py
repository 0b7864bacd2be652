"""Third-party clients read the dataset losslessly: Hugging Face datasets (both configs, normal and
streaming, through the dataset card), Ray Data, and a diffusers-style column rename (local files only)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.formats import read_exr, read_png
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # no cache shared between tests


def _tar_samples(root, series: str) -> dict[str, dict]:
    output = Output(str(root))
    manifest = output.read_json("manifest.json")
    return {s["__key__"]: s for shard in manifest["series"][series] for s in iter_samples(output, shard["name"])}


@pytest.mark.parametrize("streaming", [False, True], ids=["map", "streaming"])
@pytest.mark.parametrize("config", ["pairs", "views"])
def test_hf_datasets_returns_every_field_of_every_sample(tiny_dataset, config, streaming):
    from datasets import load_dataset

    tars = _tar_samples(tiny_dataset, config)
    rows = list(load_dataset(str(tiny_dataset), config, split="train", streaming=streaming))
    assert sorted(r["__key__"] for r in rows) == sorted(tars)
    for row in rows:
        tar = tars[row["__key__"]]
        assert row["json"] == json.loads(tar["json"])  # every field, nulls included, equal to the tar's
        if config == "pairs":
            assert row["prompt.txt"] == tar["prompt.txt"].decode()
            assert np.array_equal(np.asarray(row["target.png"]), read_png(tar["target.png"]))
        else:
            depth = read_exr(row["depth.exr"])  # EXR members come as bytes; OpenEXR reads them
            assert depth.dtype == np.float32 and np.array_equal(depth, read_exr(tar["depth.exr"]), equal_nan=True)
            ids = np.asarray(row["instance.png"])
            assert np.array_equal(ids, read_png(tar["instance.png"]))  # 16 bits kept (PIL mode I;16)
    keys = {k for r in rows for k in r["json"]}
    assert all(set(r["json"]) == keys for r in rows)  # one fixed schema


def test_ray_data_reads_the_pairs(tiny_dataset):
    import ray

    manifest = json.loads((tiny_dataset / "manifest.json").read_text())
    paths = [str(tiny_dataset / s["name"]) for s in manifest["series"]["pairs"]]
    try:
        ray.init(address="local", include_dashboard=False, configure_logging=False)
        rows = ray.data.read_webdataset(paths).take_all()
    finally:
        ray.shutdown()
    assert len(rows) == manifest["counts"]["pairs"]
    tars = _tar_samples(tiny_dataset, "pairs")
    for row in rows:
        assert {"input.png", "prompt.txt", "target.png", "json"} <= set(row)
        meta = row["json"] if isinstance(row["json"], dict) else json.loads(row["json"])
        assert meta == json.loads(tars[row["__key__"]]["json"])


def test_instruct_pix2pix_columns(tiny_dataset):
    from datasets import load_dataset

    from pipeline.consumers.hf import instruct_pix2pix

    pairs = load_dataset(str(tiny_dataset), "pairs", split="train")
    train = instruct_pix2pix(pairs)
    assert set(train.column_names) == {"input_image", "edit_prompt", "edited_image", "json", "__key__"}
    row = train[0]
    assert row["edit_prompt"] == pairs[0]["prompt.txt"] and row["json"]["key"] == row["__key__"]
    assert np.array_equal(np.asarray(row["edited_image"]), np.asarray(pairs[0]["target.png"]))
    lean = instruct_pix2pix(load_dataset(str(tiny_dataset), "pairs", split="train", streaming=True), keep_json=False)
    assert set(next(iter(lean))) == {"input_image", "edit_prompt", "edited_image"}
