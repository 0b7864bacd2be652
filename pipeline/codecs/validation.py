"""Input checks shared by every codec: bad shapes, dtypes, NaNs or non-RGB images raise ``ValueError``
with a message that names the argument and the problem, instead of failing deep inside numpy."""

from __future__ import annotations

import numpy as np


def _array(x, name: str) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x
    try:
        arr = np.asarray(x)
    except Exception as exc:  # noqa: BLE001 - anything numpy cannot read is a bad argument
        raise ValueError(f"{name}: cannot be read as an array ({exc})") from None
    if arr.dtype == object:
        raise ValueError(f"{name}: expected a numeric array, got {type(x).__name__}")
    return arr


def check_rgb(rgb, name: str = "rgb") -> np.ndarray:
    """An HxWx3 uint8 image. Other integer dtypes are accepted when every value lies in 0..255;
    float images are refused because their scale (0..1 or 0..255) is ambiguous."""
    arr = _array(rgb, name)
    if arr.ndim != 3 or arr.shape[2] != 3:
        if arr.ndim == 3:
            raise ValueError(f"{name}: expected 3 colour channels (RGB), got shape {arr.shape}")
        raise ValueError(f"{name}: expected an HxWx3 RGB image, got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name}: empty image of shape {arr.shape}")
    if arr.dtype == np.uint8:
        return arr
    if np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_:
        if arr.size and (arr.min() < 0 or arr.max() > 255):
            raise ValueError(f"{name}: integer values must lie in 0..255, got {arr.min()}..{arr.max()}")
        return arr.astype(np.uint8)
    raise ValueError(f"{name}: expected dtype uint8, got {arr.dtype} (convert with np.uint8 after scaling to 0..255)")


def check_depth(depth, name: str = "depth") -> np.ndarray:
    """An HxW float array of metric depths: >= 0, +inf allowed (no hit), NaN and -inf refused."""
    arr = _array(depth, name)
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected an HxW array, got shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"{name}: expected a float array, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if np.isnan(arr).any():
        raise ValueError(f"{name}: contains NaN (use +inf for pixels with no surface)")
    if (arr < 0).any():
        raise ValueError(f"{name}: contains negative values (min {arr.min()}); depth is metres >= 0, +inf for no hit")
    return arr


def check_normals(normals, name: str = "normals") -> np.ndarray:
    """An HxWx3 finite float array of camera-frame normals."""
    arr = _array(normals, name)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"{name}: expected an HxWx3 array, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.floating):
        raise ValueError(f"{name}: expected a float array, got dtype {arr.dtype}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or inf (use 0 vectors or valid=False for pixels with no surface)")
    return arr


def check_mask(mask, shape: tuple[int, int], name: str = "valid") -> np.ndarray:
    """A boolean HxW mask matching ``shape``."""
    arr = _array(mask, name)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name}: expected shape {tuple(shape)}, got {arr.shape}")
    if arr.dtype != np.bool_:
        raise ValueError(f"{name}: expected a boolean mask, got dtype {arr.dtype}")
    return arr


def check_labels(labels, name: str) -> np.ndarray:
    """An HxW integer label map of 16-bit ids (instance or semantic; 0 = nothing)."""
    arr = _array(labels, name)
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected an HxW label map, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name}: expected an integer label map, got dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name}: label ids must be >= 0, got {arr.min()}")
    if arr.size and arr.max() > 65535:
        raise ValueError(f"{name}: label ids must fit 16 bits (<= 65535), got {arr.max()}")
    return arr


def present_ids(labels: np.ndarray) -> list[int]:
    """Sorted non-zero ids occurring in a label map (bincount: linear time, unlike np.unique's sort)."""
    if labels.size == 0:
        return []
    counts = np.bincount(labels.reshape(-1).astype(np.intp, copy=False))
    return [int(i) for i in np.flatnonzero(counts) if i != 0]
