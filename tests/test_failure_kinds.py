"""Failure classification, exit codes, clean publishes and sweeps of what killed processes left (no Blender)."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline import cli, errors
from pipeline.scratch import remove_scratch, scratch_dir, sweep_stale_scratch
from pipeline.shards.storage import Output


class NoCredentialsError(Exception):
    """Named like botocore's: classification goes by the class name, so botocore need not be imported."""


@pytest.mark.parametrize("exc, kind", [
    (OSError(errno.ENOSPC, "No space left on device"), errors.ENVIRONMENT),
    (PermissionError(errno.EACCES, "Permission denied", "/data/out"), errors.ENVIRONMENT),
    (OSError(errno.EROFS, "Read-only file system"), errors.ENVIRONMENT),
    (NoCredentialsError("Unable to locate credentials"), errors.ENVIRONMENT),
    (FileNotFoundError("The specified bucket does not exist"), errors.ENVIRONMENT),
    (ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), errors.TRANSIENT),
    (TimeoutError("PUT timed out"), errors.TRANSIENT),
    (RuntimeError("Blender crashed on this scene"), errors.ERROR),
    (ValueError("a bug"), errors.ERROR),
])
def test_failures_are_classified_by_what_to_do_about_them(exc, kind):
    assert errors.classify(exc) == kind


def test_a_wrapped_cause_is_found_and_named():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/mnt/ds/pairs/x.tar")
        except OSError as inner:
            raise RuntimeError("publishing a shard failed") from inner
    except RuntimeError as exc:
        failure = errors.describe(exc)
    assert failure["kind"] == errors.ENVIRONMENT
    assert failure["cause"] == "no space left on the device at /mnt/ds/pairs/x.tar"
    assert "Traceback" in failure["traceback"] and "publishing a shard failed" in failure["traceback"]


@pytest.mark.parametrize("raised, code", [
    (errors.BadInput("config x.yaml: field scenes.0.count must be >= 1"), errors.EXIT_BAD_INPUT),
    (errors.UnitsQuarantined("2 units quarantined", "out/failure_report.json", ["u1", "u2"]), errors.EXIT_QUARANTINED),
    (errors.EnvironmentFailure("disk full"), errors.EXIT_ENVIRONMENT),
    (OSError(errno.ENOSPC, "No space left on device"), errors.EXIT_ENVIRONMENT),
    (errors.JobInterrupted("interrupted: 3 of 9 units are committed"), errors.EXIT_INTERRUPTED),
    (KeyboardInterrupt(), errors.EXIT_INTERRUPTED),
])
def test_cli_exit_codes(monkeypatch, capsys, raised, code):
    def fail(*args, **kwargs):
        raise raised

    monkeypatch.setattr("pipeline.job.render_job", fail)
    assert cli.main(["render", "configs/quickstart.yaml", "--out", "/nonexistent/ds"]) == code
    err = capsys.readouterr().err
    assert str(raised) in err and "Traceback" not in err
    if code == errors.EXIT_INTERRUPTED:
        assert "Run the same command again to resume: pipeline render configs/quickstart.yaml" in err


def test_an_internal_error_is_not_called_bad_input_and_keeps_its_traceback(monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("an internal bug, not the user's input")

    monkeypatch.setattr("pipeline.job.render_job", bug)
    with pytest.raises(ValueError, match="internal bug"):  # uncaught: Python prints the traceback, exit 1
        cli.main(["render", "configs/quickstart.yaml"])


def test_bad_input_and_internal_errors_exit_codes_from_a_real_process(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscenes: []\nrender: {samples: -1}\n")
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "render", str(bad)], capture_output=True, text=True)
    assert done.returncode == errors.EXIT_BAD_INPUT and "Traceback" not in done.stderr
    assert str(bad) in done.stderr
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "stats", str(tmp_path / "nothing")],
                          capture_output=True, text=True)
    assert done.returncode == errors.EXIT_BAD_INPUT and "no manifest.json" in done.stderr


def test_a_failed_local_publish_removes_its_temporary_file(tmp_path, monkeypatch):
    out = Output(str(tmp_path / "ds"))
    src = tmp_path / "shard.tar"
    src.write_bytes(b"x" * 1000)

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError):
        out.publish_file(src, "pairs/pairs-u000001-000000.tar")
    assert list((tmp_path / "ds").rglob("*")) == [tmp_path / "ds" / "pairs"]


def test_sweep_removes_what_killed_publishes_left(tmp_path):
    out = Output(str(tmp_path / "ds"))
    (tmp_path / "ds" / "pairs").mkdir(parents=True)
    stale = tmp_path / "ds" / "pairs" / "pairs-u000001-000000.tar.partial-1a2b3c4d"
    stale.write_bytes(b"half")
    kept = tmp_path / "ds" / "pairs" / "pairs-u000000-000000.tar"
    kept.write_bytes(b"whole")
    assert out.sweep_temporaries() == [str(stale)]
    assert not stale.exists() and kept.exists()


def test_scratch_of_dead_processes_is_swept_and_live_ones_kept(tmp_path, monkeypatch):
    """A killed process's folder is swept, a live process's is kept: the owner's lock decides, not its
    pid (which means nothing across PID namespaces)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None
    try:
        code = ("import sys, time; from pipeline.scratch import scratch_dir; "
                "print(scratch_dir(sys.argv[1]), flush=True); time.sleep(float(sys.argv[2]))")
        dead = subprocess.run([sys.executable, "-c", code, "unit-u000003", "0"], capture_output=True, text=True,
                              env={**os.environ, "TMPDIR": str(tmp_path)})
        stale = Path(dead.stdout.strip())
        (stale / "views-u000003-000000.tar").write_bytes(b"half")
        live_proc = subprocess.Popen([sys.executable, "-c", code, "unit-u000004", "60"], stdout=subprocess.PIPE,
                                     text=True, env={**os.environ, "TMPDIR": str(tmp_path)})
        live = Path(live_proc.stdout.readline().strip())
        other = tmp_path / "pipeline-not-ours"  # no lock file: never touched
        other.mkdir()
        mine = Path(scratch_dir("unit-u000005"))
        assert mine.name.startswith(f"pipeline-unit-u000005-{os.getpid()}-")
        assert sweep_stale_scratch((tmp_path,)) == [str(stale)]
        assert live.exists() and other.exists() and mine.exists()
        live_proc.kill()
        live_proc.wait()
        assert sweep_stale_scratch((tmp_path,)) == [str(live)]
        remove_scratch(mine)
        assert not mine.exists()
    finally:
        tempfile.tempdir = None
