"""Referring expressions: one (or 2-3) described objects painted in prompted colours (codec:
:mod:`pipeline.codecs.referring`)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.metrics import iou
from pipeline.codecs.referring import decode_referring, encode_referring, referable_objects
from pipeline.tasks import scoring as metrics
from pipeline.tasks.base import PairOptions, Scorer, Task, sub_seed
from pipeline.tasks.instance import miscoloured
from pipeline.view import View


class _Scores(Scorer):
    def __init__(self):
        self.scores = metrics.ReferringScores()

    def add(self, decoded, truth, meta):
        for phrase, mask in truth.items():
            self.scores.add(decoded[phrase], mask)

    def result(self):
        return self.scores.result()


class Referring(Task):
    name = "referring"
    channels = ("instance", "depth")  # masks, and the scene graph's depth ranks
    card_text = ("the object (or 2-3 objects) a phrase describes, painted in the colour the prompt names, the "
                 "rest in the background colour.")
    json_fields = {"form": "string", "background_name": "string", "background_rgb": ["int64"],
                   "objects": [{"instance_id": "int64", "phrase": "string", "color_name": "string", "rgb": ["int64"],
                                "descriptor": {"cls": "string", "color": "string", "support": "string",
                                               "selector": "string"}}]}
    roundtrip_fields = {"mask_iou_min": "float64"}
    table = (("ciou", "cIoU", 4), ("giou", "gIoU", 4))
    max_pairs_per_view = 3.0  # two single-object expressions and one multi-object one

    def pairs(self, view: View, graph: dict, seed: int, options: PairOptions, limit: int | None = None):
        """Up to ``n_referring`` single-object pairs on distinct objects plus, with ``referring_multi``, one
        multi-object pair (2-3 objects); fewer when the view has fewer uniquely describable objects. With
        ``limit``: that many of them, drawn with the seed."""
        cands = referable_objects(graph)
        n_ref = len(cands)
        plan = [1] * min(options.n_referring, n_ref) + ([min(3, n_ref)] if options.referring_multi and n_ref >= 2 else [])
        if limit is not None and limit < len(plan):
            rng = np.random.default_rng(sub_seed(seed, self.name, 1_000_004))
            plan = [plan[i] for i in sorted(rng.choice(len(plan), size=limit, replace=False))]
        used: tuple[int, ...] = ()
        out = []
        for k, n in enumerate(plan):
            s = sub_seed(seed, self.name, k)
            target, prompt, meta = encode_referring(view.instance, graph, s, n_objects=n,
                                                    exclude=used if n == 1 else (), candidates=cands)
            if n == 1:
                used += (meta["objects"][0]["instance_id"],)
            out.append(self.pair(view, f"_r{k}", seed, s, prompt, target, meta, options))
        return out

    def decode(self, rgb, meta):
        return decode_referring(rgb, meta)

    def truth(self, view, meta):
        return {o["phrase"]: view.instance == o["instance_id"] for o in meta["objects"]}

    def roundtrip(self, target, meta, view):
        """The smallest IoU of a referred object's decoded mask with its true mask."""
        decoded, truth = self.decode(target, meta), self.truth(view, meta)
        return {"mask_iou_min": round(min(iou(decoded[p], m) for p, m in truth.items()), 6)}

    def problems(self, target, meta, view):
        wrong = miscoloured(target, view.instance, meta["objects"], meta["background_rgb"])
        if wrong:
            return [f"referring: {wrong} pixels differ from the json's colouring of the referred objects"]
        worst = self.roundtrip(target, meta, view)["mask_iou_min"]
        return [f"referring: a referred object decodes with IoU {worst:.4f} != 1"] if worst < 1.0 else []

    def scorer(self, max_depth_m):
        return _Scores()

    def panels(self, decoded, truth, view):
        from pipeline.tasks.panels import id_colors, mask_ids

        shape = view.instance.shape
        return (id_colors(mask_ids(decoded, shape)), id_colors(mask_ids(truth, shape)),
                f"{len(decoded)} decoded / {len(truth)} true masks")

    def target_classes(self, meta):
        return sorted({str(o["descriptor"]["cls"]) for o in meta.get("objects") or []})
