"""Instance segmentation: every instance of one prompted class in its own colour (codec:
:mod:`pipeline.codecs.instance`); one pair per class with an instance the decoder can read back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.codecs.instance import MIN_AREA_FRACTION, decode_instance, encode_instance
from pipeline.codecs.metrics import match_masks
from pipeline.codecs.validation import present_ids
from pipeline.tasks import scoring as metrics
from pipeline.tasks.base import MaskScorer, PairOptions, Task, sub_seed
from pipeline.view import View

MIN_RECOVERED_IOU = 0.9  # a painted instance must decode at least this well (README, "Instance pairs")


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


@dataclass
class InstanceTruth:
    """The true masks of a pair's painted instances, and the pixels scoring leaves out (its ignored ones)."""

    masks: list[np.ndarray]
    ignore: np.ndarray


def _painted_ious(target: np.ndarray, meta: dict, inst: np.ndarray) -> list[float]:
    """IoU of each painted instance with its best decoded mask."""
    truth = [inst == o["instance_id"] for o in meta["instances"]]
    return match_masks(truth, decode_instance(target, meta))


def _figures(ious: list[float], meta: dict) -> dict:
    """The instance round-trip figures from the painted instances' IoUs."""
    ious = [round(float(v), 6) for v in ious]
    recovered = sum(v >= MIN_RECOVERED_IOU for v in ious)
    return {"instances": len(ious), "recovered": recovered, "missed": len(ious) - recovered,
            "ignored": len(meta.get("ignored", ())), "iou": ious,
            "mask_iou_min": min(ious) if ious else None,
            "mask_iou_mean": round(float(np.mean(ious)), 6) if ious else None}


class Instance(Task):
    """One pair per class with a visible instance the decoder can read back.

    An instance the paper's decoder cannot recover (below its minimum area, too thin to survive its
    erosion, or cut into pieces by what stands in front of it) is painted as background and listed in
    the json's ``ignored`` with the reason; scoring leaves its pixels out. Every painted instance is
    recovered from the target with IoU >= ``MIN_RECOVERED_IOU``; a class with none left gives no pair.
    """

    name = "instance"
    channels = ("instance",)
    card_text = ("every readable instance of the prompted class in its own colour on the named background; "
                 "decoded with the paper's clustering decoder. Instances it cannot read back are painted "
                 "as background and listed under `ignored`.")
    json_fields = {"class_name": "string", "instances": [{"instance_id": "int64", "rgb": ["int64"]}],
                   "ignored": [{"instance_id": "int64", "reason": "string"}], "background_name": "string",
                   "background_rgb": ["int64"], "min_color_distance": "float64",
                   "decoder": {"tau": "float64", "min_area_fraction": "float64", "erode_keep": "float64",
                               "merge_box_ratio": "float64"}}
    roundtrip_fields = {"instances": "int64", "recovered": "int64", "missed": "int64", "ignored": "int64",
                        "iou": ["float64"], "mask_iou_min": "float64", "mask_iou_mean": "float64"}
    table = (("f1", "mask F1", 4), ("precision", "precision", 4), ("recall", "recall", 4))
    max_pairs_per_view = None

    def pairs(self, view: View, graph: dict, seed: int, options: PairOptions, limit: int | None = None):
        """One pair per class (with ``limit``: classes in a seeded random order until ``limit`` pairs)."""
        inst = np.asarray(view.instance)
        classes = sorted({view.instance_classes[i] for i in present_ids(inst) if i in view.instance_classes})
        order = list(range(len(classes)))
        if limit is not None:
            order = list(np.random.default_rng(sub_seed(seed, self.name, 1_000_004)).permutation(len(classes)))
        min_area = MIN_AREA_FRACTION * inst.size
        out = []
        for k in order:
            if limit is not None and len(out) >= limit:
                break
            cls = classes[k]
            s = sub_seed(seed, self.name, int(k))
            ids = [i for i in present_ids(inst) if view.instance_classes.get(i) == cls]
            ignore = {i: "smaller than the decoder's minimum area" for i in ids if (inst == i).sum() < min_area}
            while len(ignore) < len(ids):
                target, prompt, meta = encode_instance(inst, view.instance_classes, cls, s, ignore=ignore)
                ious = _painted_ious(target, meta, inst)
                unread = {o["instance_id"]: f"not recovered by the decoder (IoU {iou:.2f})"
                          for o, iou in zip(meta["instances"], ious) if iou < MIN_RECOVERED_IOU}
                if not unread:
                    out.append(self.pair(view, _class_key(view, cls, k), seed, s, prompt, target, meta, options,
                                         roundtrip=_figures(ious, meta)))
                    break
                ignore.update(unread)
        return out

    def decode(self, rgb, meta):
        return decode_instance(rgb, meta)

    def truth(self, view, meta):
        inst = np.asarray(view.instance)
        ignored = [o["instance_id"] for o in meta.get("ignored", ())]
        return InstanceTruth([inst == o["instance_id"] for o in meta["instances"]], np.isin(inst, ignored))

    def roundtrip(self, target, meta, view):
        """Per painted instance the IoU of its best decoded mask, and the counts: painted instances
        recovered (IoU >= MIN_RECOVERED_IOU) and missed, ignored instances."""
        return _figures(_painted_ious(target, meta, np.asarray(view.instance)), meta)

    def problems(self, target, meta, view):
        out = []
        truth_ids = sorted(int(i) for i in np.unique(view.instance)
                           if i and view.instance_classes.get(int(i)) == meta["class_name"])
        meta_ids = sorted([int(o["instance_id"]) for o in meta["instances"]]
                          + [int(o["instance_id"]) for o in meta.get("ignored", ())])
        if meta_ids != truth_ids:
            out.append(f"instance: json lists instances {meta_ids}, the view has {truth_ids} of {meta['class_name']!r}")
        wrong = miscoloured(target, view.instance, meta["instances"], meta["background_rgb"])
        if wrong:
            out.append(f"instance: {wrong} pixels differ from the json's colouring of the instance ids")
        if not out and "ignored" in meta:
            found = self.roundtrip(target, meta, view)
            if found["missed"]:
                out.append(f"instance: {found['missed']} painted instances decode below IoU {MIN_RECOVERED_IOU}")
        elif not out:  # codec 1.0 painted every instance: its decoded masks must not get worse than recorded
            recorded = (meta.get("roundtrip") or {}).get("mask_iou_min")
            inst = np.asarray(view.instance)
            big = [(inst == o["instance_id"]).sum() >= MIN_AREA_FRACTION * inst.size for o in meta["instances"]]
            found = min((v for v, b in zip(_painted_ious(target, meta, inst), big) if b), default=1.0)
            if recorded is not None and found < recorded - 1e-6:
                out.append(f"instance: decoded masks reach IoU {found:.4f}, below the recorded {recorded:.4f}")
        return out

    def scorer(self, max_depth_m):
        return _IgnoringScorer(metrics.InstanceScores())

    def panels(self, decoded, truth, view):
        from pipeline.tasks.panels import id_colors, mask_ids

        shape = view.instance.shape
        return (id_colors(mask_ids(decoded, shape, truth.masks)), id_colors(mask_ids(truth.masks, shape)),
                f"{len(decoded)} decoded / {len(truth.masks)} true masks ({int(truth.ignore.any())} ignored region)")

    def target_classes(self, meta):
        return [str(meta["class_name"])]


class _IgnoringScorer(MaskScorer):
    """Instance scores with the ignored instances' pixels left out: a predicted mask lying mostly on
    them is no false positive, and the rest lose those pixels."""

    def add(self, decoded, truth: InstanceTruth, meta: dict) -> None:
        kept = []
        for mask in decoded:
            area = mask.sum()
            if area and (mask & truth.ignore).sum() * 2 < area:
                kept.append(mask & ~truth.ignore)
        self.scores.add(kept, truth.masks)
