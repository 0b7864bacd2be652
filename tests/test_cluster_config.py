"""ray_cluster.yaml passes Ray's own validation and keeps the promises the README makes."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_ray_validates_cluster_config():
    from ray.autoscaler._private.util import prepare_config, validate_config

    config = prepare_config(yaml.safe_load((ROOT / "ray_cluster.yaml").read_text()))
    validate_config(config)  # the JSON schema inside the ray wheel; raises on any violation
    types = config["available_node_types"]
    assert {"head", "cpu_render", "gpu_render"} <= set(types)
    assert types["head"]["resources"].get("CPU") == 0, "render actors must not land on the head"
    assert "gpu" in types["gpu_render"]["docker"]["worker_image"]


def test_dashboard_is_not_exposed_and_setup_installs_the_project():
    raw = yaml.safe_load((ROOT / "ray_cluster.yaml").read_text())
    head_start = " ".join(raw["head_start_ray_commands"])
    assert "--dashboard-host=127.0.0.1" in head_start and "0.0.0.0" not in head_start
    setup = " ".join(raw["setup_commands"])
    assert "pip install" in setup and "pipeline.doctor" in setup
    import ray

    assert ray.__version__ in raw["docker"]["image"], "cluster image must match the installed ray version"


def test_submit_script_forwards_to_the_cli(monkeypatch):
    from pipeline.distributed import submit

    seen = {}
    monkeypatch.setattr("pipeline.cli.main", lambda argv: seen.setdefault("argv", argv) and 0)
    submit.main(["--config", "configs/quickstart.yaml", "--out", "s3://b/ds"])
    assert seen["argv"] == ["render", "configs/quickstart.yaml", "--out", "s3://b/ds", "--address", "auto"]
