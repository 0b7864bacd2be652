"""Shard series: atomic publication, caps, determinism, readable by plain webdataset and GNU tar."""

import subprocess

import numpy as np
import pytest
import webdataset as wds

from pipeline.formats import exr_bytes, png_bytes, read_exr, read_png
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples
from pipeline.shards.writer import ShardSeries


def _sample(i: int) -> dict:
    rng = np.random.default_rng(i)
    return {"__key__": f"s{i:04d}_v00", "rgb.png": png_bytes(rng.integers(0, 255, (8, 8, 3), dtype=np.uint8)),
            "depth.exr": exr_bytes(rng.random((8, 8), dtype=np.float32)), "txt": f"sample {i}".encode()}


def test_series_rotates_by_count_and_reads_back(tmp_path):
    out = Output(str(tmp_path))
    series = ShardSeries(out, "pairs", "u000007", max_samples=3, max_bytes=10**9)
    for i in range(7):
        series.write(_sample(i))
    shards = series.close()
    assert [s.name for s in shards] == [f"pairs/pairs-u000007-{k:04d}.tar" for k in range(3)]
    assert [s.count for s in shards] == [3, 3, 1]
    urls = [str(tmp_path / s.name) for s in shards]
    got = list(wds.WebDataset(urls, shardshuffle=False))
    assert [g["__key__"] for g in got] == [f"s{i:04d}_v00" for i in range(7)]
    assert got[2]["txt"] == b"sample 2"
    listing = subprocess.run(["tar", "-tf", urls[0]], capture_output=True, text=True, check=True).stdout.split()
    assert listing == ["s0000_v00.depth.exr", "s0000_v00.rgb.png", "s0000_v00.txt",
                       "s0001_v00.depth.exr", "s0001_v00.rgb.png", "s0001_v00.txt",
                       "s0002_v00.depth.exr", "s0002_v00.rgb.png", "s0002_v00.txt"]
    assert sorted(p.name for p in (tmp_path / "pairs").iterdir()) == [s.name.split("/")[1] for s in shards]


def test_series_rotates_by_bytes(tmp_path):
    series = ShardSeries(Output(str(tmp_path)), "views", "u000000", max_samples=100, max_bytes=1_000_000)
    big = {"__key__": "a", "bin": bytes(600_000)}
    series.write(big)
    series.write({**big, "__key__": "b"})
    assert [s.count for s in series.close()] == [1, 1]


def test_same_samples_give_identical_bytes(tmp_path):
    hashes = []
    for run in ("a", "b"):
        series = ShardSeries(Output(str(tmp_path / run)), "pairs", "u000000", 100, 10**9)
        for i in range(3):
            series.write(_sample(i))
        hashes.append([s.sha256 for s in series.close()])
    assert hashes[0] == hashes[1]


def test_abort_publishes_nothing(tmp_path):
    series = ShardSeries(Output(str(tmp_path)), "pairs", "u000001", 100, 10**9)
    series.write(_sample(0))
    series.abort()
    assert not (tmp_path / "pairs").exists() or not any((tmp_path / "pairs").iterdir())


def test_keys_with_dots_are_refused(tmp_path):
    series = ShardSeries(Output(str(tmp_path)), "pairs", "u000001", 100, 10**9)
    with pytest.raises(ValueError, match="dot"):
        series.write({"__key__": "a.b", "txt": b"x"})


def test_publish_through_non_local_filesystem():
    out = Output("memory://shards-test/ds")
    series = ShardSeries(out, "pairs", "u000002", 2, 10**9)
    for i in range(3):
        series.write(_sample(i))
    shards = series.close()
    assert out.list("pairs") == ["pairs-u000002-0000.tar", "pairs-u000002-0001.tar"]
    keys = [s["__key__"] for sh in shards for s in iter_samples(out, sh.name)]
    assert keys == ["s0000_v00", "s0001_v00", "s0002_v00"]


def test_member_codecs_are_lossless():
    ids = (np.arange(100).reshape(10, 10) * 600).astype(np.uint16)
    assert np.array_equal(read_png(png_bytes(ids)), ids)
    depth = np.full((4, 5), 3.25, np.float32)
    depth[0, 0] = np.inf
    assert np.array_equal(read_exr(exr_bytes(depth)), depth)
    normals = np.random.default_rng(0).random((4, 5, 3), dtype=np.float32)
    assert np.array_equal(read_exr(exr_bytes(normals)), normals)
