"""Shared fixtures: one real tiny dataset, rendered once per test session through local Ray and Blender."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from filelock import FileLock

os.environ.setdefault("RAY_DEDUP_LOGS", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

TINY_CONFIG = {
    "name": "tiny",
    "seed": 7,
    "scenes": [
        {"family": "indoor_room", "count": 2, "params": {"views": 2, "resolutions": [[64, 64]]}},
        {"family": "outdoor_street", "count": 1, "params": {"views": 2, "resolutions": [[80, 64]]}},
    ],
    "render": {"quality": "draft", "samples": 4, "denoise": False, "device": "cpu"},
    "shards": {"max_samples": 8},
    "validity": {"min_depth_m": 0.05, "min_classes": 1, "min_non_sky_fraction": 0.0},
    "ray": {"num_workers": 2, "cpus_per_worker": 1, "scenes_per_unit": 2},
}


def tiny_config(**overrides):
    from pipeline.config import parse_config

    raw = {**TINY_CONFIG, **overrides}
    return parse_config(raw, "tiny-config")


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory) -> Path:
    """A finished dataset of 3 scenes x 2 views at 64x64, shared by every test (and xdist worker)."""
    shared = tmp_path_factory.getbasetemp().parent
    path = shared / "tiny_dataset"
    with FileLock(str(shared / "tiny_dataset.lock")):
        if not (path / "manifest.json").exists():
            import ray

            from pipeline.job import render_job

            render_job(tiny_config(), str(path), overwrite=True, progress=False)
            ray.shutdown()
    return path
