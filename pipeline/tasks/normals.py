"""Normals: camera-frame unit normals drawn as RGB (codec: :mod:`pipeline.codecs.normals`)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.dense import decode_normals_task, encode_normals_task
from pipeline.codecs.normals import MAX_ANGLE_DEG, angle_error_deg, normals_valid, vector_norm
from pipeline.tasks import scoring as metrics
from pipeline.tasks.base import MaskScorer, PairOptions, Task, sub_seed
from pipeline.view import View



def _valid(view: View) -> np.ndarray:
    return vector_norm(np.asarray(view.normals, dtype=np.float64)) > 1e-6


class Normals(Task):
    name = "normals"
    channels = ("normals",)
    card_text = ("camera-frame surface normals as RGB: R=(1-x)/2, G=(1+y)/2, B=(1+z)/2; black where nothing "
                 "is hit. Shading normals without bump maps.")
    json_fields = {"convention": "string", "no_normal_rgb": ["int64"]}
    roundtrip_fields = {"normal_max_angle_deg": "float64", "normal_valid_match": "bool"}
    table = (("mean_deg", "mean deg", 2), ("median_deg", "median deg", 2), ("pct_under_11.25", "% <11.25", 1),
             ("pct_under_22.5", "% <22.5", 1), ("pct_under_30", "% <30", 1))

    def pairs(self, view: View, graph: dict, seed: int, options: PairOptions, limit: int | None = None):
        s = sub_seed(seed, self.name)
        target, prompt, meta = encode_normals_task(np.asarray(view.normals), s, _valid(view))
        return [self.pair(view, "", seed, s, prompt, target, meta, options)]

    def decode(self, rgb, meta):
        return decode_normals_task(rgb, meta)

    def truth(self, view, meta):
        return view.normals

    def roundtrip(self, target, meta, view):
        """Max angle (degrees) over pixels with a normal, and whether the decoded "no normal" pixels are
        exactly those without one."""
        valid = _valid(view)
        ang = angle_error_deg(np.asarray(view.normals, dtype=np.float64),
                              self.decode(target, meta).astype(np.float64))[valid]
        return {"normal_max_angle_deg": float(round(float(ang.max()), 6)) if ang.size else 0.0,
                "normal_valid_match": bool((normals_valid(target) == valid).all())}

    def problems(self, target, meta, view):
        rt, out = self.roundtrip(target, meta, view), []
        if not rt["normal_valid_match"]:
            out.append("normals: pixels disagree on whether a surface was hit")
        if rt["normal_max_angle_deg"] > MAX_ANGLE_DEG + 1e-3:
            out.append(f"normals: decoded angle error {rt['normal_max_angle_deg']:.2f} deg beyond {MAX_ANGLE_DEG:.2f}")
        return out

    def scorer(self, max_depth_m):
        return MaskScorer(metrics.NormalScores())

    def panels(self, decoded, truth, view):
        from pipeline.tasks.panels import normal_colors

        return normal_colors(decoded), normal_colors(truth), "normals (n+1)/2"
