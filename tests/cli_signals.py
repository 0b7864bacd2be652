"""Run the ``pipeline`` CLI in its own process group, signal it once it got going, and report how it
stopped: what the signal tests of jobs and bank builds share."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

import psutil


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", *args]


@dataclass
class Stopped:
    returncode: int
    stderr: str
    stopped_s: float  # from the signal to the process's exit
    family: list  # the psutil processes it had started when signalled


def signal_when(cmd: list[str], ready, sig: int, timeout: float = 300, what: str = "the command to get going") -> Stopped:
    """Start ``cmd``, send ``sig`` once ``ready()`` holds (within ``timeout`` s), wait for it to exit."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.2)
        family = psutil.Process(proc.pid).children(recursive=True)
        sent = time.monotonic()
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        return Stopped(proc.returncode, err, time.monotonic() - sent, family)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
