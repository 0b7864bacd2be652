"""Depth codec: the SPEC's curve, path and bound, decoding of arbitrary colours, input checks, named maps."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.codecs import decode_depth, decode_depth_task, encode_depth, encode_depth_task
from pipeline.codecs.depth import MAX_FINITE_DEPTH_M, PALETTE, WHITE_FROM_M, curve, rgb_to_index

HALF_STEP = 1 / 3570
depths = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False) | st.just(float("inf"))
images = st.tuples(st.integers(1, 24), st.integers(1, 24)).flatmap(
    lambda s: arrays(np.uint8, (s[0], s[1], 3)))


def test_vertices_and_anchor_colours():
    verts = [0, 0.801, 1.832, 3.229, 5.275, 8.708, 16.458]
    rgb = encode_depth(np.array([verts + [np.inf]], dtype=np.float64))[0]
    expected = [(0, 0, 0), (255, 0, 0), (255, 255, 0), (0, 255, 0), (0, 255, 255), (0, 0, 255), (255, 0, 255),
                (255, 255, 255)]
    assert [tuple(c) for c in rgb] == expected


def test_path_is_a_unit_step_walk():
    steps = np.abs(np.diff(PALETTE.astype(int), axis=0))
    assert len(PALETTE) == 1786 and (steps.sum(axis=1) == 1).all()
    assert len({tuple(c) for c in PALETTE}) == 1786


def test_every_palette_colour_decodes_to_its_index():
    assert (rgb_to_index(PALETTE[None])[0] == np.arange(1786)).all()


def test_far_limits():
    assert 412 < MAX_FINITE_DEPTH_M < 413 and 587 < WHITE_FROM_M < 588
    dec = decode_depth(encode_depth(np.array([[587.0, 588.0, np.inf, 1e9, 412.0]])))[0]
    assert np.isfinite(dec[0]) and np.isinf(dec[1:4]).all()
    assert dec[0] == np.float32(MAX_FINITE_DEPTH_M) and abs(dec[4] - 412.0) < 3
    assert decode_depth(np.array([[[255, 255, 255]]], np.uint8))[0, 0] == np.inf


def test_dense_bound_over_many_depths():
    d = np.concatenate([np.geomspace(1e-4, 2000, 200_000), np.linspace(0, 30, 100_000)]).reshape(-1, 500)
    dec = decode_depth(encode_depth(d)).astype(np.float64)
    assert np.abs(curve(dec) - curve(d)).max() <= HALF_STEP + 1e-7  # float32 storage of the decoded depth


@pytest.mark.parametrize("d,rel", [(1.0, 0.0019), (10.0, 0.0011), (50.0, 0.006), (100.0, 0.019)])
def test_relative_error_quoted_in_spec(d, rel):
    """Half a step of f is (1+d/10)^3 / (714 d) relative to first order: 0.19%, 0.11%, 0.6%, 1.9%."""
    x = np.linspace(d * 0.995, d * 1.005, 4001).reshape(1, -1)
    dec = decode_depth(encode_depth(x)).astype(np.float64)
    first_order = (1 + x / 10) ** 3 / (714 * x)
    assert (np.abs(dec - x) / x <= first_order * 1.02).all()
    assert (1 + d / 10) ** 3 / (714 * d) == pytest.approx(rel, rel=0.03)


@settings(max_examples=200, deadline=None)
@given(st.lists(depths, min_size=1, max_size=64))
def test_roundtrip_within_half_a_step(values):
    d = np.array(values, dtype=np.float64).reshape(1, -1)
    dec = decode_depth(encode_depth(d))
    assert dec.dtype == np.float32 and dec.shape == d.shape
    assert np.abs(curve(dec.astype(np.float64)) - curve(d)).max() <= HALF_STEP + 1e-7


@settings(max_examples=100, deadline=None)
@given(images)
def test_decode_arbitrary_rgb_is_nearest_path_point(img):
    dec = decode_depth(img)
    assert dec.shape == img.shape[:2] and dec.dtype == np.float32
    assert not np.isnan(dec).any() and (dec >= 0).all()
    q = rgb_to_index(img).reshape(-1)
    d2 = ((img.reshape(-1, 1, 3).astype(int) - PALETTE[None].astype(int)) ** 2).sum(-1)
    assert (d2[np.arange(len(q)), q] == d2.min(axis=1)).all()


@pytest.mark.parametrize("bad,msg", [
    (np.zeros((4, 4, 1)), "shape"), (np.zeros((4,)), "shape"), (np.array([[np.nan]]), "NaN"),
    (np.array([[-1.0]]), "negative"), (np.array([[-np.inf]]), "negative"), (np.array([["a"]]), "dtype"),
])
def test_encode_rejects_bad_depth(bad, msg):
    with pytest.raises(ValueError, match=msg):
        encode_depth(bad)


@pytest.mark.parametrize("bad,msg", [
    (np.zeros((4, 4), np.uint8), "RGB"), (np.zeros((4, 4, 4), np.uint8), "channels"),
    (np.zeros((4, 4, 3), np.float32), "dtype"), (np.full((2, 2, 3), 300, np.int32), "0..255"),
    (np.zeros((0, 4, 3), np.uint8), "empty"),
])
def test_decode_rejects_non_rgb(bad, msg):
    with pytest.raises(ValueError, match=msg):
        decode_depth(bad)


def test_depth_task_default_is_the_rainbow_walk():
    d = np.linspace(0.5, 8, 64).reshape(8, 8)
    target, prompt, meta = encode_depth_task(d, seed=0)
    assert meta["colormap"] == "rainbow" and np.array_equal(target, encode_depth(d))
    assert np.array_equal(decode_depth_task(target, prompt), decode_depth(target))
