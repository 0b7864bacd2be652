"""Stereo disparity of a rectified pair: how far each pixel of the left view shifts in the right one
(codec: :mod:`pipeline.codecs.disparity`; correspondence: :mod:`pipeline.correspondence`)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.disparity import (decode_disparity_task, default_range_px, encode_disparity,
                                       encode_disparity_task, error_bound)
from pipeline.correspondence import VISIBLE, stereo_disparity
from pipeline.tasks.base import PairOptions, Task, sub_seed
from pipeline.tasks.two_view import EndPointScores, frame_pairs, roundtrip_figures, roundtrip_problems
from pipeline.view import View


class DisparityScores(EndPointScores):
    """Bad-pixel rates: the share of truth-visible pixels off by more than 1 px and by more than 3 px
    and 5 % (KITTI's D1), predictions marked invalid counting as bad; plus EPE and state accuracy."""

    def __init__(self):
        super().__init__(thresholds_px=(1.0, 3.0))

    def add(self, decoded, truth, meta):
        (pd, ps), (td, ts) = decoded, truth
        visible = ts == VISIBLE
        err = np.abs(pd[visible].astype(np.float64) - td[visible])
        self.add_errors(err, td[visible].astype(np.float64), ps[visible] != VISIBLE, ps, ts)


def disparity_truth(left: View, right: View) -> tuple[np.ndarray, np.ndarray]:
    """(HxW disparity in pixels, HxW state) of the left view of a rectified pair, from depth and the rig."""
    return stereo_disparity(left.depth, right.depth, left.intrinsics, float(left.group["baseline_m"]))


class Disparity(Task):
    name = "disparity"
    inputs = 2
    group_kinds = ("stereo",)
    channels = ("depth",)
    card_text = ("disparity of the left input against the right (rectified, same row) on the depth target's walk: "
                 "q = round(1785 (1 - sqrt(min(d, range_px) / range_px))), black = range_px or more, white = 0 "
                 "(infinitely far); grey = hidden in the right view, dark green = out of its frame, navy = no surface.")
    json_fields = {"colormap": "string", "curve": "string", "range_px": "float64", "steps": "int64",
                   "markers": {"occluded": ["int64"], "out_of_frame": ["int64"], "no_surface": ["int64"]},
                   "baseline_m": "float64", "focal_px": "float64"}
    roundtrip_fields = {"disparity_max_err_px": "float64", "disparity_max_err_ratio": "float64",
                        "disparity_saturated": "int64", "disparity_state_wrong": "int64",
                        "disparity_visible_share": "float64"}
    table = (("bad_1px", "bad >1px", 4), ("bad_3px", "D1 >3px&5%", 4), ("epe", "EPE px", 3),
             ("state_acc", "state acc", 4), ("missing", "missing", 4))

    def group_pairs(self, views, seed, options: PairOptions, limit=None):
        out = []
        for left, right in frame_pairs(views)[:limit]:
            s = sub_seed(seed, self.name)
            truth = disparity_truth(left, right)
            target, prompt, meta = encode_disparity_task(*truth, s)
            meta = {**meta, "baseline_m": float(left.group["baseline_m"]),
                    "focal_px": float(left.intrinsics["fx"])}
            figures = self.figures(target, meta, truth) if options.roundtrip else None  # truth computed once
            out.append(self.pair((left, right), f"_v{right.view_index:02d}", seed, s, prompt, target, meta, options,
                                 roundtrip=figures))
        return out

    def decode(self, rgb, meta):
        return decode_disparity_task(rgb, meta)

    def truth(self, view, meta):
        return disparity_truth(*view)

    def roundtrip(self, target, meta, view):
        """|decoded - truth| over pixels visible in both views against the codec's bound, saturated
        disparities, and pixels whose decoded state is wrong (:func:`roundtrip_figures`)."""
        return self.figures(target, meta, self.truth(view, meta))

    def figures(self, target, meta, truth):
        """:meth:`roundtrip` given the truth (disparity, state)."""
        (dd, ds), (td, ts) = self.decode(target, meta), truth
        visible = ts == VISIBLE
        exact = td[visible].astype(np.float64)
        err = np.abs(dd[visible].astype(np.float64) - exact)
        return roundtrip_figures("disparity", err, exact, float(meta["range_px"]), error_bound, ds, ts)

    def problems(self, target, meta, view):
        return roundtrip_problems("disparity", self.roundtrip(target, meta, view))

    def scorer(self, max_depth_m):
        return DisparityScores()

    def panels(self, decoded, truth, view):
        big_d = default_range_px(view[0].depth.shape[1])
        return (encode_disparity(np.nan_to_num(decoded[0]), decoded[1], big_d),
                encode_disparity(np.nan_to_num(truth[0]), truth[1], big_d),
                f"disparity, range {big_d:g} px (black), white 0; grey hidden, green out of frame, navy no surface")
