"""Deterministic work planning: a job config becomes a fixed list of work units (scene ranges).

Everything here is a pure function of the config, so a restarted driver plans exactly the same
units, seeds and shard names, and can skip the units that already committed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from pipeline.config import JobConfig
from pipeline.view import view_key


@dataclass(frozen=True)
class SceneTask:
    """One scene to build and render: family, its params (the family's typed model, validated once when
    the config was parsed), seed and id."""

    index: int  # global scene index in the job
    family: str
    params: BaseModel
    seed: int
    scene_id: str  # key-safe: letters, digits, '-' and '_' only


@dataclass(frozen=True)
class WorkUnit:
    """A consecutive range of scenes whose shards and done-record are named by ``unit_id``."""

    unit_id: str
    scenes: tuple[SceneTask, ...]


def scene_seed(job_seed: int, scene_index: int) -> int:
    """Independent 63-bit seed per scene from the job seed (NumPy SeedSequence spawning)."""
    return int(np.random.SeedSequence([job_seed, scene_index]).generate_state(2, np.uint64)[0] >> 1)


def view_seed(scene_seed_value: int, view_index: int) -> int:
    """Per-view seed for the codec stage (colour maps, prompt templates)."""
    return int(np.random.SeedSequence([scene_seed_value, view_index]).generate_state(1)[0])


def plan_units(config: JobConfig) -> list[WorkUnit]:
    """Split the job into units of ``config.ray.scenes_per_unit`` scenes, in config order."""
    tasks: list[SceneTask] = []
    for source in config.scenes:
        params = source.parsed_params()
        for _ in range(source.count):
            i = len(tasks)
            tasks.append(SceneTask(i, source.family, params, scene_seed(config.seed, i), f"s{i:07d}"))
    n = config.ray.scenes_per_unit
    return [WorkUnit(f"u{k:06d}", tuple(tasks[s:s + n])) for k, s in enumerate(range(0, len(tasks), n))]


def config_fingerprint(config: JobConfig) -> str:
    """Hash of everything that decides the output bytes; a resumed job must match it."""
    relevant = config.model_dump(mode="json", exclude={"ray": {"address", "num_workers", "cpus_per_worker", "gpus_per_worker", "max_unit_retries"}})
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def plan_views(unit: WorkUnit) -> list[str]:
    """Keys of the views ``unit`` renders (before validity rejection): each family's ``views_rendered``
    (``views`` camera groups of ``view_groups``' size)."""
    return [view_key(t.scene_id, v) for t in unit.scenes for v in range(t.params.views_rendered)]
