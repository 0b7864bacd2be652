"""Round-trip figures each pair records in its json (decode the target, compare with the labels), so a
validator can later re-check them: depth error, normal angle, decoded-mask IoU."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.depth import curve
from pipeline.codecs.normals import angle_error_deg, normals_valid


def _r(x: float, nd: int = 6):
    return None if x is None else float(round(float(x), nd))


def depth_roundtrip(depth: np.ndarray, decoded: np.ndarray, meta: dict) -> dict:
    """Rainbow: max |f(decoded) - f(depth)| over all pixels (bound 1/3570), max relative error over pixels
    finite in both, count of finite pixels that decode to +inf, and whether every +inf stays +inf.
    Named maps: max absolute error over pixels inside the stated range (bound (far-near)/510)."""
    d = np.asarray(depth, dtype=np.float64)
    dec = np.asarray(decoded, dtype=np.float64)
    fin = np.isfinite(d)
    if meta.get("colormap", "rainbow") != "rainbow":
        inside = fin & (d >= meta["near_m"]) & (d <= meta["far_m"])
        err = np.abs(dec - d)[inside]
        return {"depth_max_abs_err_m": _r(err.max()) if err.size else 0.0,
                "depth_bound_m": _r((meta["far_m"] - meta["near_m"]) / 510.0), "depth_pixels_in_range": int(inside.sum())}
    both = fin & np.isfinite(dec)
    pos = both & (d > 0)
    rel = np.abs(dec[pos] - d[pos]) / d[pos]
    return {
        "depth_max_f_err": _r(np.abs(curve(dec) - curve(d)).max() if d.size else 0.0, 8),
        "depth_f_bound": _r(1.0 / 3570.0, 8),
        "depth_max_rel_err": _r(rel.max()) if rel.size else 0.0,
        "depth_finite_as_inf": int((fin & ~np.isfinite(dec)).sum()),
        "depth_inf_preserved": bool((~np.isfinite(dec[~fin])).all()),
    }


def normals_roundtrip(normals: np.ndarray, target: np.ndarray, decoded: np.ndarray, valid: np.ndarray) -> dict:
    """Max angle (degrees) over valid pixels, and whether the decoded no-normal pixels are exactly the invalid ones."""
    ang = angle_error_deg(np.asarray(normals, dtype=np.float64), decoded.astype(np.float64))[valid]
    return {
        "normal_max_angle_deg": _r(ang.max()) if ang.size else 0.0,
        "normal_valid_match": bool((normals_valid(target) == valid).all()),
    }


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
