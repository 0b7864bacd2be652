"""Scores of decoded predictions against exact labels, as accumulators with flat memory.

Conventions (the usual ones of each benchmark family):
- depth: per image over pixels with a finite positive label; ``delta1`` = share of pixels with
  ``max(p/g, g/p) < 1.25``, ``abs_rel`` = mean ``|p - g| / g``; predictions are clipped to
  [0, ``max_depth``] first (white decodes to +inf); both are then averaged over images.
- normals: over every pixel with a labelled normal, pooled across images: mean and median angle in
  degrees and the share under 11.25, 22.5 and 30 degrees; a predicted "no normal" counts as 90 degrees.
  Angles go into 0.001-degree bins, so the median is exact to 0.0005 degrees.
- semantic: intersection and union per class id summed over the dataset; ``miou`` is their mean over
  classes with a non-empty union; background (id 0) is not a class.
- referring: per referred object; ``ciou`` = total intersection / total union, ``giou`` = mean per-object IoU.
- instance: per sample, predicted and true masks are matched one to one greedily by IoU, a match counts
  when IoU >= 0.5; ``f1`` = 2 TP / (2 TP + FP + FN) over the dataset.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

THRESHOLDS_DEG = (11.25, 22.5, 30.0)
_BIN_DEG = 1e-3


class DepthScores:
    def __init__(self, max_depth: float):
        self.max_depth = float(max_depth)
        self.delta1: list[float] = []
        self.abs_rel: list[float] = []

    def add(self, pred: np.ndarray, truth: np.ndarray) -> None:
        g = np.asarray(truth, dtype=np.float64)
        valid = np.isfinite(g) & (g > 0)
        if not valid.any():
            return
        g = g[valid]
        p = np.clip(np.asarray(pred, dtype=np.float64)[valid], 0.0, self.max_depth)
        with np.errstate(divide="ignore"):
            ratio = np.maximum(p / g, g / p)
        self.delta1.append(float((ratio < 1.25).mean()))
        self.abs_rel.append(float((np.abs(p - g) / g).mean()))

    def result(self) -> dict:
        return {"images": len(self.delta1), "delta1": float(np.mean(self.delta1)) if self.delta1 else None,
                "abs_rel": float(np.mean(self.abs_rel)) if self.abs_rel else None}


class NormalScores:
    def __init__(self):
        self.hist = np.zeros(int(round(180 / _BIN_DEG)) + 1, dtype=np.int64)
        self.under = dict.fromkeys(THRESHOLDS_DEG, 0)
        self.total = 0.0
        self.count = 0

    def add(self, pred: np.ndarray, truth: np.ndarray) -> None:
        g = np.asarray(truth, dtype=np.float64)
        valid = np.linalg.norm(g, axis=-1) > 1e-6
        g = g[valid]
        p = np.asarray(pred, dtype=np.float64)[valid]
        g = g / np.linalg.norm(g, axis=-1, keepdims=True)
        pn = np.linalg.norm(p, axis=-1, keepdims=True)
        p = np.where(pn > 1e-6, p / np.maximum(pn, 1e-12), 0.0)
        ang = np.degrees(np.arccos(np.clip((p * g).sum(axis=-1), -1.0, 1.0)))
        self.hist += np.bincount(np.rint(ang / _BIN_DEG).astype(np.int64), minlength=len(self.hist))
        for t in THRESHOLDS_DEG:
            self.under[t] += int((ang < t).sum())
        self.total += float(ang.sum())
        self.count += int(ang.size)

    def result(self) -> dict:
        if not self.count:
            return {"pixels": 0, "mean_deg": None, "median_deg": None,
                    **{f"pct_under_{t:g}": None for t in THRESHOLDS_DEG}}
        cum = np.cumsum(self.hist)
        middle = np.searchsorted(cum, [(self.count + 1) // 2, self.count // 2 + 1])  # the two middle ranks
        median = float(middle.mean() * _BIN_DEG)
        out = {"pixels": self.count, "mean_deg": self.total / self.count, "median_deg": median}
        out.update({f"pct_under_{t:g}": 100.0 * self.under[t] / self.count for t in THRESHOLDS_DEG})
        return out


class SemanticScores:
    def __init__(self):
        self.inter: dict[int, int] = defaultdict(int)
        self.union: dict[int, int] = defaultdict(int)
        self.names: dict[int, str] = {}

    def add(self, pred: np.ndarray, truth: np.ndarray, names: dict[int, str]) -> None:
        """``pred``/``truth``: HxW class ids (0 = background); ``names``: the classes this sample scores."""
        for cid, name in names.items():
            if cid == 0:
                continue
            p, g = pred == cid, truth == cid
            self.inter[cid] += int(np.logical_and(p, g).sum())
            self.union[cid] += int(np.logical_or(p, g).sum())
            self.names[cid] = name

    def result(self) -> dict:
        per = {self.names[c]: self.inter[c] / self.union[c] for c in sorted(self.union) if self.union[c]}
        return {"classes": len(per), "miou": float(np.mean(list(per.values()))) if per else None, "per_class_iou": per}


class ReferringScores:
    def __init__(self):
        self.inter = self.union = 0
        self.ious: list[float] = []

    def add(self, pred: np.ndarray, truth: np.ndarray) -> None:
        i, u = int(np.logical_and(pred, truth).sum()), int(np.logical_or(pred, truth).sum())
        self.inter += i
        self.union += u
        self.ious.append(i / u if u else 1.0)

    def result(self) -> dict:
        return {"objects": len(self.ious), "ciou": self.inter / self.union if self.union else None,
                "giou": float(np.mean(self.ious)) if self.ious else None}


def match_instances(pred: list[np.ndarray], truth: list[np.ndarray], threshold: float = 0.5) -> int:
    """Number of one-to-one matches with IoU >= ``threshold``, taking the best-IoU pairs first."""
    if not pred or not truth:
        return 0
    p = np.stack([m.ravel() for m in pred]).astype(np.int64)
    g = np.stack([m.ravel() for m in truth]).astype(np.int64)
    inter = p @ g.T
    union = p.sum(1)[:, None] + g.sum(1)[None, :] - inter
    iou = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    matched = 0
    while iou.size and iou.max() >= threshold:
        i, j = np.unravel_index(np.argmax(iou), iou.shape)
        matched += 1
        iou[i, :] = -1
        iou[:, j] = -1
    return matched


class InstanceScores:
    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold
        self.tp = self.fp = self.fn = 0

    def add(self, pred: list[np.ndarray], truth: list[np.ndarray]) -> None:
        tp = match_instances(pred, truth, self.threshold)
        self.tp += tp
        self.fp += len(pred) - tp
        self.fn += len(truth) - tp

    def result(self) -> dict:
        denom = 2 * self.tp + self.fp + self.fn
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "iou_threshold": self.threshold,
                "precision": self.tp / (self.tp + self.fp) if self.tp + self.fp else None,
                "recall": self.tp / (self.tp + self.fn) if self.tp + self.fn else None,
                "f1": 2 * self.tp / denom if denom else None}
