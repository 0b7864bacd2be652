"""Training pairs of one rendered view: (input RGB, prompt, target RGB, metadata) for each requested task.

Everything is a function of the per-view seed: each task (and each instance class / referring index)
gets its own sub-seed from ``SeedSequence([seed, crc32(task), index])``, so adding a task does not change
the pairs of the others. Each pair's metadata records its own round-trip figures (see ``metrics``).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from pipeline.codecs import metrics
from pipeline.codecs.dense import decode_depth_task, encode_depth_task, encode_normals_task
from pipeline.codecs.normals import decode_normals
from pipeline.codecs.semantic import decode_semantic, encode_semantic, expected_semantic
from pipeline.codecs.version import CODEC_VERSION
from pipeline.render.view import RenderedView

TASKS = ("depth", "normals", "semantic", "instance", "referring")
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class Pair:
    """One training sample. ``key`` is ``f"{view.key}_{task}"`` plus a suffix when a task yields several
    pairs per view (``_c05`` instance class 5, ``_r0`` referring expression 0); only [A-Za-z0-9_-]."""

    task: str
    key: str
    input_rgb: np.ndarray
    prompt: str
    target: np.ndarray
    meta: dict


def sub_seed(seed: int, task: str, index: int = 0) -> int:
    """Deterministic 32-bit seed of one (task, index) of a view."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative int, got {seed!r}")
    ss = np.random.SeedSequence([int(seed), zlib.crc32(task.encode()), int(index)])
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def _pair(view: RenderedView, task: str, suffix: str, seed: int, sseed: int, prompt: str, target: np.ndarray,
          meta: dict, roundtrip: dict) -> Pair:
    key = f"{view.key}_{task}{suffix}"
    if not _KEY_RE.match(key):
        raise ValueError(f"pair key {key!r} has characters outside [A-Za-z0-9_-]")
    full = {
        **meta,
        "task": task,
        "key": key,
        "view_key": view.key,
        "scene_id": view.scene_id,
        "view_index": int(view.view_index),
        "codec_version": CODEC_VERSION,
        "view_seed": int(seed),
        "seed": int(sseed),
        "image_size": [int(target.shape[0]), int(target.shape[1])],
        "roundtrip": roundtrip,
    }
    return Pair(task=task, key=key, input_rgb=view.rgb, prompt=prompt, target=target, meta=full)


def _depth_pairs(view, graph, seed, depth_colormap_prob):
    s = sub_seed(seed, "depth")
    rng = np.random.default_rng(s)
    cmap = None
    if depth_colormap_prob > 0 and rng.random() < depth_colormap_prob:
        cmap = ("plasma", "inferno", "viridis", "grayscale")[int(rng.integers(4))]
    target, prompt, meta = encode_depth_task(view.depth, s, colormap=cmap)
    rt = metrics.depth_roundtrip(view.depth, decode_depth_task(target, meta), meta)
    return [_pair(view, "depth", "", seed, s, prompt, target, meta, rt)]


def _normals_pairs(view, graph, seed):
    s = sub_seed(seed, "normals")
    n = np.asarray(view.normals)
    valid = np.linalg.norm(n, axis=2) > 1e-6
    target, prompt, meta = encode_normals_task(n, s, valid)
    rt = metrics.normals_roundtrip(n, target, decode_normals(target), valid)
    return [_pair(view, "normals", "", seed, s, prompt, target, meta, rt)]


def _semantic_pairs(view, graph, seed):
    s = sub_seed(seed, "semantic")
    target, prompt, meta = encode_semantic(view.semantic, view.class_table, s)
    ious = metrics.label_ious(expected_semantic(np.asarray(view.semantic), meta), decode_semantic(target, meta))
    rt = {"mask_iou_min": round(min(ious.values()), 6) if ious else 1.0}
    return [_pair(view, "semantic", "", seed, s, prompt, target, meta, rt)]


def make_pairs(view: RenderedView, scene_graph: dict, seed: int, tasks: Sequence[str],
               depth_colormap_prob: float = 0.0) -> list[Pair]:
    """All pairs of ``tasks`` for one view, deterministic given ``seed`` (the per-view seed).

    ``depth_colormap_prob`` is the chance that the depth pair uses a named colour map instead of the walk."""
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise ValueError(f"tasks: unknown {unknown}; expected a subset of {TASKS}")
    out: list[Pair] = []
    for task in tasks:
        if task == "depth":
            out += _depth_pairs(view, scene_graph, seed, depth_colormap_prob)
        elif task == "normals":
            out += _normals_pairs(view, scene_graph, seed)
        elif task == "semantic":
            out += _semantic_pairs(view, scene_graph, seed)
        else:
            raise ValueError(f"task {task!r} is not available in this codec version yet")
    return out
