"""Colour helpers every task's ``panels`` uses to draw a decoded target and its raw label on one scale
(the ``show`` figure and the contact sheet call the tasks; the tasks own how their labels look)."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps

_IDS = colormaps["tab20"]
_DEPTH = colormaps["turbo"]


def id_colors(ids: np.ndarray) -> np.ndarray:
    """HxW integer ids -> HxWx3 float image; 0 is black, every other id a fixed tab20 colour."""
    ids = np.asarray(ids).astype(np.int64)
    rgb = _IDS((ids - 1) % 20)[..., :3]
    rgb[ids == 0] = 0.0
    return rgb


def depth_colors(depth: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """HxW metres -> HxWx3 on a log scale between ``lo`` and ``hi``; +inf (no surface) is white."""
    d = np.asarray(depth, dtype=np.float64)
    finite = np.isfinite(d)
    t = np.zeros_like(d)
    span = np.log(hi) - np.log(lo) if hi > lo > 0 else 1.0
    t[finite] = (np.log(np.clip(d[finite], lo, hi)) - np.log(max(lo, 1e-6))) / span
    rgb = _DEPTH(np.clip(t, 0, 1))[..., :3]
    rgb[~finite] = 1.0
    return rgb


def normal_colors(normals: np.ndarray) -> np.ndarray:
    """HxWx3 unit normals -> (n + 1) / 2 as colours; zero vectors (no normal) are black."""
    n = np.asarray(normals, dtype=np.float64)
    rgb = (n + 1.0) / 2.0
    rgb[np.linalg.norm(n, axis=-1) < 1e-6] = 0.0
    return np.clip(rgb, 0, 1)


def mask_ids(masks, shape: tuple[int, int], truth: list | None = None) -> np.ndarray:
    """A list (or {name: mask} dict) of boolean masks -> one HxW id image, ids 1..n. With ``truth`` (the
    true masks), each mask takes the id of the true mask it overlaps most, so both panels share colours."""
    items = list(masks.values() if isinstance(masks, dict) else masks)
    ids = list(range(1, len(items) + 1))
    if truth is not None:
        ids, spare = [], len(truth) + 1
        for m in items:
            overlap = [int(np.logical_and(m, t).sum()) for t in truth]
            if overlap and max(overlap) > 0:
                ids.append(int(np.argmax(overlap)) + 1)
            else:
                ids.append(spare)
                spare += 1
    out = np.zeros(shape, dtype=np.int64)
    for i, m in zip(ids, items):
        out[m] = i
    return out
