"""Instance codec: distinct colours, background named in the prompt, and the paper's clustering decoder."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.codecs import cluster_instances, decode_instance, encode_instance, parse_instance_prompt
from pipeline.codecs.colors import NAMED_COLORS, min_pairwise_distance
from pipeline.codecs.instance import MIN_COLOR_DISTANCE
from pipeline.codecs.metrics import match_masks


@pytest.mark.parametrize("cls", ["chair", "table", "floor", "lamp"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roundtrip_per_class(view, cls, seed):
    target, prompt, meta = encode_instance(view.instance, view.instance_classes, cls, seed)
    json.dumps(meta)
    assert parse_instance_prompt(prompt) == (cls, tuple(meta["background_rgb"]))
    assert NAMED_COLORS[meta["background_name"]] == tuple(meta["background_rgb"])
    colors = [o["rgb"] for o in meta["instances"]]
    assert min_pairwise_distance(colors + [meta["background_rgb"]]) >= MIN_COLOR_DISTANCE
    truth = [view.instance == o["instance_id"] for o in meta["instances"]]
    for masks in (decode_instance(target, prompt), decode_instance(target, meta)):
        assert len(masks) == len(truth)
        assert match_masks(truth, masks) == [1.0] * len(truth)
    others = ~np.isin(view.instance, [o["instance_id"] for o in meta["instances"]])
    assert (target[others] == meta["background_rgb"]).all()


def test_absent_class_gives_a_blank_target(view):
    target, prompt, meta = encode_instance(view.instance, view.instance_classes, "car", 0)
    assert meta["instances"] == [] and (target == meta["background_rgb"]).all()
    assert decode_instance(target, meta) == []


def _canvas(h=100, w=100):
    return np.zeros((h, w, 3), np.uint8)


def test_decoder_steps():
    img = _canvas()
    img[5:17, 5:17] = (200, 0, 0)
    img[80:92, 80:92] = (205, 5, 0)  # near-equal colour but far away: union box > 5x summed area, stays apart
    img[50:52, 10:90] = (0, 200, 0)  # 2-pixel line: nothing survives the 3x3 erosion -> dropped
    img[60, 60] = (0, 0, 200)  # 1 pixel, under 2e-4 of the image -> dropped
    img[70:90, 10:20] = (7, 7, 7)  # within tau of the black background -> background
    img[20:40, 40:52] = (100, 100, 200)
    img[20:40, 52:60] = (108, 100, 200)  # within tau of the seed's colour -> same flood fill
    masks = cluster_instances(img, (0, 0, 0))
    assert [int(m.sum()) for m in masks] == [144, 400, 144]
    assert masks[0][5:17, 5:17].all() and masks[1][20:40, 40:60].all() and masks[2][80:92, 80:92].all()


def test_merge_rule_joins_split_instance():
    img = _canvas()
    img[10:50, 10:30] = (200, 50, 50)
    img[10:50, 32:52] = (203, 50, 50)  # split by a background column; union box 40x42 <= 5 x 1600
    masks = cluster_instances(img, (0, 0, 0))
    assert len(masks) == 1 and masks[0].sum() == 1600


def test_noisy_output_decodes(view):
    target, _, meta = encode_instance(view.instance, view.instance_classes, "chair", 4)
    rng = np.random.default_rng(0)
    noisy = np.clip(target.astype(int) + rng.integers(-4, 5, target.shape), 0, 255).astype(np.uint8)
    truth = [view.instance == o["instance_id"] for o in meta["instances"]]
    assert min(match_masks(truth, decode_instance(noisy, meta))) > 0.95


@settings(max_examples=60, deadline=None)
@given(st.tuples(st.integers(1, 30), st.integers(1, 30)).flatmap(lambda s: arrays(np.uint8, (s[0], s[1], 3))),
       st.sampled_from(list(NAMED_COLORS.values())))
def test_decode_arbitrary_rgb(img, bg):
    masks = cluster_instances(img, bg)
    total = np.zeros(img.shape[:2], int)
    for m in masks:
        assert m.shape == img.shape[:2] and m.dtype == bool and m.any()
        total += m
    assert total.max(initial=0) <= 1  # instances never overlap


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6))
def test_blocky_images_roundtrip(seed, n):
    rng = np.random.default_rng(seed)
    inst = np.zeros((60, 60), np.uint16)
    for i in range(1, n + 1):
        y, x = rng.integers(0, 45, 2)
        inst[y:y + 15, x:x + 15] = i
    classes = {i: "box" for i in range(1, n + 1)}
    target, prompt, meta = encode_instance(inst, classes, "box", seed)
    truth = [inst == o["instance_id"] for o in meta["instances"]]
    ious = match_masks(truth, decode_instance(target, prompt))
    for m, v in zip(truth, ious):
        if m.sum() >= 9 and _survives(m):
            assert v > 0.0


def _survives(mask):
    from scipy import ndimage

    return ndimage.binary_erosion(mask, np.ones((3, 3), bool)).sum() >= 0.1 * mask.sum()


def test_errors_name_the_problem(view):
    with pytest.raises(ValueError, match="label map"):
        encode_instance(view.rgb, view.instance_classes, "chair", 0)
    with pytest.raises(ValueError, match="background"):
        encode_instance(view.instance, view.instance_classes, "chair", 0, background="plaid")
    with pytest.raises(ValueError, match="template"):
        decode_instance(view.rgb, "Draw something.")
    with pytest.raises(ValueError, match="meta_or_prompt"):
        decode_instance(view.rgb, 3)
    with pytest.raises(ValueError, match="dtype"):
        decode_instance(view.rgb.astype(np.float32), {"background_rgb": [0, 0, 0]})


def test_hundred_instances_in_a_grid():
    inst = (np.arange(100, dtype=np.uint16) + 1).reshape(10, 10).repeat(8, axis=0).repeat(8, axis=1)
    classes = {i: "box" for i in range(1, 101)}
    target, prompt, meta = encode_instance(inst, classes, "box", 3)
    assert meta["min_color_distance"] >= 2 * 14
    truth = [inst == o["instance_id"] for o in meta["instances"]]
    assert match_masks(truth, decode_instance(target, prompt)) == [1.0] * 100
