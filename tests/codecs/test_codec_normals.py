"""Normal codec: the flipped-x formula, anchor colours, the no-surface colour, the angle bound, input checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.codecs import decode_normals, encode_normals
from pipeline.codecs.normals import MAX_ANGLE_DEG, NO_NORMAL_RGB, angle_error_deg, normals_valid

unit_vectors = st.tuples(*[st.floats(-1, 1, allow_nan=False)] * 3).filter(lambda v: 0.1 < np.linalg.norm(v))


def test_anchor_colours():
    n = np.array([[[-1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 0]]], dtype=np.float32)
    rgb = encode_normals(n)[0]
    assert [tuple(c) for c in rgb] == [(255, 127, 127), (127, 255, 127), (127, 127, 255), (0, 127, 127),
                                        NO_NORMAL_RGB]


def test_formula_is_trunc_of_the_spec():
    rng = np.random.default_rng(0)
    n = rng.normal(size=(32, 32, 3))
    n /= np.linalg.norm(n, axis=2, keepdims=True)
    rgb = encode_normals(n.astype(np.float32))
    x, y, z = (n.astype(np.float32).astype(np.float64)[..., i] for i in range(3))
    expect = np.stack([np.trunc(np.clip((1 - x) / 2, 0, 1) * 255), np.trunc(np.clip((1 + y) / 2, 0, 1) * 255),
                       np.trunc(np.clip((1 + z) / 2, 0, 1) * 255)], axis=2)
    assert np.abs(rgb.astype(int) - expect).max() <= 1  # unit vectors in float32: renormalising may cross a bin edge
    assert (rgb.astype(int) == expect).mean() > 0.99
    exact = encode_normals(n)  # float64 unit input: the formula exactly
    x, y, z = n[..., 0], n[..., 1], n[..., 2]
    expect = np.stack([np.trunc(np.clip((1 - x) / 2, 0, 1) * 255), np.trunc(np.clip((1 + y) / 2, 0, 1) * 255),
                       np.trunc(np.clip((1 + z) / 2, 0, 1) * 255)], axis=2)
    assert (exact.astype(int) == expect).mean() > 0.999


def test_anchor_decode():
    dec = decode_normals(np.array([[[255, 127, 127], [127, 255, 127], [127, 127, 255]]], np.uint8))[0]
    assert np.allclose(dec, [[-1, 0, 0], [0, 1, 0], [0, 0, 1]], atol=1e-6)


@settings(max_examples=300, deadline=None)
@given(st.lists(unit_vectors, min_size=1, max_size=32))
def test_roundtrip_angle_bound(vectors):
    n = np.array(vectors, dtype=np.float64).reshape(1, -1, 3)
    dec = decode_normals(encode_normals(n.astype(np.float32)))
    assert normals_valid(encode_normals(n.astype(np.float32))).all()
    assert angle_error_deg(n, dec.astype(np.float64)).max() <= MAX_ANGLE_DEG + 1e-4
    assert np.allclose(np.linalg.norm(dec, axis=2), 1, atol=1e-5)


def test_invalid_pixels_roundtrip_to_no_normal():
    n = np.zeros((4, 4, 3), np.float32)
    n[..., 2] = 1
    valid = np.zeros((4, 4), bool)
    valid[:2] = True
    rgb = encode_normals(n, valid)
    assert (rgb[2:] == NO_NORMAL_RGB).all()
    dec = decode_normals(rgb)
    assert (dec[2:] == 0).all() and np.allclose(dec[:2], [0, 0, 1], atol=1e-6)


def test_no_unit_normal_is_near_the_no_surface_colour():
    rng = np.random.default_rng(1)
    n = rng.normal(size=(256, 256, 3))
    n /= np.linalg.norm(n, axis=2, keepdims=True)
    n[0, 0] = np.array([1, -1, -1]) / np.sqrt(3)
    assert normals_valid(encode_normals(n.astype(np.float32))).all()


@settings(max_examples=100, deadline=None)
@given(st.tuples(st.integers(1, 16), st.integers(1, 16)).flatmap(lambda s: arrays(np.uint8, (s[0], s[1], 3))))
def test_decode_arbitrary_rgb(img):
    dec = decode_normals(img)
    assert dec.shape == img.shape and dec.dtype == np.float32 and np.isfinite(dec).all()
    norm = np.linalg.norm(dec, axis=2)
    assert np.allclose(norm[normals_valid(img)], 1, atol=1e-5) and (norm[~normals_valid(img)] == 0).all()


@pytest.mark.parametrize("bad,msg", [
    (np.zeros((4, 4), np.float32), "shape"), (np.zeros((4, 4, 2), np.float32), "shape"),
    (np.full((2, 2, 3), np.nan, np.float32), "NaN"), (np.zeros((2, 2, 3), np.int32), "dtype"),
])
def test_encode_rejects_bad_normals(bad, msg):
    with pytest.raises(ValueError, match=msg):
        encode_normals(bad)


def test_encode_rejects_bad_valid_mask():
    with pytest.raises(ValueError, match="valid"):
        encode_normals(np.zeros((2, 2, 3), np.float32), valid=np.ones((3, 2), bool))


@pytest.mark.parametrize("bad,msg", [(np.zeros((4, 4, 4), np.uint8), "channels"), (np.zeros((4, 4, 3)), "dtype")])
def test_decode_rejects_non_rgb(bad, msg):
    with pytest.raises(ValueError, match=msg):
        decode_normals(bad)
