"""Depth: metric planar depth drawn as the paper's rainbow walk (codec: :mod:`pipeline.codecs.depth`)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.dense import decode_depth_task, encode_depth_task
from pipeline.codecs.depth import HALF_STEP, curve
from pipeline.tasks import scoring as metrics
from pipeline.tasks.base import MaskScorer, PairOptions, Task, sub_seed
from pipeline.view import View

_TOL = 1e-6


def _r(x: float, nd: int = 6) -> float:
    return float(round(float(x), nd))



class Depth(Task):
    name = "depth"
    channels = ("depth",)
    card_text = ("metric depth as a colour: f = 1-(1+d/10)^-2 picks one of 1785 colours on the walk black -> "
                 "red -> yellow -> green -> cyan -> blue -> violet -> white (white: nothing hit or beyond "
                 "587 m); the json names the curve.")
    json_fields = {"colormap": "string", "curve": "string", "steps": "int64"}
    roundtrip_fields = {"depth_f_bound": "float64", "depth_finite_as_inf": "int64", "depth_inf_preserved": "bool",
                        "depth_max_f_err": "float64", "depth_max_rel_err": "float64"}
    table = (("delta1", "delta1", 4), ("abs_rel", "AbsRel", 4))

    def pairs(self, view: View, graph: dict, seed: int, options: PairOptions, limit: int | None = None):
        s = sub_seed(seed, self.name)
        target, prompt, meta = encode_depth_task(view.depth, s)
        return [self.pair(view, "", seed, s, prompt, target, meta, options)]

    def decode(self, rgb, meta):
        return decode_depth_task(rgb, meta)

    def truth(self, view, meta):
        return view.depth

    def roundtrip(self, target, meta, view):
        """Max |f(decoded) - f(depth)| over all pixels (bound: half a step), max relative error over pixels
        finite in both, finite pixels that decode to +inf, and whether every +inf stays +inf."""
        d = np.asarray(view.depth, dtype=np.float64)
        dec = np.asarray(self.decode(target, meta), dtype=np.float64)
        fin = np.isfinite(d)
        pos = fin & np.isfinite(dec) & (d > 0)
        rel = np.abs(dec[pos] - d[pos]) / d[pos]
        return {
            "depth_max_f_err": _r(np.abs(curve(dec) - curve(d)).max() if d.size else 0.0, 8),
            "depth_f_bound": _r(HALF_STEP, 8),
            "depth_max_rel_err": _r(rel.max()) if rel.size else 0.0,
            "depth_finite_as_inf": int((fin & ~np.isfinite(dec)).sum()),
            "depth_inf_preserved": bool((~np.isfinite(dec[~fin])).all()),
        }

    def problems(self, target, meta, view):
        rt = self.roundtrip(target, meta, view)
        if rt["depth_max_f_err"] > rt["depth_f_bound"] + _TOL:
            return [f"depth: decodes beyond the half-step bound (max |df| {rt['depth_max_f_err']:.3g} > "
                    f"{rt['depth_f_bound']:.3g})"]
        return []

    def scorer(self, max_depth_m):
        return MaskScorer(metrics.DepthScores(max_depth_m))

    def panels(self, decoded, truth, view):
        from pipeline.tasks.panels import depth_colors

        finite = truth[np.isfinite(truth)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.1, 100.0)
        return depth_colors(decoded, lo, hi), depth_colors(truth, lo, hi), f"depth {lo:.2f}-{hi:.2f} m (log), inf white"
