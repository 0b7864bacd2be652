"""Failure classes of a render job, each on a real job: a scene the seed cannot make, a transient error,
a poison unit (quarantine, failure report, rerun), a full disk, and Ctrl-C / SIGTERM to a real process.

The transient and poison faults are injected into the Ray workers through Ray's
``worker_process_setup_hook`` (``tests/fault_hooks.py``); the full disk is a real 512 KiB tmpfs in a
private mount namespace, and the signals are real signals to a real ``pipeline render`` process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import yaml

from cli_signals import cli, signal_when
from tiny_job import tiny_config
from test_faults import _done_records, assert_exactly_the_plan
from pipeline.errors import EXIT_ENVIRONMENT, EXIT_INTERRUPTED, UnitsQuarantined
from pipeline.plan import plan_units
from pipeline.shards import layout

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]

TESTS = Path(__file__).parent
ROOMS = {"content": "primitive", "views": 1, "resolutions": [[48, 48]]}


def _config(count: int = 4, **params):
    return tiny_config(scenes=[{"family": "indoor_room", "count": count, "params": {**ROOMS, **params}}],
                       ray={"num_workers": 2, "cpus_per_worker": 1, "scenes_per_unit": 1, "max_unit_retries": 1})


def _ray_with_faults(state: Path, poison: str = "", flaky: str = "") -> None:
    import ray

    env = {"PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "FAULT_POISON_UNITS": poison, "FAULT_FLAKY_UNITS": flaky, "FAULT_STATE_DIR": str(state)}
    ray.init(address="local", include_dashboard=False, configure_logging=False,
             runtime_env={"worker_process_setup_hook": "fault_hooks.install", "env_vars": env})


def test_a_scene_the_seed_cannot_make_is_rejected_not_retried(tmp_path):
    """With 0.8 m of clearance around the eye, some of these rooms have no free camera position: those
    scenes are recorded as rejected with their reason, and every other scene is rendered."""
    import ray

    from pipeline.job import render_job

    config = _config(camera_clearance_m=0.8)
    out = tmp_path / "ds"
    try:
        manifest = render_job(config, str(out), progress=False)
    finally:
        ray.shutdown()
    assert_exactly_the_plan(out, config)
    import pyarrow.parquet as pq

    rejected = [r for r in pq.read_table(out / "index" / "rejected").to_pylist() if r["what"] == "scene"]
    assert manifest["counts"]["rejected_scenes"] == len(rejected) == 1
    assert rejected[0]["scene_id"] == "s0000001" and "camera positions" in rejected[0]["reason"]
    assert manifest["counts"]["views"] == 3
    assert not manifest["run"]["retries"]


def test_transient_failure_is_retried_and_a_poison_unit_quarantined_then_a_rerun_finishes(tmp_path):
    import ray

    from pipeline.job import render_job

    config = _config()
    out = tmp_path / "ds"
    units = [u.unit_id for u in plan_units(config)]
    flaky, poison = units[0], units[2]
    state = tmp_path / "state"
    state.mkdir()
    _ray_with_faults(state, poison=poison, flaky=flaky)
    try:
        with pytest.raises(UnitsQuarantined) as caught:
            render_job(config, str(out), progress=False)
    finally:
        ray.shutdown()
    assert caught.value.units == [poison]
    assert (state / f"{flaky}.tried").exists()
    committed = sorted(p.name.split(".")[0] for p in _done_records(out))
    assert committed == sorted(set(units) - {poison})  # the flaky unit committed on its retry
    assert not (out / layout.MANIFEST).exists()
    report = json.loads((out / layout.FAILURE_REPORT).read_text())
    [entry] = report["quarantined_units"]
    assert entry["unit_id"] == poison and entry["scenes"] == ["s0000002"]
    assert entry["attempts"] == 2 and entry["exception"] == "RuntimeError"
    assert f"poisoned unit {poison}" in entry["traceback"] and "Traceback" in entry["traceback"]
    assert str(out / layout.FAILURE_REPORT) in str(caught.value)

    try:  # the fault is gone (fixed code, a healthy node): the rerun runs only the quarantined unit
        manifest = render_job(config, str(out), progress=False)
    finally:
        ray.shutdown()
    assert manifest["run"]["units_run"] == 1 and manifest["run"]["units_resumed"] == 3
    assert_exactly_the_plan(out, config)
    assert not (out / layout.FAILURE_REPORT).exists()


def _write_config(config, path: Path) -> Path:
    path.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    return path


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1) for a private tmpfs")
def test_disk_full_stops_at_once_leaves_no_temporary_files_and_resumes(tmp_path):
    """Output on a 512 KiB tmpfs: the job stops at the first unit that does not fit, with one paragraph
    naming the output and the cause and exit code 4, re-renders nothing, leaves no temporary file;
    after the disk grows, the same command resumes and the dataset validates."""
    config = _config(count=6)
    cfg = _write_config(config, tmp_path / "job.yaml")
    mnt, report, scratch = tmp_path / "mnt", tmp_path / "report", tmp_path / "scratch"
    for d in (mnt, report, scratch):
        d.mkdir()
    render = " ".join(cli("render", str(cfg), "--out", str(mnt / "ds"), "--no-progress"))
    script = f"""
set -u
export TMPDIR={scratch} RAY_TMPDIR=/tmp
mount -t tmpfs -o size=512k tmpfs {mnt} || exit 97
{render} > {report}/out1.txt 2> {report}/err1.txt; echo $? > {report}/rc1
find {mnt} {scratch} -name '*.partial-*' -o -name 'pipeline-unit-*' > {report}/litter1.txt
ls {mnt}/ds/_units > {report}/units1.txt
mount -o remount,size=64m {mnt}
{render} > {report}/out2.txt 2> {report}/err2.txt; echo $? > {report}/rc2
{" ".join(cli("validate", str(mnt / "ds")))} > {report}/validate.txt 2>&1; echo $? > {report}/rc3
cp -r {mnt}/ds {tmp_path}/ds
"""
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=900)
    if done.returncode == 97:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {done.stderr.strip()}")
    err1 = (report / "err1.txt").read_text()
    assert int((report / "rc1").read_text()) == EXIT_ENVIRONMENT, err1
    assert "no space left on the device" in err1 and str(mnt / "ds") in err1 and "resume" in err1
    assert "Traceback" not in err1 and "retrying" not in err1
    assert (report / "litter1.txt").read_text().strip() == ""
    committed = [n for n in (report / "units1.txt").read_text().split() if n.endswith(".done.json")]
    assert len(committed) < len(plan_units(config))
    assert int((report / "rc2").read_text()) == 0, (report / "err2.txt").read_text()
    assert int((report / "rc3").read_text()) == 0, (report / "validate.txt").read_text()
    assert_exactly_the_plan(tmp_path / "ds", config)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_the_driver_within_seconds_and_the_rerun_finishes(tmp_path, sig):
    config = _config(count=8)
    cfg = _write_config(config, tmp_path / "job.yaml")
    out = tmp_path / "ds"
    cmd = cli("render", str(cfg), "--out", str(out), "--no-progress")
    stop = signal_when(cmd, lambda: len(_done_records(out)) >= 1, sig, what="the first committed unit")
    err, stopped_s = stop.stderr, stop.stopped_s
    assert stop.returncode == EXIT_INTERRUPTED, err
    assert stopped_s < 20, f"the driver took {stopped_s:.1f} s to stop"
    assert "Run the same command again to resume" in err and "Traceback" not in err
    committed = len(_done_records(out))
    assert 1 <= committed < len(plan_units(config))
    assert not (out / layout.MANIFEST).exists()
    assert not [p for p in out.rglob("*") if ".partial" in p.name]
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    manifest = assert_exactly_the_plan(out, config)
    assert manifest["run"]["units_resumed"] == committed
