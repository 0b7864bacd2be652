"""What the two-view tasks (flow, disparity) share: which view pairs a group offers, the state check of a
decoded target, and the end-point-error accumulator their scorers build on."""

from __future__ import annotations

import numpy as np

from pipeline.correspondence import VISIBLE
from pipeline.tasks.base import Scorer
from pipeline.view import View


def frame_pairs(views: list[View]) -> list[tuple[View, View]]:
    """The (first, second) views a group offers, in frame order: consecutive frames (a stereo group's
    left and right view; a camera move's frame k and k+1)."""
    return [(a, b) for a, b in zip(views, views[1:]) if b.group["frame"] == a.group["frame"] + 1]


def pick(candidates: list, limit: int | None, seed: int) -> list:
    """All ``candidates``, or ``limit`` of them drawn with ``seed`` (kept in their order)."""
    if limit is None or limit >= len(candidates):
        return candidates
    keep = np.random.default_rng(seed).choice(len(candidates), size=limit, replace=False)
    return [candidates[i] for i in sorted(keep)]


FLOAT32 = 1e-6  # the decoded float32 values' rounding, relative to the codec's range, beside its bound
_TOL = 1e-6


def roundtrip_figures(prefix: str, err: np.ndarray, length: np.ndarray, range_px: float, bound,
                      decoded_state: np.ndarray, state: np.ndarray) -> dict:
    """The round-trip figures of a two-view target: over the pixels visible in both views, the largest
    error (``err``, px) and its ratio to the codec's ``bound(length, range_px)`` (values longer than
    the range saturate: counted, not measured), and the pixels whose decoded state is wrong."""
    err = np.where(np.isnan(err), np.inf, err)
    inside = length <= range_px
    ratio = err[inside] / (bound(length[inside], range_px) + FLOAT32 * range_px)
    return {f"{prefix}_max_err_px": float(round(err[inside].max(), 6)) if inside.any() else 0.0,
            f"{prefix}_max_err_ratio": float(round(ratio.max(), 6)) if ratio.size else 0.0,
            f"{prefix}_saturated": int((~inside).sum()),
            f"{prefix}_state_wrong": int((decoded_state != state).sum()),
            f"{prefix}_visible_share": round(float((state == VISIBLE).mean()), 6)}


def roundtrip_problems(prefix: str, rt: dict) -> list[str]:
    """What ``validate`` reports from :func:`roundtrip_figures`."""
    out = []
    if rt[f"{prefix}_max_err_ratio"] > 1 + _TOL:
        out.append(f"{prefix}: decodes beyond the codec's bound (max {rt[f'{prefix}_max_err_px']:.3g} px, "
                   f"{rt[f'{prefix}_max_err_ratio']:.3g} x the bound)")
    if rt[f"{prefix}_state_wrong"]:
        out.append(f"{prefix}: {rt[f'{prefix}_state_wrong']} pixels decode to the wrong state "
                   "(visible / occluded / out of frame / no surface)")
    return out


class EndPointScores(Scorer):
    """Per pixel visible in the truth: end-point error |pred - truth| in pixels (pixels the prediction
    marks invalid count as errors of ``missing_px``), pooled over the dataset; plus the share of pixels
    whose state (visible / occluded / out of frame / no surface) the prediction gets right."""

    def __init__(self, thresholds_px: tuple[float, ...], rel: float = 0.05):
        self.thresholds, self.rel = thresholds_px, rel
        self.n = self.state_right = self.state_n = self.missing = 0
        self.sum = 0.0
        self.bad = dict.fromkeys(thresholds_px, 0)
        self.hist = np.zeros(4001, dtype=np.int64)  # 0.01 px bins up to 40 px, for the median

    def add_errors(self, err: np.ndarray, magnitude: np.ndarray, missing: np.ndarray,
                   pred_state: np.ndarray, state: np.ndarray) -> None:
        self.state_right += int((pred_state == state).sum())
        self.state_n += int(state.size)
        self.missing += int(missing.sum())
        err = np.where(missing, np.inf, err)
        self.n += int(err.size)
        finite = err[np.isfinite(err)]
        self.sum += float(finite.sum())
        for t in self.thresholds:
            self.bad[t] += int(((err > t) & (err > self.rel * magnitude)).sum())
        np.add.at(self.hist, np.minimum(np.floor(np.minimum(err, 1e9) * 100).astype(np.int64), 4000), 1)

    def result(self) -> dict:
        n = max(self.n, 1)
        cum = np.cumsum(self.hist)
        median = float(np.searchsorted(cum, (self.n + 1) / 2) / 100 + 0.005) if self.n else None
        found = self.n - self.missing
        out = {"epe": round(self.sum / found, 4) if found else None, "median_epe": median,
               "missing": round(self.missing / n, 4), "state_acc": round(self.state_right / max(self.state_n, 1), 4)}
        for t in self.thresholds:
            out[f"bad_{t:g}px"] = round(self.bad[t] / n, 4)
        return out
