"""Instance pairs teach only what the decoder can read: unreadable instances are painted as background,
listed as ignored with their reason, and left out of scoring; a class with none readable gives no pair."""

from __future__ import annotations


import numpy as np

from codec_synth import make_view
from pipeline.codecs.metrics import match_masks
from pipeline.tasks import make_pairs
from pipeline.tasks.instance import MIN_RECOVERED_IOU, Instance, InstanceTruth


def _chairs_view():
    """128x128: one big chair, one below the decoder's minimum area (2 pixels), one 1-pixel-thin chair
    (erased by the decoder's erosion), and one lamp only 1 pixel thin."""
    view = make_view(128, 128)
    inst = np.zeros((128, 128), np.uint16)
    inst[10:60, 10:60] = 11        # big chair
    inst[100, 100:102] = 12        # tiny chair: 2 px < 2e-4 * 16384 = 3.3 px
    inst[70:120, 80] = 13          # thin chair: a 1 px line
    inst[5:120, 120] = 14          # thin lamp
    classes = {11: "chair", 12: "chair", 13: "chair", 14: "lamp"}
    sem = np.where(inst > 0, 1, 0).astype(np.uint16)
    return view.replace(instance=inst, semantic=sem, instance_classes=classes,
                   depth=np.where(inst > 0, 2.0, np.inf).astype(np.float32))


def test_unreadable_instances_are_ignored_and_every_painted_one_decodes():
    view = _chairs_view()
    pairs = make_pairs(view, {}, 5, ["instance"])
    assert [p.meta["class_name"] for p in pairs] == ["chair"]  # the lamp is unreadable: no pair
    meta, target = pairs[0].meta, pairs[0].target
    assert [o["instance_id"] for o in meta["instances"]] == [11]
    ignored = {o["instance_id"]: o["reason"] for o in meta["ignored"]}
    assert set(ignored) == {12, 13}
    assert "minimum area" in ignored[12] and "not recovered" in ignored[13]
    assert (target[view.instance == 13] == meta["background_rgb"]).all()  # painted as background
    rt = meta["roundtrip"]
    assert rt["instances"] == rt["recovered"] == 1 and rt["missed"] == 0 and rt["ignored"] == 2
    assert rt["iou"] == [rt["mask_iou_min"]] and rt["mask_iou_min"] >= MIN_RECOVERED_IOU
    assert Instance().problems(target, meta, view) == []


def test_scoring_leaves_ignored_pixels_out():
    view = _chairs_view()
    [pair] = make_pairs(view, {}, 5, ["instance"])
    task = Instance()
    truth = task.truth(view, pair.meta)
    assert isinstance(truth, InstanceTruth) and len(truth.masks) == 1
    assert truth.ignore.sum() == int(np.isin(view.instance, [12, 13]).sum())
    scorer = task.scorer(80.0)
    # a model that also paints the thin chair is not punished for it; a spurious blob elsewhere is
    blob = np.zeros_like(truth.ignore)
    blob[80:90, 20:30] = True
    scorer.add([truth.masks[0], view.instance == 13, blob], truth, pair.meta)
    r = scorer.result()
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 0)


def test_every_instance_pair_of_a_busy_view_decodes_back():
    from codec_synth import make_busy_view

    _, view = make_busy_view(256, 40, seed=3)
    pairs = make_pairs(view, {}, 9, ["instance"])
    assert pairs
    for p in pairs:
        truth = [view.instance == o["instance_id"] for o in p.meta["instances"]]
        ious = match_masks(truth, Instance().decode(p.target, p.meta))
        assert min(ious) >= MIN_RECOVERED_IOU and p.meta["roundtrip"]["missed"] == 0
