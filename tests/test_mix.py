"""pipeline mix: a spec plain webdataset consumes (task sources selected by key, external sets, weights),
and materialised mixed shards."""

import io
import json
import pickle
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import webdataset as wds
from PIL import Image

from pipeline.cli import main
from pipeline.consumers.mix import parse_weights

def _external_set(folder: Path, shards: int = 2, per_shard: int = 5, extra: dict | None = None) -> str:
    """A team's own text-to-image shards: jpg + txt per sample."""
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(shards):
        with wds.TarWriter(str(folder / f"t2i-{k:03d}.tar")) as w:
            for i in range(per_shard):
                buf = io.BytesIO()
                Image.fromarray(np.full((8, 8, 3), 10 * i, np.uint8)).save(buf, format="JPEG")
                w.write({"__key__": f"t2i_{k:03d}_{i:03d}", "jpg": buf.getvalue(), "txt": f"caption {i}".encode(),
                         **(extra or {})})
    return str(folder / f"t2i-{{000..{shards - 1:03d}}}.tar")


def test_parse_weights():
    assert parse_weights("depth=2, normals=1") == {"depth": 2.0, "normals": 1.0}
    for bad in ("depth", "colour=1", "depth=x", "depth=-1", "depth=0"):
        with pytest.raises(ValueError):
            parse_weights(bad)


@pytest.mark.parametrize("args, message", [
    (["--external", "EXT"], "--vision-ratio is required"),
    (["--external", "EXT", "--vision-ratio", "1.5"], "--vision-ratio must lie in (0, 1)"),
    (["--tasks", "depth=1,bogus=2"], "bogus=2"),
    (["--external", "EXT", "--vision-ratio", "0.1", "--external-weights", "1,2"], "need 1 positive weights"),
    (["--external", "/no/such/shard-{0..1}.tar", "--vision-ratio", "0.1"], "does not exist"),
])
def test_bad_mix_arguments_exit_2(tmp_path, capsys, args, message):
    ext = _external_set(tmp_path / "ext")
    (tmp_path / "ds").mkdir()
    argv = ["mix", str(tmp_path / "ds"), "--out", str(tmp_path / "mix.json")] + [ext if a == "EXT" else a for a in args]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.blender
@pytest.mark.ray
@pytest.mark.xdist_group("render")
def test_spec_sources_and_weights(tiny_dataset, tmp_path, capsys):
    ext = _external_set(tmp_path / "ext")
    out = tmp_path / "mix.json"
    assert main(["mix", str(tiny_dataset), "--out", str(out), "--tasks", "depth=3,normals=1",
                 "--external", ext, "--vision-ratio", "0.2"]) == 0
    spec = json.loads(out.read_text())
    weights = {s["name"]: s["weight"] for s in spec["sources"]}
    assert weights == pytest.approx({"vision:depth": 0.15, "vision:normals": 0.05, "external:0": 0.8})
    rows = pq.read_table(tiny_dataset / "index" / "pairs").to_pylist()
    for s in spec["sources"]:
        if s["kind"] != "vision":
            assert [Path(u).name for u in s["urls"]] == ["t2i-000.tar", "t2i-001.tar"]
            continue
        task = s["task"]
        expected = [r["key"] for r in rows if r["task"] == task]
        assert s["samples"] == len(expected)
        assert {Path(u).name for u in s["urls"]} == {Path(r["shard"]).name for r in rows if r["task"] == task}
        # plain webdataset + the key regex yields exactly this task's pairs
        keep = re.compile(s["key_regex"])
        got = list(wds.WebDataset(s["urls"], shardshuffle=False).select(lambda x: keep.search(x["__key__"]) is not None))
        assert sorted(x["__key__"] for x in got) == sorted(expected)
        assert {json.loads(x["json"])["task"] for x in got} == {task}


@pytest.mark.blender
@pytest.mark.ray
@pytest.mark.xdist_group("render")
def test_natural_proportions_is_one_source(tiny_dataset, tmp_path):
    out = tmp_path / "mix.json"
    assert main(["mix", str(tiny_dataset), "--out", str(out)]) == 0
    (source,) = json.loads(out.read_text())["sources"]
    manifest = json.loads((tiny_dataset / "manifest.json").read_text())
    assert source["weight"] == 1.0 and "key_regex" not in source
    assert sorted(Path(u).name for u in source["urls"]) == sorted(Path(s["name"]).name for s in manifest["series"]["pairs"])


@pytest.mark.blender
@pytest.mark.ray
@pytest.mark.xdist_group("render")
def test_materialised_mix(tiny_dataset, tmp_path):
    ext = _external_set(tmp_path / "ext", shards=2, per_shard=20)
    out = tmp_path / "mixed"
    assert main(["mix", str(tiny_dataset), "--out", str(tmp_path / "mix.json"), "--tasks", "depth=1,semantic=1",
                 "--external", ext, "--vision-ratio", "0.25", "--materialize", str(out), "--samples", "200",
                 "--max-samples", "64", "--seed", "3"]) == 0
    result = json.loads((out / "mix.json").read_text())
    (source,) = result["sources"]
    samples = list(wds.WebDataset(source["urls"], shardshuffle=False))
    assert len(samples) == 200 == sum(result["drawn"].values()) and len(source["urls"]) == 4
    keys = [s["__key__"] for s in samples]
    assert len(set(keys)) == len(keys)
    kinds = Counter("external" if k.startswith("t2i_") else json.loads(s["json"])["task"] for k, s in zip(keys, samples))
    assert kinds == Counter({"external": result["drawn"]["external:0"], "depth": result["drawn"]["vision:depth"],
                             "semantic": result["drawn"]["vision:semantic"]})
    assert 0.15 < (kinds["depth"] + kinds["semantic"]) / 200 < 0.35  # about the vision ratio
    assert any("-rep" in k for k in keys)  # the few depth pairs are drawn more than once, under fresh keys
    assert main(["mix", str(tiny_dataset), "--out", str(tmp_path / "again.json"), "--materialize", str(out),
                 "--samples", "5"]) == 2  # never mixes into an existing materialised mix


def test_materialising_refuses_pickle_members(tmp_path, capsys):
    from pipeline.consumers.mix import materialize

    ext = _external_set(tmp_path / "ext", shards=1, extra={"pyd": pickle.dumps({"x": 1})})
    spec = {"seed": 0, "sources": [{"name": "external:0", "weight": 1.0,
                                    "urls": [str(tmp_path / "ext" / "t2i-000.tar")], "pattern": ext}]}
    with pytest.raises(ValueError, match="pickle member"):
        materialize(spec, str(tmp_path / "out"), samples=3)
    assert not list((tmp_path / "out").glob("mixed/*.tar"))
