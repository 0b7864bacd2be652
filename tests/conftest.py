"""Shared fixtures: one real tiny dataset, rendered once per test session through local Ray and Blender."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from filelock import FileLock

os.environ.setdefault("RAY_DEDUP_LOGS", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from tiny_job import tiny_config


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory) -> Path:
    """A finished dataset of 3 scenes x 2 views at 64x64, shared by every test (and xdist worker).

    Under xdist each worker's basetemp sits inside the run's own folder, which holds the shared copy;
    without xdist the basetemp itself is the run's folder (its parent outlives the run).
    """
    basetemp = tmp_path_factory.getbasetemp()
    shared = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    path = shared / "tiny_dataset"
    with FileLock(str(shared / "tiny_dataset.lock")):
        if not (path / "manifest.json").exists():
            import ray

            from pipeline.job import render_job

            render_job(tiny_config(), str(path), overwrite=True, progress=False)
            ray.shutdown()
    return path
