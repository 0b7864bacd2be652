"""Training feed: pipeline.loader.make_loader (PyTorch, node and worker splitting, resampling) and the
README's plain-webdataset recipe, which must run without importing the project."""

import io
import pickle
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import torch
from PIL import Image

from pipeline.loader import decode_sample

README = Path(__file__).resolve().parents[1] / "README.md"


def _keys(root) -> list[str]:
    return pq.read_table(Path(root) / "index" / "pairs")["key"].to_pylist()


def test_decode_sample_is_explicit_and_refuses_pickles():
    buf = io.BytesIO()
    Image.fromarray(np.full((2, 3, 3), 7, np.uint8)).save(buf, format="PNG")
    out = decode_sample({"__key__": "k", "input.png": buf.getvalue(), "prompt.txt": b"hi", "json": b'{"a": 1}',
                         "cls": b"3", "blob.bin": b"\x00"})
    assert out["input.png"].shape == (2, 3, 3) and out["prompt.txt"] == "hi" and out["json"] == {"a": 1}
    assert out["cls"] == 3 and out["blob.bin"] == b"\x00"
    for ext in ("pyd", "extra.pkl", "pickle"):
        with pytest.raises(ValueError, match="pickle member"):
            decode_sample({"__key__": "k", ext: pickle.dumps(1)})


@pytest.mark.blender
@pytest.mark.ray
@pytest.mark.xdist_group("render")
def test_two_workers_deliver_every_sample_once_per_epoch(tiny_dataset):
    from pipeline.loader import make_loader

    loader = make_loader(str(tiny_dataset), num_workers=2)
    expected = Counter(_keys(tiny_dataset))
    for _ in range(2):  # two epochs, the same exactly-once guarantee
        got = [s["__key__"] for s in loader]
        assert Counter(got) == expected
    shuffled = [s["__key__"] for s in make_loader(str(tiny_dataset), num_workers=2, shuffle=16, to_tensor=False)]
    assert Counter(shuffled) == expected and shuffled != got  # shuffling keeps exactly-once
    s = next(iter(loader))
    assert s["input.png"].dtype == torch.uint8 and s["input.png"].shape[0] == 3
    assert s["target.png"].shape == s["input.png"].shape and isinstance(s["prompt.txt"], str)


@pytest.mark.blender
@pytest.mark.ray
@pytest.mark.xdist_group("render")
def test_nodes_split_the_shards(tiny_dataset, monkeypatch):
    from pipeline.loader import make_loader

    monkeypatch.setenv("WORLD_SIZE", "2")
    parts = []
    for rank in ("0", "1"):
        monkeypatch.setenv("RANK", rank)
        parts.append([s["__key__"] for s in make_loader(str(tiny_dataset), num_workers=2, to_tensor=False)])
    assert parts[0] and parts[1] and not set(parts[0]) & set(parts[1])
    assert Counter(parts[0] + parts[1]) == Counter(_keys(tiny_dataset))


@pytest.mark.blender
@pytest.mark.ray
@pytest.mark.xdist_group("render")
def test_resampled_mix_epochs_and_batches(tiny_dataset, tmp_path):
    from pipeline.cli import main
    from pipeline.loader import make_loader

    spec = tmp_path / "mix.json"
    assert main(["mix", str(tiny_dataset), "--out", str(spec), "--tasks", "depth=1,normals=1"]) == 0
    batches = list(make_loader(str(spec), num_workers=2, resampled=True, epoch_samples=40, batch_size=4,
                               to_tensor=False))
    samples = [s for b in batches for s in b]
    assert len(batches) == 10 and all(len(b) == 4 for b in batches)
    assert {s["json"]["task"] for s in samples} == {"depth", "normals"}
    assert isinstance(samples[0]["target.png"], np.ndarray)


def _readme_recipe() -> str:
    text = README.read_text()
    blocks = re.findall(r"```python\n(# Training feed with plain webdataset.*?)```", text, re.DOTALL)
    assert len(blocks) == 1, "README lost its plain-webdataset recipe"
    return blocks[0]


@pytest.mark.blender
@pytest.mark.ray
@pytest.mark.xdist_group("render")
def test_readme_recipe_runs_without_the_project(tiny_dataset, tmp_path):
    from pipeline.cli import main

    (tmp_path / "mixes").mkdir()
    ext_dir = tmp_path / "ext"
    ext_dir.mkdir()
    import webdataset as wds

    with wds.TarWriter(str(ext_dir / "t2i-000.tar")) as w:
        for i in range(4):
            buf = io.BytesIO()
            Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(buf, format="JPEG")
            w.write({"__key__": f"t2i_{i}", "jpg": buf.getvalue(), "txt": b"a caption"})
    assert main(["mix", str(tiny_dataset), "--out", str(tmp_path / "mixes" / "banana.json"), "--tasks",
                 "depth=1,semantic=1", "--external", str(ext_dir), "--vision-ratio", "0.5"]) == 0
    check = "\nimport sys\nprint('PROJECT', [m for m in sys.modules if m == 'pipeline' or m.startswith('pipeline.')])\n"
    run = subprocess.run([sys.executable, "-c", _readme_recipe() + check], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1] == "PROJECT []" and len(lines) == 101
    kinds = {("t2i" if line.startswith("t2i_") else re.search(r"_(depth|semantic)(_g\d+)?$", line.split()[0]).group(1))
             for line in lines[:-1]}
    assert kinds == {"t2i", "depth", "semantic"}
