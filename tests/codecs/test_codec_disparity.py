"""Disparity codec: the depth path with a square-root curve, the stated bound and saturation, markers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.codecs import decode_disparity, decode_disparity_task, encode_disparity, encode_disparity_task, prompts
from pipeline.codecs.depth import PALETTE
from pipeline.codecs.disparity import error_bound
from pipeline.codecs.flow import MARKERS
from pipeline.correspondence import NO_SURFACE, OCCLUDED, OUT_OF_FRAME, VISIBLE

D = 256.0
F32 = 1e-7  # float32 rounding of the decoded disparity, relative to the range
images = st.tuples(st.integers(1, 24), st.integers(1, 24)).flatmap(lambda s: arrays(np.uint8, (s[0], s[1], 3)))


def roundtrip(d, range_px=D):
    d = np.asarray(d, dtype=np.float64).reshape(1, -1)
    dec, state = decode_disparity(encode_disparity(d, np.zeros(d.shape, np.uint8), range_px), range_px)
    assert dec.dtype == np.float32 and state.dtype == np.uint8 and dec.shape == d.shape and (state == VISIBLE).all()
    return dec.astype(np.float64)[0]


def test_colours_read_like_depth():
    """Zero disparity (infinitely far) is white, the range and beyond (nearest) black; every colour is on the path."""
    d = np.array([[0.0, D, 2 * D, np.inf, D / 4]])
    rgb = encode_disparity(d, np.zeros(d.shape, np.uint8), D)[0]
    assert tuple(rgb[0]) == (255, 255, 255) and (rgb[1:4] == 0).all()
    assert tuple(rgb[4]) == tuple(PALETTE[893])  # sqrt(1/4) = 1/2: q = floor(892.5 + 0.5), halves round up
    x = np.linspace(0, D, 5000)
    colours = encode_disparity(x[None], np.zeros((1, 5000), np.uint8), D)[0]
    assert {tuple(c) for c in colours} <= {tuple(c) for c in PALETTE}


def test_dense_bound_over_the_range():
    rng = np.random.default_rng(0)
    d = np.concatenate([rng.uniform(0, D, 200_000), np.geomspace(1e-9, D, 100_000), [0.0, D]])
    assert (np.abs(roundtrip(d) - d) <= error_bound(d, D) + F32 * D).all()
    assert error_bound(1.0, D) < 0.0091 and error_bound(D, D) == pytest.approx(D / 1785 + D / 3570**2)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=1, max_size=40), st.floats(1.0, 4000.0))
def test_roundtrip_or_saturation(values, range_px):
    d = np.array(values)
    dec = roundtrip(d, range_px)
    within = d <= range_px
    assert (np.abs(dec - d)[within] <= error_bound(d[within], range_px) + F32 * range_px).all()
    assert np.allclose(dec[~within], range_px, rtol=1e-6)


def test_markers_are_far_from_the_path_and_each_other():
    path = PALETTE.astype(float)  # the nearest point of the path to any integer colour is a palette colour
    marks = np.array([MARKERS[c] for c in (OCCLUDED, OUT_OF_FRAME, NO_SURFACE)], float)
    to_path = np.sqrt(((path[:, None] - marks[None]) ** 2).sum(-1)).min(axis=0)
    assert to_path[0] > 179 and (to_path[1:] >= 127).all()


def test_invalid_pixels_paint_markers_and_survive_noise():
    rng = np.random.default_rng(1)
    state = rng.integers(0, 4, (64, 64)).astype(np.uint8)
    disp = rng.uniform(0, D, (64, 64))
    disp[state != VISIBLE] = np.nan  # ignored there
    rgb = encode_disparity(disp, state, D)
    for code in (OCCLUDED, OUT_OF_FRAME, NO_SURFACE):
        assert (rgb[state == code] == MARKERS[code]).all()
    noisy = np.clip(rgb.astype(int) + rng.integers(-20, 21, rgb.shape), 0, 255).astype(np.uint8)
    dec, got = decode_disparity(noisy, D)
    assert np.array_equal(got, state)
    assert np.isnan(dec[state != VISIBLE]).all() and np.isfinite(dec[state == VISIBLE]).all()


@settings(max_examples=100, deadline=None)
@given(images)
def test_decode_arbitrary_rgb(img):
    disp, state = decode_disparity(img, D)
    assert disp.shape == state.shape == img.shape[:2] and disp.dtype == np.float32 and state.dtype == np.uint8
    ok = state == VISIBLE
    assert state.max() <= 3 and np.isnan(disp[~ok]).all()
    assert ((disp[ok] >= 0) & (disp[ok] <= D)).all()
    px = img.reshape(-1, 3).astype(int)
    to_path = ((px[:, None] - PALETTE[None].astype(int)) ** 2).sum(-1).min(axis=1)
    to_marks = ((px[:, None] - np.array(list(MARKERS.values()))[None]) ** 2).sum(-1)
    assert np.array_equal(ok.reshape(-1), (to_path[:, None] <= to_marks).all(axis=1))


@pytest.mark.parametrize("disp,state,range_px,msg", [
    (np.zeros((4, 4, 1)), np.zeros((4, 4), np.uint8), D, "HxW"),
    (np.full((4, 4), np.nan), np.zeros((4, 4), np.uint8), D, "NaN"),
    (-np.ones((4, 4)), np.zeros((4, 4), np.uint8), D, "negative"),
    (np.zeros((4, 4)), np.full((4, 4), 7, np.uint8), D, "0..3"),
    (np.zeros((4, 4)), np.zeros((4, 4), np.uint8), -1.0, "range_px"),
])
def test_bad_inputs(disp, state, range_px, msg):
    with pytest.raises(ValueError, match=msg):
        encode_disparity(disp, state, range_px)


def test_disparity_task():
    rng = np.random.default_rng(2)
    disp = rng.uniform(0, 40, (48, 64))
    state = rng.integers(0, 4, (48, 64)).astype(np.uint8)
    target, prompt, meta = encode_disparity_task(disp, state, seed=3)
    assert meta["task"] == "disparity" and meta["range_px"] == 32.0 and meta["colormap"] == "rainbow"
    assert np.array_equal(target, encode_disparity(disp, state, 32.0))
    assert prompts.parse("disparity", prompt)[0].id == meta["template_id"]
    assert encode_disparity_task(disp, state, seed=3)[1] == prompt
    picked = {encode_disparity_task(disp, state, seed=s)[1] for s in range(30)}
    assert len(picked) == len(prompts.templates("disparity"))
    dec, got = decode_disparity_task(target, meta)
    assert np.array_equal(got, state)
    ok = (state == VISIBLE) & (disp <= 32.0)
    assert (np.abs(dec[ok] - disp[ok]) <= error_bound(disp[ok], 32.0) + F32 * 32).all()
    assert (dec[(state == VISIBLE) & (disp > 32.0)] == 32.0).all()  # saturated
    for other in (None, prompt):  # the default range follows the image width
        assert np.array_equal(decode_disparity_task(target, other)[0], dec, equal_nan=True)
