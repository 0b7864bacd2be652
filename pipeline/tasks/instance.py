"""Instance segmentation: every instance of one prompted class in its own colour (codec:
:mod:`pipeline.codecs.instance`); one pair per class with a visible instance."""

from __future__ import annotations

import numpy as np

from pipeline.codecs.instance import MIN_AREA_FRACTION, decode_instance, encode_instance
from pipeline.codecs.metrics import match_masks
from pipeline.codecs.validation import present_ids
from pipeline.consumers import metrics
from pipeline.tasks.base import MaskScorer, PairOptions, Task, sub_seed
from pipeline.view import View



def miscoloured(target: np.ndarray, instance: np.ndarray, entries: list[dict], background_rgb) -> int:
    """Pixels of ``target`` that differ from painting each entry's ``instance_id`` in its ``rgb`` on the
    background (instance and referring targets are exactly such paintings)."""
    expected = np.empty(instance.shape + (3,), dtype=np.uint8)
    expected[:] = background_rgb
    for e in entries:
        expected[instance == e["instance_id"]] = e["rgb"]
    return int((expected != target).any(axis=-1).sum())


def _class_key(view: View, class_name: str, index: int) -> str:
    ids = sorted(i for i, n in view.class_table.items() if n == class_name)
    return f"_c{ids[0]:02d}" if ids else f"_x{index:02d}"


class Instance(Task):
    name = "instance"
    table = (("f1", "mask F1", 4), ("precision", "precision", 4), ("recall", "recall", 4))

    def pairs(self, view: View, graph: dict, seed: int, options: PairOptions):
        inst = np.asarray(view.instance)
        classes = sorted({view.instance_classes[i] for i in present_ids(inst) if i in view.instance_classes})
        out = []
        for k, cls in enumerate(classes):
            s = sub_seed(seed, self.name, k)
            target, prompt, meta = encode_instance(inst, view.instance_classes, cls, s)
            out.append(self.pair(view, _class_key(view, cls, k), seed, s, prompt, target, meta, options))
        return out

    def decode(self, rgb, meta):
        return decode_instance(rgb, meta)

    def truth(self, view, meta):
        ids = [int(i) for i in np.unique(view.instance) if i and view.instance_classes.get(int(i)) == meta["class_name"]]
        return [view.instance == i for i in ids]

    def roundtrip(self, target, meta, view):
        """IoU of each listed instance with its best decoded mask: the smallest over instances of at least the
        decoder's minimum area, the mean over all, and the counts."""
        inst = np.asarray(view.instance)
        truth = [inst == o["instance_id"] for o in meta["instances"]]
        ious = match_masks(truth, self.decode(target, meta))
        big = [v for v, m in zip(ious, truth) if m.sum() >= MIN_AREA_FRACTION * inst.size]
        return {"mask_iou_min": round(min(big), 6) if big else 1.0,
                "mask_iou_mean": round(float(np.mean(ious)), 6) if ious else 1.0,
                "instances": len(truth), "instances_below_min_area": len(truth) - len(big)}

    def problems(self, target, meta, view):
        out = []
        truth_ids = sorted(int(i) for i in np.unique(view.instance)
                           if i and view.instance_classes.get(int(i)) == meta["class_name"])
        meta_ids = sorted(int(o["instance_id"]) for o in meta["instances"])
        if meta_ids != truth_ids:
            out.append(f"instance: json lists instances {meta_ids}, the view has {truth_ids} of {meta['class_name']!r}")
        wrong = miscoloured(target, view.instance, meta["instances"], meta["background_rgb"])
        if wrong:
            out.append(f"instance: {wrong} pixels differ from the json's colouring of the instance ids")
        recorded = (meta.get("roundtrip") or {}).get("mask_iou_min")
        if recorded is not None and not out:
            found = self.roundtrip(target, meta, view)["mask_iou_min"]
            if found < recorded - 1e-6:
                out.append(f"instance: decoded masks reach IoU {found:.4f}, below the recorded {recorded:.4f}")
        return out

    def scorer(self, max_depth_m):
        return MaskScorer(metrics.InstanceScores())

    def panels(self, decoded, truth, view):
        from pipeline.consumers.show import id_colors, mask_ids

        shape = view.instance.shape
        return (id_colors(mask_ids(decoded, shape, truth)), id_colors(mask_ids(truth, shape)),
                f"{len(decoded)} decoded / {len(truth)} true masks")

    def target_classes(self, meta):
        return [str(meta["class_name"])]
