"""Optional named depth colour maps (plasma, inferno, viridis, grayscale) for prompts that ask for one.

Unlike the paper's walk these maps are only invertible to metric depth for a stated range, so each
target assumes ``near_m .. far_m`` (written in the prompt and the metadata): depth is scaled linearly,
clipped, and quantised to the map's 256 entries, the first colour at ``near_m`` and the last at
``far_m`` (beyond it, and +inf, also take the last colour). Decode takes the nearest entry in RGB, so
depths inside the range round-trip within half a step, ``(far_m - near_m) / 510``, except where a map
repeats a colour after 8-bit rounding (viridis 112/113 and 129/130 decode to the midway level), where the
error is at most one step.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.spatial import cKDTree

from pipeline.codecs._colormap_data import _HEX
from pipeline.codecs.validation import check_depth, check_rgb

COLORMAPS = ("plasma", "inferno", "viridis", "grayscale")
NICE_FAR_M = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0)


@lru_cache(maxsize=None)
def colormap_lut(name: str) -> np.ndarray:
    """The 256x3 uint8 table of a named map."""
    if name == "grayscale":
        return np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
    if name not in _HEX:
        raise ValueError(f"unknown colour map {name!r}; expected one of {COLORMAPS}")
    raw = bytes.fromhex(_HEX[name])
    return np.frombuffer(raw, dtype=np.uint8).reshape(256, 3).copy()


@lru_cache(maxsize=None)
def _tree(name: str) -> tuple[cKDTree, np.ndarray]:
    """KD-tree over the map's distinct colours and the mean level of each (repeated colours share one)."""
    uniq, inverse = np.unique(colormap_lut(name), axis=0, return_inverse=True)
    level = np.bincount(inverse.reshape(-1), weights=np.arange(256)) / np.bincount(inverse.reshape(-1))
    return cKDTree(uniq.astype(np.float64)), level


def _check_range(near_m: float, far_m: float) -> None:
    if not (np.isfinite(near_m) and np.isfinite(far_m) and 0 <= near_m < far_m):
        raise ValueError(f"depth range: need 0 <= near_m < far_m, both finite; got {near_m}, {far_m}")


def choose_far(depth: np.ndarray, percentile: float = 98.0) -> float:
    """The smallest of :data:`NICE_FAR_M` covering ``percentile`` % of the finite depths (largest if none does)."""
    d = np.asarray(depth, dtype=np.float64)
    finite = d[np.isfinite(d)]
    if finite.size == 0:
        return NICE_FAR_M[-1]
    p = float(np.percentile(finite, percentile))
    return next((f for f in NICE_FAR_M if f >= p), NICE_FAR_M[-1])


def encode_depth_colormap(depth, name: str, near_m: float, far_m: float) -> np.ndarray:
    """HxW depth -> HxWx3 uint8 in a named map over ``near_m .. far_m`` (clipped; +inf -> last colour)."""
    d = check_depth(depth)
    _check_range(near_m, far_m)
    v = np.clip((d - near_m) / (far_m - near_m), 0.0, 1.0)
    return np.take(colormap_lut(name), np.floor(255.0 * v + 0.5).astype(np.intp), axis=0)


def decode_depth_colormap(rgb, name: str, near_m: float, far_m: float) -> np.ndarray:
    """HxWx3 RGB -> HxW float32 depth via the nearest entry of the named map over ``near_m .. far_m``."""
    img = check_rgb(rgb)
    _check_range(near_m, far_m)
    if name == "grayscale":
        idx = np.floor(img.astype(np.float32).mean(axis=2) + 0.5).astype(np.intp)
    else:
        flat = img.reshape(-1, 3)
        uniq, inverse = np.unique(flat, axis=0, return_inverse=True)
        tree, level = _tree(name)
        idx = level[tree.query(uniq.astype(np.float64))[1]][inverse.reshape(-1)].reshape(img.shape[:2])
    return (near_m + (far_m - near_m) * idx / 255.0).astype(np.float32)
