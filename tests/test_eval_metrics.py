"""Eval metrics on small arrays whose scores are worked out by hand (no dataset needed)."""

import numpy as np
import pytest

from pipeline.tasks.scoring import (DepthScores, InstanceScores, NormalScores, ReferringScores, SemanticScores,
                                        match_instances)


def test_depth_delta1_and_absrel():
    s = DepthScores(max_depth=100.0)
    s.add(np.array([[1.0, 2.0], [8.0, 4.0]]), np.array([[1.0, 2.0], [4.0, 8.0]]))
    # ratios 1, 1, 2, 2 -> half under 1.25; |p-g|/g = 0, 0, 1, 0.5
    assert s.result() == {"images": 1, "delta1": 0.5, "abs_rel": 0.375}
    s.add(np.array([[np.inf, 0.0, 3.0]]), np.array([[10.0, 5.0, np.inf]]))
    # +inf clips to 100 m: |100-10|/10 = 9; 0 m: ratio inf, error 1; a label of +inf is not scored
    r = s.result()
    assert r["images"] == 2 and r["delta1"] == pytest.approx((0.5 + 0.0) / 2)
    assert r["abs_rel"] == pytest.approx((0.375 + (9 + 1) / 2) / 2)


def _tilted(deg):
    a = np.radians(deg)
    return np.array([np.sin(a), 0.0, np.cos(a)])


def test_normals_angles_median_and_thresholds():
    truth = np.tile(np.array([0.0, 0.0, 1.0]), (1, 5, 1))
    truth[0, 4] = 0.0  # no label: not scored
    pred = np.stack([_tilted(0), _tilted(10), _tilted(20), _tilted(45), _tilted(80)])[None]
    s = NormalScores()
    s.add(pred, truth)
    r = s.result()
    assert r["pixels"] == 4
    assert r["mean_deg"] == pytest.approx(18.75, abs=1e-6)
    assert r["median_deg"] == pytest.approx(15.0, abs=1e-3)  # mean of the middle two, 10 and 20
    assert (r["pct_under_11.25"], r["pct_under_22.5"], r["pct_under_30"]) == (50.0, 75.0, 75.0)
    s.add(np.zeros((1, 1, 3)), np.array([[[0.0, 1.0, 0.0]]]))  # predicted "no normal" counts as 90 degrees
    assert s.result()["mean_deg"] == pytest.approx((75 + 90) / 5, abs=1e-6)
    assert s.result()["median_deg"] == pytest.approx(20.0, abs=1e-3)


def test_semantic_miou_accumulates_over_images():
    s = SemanticScores()
    truth = np.array([[1, 1, 2, 2]])
    s.add(np.array([[1, 2, 2, 2]]), truth, {1: "chair", 2: "table", 0: "background", 7: "lamp"})
    # chair: I 1, U 2; table: I 2, U 3; lamp: empty union, not a class here; background ignored
    s.add(np.array([[1, 1, 0, 0]]), truth, {1: "chair", 2: "table"})
    # chair: I 1+2, U 2+2; table: I 2+0, U 3+2
    r = s.result()
    assert r["per_class_iou"] == {"chair": pytest.approx(3 / 4), "table": pytest.approx(2 / 5)}
    assert r["miou"] == pytest.approx((3 / 4 + 2 / 5) / 2) and r["classes"] == 2


def test_referring_ciou_and_giou():
    s = ReferringScores()
    t = np.zeros((4, 4), bool)
    t[:2, :2] = True  # 4 pixels
    p = np.zeros((4, 4), bool)
    p[:2, :1] = True  # 2 of them
    s.add(p, t)  # IoU 2/4
    big = np.ones((4, 4), bool)
    s.add(big, big)  # IoU 16/16
    r = s.result()
    assert r["objects"] == 2 and r["giou"] == pytest.approx((0.5 + 1) / 2) and r["ciou"] == pytest.approx(18 / 20)


def test_instance_f1_matches_one_to_one_at_half_iou():
    def box(y0, y1, x0, x1):
        m = np.zeros((10, 10), bool)
        m[y0:y1, x0:x1] = True
        return m

    truth = [box(0, 4, 0, 4), box(6, 10, 6, 10)]
    pred = [box(0, 4, 0, 3), box(0, 4, 0, 2), box(5, 6, 0, 10)]  # IoU 12/16, 8/16, 0
    assert match_instances(pred, truth) == 1  # the 8/16 one competes for the same true mask
    s = InstanceScores()
    s.add(pred, truth)
    s.add([], [box(0, 2, 0, 2)])
    r = s.result()
    assert (r["tp"], r["fp"], r["fn"]) == (1, 2, 2)
    assert r["f1"] == pytest.approx(2 / (2 + 2 + 2)) and r["precision"] == pytest.approx(1 / 3)
