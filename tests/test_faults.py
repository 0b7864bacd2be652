"""Faults: a killed driver, a SIGKILLed render actor and a removed node all end in the planned dataset.

After each, every planned view is in the dataset exactly once and the manifest matches the shards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
import pytest
import yaml

from tiny_job import tiny_config
from pipeline.plan import plan_units, plan_views
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]

FAULT_SCENES = [{"family": "indoor_room", "count": 6, "params": {"content": "primitive", "views": 1, "resolutions": [[48, 48]]}}]


def _config(**ray):
    return tiny_config(scenes=FAULT_SCENES, ray={"num_workers": 2, "cpus_per_worker": 1, "scenes_per_unit": 1,
                                                 **ray})


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _done_records(root: Path) -> list[Path]:
    return sorted((root / "_units").glob("*.done.json")) if (root / "_units").exists() else []


def assert_exactly_the_plan(root: Path, config) -> dict:
    """Every planned view is in views/ once (or listed as rejected), pairs have unique keys, hashes match."""
    manifest = json.loads((root / "manifest.json").read_text())
    output = Output(str(root))
    planned = [k for u in plan_units(config) for k in plan_views(u)]
    view_keys = [s["__key__"] for sh in manifest["series"]["views"] for s in iter_samples(output, sh["name"])]
    rejected = [r["key"] for r in pq.read_table(root / "index" / "rejected").to_pylist() if r["what"] == "view"]
    assert sorted(view_keys + rejected) == sorted(planned)
    pair_keys = [s["__key__"] for sh in manifest["series"]["pairs"] for s in iter_samples(output, sh["name"])]
    assert len(pair_keys) == len(set(pair_keys)) == manifest["counts"]["pairs"]
    on_disk = sorted(str(p.relative_to(root)) for p in root.glob("*/*.tar"))
    listed = sorted(s["name"] for series in manifest["series"].values() for s in series)
    assert on_disk == listed
    assert not [p for p in root.rglob("*") if ".partial" in p.name]
    return manifest


def test_driver_killed_mid_run_then_restarted_finishes_exactly_once(tmp_path):
    config = _config()
    cfg_path = tmp_path / "job.yaml"
    cfg_path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    out = tmp_path / "ds"
    cmd = [sys.executable, "-m", "pipeline.cli", "render", str(cfg_path), "--out", str(out), "--no-progress"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: len(_done_records(out)) >= 1, 300, "the first committed unit")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    committed = len(_done_records(out))
    assert committed < len(plan_units(config)), "the driver finished before it could be killed"
    assert not (out / "manifest.json").exists()
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    manifest = assert_exactly_the_plan(out, config)
    assert manifest["run"]["units_resumed"] >= committed


def _render_in_thread(config, out: Path, address=None):
    from pipeline.job import render_job

    result: dict = {}

    def target():
        try:
            result["manifest"] = render_job(config, str(out), progress=False, address=address)
        except BaseException as exc:  # reported by the test thread
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, result


def _actor_processes() -> list[psutil.Process]:
    """Render actors of this test's own Ray instance: its workers descend from this process's raylet."""
    procs = []
    for p in psutil.Process().children(recursive=True):
        try:
            if "RenderActor" in " ".join(p.cmdline()):
                procs.append(p)
        except psutil.NoSuchProcess:
            continue
    return procs


def test_render_actor_sigkilled_mid_unit_is_redone(tmp_path):
    import ray

    config = _config()
    out = tmp_path / "ds"
    thread, result = _render_in_thread(config, out)
    try:
        _wait_for(lambda: len(_done_records(out)) >= 1, 300, "the first committed unit")
        _wait_for(lambda: _actor_processes(), 60, "a render actor process")
        victim = _actor_processes()[0]
        victim.send_signal(signal.SIGKILL)
        thread.join(600)
    finally:
        ray.shutdown()
    assert "error" not in result, result.get("error")
    manifest = assert_exactly_the_plan(out, config)
    assert sum(manifest["run"]["retries"].values()) >= 1


def test_node_removed_mid_job_still_completes(tmp_path):
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    nodes = [cluster.add_node(num_cpus=1) for _ in range(2)]
    cluster.wait_for_nodes()
    config = _config()
    out = tmp_path / "ds"
    try:
        ray.init(address=cluster.address)
        thread, result = _render_in_thread(config, out, address=cluster.address)
        _wait_for(lambda: len(_done_records(out)) >= 1, 300, "the first committed unit")
        cluster.remove_node(nodes[1])
        thread.join(600)
    finally:
        ray.shutdown()
        cluster.shutdown()
    assert "error" not in result, result.get("error")
    assert_exactly_the_plan(out, config)
