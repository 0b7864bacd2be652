"""pipeline validate: a clean dataset passes; truncated, bit-flipped, pickled, duplicated, mis-encoded,
missing and stray shards are caught, and the report names every bad shard and sample."""

import hashlib
import io
import json
import pickle
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

from pipeline.cli import main

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]


@pytest.fixture(scope="module", autouse=True)
def ray_instance(tiny_dataset):
    """One local Ray instance for the module's validate runs (each would otherwise start and stop its own),
    started after the tiny dataset (whose render shuts its instance down)."""
    import ray

    from pipeline.distributed.ray_backend import connect

    connect(None)
    yield
    ray.shutdown()


@pytest.fixture
def dataset(tiny_dataset, tmp_path) -> Path:
    """A private copy of the tiny dataset that a test may damage."""
    return Path(shutil.copytree(tiny_dataset, tmp_path / "ds"))


def _validate(root, capsys) -> tuple[int, str]:
    rc = main(["validate", str(root)])
    return rc, capsys.readouterr().out


def _members(path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(path) as tar:
        return [(i, tar.extractfile(i).read()) for i in tar.getmembers()]


def _rewrite(root: Path, shard: str, members: list[tuple[str, bytes]]) -> None:
    """Write ``shard`` with ``members`` and update its manifest entry, so only the content is wrong."""
    path = root / shard
    with tarfile.open(path, "w") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    manifest = json.loads((root / "manifest.json").read_text())
    entry = next(e for s in manifest["series"].values() for e in s if e["name"] == shard)
    data = path.read_bytes()
    entry.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data),
                 count=len({n.split(".", 1)[0] for n, _ in members}))
    (root / "manifest.json").write_text(json.dumps(manifest))


def _biggest_pair_shard(root: Path) -> str:
    manifest = json.loads((root / "manifest.json").read_text())
    return max(manifest["series"]["pairs"], key=lambda e: e["count"])["name"]


def _index_keys(root: Path, shard: str) -> list[str]:
    rows = pq.read_table(root / "index" / "pairs").to_pylist()
    return [r["key"] for r in rows if r["shard"] == shard]


def test_clean_dataset_passes(dataset, capsys):
    from pipeline.consumers.validate import validate_dataset

    rc, out = _validate(dataset, capsys)
    assert rc == 0 and "OK" in out.splitlines()[0]
    report = validate_dataset(str(dataset))
    counts = json.loads((dataset / "manifest.json").read_text())["counts"]
    assert report.checked["targets"] == report.checked["pairs"] == counts["pairs"]
    assert report.checked["views"] == counts["views"]


def test_not_a_dataset_is_bad_input(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def test_truncated_shard_names_shard_and_every_lost_sample(dataset, capsys):
    shard = _biggest_pair_shard(dataset)
    path = dataset / shard
    members = _members(path)
    cut = members[len(members) // 2][0].offset_data + 10  # inside a member's data
    lost = {i.name.split(".", 1)[0] for i, _ in members if i.offset_data + i.size > cut}
    path.write_bytes(path.read_bytes()[:cut])
    rc, out = _validate(dataset, capsys)
    assert rc == 1 and shard in out and "truncated" in out
    bad_samples = out.split("bad samples: ")[1].splitlines()[0].split(", ")
    assert lost and lost <= set(bad_samples) and set(bad_samples) <= set(_index_keys(dataset, shard))


def test_bit_flip_in_a_target_names_shard_and_sample(dataset, capsys):
    shard = _biggest_pair_shard(dataset)
    path = dataset / shard
    info = next(i for i, _ in _members(path) if i.name.endswith(".target.png"))
    data = bytearray(path.read_bytes())
    data[info.offset_data + info.size // 2] ^= 0x04
    path.write_bytes(bytes(data))
    rc, out = _validate(dataset, capsys)
    key = info.name.split(".", 1)[0]
    assert rc == 1 and f"{shard}: sha256" in out and f"{shard} {key}:" in out
    assert key in out.split("bad samples: ")[1]


def test_bit_flip_in_a_view_shard_is_caught(dataset, capsys):
    manifest = json.loads((dataset / "manifest.json").read_text())
    shard = manifest["series"]["views"][0]["name"]
    path = dataset / shard
    info = next(i for i, _ in _members(path) if i.name.endswith(".depth.exr"))
    data = bytearray(path.read_bytes())
    data[info.offset_data + info.size // 2] ^= 0x80
    path.write_bytes(bytes(data))
    rc, out = _validate(dataset, capsys)
    assert rc == 1 and f"{shard}: sha256" in out and shard in out.split("bad shards: ")[1]


class _Boom:
    """Unpickling this writes a marker file: proof that nothing was unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (Path(self.marker), "unpickled"))


def test_pickle_member_is_refused_and_never_loaded(dataset, tmp_path, capsys):
    shard = _biggest_pair_shard(dataset)
    members = [(i.name, d) for i, d in _members(dataset / shard)]
    key = members[0][0].split(".", 1)[0]
    marker = tmp_path / "unpickled.txt"
    members.insert(1, (f"{key}.extra.pyd", pickle.dumps(_Boom(str(marker)))))
    _rewrite(dataset, shard, members)
    rc, out = _validate(dataset, capsys)
    assert rc == 1 and f"{shard} {key}: pickle member" in out and not marker.exists()


@pytest.mark.parametrize("where", ["same unit", "another unit"])
def test_duplicate_key_across_shards(dataset, capsys, where):
    """A sample copied into another shard of its unit, or of another unit: unit tasks return key hashes
    only, and the driver still names the repeated key and both shards."""
    from pipeline.shards.layout import unit_of_shard

    manifest = json.loads((dataset / "manifest.json").read_text())
    pairs = manifest["series"]["pairs"]
    first = pairs[0]["name"]
    same = where == "same unit"
    second = next(e["name"] for e in pairs[1:] if (unit_of_shard(e["name"]) == unit_of_shard(first)) == same)
    donor = [(i.name, d) for i, d in _members(dataset / first)]
    key = donor[0][0].split(".", 1)[0]
    copied = [(n, d) for n, d in donor if n.startswith(key + ".")]
    _rewrite(dataset, second, [(i.name, d) for i, d in _members(dataset / second)] + copied)
    rc, out = _validate(dataset, capsys)
    assert rc == 1 and f"{second} {key}: duplicate key (also in {first})" in out


@pytest.mark.parametrize("task", ["depth", "normals", "semantic", "instance", "referring"])
def test_target_that_does_not_decode_to_the_labels(dataset, capsys, task):
    """A valid PNG whose pixels were changed: only decoding and comparing with the raw labels catches it."""
    rows = pq.read_table(dataset / "index" / "pairs").to_pylist()
    row = next((r for r in rows if r["task"] == task), None)
    if row is None:
        pytest.skip(f"the tiny dataset has no {task} pair")
    members = [(i.name, d) for i, d in _members(dataset / row["shard"])]
    k = next(j for j, (n, _) in enumerate(members) if n == f"{row['key']}.target.png")
    target = np.array(Image.open(io.BytesIO(members[k][1])).convert("RGB"))
    h, w, _ = target.shape
    target[h // 4: h // 2, w // 4: w // 2] = 255 - target[h // 4: h // 2, w // 4: w // 2]
    buf = io.BytesIO()
    Image.fromarray(target).save(buf, format="PNG")
    members[k] = (members[k][0], buf.getvalue())
    _rewrite(dataset, row["shard"], members)
    rc, out = _validate(dataset, capsys)
    assert rc == 1 and f"{row['shard']} {row['key']}: {task}" in out
    assert out.split("bad samples: ")[1].strip() == row["key"]


def test_missing_and_stray_shards(dataset, capsys):
    manifest = json.loads((dataset / "manifest.json").read_text())
    gone = manifest["series"]["views"][-1]["name"]
    (dataset / gone).unlink()
    (dataset / "pairs" / "pairs-u999999-0000.tar.partial-1234").write_bytes(b"half")
    rc, out = _validate(dataset, capsys)
    assert rc == 1 and f"{gone}: listed in the manifest but missing" in out
    assert "pairs/pairs-u999999-0000.tar.partial-1234: not listed in the manifest" in out


def test_sampled_validate_checks_whole_units_and_says_how_many(dataset, capsys):
    """--sample checks a seeded share of the units, each with all its shards, and states its coverage:
    damage in a sampled unit is found, damage elsewhere is not looked at."""
    from pipeline.consumers.validate import validate_dataset
    from pipeline.shards.layout import unit_of_shard

    manifest = json.loads((dataset / "manifest.json").read_text())
    units = sorted({unit_of_shard(e["name"]) for s in manifest["series"].values() for e in s})
    assert len(units) >= 2
    report = validate_dataset(str(dataset), sample=0.5, seed=1)
    assert report.ok and f"of {len(units)} units (fraction 0.5, seed 1)" in report.coverage
    again = validate_dataset(str(dataset), sample=0.5, seed=1)
    assert again.checked == report.checked  # the same units for the same seed
    shard = _biggest_pair_shard(dataset)
    path = dataset / shard
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    hits = [validate_dataset(str(dataset), sample=0.5, seed=s) for s in range(8)]
    assert any(not h.ok and shard in h.bad_shards for h in hits)  # a sample that holds the unit finds it
    assert any(h.ok for h in hits)  # one that does not, does not look at it
    assert main(["validate", str(dataset), "--sample", "1.5"]) == 2


def test_index_parts_are_checked_per_unit(dataset, capsys):
    """A unit whose index part is gone, and a part of a unit the manifest does not list, are both named."""
    parts = sorted((dataset / "index" / "views").glob("*.parquet"))
    gone = parts[0]
    stray = dataset / "index" / "views" / "u999999.parquet"
    shutil.copy(parts[-1], stray)
    gone.unlink()
    rc, out = _validate(dataset, capsys)
    assert rc == 1 and f"index/views/{gone.name}: the unit's index part is missing" in out
    assert "index/views/u999999.parquet: an index part of a unit the manifest does not list" in out


def test_ray_and_in_process_agree_and_every_shard_is_read_once(dataset, capsys, monkeypatch):
    """The default (one Ray task per unit, here at most one at a time) checks exactly what the in-process
    run checks, and the in-process run opens each shard once: views are not re-read for their pairs."""
    from pipeline.consumers.validate import validate_dataset
    from pipeline.shards.storage import Output

    assert main(["validate", str(dataset), "--workers", "1", "--no-progress"]) == 0
    on_ray = capsys.readouterr().out
    fs_class = type(Output(str(dataset)).fs)
    opened: list[str] = []
    real_open = fs_class._open

    def counting_open(self, path, *args, **kwargs):
        if str(path).endswith(".tar"):
            opened.append(str(path))
        return real_open(self, path, *args, **kwargs)

    monkeypatch.setattr(fs_class, "_open", counting_open)
    report = validate_dataset(str(dataset))
    manifest = json.loads((dataset / "manifest.json").read_text())
    shards = [Output(str(dataset)).path(e["name"]) for s in manifest["series"].values() for e in s]
    assert report.ok and sorted(opened) == sorted(shards)
    assert report.text().splitlines()[1] == on_ray.splitlines()[1]  # the same counts checked


def test_stats_on_ray_equal_stats_in_process(dataset, tmp_path, capsys):
    from pipeline.consumers.stats import dataset_stats

    assert main(["stats", str(dataset), "--json", str(tmp_path / "s.json"), "--png", str(tmp_path / "s.png"),
                 "--no-progress"]) == 0
    on_ray = json.loads((tmp_path / "s.json").read_text())
    here = dataset_stats(str(dataset))
    assert on_ray == here and sum(here["depth_m"]["counts"]) > 0 and here["class_pixel_share"]
