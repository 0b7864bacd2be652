"""Flow codec: every code round-trips, the stated bound and saturation, robust markers, arbitrary colours."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.codecs import decode_flow, decode_flow_task, encode_flow, encode_flow_task, prompts
from pipeline.codecs.flow import MARKERS, error_bound
from pipeline.correspondence import NO_SURFACE, OCCLUDED, OUT_OF_FRAME, VISIBLE

M = 256.0
images = st.tuples(st.integers(1, 24), st.integers(1, 24)).flatmap(lambda s: arrays(np.uint8, (s[0], s[1], 3)))


def valid_codes() -> np.ndarray:
    """All 195841 colours with a channel at 255."""
    v = np.arange(256)
    cube = np.stack(np.meshgrid(v, v, v, indexing="ij"), axis=-1).reshape(-1, 3)
    return cube[cube.max(axis=1) == 255].astype(np.uint8)


def polar(r, theta) -> np.ndarray:
    r, theta = np.asarray(r, float), np.asarray(theta, float)
    return np.stack([r * np.cos(theta), r * np.sin(theta)], axis=-1)


def roundtrip(flow, range_px=M):
    flow = np.asarray(flow, dtype=np.float64)
    state = np.zeros(flow.shape[:2], np.uint8)
    dec, s = decode_flow(encode_flow(flow, state, range_px), range_px)
    assert dec.dtype == np.float32 and s.dtype == np.uint8 and (s == VISIBLE).all()
    return np.hypot(*(dec.astype(np.float64) - flow).transpose(2, 0, 1))


def test_anchor_colours():
    """White = no motion; hue vertices every 60 degrees clockwise on screen from red = right."""
    flow = polar([0] + [M] * 6 + [4 * M], np.radians([0, 0, 60, 120, 180, 240, 300, 0]))[None]
    rgb = encode_flow(flow, np.zeros((1, 8), np.uint8), M)[0]
    assert [tuple(c) for c in rgb] == [(255, 255, 255), (255, 0, 0), (255, 255, 0), (0, 255, 0), (0, 255, 255),
                                       (0, 0, 255), (255, 0, 255), (255, 0, 0)]
    down, up = encode_flow(np.array([[[0, M], [0, -M]]]), np.zeros((1, 2), np.uint8), M)[0].astype(int)
    assert down[0] in (127, 128) and tuple(down[1:]) == (255, 0) and up[0] in (127, 128) and tuple(up[1:]) == (0, 255)


def test_every_code_decodes_and_reencodes_to_itself():
    codes = valid_codes()
    assert len(codes) == 256**3 - 255**3
    flow, state = decode_flow(codes[None], M)
    assert (state == VISIBLE).all() and np.isfinite(flow).all()
    assert np.array_equal(encode_flow(flow.astype(np.float64), state, M)[0], codes)


def test_dense_bound_over_the_range():
    rng = np.random.default_rng(0)
    r = np.concatenate([rng.uniform(0, M, 150_000), np.geomspace(1e-7, M, 50_000), [0.0, M]])
    theta = rng.uniform(-np.pi, np.pi, r.size)
    err = roundtrip(polar(r, theta)[None])[0]
    assert (err <= error_bound(r, M)).all()
    assert error_bound(M, M) == pytest.approx(1.13 * M / 255 * (1 + 1 / 1020)) and error_bound(1.0, M) < 0.075


@pytest.mark.parametrize("theta", np.radians([0.0, 30.0, 60.0, 90.0, 180.0, 270.0, 359.99, -0.001]))
def test_sextant_edges_and_wraparound(theta):
    r = np.geomspace(1e-3, M, 400)
    assert (roundtrip(polar(r, np.full_like(r, theta))[None])[0] <= error_bound(r, M)).all()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1, max_size=40),
       st.floats(1.0, 2000.0))
def test_roundtrip_or_saturation(values, range_px):
    flow = np.array(values, dtype=np.float64)[None]
    r = np.hypot(flow[..., 0], flow[..., 1])
    dec, state = decode_flow(encode_flow(flow, np.zeros(r.shape, np.uint8), range_px), range_px)
    within = r <= range_px
    err = np.hypot(*(dec.astype(np.float64) - flow).transpose(2, 0, 1))
    assert (err[within] <= error_bound(r[within], range_px) + 1e-6 * range_px).all()
    # beyond the range: magnitude M, direction within pi/1530
    rd = np.hypot(dec[..., 0], dec[..., 1]).astype(np.float64)[~within]
    assert np.allclose(rd, range_px, rtol=1e-6)
    a, b = dec.astype(np.float64)[~within], flow[~within]
    angle = np.arctan2(np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]), (a * b).sum(-1))
    assert (angle <= np.pi / 1530 + 1e-6).all()


def test_saturation():
    flow = polar([1.01 * M, 3 * M, 1e6], np.radians([10.0, 100.0, 200.0]))[None]
    dec, _ = decode_flow(encode_flow(flow, np.zeros((1, 3), np.uint8), M), M)
    np.testing.assert_allclose(np.hypot(dec[..., 0], dec[..., 1]), M, rtol=1e-6)


def test_markers_are_far_from_valid_codes_and_each_other():
    codes = valid_codes().astype(float)
    marks = np.array(list(MARKERS.values()), float)
    to_valid = np.sqrt(((codes[:, None] - marks[None]) ** 2).sum(-1)).min(axis=0)
    assert np.allclose(to_valid, 127.0)
    pair = np.sqrt(((marks[:, None] - marks[None]) ** 2).sum(-1))
    assert pair[~np.eye(3, dtype=bool)].min() > 180


def test_invalid_pixels_paint_markers_and_survive_noise():
    rng = np.random.default_rng(1)
    state = rng.integers(0, 4, (64, 64)).astype(np.uint8)
    flow = rng.uniform(-M, M, (64, 64, 2))
    flow[state != VISIBLE] = np.nan  # ignored there
    rgb = encode_flow(flow, state, M)
    for code in (OCCLUDED, OUT_OF_FRAME, NO_SURFACE):
        assert (rgb[state == code] == MARKERS[code]).all()
    noisy = np.clip(rgb.astype(int) + rng.integers(-20, 21, rgb.shape), 0, 255).astype(np.uint8)
    dec, got = decode_flow(noisy, M)
    assert np.array_equal(got, state)
    assert np.isnan(dec[state != VISIBLE]).all() and np.isfinite(dec[state == VISIBLE]).all()


@settings(max_examples=100, deadline=None)
@given(images)
def test_decode_arbitrary_rgb(img):
    flow, state = decode_flow(img, M)
    assert flow.shape == img.shape[:2] + (2,) and flow.dtype == np.float32
    assert state.shape == img.shape[:2] and state.dtype == np.uint8 and state.max() <= 3
    ok = state == VISIBLE
    assert np.isnan(flow[~ok]).all() and np.isfinite(flow[ok]).all()
    assert (np.hypot(flow[ok][:, 0], flow[ok][:, 1]) <= M * (1 + 1e-6)).all()
    # the state is the nearest of {valid codes, markers}; a valid pixel decodes like its nearest code
    px = img.reshape(-1, 3).astype(int)
    to_valid = 255 - px.max(axis=1)
    to_marks = np.sqrt(((px[:, None] - np.array(list(MARKERS.values()))[None]) ** 2).sum(-1))
    valid = to_valid[:, None] ** 2 <= to_marks**2
    assert np.array_equal(ok.reshape(-1), valid.all(axis=1))
    near = px.copy()
    near[np.arange(len(px)), px.argmax(axis=1)] = 255
    assert np.array_equal(decode_flow(near.reshape(img.shape).astype(np.uint8), M)[0][ok], flow[ok])


@pytest.mark.parametrize("flow,state,range_px,msg", [
    (np.zeros((4, 4, 3)), np.zeros((4, 4), np.uint8), M, "HxWx2"),
    (np.zeros((4, 4, 2), int), np.zeros((4, 4), np.uint8), M, "float"),
    (np.full((4, 4, 2), np.nan), np.zeros((4, 4), np.uint8), M, "NaN"),
    (np.zeros((4, 4, 2)), np.full((4, 4), 4, np.uint8), M, "0..3"),
    (np.zeros((4, 4, 2)), np.zeros((4, 5), np.uint8), M, "shape"),
    (np.zeros((4, 4, 2)), np.zeros((4, 4), np.float32), M, "integer"),
    (np.zeros((4, 4, 2)), np.zeros((4, 4), np.uint8), 0.0, "range_px"),
])
def test_bad_inputs(flow, state, range_px, msg):
    with pytest.raises(ValueError, match=msg):
        encode_flow(flow, state, range_px)


def test_flow_task():
    rng = np.random.default_rng(2)
    flow = rng.uniform(-22, 22, (48, 64, 2))  # within the default range of 32 px
    state = rng.integers(0, 4, (48, 64)).astype(np.uint8)
    target, prompt, meta = encode_flow_task(flow, state, seed=5)
    assert meta["task"] == "flow" and meta["range_px"] == 32.0 and meta["template_version"] == 1
    assert np.array_equal(target, encode_flow(flow, state, 32.0))
    assert prompts.parse("flow", prompt)[0].id == meta["template_id"]
    assert encode_flow_task(flow, state, seed=5)[1] == prompt
    assert len({encode_flow_task(flow, state, seed=s)[1] for s in range(30)}) == len(prompts.templates("flow"))
    dec, got = decode_flow_task(target, meta)
    assert np.array_equal(got, state)
    ok = state == VISIBLE
    err = np.hypot(*(dec[ok].astype(float) - flow[ok]).T)
    assert (err <= error_bound(np.hypot(*flow[ok].T), 32.0)).all()
    for other in (None, prompt):  # the default range follows the image size
        assert np.array_equal(decode_flow_task(target, other)[0], dec, equal_nan=True)
    assert encode_flow_task(flow, state, seed=5, range_px=100.0)[2]["range_px"] == 100.0
