"""Config validation happens before anything renders and names the offending field."""

import subprocess
import sys

import pytest
import yaml

from tiny_job import TINY_CONFIG
from pipeline.config import ConfigError, load_config, parse_config
from pipeline.plan import config_fingerprint, plan_units


def _with(**changes):
    raw = yaml.safe_load(yaml.safe_dump(TINY_CONFIG))
    for dotted, value in changes.items():
        node = raw
        *path, last = dotted.split("__")
        for part in path:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return raw


@pytest.mark.parametrize("changes, field", [
    ({"colour": "red"}, "colour"),
    ({"render__samples": 0}, "render.samples"),
    ({"render__quality": "ultra"}, "render"),
    ({"shards__max_samples": -1}, "shards.max_samples"),
    ({"tasks": ["depth", "optical_flow"]}, "tasks.optical_flow"),
    ({"tasks": {"depth": 1, "semantic": 2}}, "tasks.semantic"),
    ({"tasks": {"depth": 0}}, "tasks"),
    ({"scenes__0__count": 0}, "scenes[0].count"),
    ({"scenes__0__family": "moon_base"}, "scenes[0].family"),
    ({"scenes__1__params": {"views": 0}}, "scenes[1].params.views"),
    ({"scenes__1__params": {"wheels": 3}}, "scenes[1].params.wheels"),
    ({"name": "has space"}, "name"),
])
def test_bad_config_names_the_field(changes, field):
    with pytest.raises(ConfigError) as err:
        parse_config(_with(**changes), "job.yaml")
    assert "job.yaml" in str(err.value) and field in str(err.value)


def test_quickstart_config_is_valid_and_plans_deterministically():
    cfg = load_config("configs/quickstart.yaml")
    a, b = plan_units(cfg), plan_units(load_config("configs/quickstart.yaml"))
    assert a == b and sum(len(u.scenes) for u in a) == cfg.total_scenes()
    assert len({t.seed for u in a for t in u.scenes}) == cfg.total_scenes()
    assert config_fingerprint(cfg) == config_fingerprint(load_config("configs/quickstart.yaml"))


def test_cli_rejects_bad_config_before_rendering(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_with(render__samples="many")))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "render", str(bad), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "render.samples" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nope.yaml: config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_bad_user_asset_stops_the_job_before_anything_is_written(tmp_path):
    root = tmp_path / "assets"
    root.mkdir()
    (root / "cube.gltf").write_text('{"asset": {"version": "2.0"}, "scenes": [], "nodes": []}')
    manifest = tmp_path / "user_assets.yaml"
    manifest.write_text(yaml.safe_dump({"assets": [{
        "name": "test_cube", "path": "cube.gltf", "class": "box", "scale": 1.0, "placement": "support", "licence": "CC0",
        "sha256": "0" * 64}]}))
    raw = _with()
    raw["assets"] = {"root": str(root), "manifest": str(manifest)}
    cfg = tmp_path / "job.yaml"
    cfg.write_text(yaml.safe_dump(raw))
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "render", str(cfg), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "test_cube" in proc.stderr and "sha256" in proc.stderr
    assert not out.exists()
