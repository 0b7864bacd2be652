"""Failure classes of the asset-bank stage, on real bank builds in real processes: a disk that fills
(one paragraph, exit 4, no temporary file left) and Ctrl-C / SIGTERM (stops within seconds, exit 130,
no process of the job left, a rerun reuses every entry already published).

The bank holds only BollardFactory entries (a procedural factory that bakes in a fraction of a second),
so the stage runs long enough to be interrupted and fills a small disk without Infinigen's slow bakes.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import yaml

from cli_signals import cli, signal_when
from pipeline.errors import EXIT_ENVIRONMENT, EXIT_INTERRUPTED
from scenes.shared.assets import bank_factories

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]


def _bank_config(path: Path, bollards: int) -> Path:
    only = {name: 0 for name, f in bank_factories().items() if "outdoor_street" in f.families}
    only["BollardFactory"] = bollards
    raw = {"name": "bank-failures", "seed": 1,
           "scenes": [{"family": "outdoor_street", "count": 1, "params": {"views": 1, "resolutions": [[32, 32]]}}],
           "bank": {"per_factory": only}, "ray": {"num_workers": 2, "cpus_per_worker": 1}}
    path.write_text(yaml.safe_dump(raw))
    return path


def _entries(bank: Path) -> int:
    return len(list((bank / "entries").glob("*.json"))) if (bank / "entries").is_dir() else 0


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1) for a private tmpfs")
def test_disk_full_during_a_bank_build_is_one_paragraph_exit_4_and_leaves_no_partial_file(tmp_path):
    cfg = _bank_config(tmp_path / "bank.yaml", 200)
    mnt, report = tmp_path / "mnt", tmp_path / "report"
    mnt.mkdir(), report.mkdir()
    build = " ".join(cli("bank", "build", str(cfg), "--bank", str(mnt / "bank")))
    script = f"""
set -u
export RAY_TMPDIR=/tmp
mount -t tmpfs -o size=256k tmpfs {mnt} || exit 97
{build} > {report}/out.txt 2> {report}/err.txt; echo $? > {report}/rc
find {mnt} -name '*.partial-*' > {report}/litter.txt
ls {mnt}/bank/entries | wc -l > {report}/entries.txt
"""
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=600)
    if done.returncode == 97:
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {done.stderr.strip()}")
    err = (report / "err.txt").read_text()
    assert int((report / "rc").read_text()) == EXIT_ENVIRONMENT, err
    assert "no space left on the device" in err and "asset bank" in err and "run the same command again" in err
    assert "Traceback" not in err and "RayTaskError" not in err
    assert (report / "litter.txt").read_text().strip() == ""
    assert 0 < int((report / "entries.txt").read_text()) < 200


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_a_bank_build_within_seconds_and_the_rerun_reuses_what_was_published(tmp_path, sig):
    cfg = _bank_config(tmp_path / "bank.yaml", 400)
    bank = tmp_path / "bank"
    cmd = cli("bank", "build", str(cfg), "--bank", str(bank))
    stop = signal_when(cmd, lambda: _entries(bank) >= 3, sig, what="the bank build to get going")
    err, stopped_s, family = stop.stderr, stop.stopped_s, stop.family
    assert stop.returncode == EXIT_INTERRUPTED, err
    assert stopped_s < 15, f"the bank build took {stopped_s:.1f} s to stop"
    assert "interrupted" in err and "Traceback" not in err
    time.sleep(2)
    left = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"processes of the job still running: {[' '.join(p.cmdline())[:60] for p in left]}"
    published = _entries(bank)
    assert 3 <= published < 400
    assert not [p for p in bank.rglob("*") if ".partial" in p.name]
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    stats = json.loads(rerun.stdout)
    assert stats["reused"] == published and stats["built"] == 400 - published
