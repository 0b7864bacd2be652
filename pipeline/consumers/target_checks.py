"""Does a stored target decode back to its view's raw labels within the codec's bounds?

Bounds, per task (SPEC.md, "Task codecs"):
- depth, rainbow walk: ``|f(decoded) - f(label)| <= 1/3570`` at every pixel (f(inf) = 1), half a step;
  named colour maps: ``|decoded - label| <= (far - near) / 255`` inside the stated range, one step;
- normals: angle <= ``MAX_ANGLE_DEG`` (0.39 deg) where a surface was hit, "no normal" exactly elsewhere;
- semantic: the decoded class map equals the expected one (listed classes kept, the rest background);
- instance, referring: the target is exactly the metadata's colouring of the instance ids, and decoding
  gives every referred object back exactly and every instance at least the IoU its json recorded.
Each check returns human-readable problems; an empty list means the target is good.
"""

from __future__ import annotations

import numpy as np

from pipeline.codecs.instance import MIN_AREA_FRACTION
from pipeline.codecs.metrics import iou, match_masks
from pipeline.consumers import targets
from pipeline.consumers.labels import ViewLabels

_TOL = 1e-6


def _miscoloured(target: np.ndarray, instance: np.ndarray, entries: list[dict], background_rgb) -> int:
    """Pixels of ``target`` that differ from painting each entry's ``instance_id`` in its ``rgb`` on the background."""
    expected = np.empty(instance.shape + (3,), dtype=np.uint8)
    expected[:] = background_rgb
    for e in entries:
        expected[instance == e["instance_id"]] = e["rgb"]
    return int((expected != target).any(axis=-1).sum())


def _depth(target, meta, labels) -> list[str]:
    from pipeline.codecs.depth import curve

    decoded = targets.decode("depth", target, meta).astype(np.float64)
    truth = labels.depth.astype(np.float64)
    if meta.get("colormap", "rainbow") == "rainbow":
        err = np.abs(curve(decoded) - curve(truth))
        bound = 1.0 / 3570.0
        bad = int((err > bound + _TOL).sum())
        return [f"depth: {bad} pixels decode beyond the half-step bound "
                f"(max |df| {err.max():.3g} > {bound:.3g})"] if bad else []
    near, far = float(meta["near_m"]), float(meta["far_m"])
    inside = np.isfinite(truth) & (truth >= near) & (truth <= far)
    err = np.abs(decoded - truth)[inside]
    bound = (far - near) / 255.0
    bad = int((err > bound + _TOL).sum())
    return [f"depth ({meta['colormap']}): {bad} pixels decode more than one step ({bound:.3g} m) off"] if bad else []


def _normals(target, meta, labels) -> list[str]:
    from pipeline.codecs.normals import MAX_ANGLE_DEG, angle_error_deg

    decoded = targets.decode("normals", target, meta)
    hit = np.linalg.norm(labels.normals, axis=-1) > 1e-6
    decoded_hit = np.linalg.norm(decoded, axis=-1) > 0
    out = []
    if (hit != decoded_hit).any():
        out.append(f"normals: {int((hit != decoded_hit).sum())} pixels disagree on whether a surface was hit")
    ang = angle_error_deg(decoded.astype(np.float64), labels.normals.astype(np.float64))[hit & decoded_hit]
    if ang.size and ang.max() > MAX_ANGLE_DEG + 1e-3:
        out.append(f"normals: {int((ang > MAX_ANGLE_DEG + 1e-3).sum())} pixels beyond {MAX_ANGLE_DEG:.2f} deg "
                   f"(max {ang.max():.2f})")
    return out


def _semantic(target, meta, labels) -> list[str]:
    wrong = int((targets.decode("semantic", target, meta) != targets.truth("semantic", labels, meta)).sum())
    return [f"semantic: {wrong} pixels decode to the wrong class"] if wrong else []


def _instance(target, meta, labels) -> list[str]:
    out = []
    truth_ids = sorted(int(i) for i in np.unique(labels.instance)
                       if i and labels.instance_classes.get(int(i)) == meta["class_name"])
    meta_ids = [int(o["instance_id"]) for o in meta["instances"]]
    if sorted(meta_ids) != truth_ids:
        out.append(f"instance: json lists instances {sorted(meta_ids)}, "
                   f"the view has {truth_ids} of {meta['class_name']!r}")
    wrong = _miscoloured(target, labels.instance, meta["instances"], meta["background_rgb"])
    if wrong:
        out.append(f"instance: {wrong} pixels differ from the json's colouring of the instance ids")
    recorded = meta.get("roundtrip", {}).get("mask_iou_min")
    if recorded is not None and not out:
        truth = targets.truth("instance", labels, meta)
        ious = match_masks(truth, targets.decode("instance", target, meta))
        big = [v for v, m in zip(ious, truth) if m.sum() >= MIN_AREA_FRACTION * labels.instance.size]
        if big and min(big) < recorded - _TOL:
            out.append(f"instance: decoded masks reach IoU {min(big):.4f}, below the recorded {recorded:.4f}")
    return out


def _referring(target, meta, labels) -> list[str]:
    wrong = _miscoloured(target, labels.instance, meta["objects"], meta["background_rgb"])
    if wrong:
        return [f"referring: {wrong} pixels differ from the json's colouring of the referred objects"]
    decoded, truth = targets.decode("referring", target, meta), targets.truth("referring", labels, meta)
    return [f"referring: {phrase!r} decodes with IoU {iou(decoded[phrase], m):.4f} != 1"
            for phrase, m in truth.items() if iou(decoded[phrase], m) < 1.0]


_CHECKS = {"depth": _depth, "normals": _normals, "semantic": _semantic, "instance": _instance, "referring": _referring}


def target_problems(task: str, target: np.ndarray, meta: dict, labels: ViewLabels) -> list[str]:
    """Problems of one pair's target against its view's labels (empty when it is within bounds)."""
    if task not in _CHECKS:
        return [f"unknown task {task!r}"]
    if target.shape[:2] != labels.depth.shape:
        (th, tw), (vh, vw) = target.shape[:2], labels.depth.shape
        return [f"target is {tw}x{th}, its view {vw}x{vh}"]
    return _CHECKS[task](target, meta, labels)
