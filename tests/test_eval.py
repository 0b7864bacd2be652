"""pipeline eval on the tiny dataset: perfect predictions (the targets) score perfectly, perturbed ones
score what the perturbation implies, worked out here from the raw labels."""

import json

import numpy as np
import pytest
from PIL import Image

import pipeline
from pipeline.cli import main
from pipeline.codecs import encode_normals

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]


def _save(folder, key, rgb):
    Image.fromarray(np.asarray(rgb, dtype=np.uint8)).save(folder / f"{key}.png")


@pytest.fixture(scope="module")
def samples(tiny_dataset):
    return list(pipeline.open_dataset(tiny_dataset))


def test_perfect_predictions(tiny_dataset, samples, tmp_path, capsys):
    from pipeline.codecs.metrics import match_masks

    for s in samples:
        _save(tmp_path, s.key, s.target)
    out_json = tmp_path / "scores.json"
    assert main(["eval", str(tmp_path), str(tiny_dataset), "--json", str(out_json)]) == 0
    table = capsys.readouterr().out
    report = json.loads(out_json.read_text())
    t = report["tasks"]
    assert report["scored"] == report["dataset_pairs"] == len(samples)
    assert t["depth"]["delta1"] == 1.0 and 0 <= t["depth"]["abs_rel"] < 0.002  # half a codec step at most
    assert t["normals"]["mean_deg"] < 0.4 and t["normals"]["median_deg"] < 0.4
    assert t["normals"]["pct_under_11.25"] == t["normals"]["pct_under_30"] == 100.0
    assert t["semantic"]["miou"] == 1.0
    if "referring" in t:
        assert t["referring"]["ciou"] == t["referring"]["giou"] == 1.0
    if "instance" in t:
        # every painted instance decodes back (unreadable ones are painted as background and ignored)
        inst = [s for s in samples if s.task == "instance"]
        truths = sum(len(s.truth.masks) for s in inst)
        assert all(v >= 0.9 for s in inst for v in match_masks(s.truth.masks, s.decoded))
        assert t["instance"]["fp"] == t["instance"]["fn"] == 0 and t["instance"]["tp"] == truths
        assert t["instance"]["f1"] == 1.0
    for label in ("delta1", "AbsRel", "mean deg", "% <11.25", "mIoU"):
        assert label in table


def test_perturbed_predictions(tiny_dataset, samples, tmp_path):
    from pipeline.consumers.evaluate import evaluate

    normals_good = normals_all = 0
    ref_inter = ref_union = 0
    ref_ious = []
    seen = {"depth": 0, "normals": 0, "referring": 0}
    for s in samples:
        k = seen.get(s.task, 0)
        seen[s.task] = k + 1
        if s.task == "depth":
            pred = np.zeros_like(s.target)  # black decodes to 0 m: every ratio infinite, |0-g|/g = 1
        elif s.task == "normals":
            hit = np.linalg.norm(s.truth, axis=-1) > 1e-6
            normals_all += int(hit.sum())
            if k % 2 == 0:
                pred, normals_good = s.target, normals_good + int(hit.sum())
            else:
                pred = encode_normals(-s.truth, hit)  # the opposite direction: 180 degrees off
        elif s.task == "semantic":
            pred = np.broadcast_to(np.array(s.meta["background_rgb"], np.uint8), s.target.shape)
        elif s.task == "referring":
            keep = k % 2 == 0
            pred = s.target if keep else np.broadcast_to(np.array(s.meta["background_rgb"], np.uint8), s.target.shape)
            for m in s.truth.values():
                ref_union += int(m.sum())
                ref_inter += int(m.sum()) if keep else 0
                ref_ious.append(1.0 if keep else 0.0)
        elif s.task == "instance":
            pred = np.broadcast_to(np.array(s.meta["background_rgb"], np.uint8), s.target.shape)
        _save(tmp_path, s.key, pred)
    t = evaluate(str(tmp_path), str(tiny_dataset))["tasks"]
    assert t["depth"]["delta1"] == 0.0 and t["depth"]["abs_rel"] == pytest.approx(1.0)
    n = t["normals"]
    share = 100.0 * normals_good / normals_all
    assert n["pct_under_11.25"] == pytest.approx(share) and n["pct_under_30"] == pytest.approx(share)
    assert n["mean_deg"] == pytest.approx((normals_all - normals_good) / normals_all * 180, abs=0.5)
    assert t["semantic"]["miou"] == 0.0
    if "referring" in t:
        assert t["referring"]["giou"] == pytest.approx(np.mean(ref_ious))
        assert t["referring"]["ciou"] == pytest.approx(ref_inter / ref_union)
    if "instance" in t:
        assert t["instance"]["tp"] == 0 and t["instance"]["f1"] == 0.0


def test_predictions_may_be_resized(tiny_dataset, samples, tmp_path):
    from pipeline.consumers.evaluate import evaluate

    s = next(s for s in samples if s.task == "semantic")
    big = np.repeat(np.repeat(s.target, 2, axis=0), 2, axis=1)  # a model answering at twice the size
    _save(tmp_path, s.key, big)
    report = evaluate(str(tmp_path), str(tiny_dataset))
    assert report["resized"] == 1 and report["tasks"]["semantic"]["miou"] == 1.0


def test_bad_predictions_are_bad_input(tiny_dataset, tmp_path, capsys):
    _save(tmp_path, "no_such_pair", np.zeros((4, 4, 3)))
    assert main(["eval", str(tmp_path), str(tiny_dataset)]) == 2
    assert "no_such_pair" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing"), str(tiny_dataset)]) == 2
    assert "no such predictions folder" in capsys.readouterr().err
