"""An autoscaling cluster on this machine: Ray's fake multi-node provider starts worker "nodes" as local
processes when render actors ask for resources. Jobs go in through ``ray job submit``, as on a real
cluster, with token authentication.

The cluster runs in its own PID namespace (``unshare``), so stopping it stops every process it started
and nothing else: ``ray stop`` would also stop the other tests' Ray instances.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from test_faults import assert_exactly_the_plan
from tiny_job import tiny_config

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]

REPO = Path(__file__).resolve().parents[1]
GCS_PORT = 6379  # the fake provider starts its nodes against this port


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def fake_cluster(tmp_path, monkeypatch):
    """Start the head of a fake autoscaling cluster; yields its dashboard (job and state API) address."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to keep the fake cluster's processes apart")
    if _port_open(GCS_PORT):
        pytest.skip(f"port {GCS_PORT} is taken; the fake provider needs it for its head")
    ray_bin = str(Path(sys.executable).with_name("ray"))
    dash = _free_port()
    env = {**os.environ, "RAY_FAKE_CLUSTER": "1", "RAY_AUTH_MODE": "token", "RAY_USAGE_STATS_ENABLED": "0",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    monkeypatch.setenv("RAY_AUTH_MODE", "token")  # this process's clients (state API) authenticate too
    cmd = ["unshare", "-rmpf", "--mount-proc", "--kill-child", ray_bin, "start", "--head", "--block", f"--port={GCS_PORT}",
           "--num-cpus=0", f"--autoscaling-config={Path(__file__).with_name('fake_cluster.yaml')}",
           "--include-dashboard=true", "--dashboard-host=127.0.0.1", f"--dashboard-port={dash}",
           f"--dashboard-agent-listen-port={_free_port()}", f"--metrics-export-port={_free_port()}",
           f"--ray-client-server-port={_free_port()}", f"--runtime-env-agent-port={_free_port()}"]
    log = open(tmp_path / "cluster.log", "w")
    head = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    address = f"http://127.0.0.1:{dash}"
    try:
        deadline = time.monotonic() + 120
        while not _job_api_ready(address, env):
            if head.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the fake cluster did not come up:\n{(tmp_path / 'cluster.log').read_text()[-3000:]}")
            time.sleep(2)
        yield address, env
    finally:
        os.killpg(head.pid, signal.SIGKILL)  # unshare's child is PID 1 of the namespace: all of it goes
        head.wait()
        log.close()


def _job_api_ready(address: str, env: dict) -> bool:
    """The head's job agent answers (right after start, submissions fail with "no available agent")."""
    done = subprocess.run([str(Path(sys.executable).with_name("ray")), "job", "list", "--address", address],
                          env=env, capture_output=True, text=True, timeout=60)
    return done.returncode == 0


def _submit(address: str, env: dict, config, out: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    cfg = tmp_path / f"{config.name}.yaml"
    cfg.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    entry = [sys.executable, "-m", "pipeline.cli", "render", str(cfg), "--out", str(out), "--no-progress"]
    for _ in range(10):
        done = subprocess.run([str(Path(sys.executable).with_name("ray")), "job", "submit", "--address", address,
                               "--", *entry], env=env, capture_output=True, text=True, timeout=900)
        if "No available agent" not in done.stderr:
            return done
        time.sleep(3)
    return done


def _placement(address: str) -> list[dict]:
    """Resources of the node each RenderActor ran on."""
    from ray.util.state import list_actors, list_nodes

    nodes = {n.node_id: n for n in list_nodes(address=address, detail=True, limit=100)}
    actors = list_actors(address=address, filters=[("class_name", "=", "RenderActor")], detail=True, limit=100)
    return [nodes[a.node_id].resources_total for a in actors]


def _config(name: str, gpus: int):
    scenes = [{"family": "indoor_room", "count": 2, "params": {"content": "primitive", "views": 1,
                                                                "resolutions": [[48, 48]]}}]
    return tiny_config(name=name, scenes=scenes, render={**tiny_config().render.model_dump(mode="json"), "device": "auto"},
                       ray={"num_workers": 2, "cpus_per_worker": 1, "gpus_per_worker": gpus, "scenes_per_unit": 1})


def test_fake_cluster_node_types_mirror_ray_cluster_yaml():
    fake = yaml.safe_load(Path(__file__).with_name("fake_cluster.yaml").read_text())
    real = yaml.safe_load((REPO / "ray_cluster.yaml").read_text())
    workers = lambda c: {k for k in c["available_node_types"] if k != c["head_node_type"]}  # noqa: E731
    assert workers(fake) == workers(real) == {"cpu_render", "gpu_render"}
    assert fake["provider"]["type"] == "fake_multinode"


def test_jobs_submitted_to_an_autoscaling_cluster_land_on_the_node_types_they_ask_for(fake_cluster, tmp_path):
    address, env = fake_cluster
    cpu_cfg, gpu_cfg = _config("cpu-job", gpus=0), _config("gpu-job", gpus=1)

    done = _submit(address, env, cpu_cfg, tmp_path / "cpu", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    placed = _placement(address)
    assert len(placed) == 2 and all(r.get("CPU") == 1 and not r.get("GPU") for r in placed), placed

    done = _submit(address, env, gpu_cfg, tmp_path / "gpu", tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    placed = _placement(address)
    assert sum(1 for r in placed if r.get("GPU") == 1) == 2, placed  # the GPU job's two actors

    from ray.util.state import list_nodes

    alive = [n for n in list_nodes(address=address, detail=True, limit=100) if n.state == "ALIVE"]
    assert sum(1 for n in alive if n.resources_total.get("GPU")) >= 1  # the autoscaler added GPU nodes ...
    assert len(alive) >= 3  # ... besides the CPU nodes and the head
    assert_exactly_the_plan(tmp_path / "cpu", cpu_cfg)
    assert_exactly_the_plan(tmp_path / "gpu", gpu_cfg)
    for out in ("cpu", "gpu"):
        check = subprocess.run([sys.executable, "-m", "pipeline.cli", "validate", str(tmp_path / out)],
                               capture_output=True, text=True, timeout=300)
        assert check.returncode == 0, check.stdout + check.stderr
