"""Semantic segmentation: listed classes painted in prompted colours (codec: :mod:`pipeline.codecs.semantic`)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.clip_tokens import count_tokens
from pipeline.codecs.metrics import label_ious
from pipeline.codecs.semantic import decode_semantic, encode_semantic, expected_semantic
from pipeline.tasks import scoring as metrics
from pipeline.tasks.base import PairOptions, Scorer, Task, sub_seed
from pipeline.view import View


class _Scores(Scorer):
    def __init__(self):
        self.scores = metrics.SemanticScores()

    def add(self, decoded, truth, meta):
        self.scores.add(decoded, truth, {int(c["id"]): c["name"] for c in meta["classes"]})

    def result(self):
        return self.scores.result()


COMPACT = ("json", "name")  # the shortest mapping: {"chair": "red", ...} (hex when names run out)


class Semantic(Task):
    name = "semantic"
    channels = ("semantic",)
    card_text = ("the classes listed in the prompt, each painted in the colour the prompt gives it, the rest "
                 "in the background colour; the json lists classes, ids and colours.")
    json_fields = {"classes": [{"id": "int64", "name": "string", "present": "bool", "rgb": ["int64"],
                                "view_ids": ["int64"]}],
                   "background_rgb": ["int64"], "unlisted_present": ["string"], "mapping_form": "string",
                   "color_form": "string", "min_color_distance": "float64", "mapping_part": ["int64"]}
    roundtrip_fields = {"mask_iou_min": "float64", "wrong_pixels": "int64"}
    table = (("miou", "mIoU", 4),)

    def pairs(self, view: View, graph: dict, seed: int, options: PairOptions, limit: int | None = None):
        """One pair; over the prompt budget, the same listed classes in the compact form (JSON with
        colour names), else split into groups of classes, one pair each (``mapping_part``: [k, n]),
        so that no class is dropped and no mapping truncated."""
        s = sub_seed(seed, self.name)
        target, prompt, meta = encode_semantic(view.semantic, view.class_table, s)
        budget = options.max_prompt_tokens
        if budget is None or count_tokens(prompt) <= budget:
            return [self.pair(view, "", seed, s, prompt, target, meta, options)]
        names = [c["name"] for c in meta["classes"] if c["present"]]
        for n_groups in range(1, len(names) + 1):
            parts = []
            for k in range(n_groups):
                ks = sub_seed(seed, self.name, k + 1)
                t, p, m = encode_semantic(view.semantic, view.class_table, ks, mapping_form=COMPACT[0],
                                          color_form=COMPACT[1], classes=names[k::n_groups])
                if count_tokens(p) > budget:
                    break
                parts.append((ks, t, p, {**m, "mapping_part": [k, n_groups] if n_groups > 1 else None}))
            else:
                suffix = (lambda k: f"_g{k}") if n_groups > 1 else (lambda k: "")
                return [self.pair(view, suffix(k), seed, ks, p, t, m, options) for k, (ks, t, p, m) in enumerate(parts)]
        return []  # not even one class fits the budget

    def decode(self, rgb, meta):
        return decode_semantic(rgb, meta)

    def truth(self, view, meta):
        return expected_semantic(np.asarray(view.semantic), meta)

    def roundtrip(self, target, meta, view):
        """The smallest IoU of a listed class between the decoded and the expected class map, and the
        pixels whose decoded class is wrong."""
        decoded, expected = self.decode(target, meta), self.truth(view, meta)
        ious = label_ious(expected, decoded)
        return {"mask_iou_min": round(min(ious.values()), 6) if ious else 1.0,
                "wrong_pixels": int((decoded != expected).sum())}

    def problems(self, target, meta, view):
        wrong = self.roundtrip(target, meta, view)["wrong_pixels"]
        return [f"semantic: {wrong} pixels decode to the wrong class"] if wrong else []

    def scorer(self, max_depth_m):
        return _Scores()

    def panels(self, decoded, truth, view):
        from pipeline.tasks.panels import id_colors

        return id_colors(decoded), id_colors(view.semantic), "class ids (raw: all classes)"

    def target_classes(self, meta):
        return sorted({str(c["name"]) for c in meta.get("classes") or []})
