"""Mask comparisons the tasks' round-trip figures use (:mod:`pipeline.tasks`): IoU, per-label IoU, and
one-to-one matching of decoded masks to true masks."""

from __future__ import annotations

import numpy as np


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks (1.0 when both are empty)."""
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else float(np.logical_and(a, b).sum() / union)


def label_ious(expected: np.ndarray, decoded: np.ndarray) -> dict[int, float]:
    """IoU per label id present in either map."""
    ids = np.union1d(np.unique(expected), np.unique(decoded))
    return {int(i): iou(expected == i, decoded == i) for i in ids}


def _label(masks: list[np.ndarray], shape) -> np.ndarray:
    lab = np.zeros(shape, dtype=np.int32)
    for k, m in enumerate(masks):
        lab[m] = k + 1
    return lab


def match_masks(truth: list[np.ndarray], found: list[np.ndarray]) -> list[float]:
    """Greedy best-IoU matching of decoded masks to true masks; one IoU per true mask (0 if unmatched).

    Masks within each list must not overlap (instance labels and decoded instances never do)."""
    if not truth:
        return []
    t, f = len(truth), len(found)
    tl = _label(truth, truth[0].shape).reshape(-1)
    fl = _label(found, truth[0].shape).reshape(-1)
    inter = np.bincount(tl * (f + 1) + fl, minlength=(t + 1) * (f + 1)).reshape(t + 1, f + 1)[1:, 1:]
    area_t = np.array([m.sum() for m in truth], dtype=np.float64)
    area_f = np.array([m.sum() for m in found], dtype=np.float64)
    union = area_t[:, None] + area_f[None, :] - inter
    m = np.where(union > 0, inter / np.maximum(union, 1), 1.0) if f else np.zeros((t, 0))
    out = [0.0] * t
    while m.size and m.max() > 0:
        i, j = np.unravel_index(np.argmax(m), m.shape)
        out[i] = float(m[i, j])
        m[i, :] = -1
        m[:, j] = -1
    return out
