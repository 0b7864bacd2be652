"""Optical flow between two views of a group: where each pixel of the first view moves to in the second
(codec: :mod:`pipeline.codecs.flow`; correspondence: :mod:`pipeline.correspondence`)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.flow import decode_flow_task, default_range_px, encode_flow, encode_flow_task, error_bound
from pipeline.correspondence import VISIBLE, reproject
from pipeline.tasks.base import PairOptions, Task, sub_seed
from pipeline.tasks.two_view import EndPointScores, frame_pairs, pick, roundtrip_figures, roundtrip_problems
from pipeline.view import View


class FlowScores(EndPointScores):
    def __init__(self):
        super().__init__(thresholds_px=(1.0, 3.0))

    def add(self, decoded, truth, meta):
        (pf, ps), (tf, ts) = decoded, truth
        visible = ts == VISIBLE
        err = np.hypot(*(pf[visible] - tf[visible]).T.astype(np.float64))
        self.add_errors(err, np.hypot(*tf[visible].T.astype(np.float64)), ps[visible] != VISIBLE, ps, ts)


def flow_truth(first: View, second: View) -> tuple[np.ndarray, np.ndarray]:
    """(HxWx2 flow in pixels, HxW state) from the first view to the second, from depth and poses."""
    return reproject(first.depth, first.intrinsics, first.cam2world, second.depth, second.intrinsics, second.cam2world)


class Flow(Task):
    name = "flow"
    inputs = 2
    group_kinds = ("stereo", "motion")
    channels = ("depth",)
    max_pairs_per_view = None  # per group: every consecutive pair of frames it offers
    card_text = ("optical flow from the first input to the second as a colour wheel: hue = direction (red right, "
                 "chartreuse down, cyan left, violet up), saturation = sqrt(|flow| / range_px), white = no motion; "
                 "grey = hidden in the second view, dark green = out of its frame, navy = no surface.")
    json_fields = {"colormap": "string", "curve": "string", "range_px": "float64", "levels": "int64",
                   "markers": {"occluded": ["int64"], "out_of_frame": ["int64"], "no_surface": ["int64"]},
                   "group_kind": "string"}
    roundtrip_fields = {"flow_max_err_px": "float64", "flow_max_err_ratio": "float64", "flow_saturated": "int64",
                        "flow_state_wrong": "int64", "flow_visible_share": "float64"}
    table = (("epe", "EPE px", 3), ("median_epe", "median EPE", 3), ("bad_3px", "Fl >3px&5%", 4),
             ("state_acc", "state acc", 4), ("missing", "missing", 4))

    def group_pairs(self, views, seed, options: PairOptions, limit=None):
        out = []
        candidates = frame_pairs(views)
        for first, second in pick(candidates, limit, sub_seed(seed, self.name, 999)):
            s = sub_seed(seed, self.name, second.view_index)
            truth = flow_truth(first, second)
            target, prompt, meta = encode_flow_task(*truth, s)
            meta = {**meta, "group_kind": first.group["kind"]}
            figures = self.figures(target, meta, truth) if options.roundtrip else None  # truth computed once
            out.append(self.pair((first, second), f"_v{second.view_index:02d}", seed, s, prompt, target, meta, options,
                                 roundtrip=figures))
        return out

    def decode(self, rgb, meta):
        return decode_flow_task(rgb, meta)

    def truth(self, view, meta):
        return flow_truth(*view)

    def roundtrip(self, target, meta, view):
        """End-point error over pixels visible in both views against the codec's bound at each flow's
        length, saturated flows, and pixels whose decoded state is wrong (:func:`roundtrip_figures`)."""
        return self.figures(target, meta, self.truth(view, meta))

    def figures(self, target, meta, truth):
        """:meth:`roundtrip` given the truth (flow, state)."""
        (df, ds), (tf, ts) = self.decode(target, meta), truth
        visible = ts == VISIBLE
        err = np.hypot(*(df[visible] - tf[visible]).T.astype(np.float64))
        length = np.hypot(*tf[visible].T.astype(np.float64))
        return roundtrip_figures("flow", err, length, float(meta["range_px"]), error_bound, ds, ts)

    def problems(self, target, meta, view):
        return roundtrip_problems("flow", self.roundtrip(target, meta, view))

    def scorer(self, max_depth_m):
        return FlowScores()

    def panels(self, decoded, truth, view):
        m = default_range_px(*view[0].depth.shape)
        return (encode_flow(np.nan_to_num(decoded[0]), decoded[1], m), encode_flow(np.nan_to_num(truth[0]), truth[1], m),
                f"flow, range {m:g} px; grey hidden, green out of frame, navy no surface")
