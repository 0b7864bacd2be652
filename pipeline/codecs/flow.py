"""Optical flow <-> RGB: a colour wheel (hue = direction, white = no motion, saturation = magnitude) that is
exactly invertible, plus three markers (no channel above 128) for pixels with no valid flow.

Valid codes are the RGB colours whose largest channel is 255 (the three cube faces seen from white,
256^3 - 255^3 = 195841 codes), i.e. HSV with V = 1. A code is (C, k): chroma ``C = 255 - min(R, G, B)``
in 0..255 and position ``k`` in 0..6C-1 on the hexagonal ring of that chroma (hue ``k / C`` in HSV sextants).

Encode a flow (dx, dy) in pixels (image coordinates, y down) with range ``M`` pixels (``range_px``):

- ``r = min(hypot(dx, dy), M)``, ``C = floor(255 sqrt(r / M) + 0.5)`` (companding: finer steps near zero);
- ``theta = atan2(dy, dx)`` in [0, 2 pi), ``k = floor(3 C theta / pi + 0.5) mod 6C``;
- colour: HSV(hue = k/C sextants, S = C/255, V = 1): hue 0 red = motion to the right, 1.5 (chartreuse) =
  down, 3 cyan = left, 4.5 (violet) = up; the hue turns clockwise on screen with the flow direction.

Decode: ``C = 255 - min``, ``k`` from the standard HSV hue formula in integers, ``r = M (C/255)^2``,
``theta = pi k / (3C)``. Error bound (tested) for ``|d| <= M``::

    |decoded - d| <= E(|d|) = 1.13 (sqrt(M |d|) / 255 + M / 255^2 / 4)

i.e. about 0.57 of the local magnitude step ``2 sqrt(M |d|) / 255`` (magnitude half-step plus the angular
half-step ``pi / (6C)``), float32 output included. With the default ``M = max(H, W) / 2`` (256 px at
512 px): 0.072 px at 1 px, 0.23 px at 10 px, 0.71 px at 100 px, 1.14 px at 256 px (0.44 %). Flows longer
than ``M`` saturate: they decode to magnitude ``M`` in the right direction (within pi/1530 rad).

Markers (shared with the disparity codec): occluded in B = grey (128,128,128), out of B's frame = dark
green (0,128,0), no surface = navy (0,0,128). Each is 127 from the nearest valid code (255 - its largest
channel) and 181 from the others, so an output within 63 (e.g. +-20 per channel, 35 at most) of a
marker decodes to it, and a valid code within 63 stays valid.

Decoding an arbitrary RGB image: the nearest of {valid surface, markers} in RGB (ties to valid). The
nearest valid code raises the largest channel to 255 (ties to R, then G); closed form and vectorised.
"""

from __future__ import annotations

import numpy as np

from pipeline.codecs import prompts
from pipeline.codecs.validation import check_rgb
from pipeline.correspondence import NO_SURFACE, OCCLUDED, OUT_OF_FRAME, STATE_NAMES, VISIBLE

LEVELS = 255
RANGE_FRACTION = 0.5  # default range: M = RANGE_FRACTION * max(height, width) pixels
MARKERS = {OCCLUDED: (128, 128, 128), OUT_OF_FRAME: (0, 128, 0), NO_SURFACE: (0, 0, 128)}
MARKER_META = {STATE_NAMES[k]: list(v) for k, v in MARKERS.items()}  # as the pair json names them
CURVE = "C = round(255 sqrt(min(|d|, M) / M)), k = round(3 C atan2(dy, dx) / pi) mod 6C, HSV(k/C, C/255, 1)"

prompts.add_family("flow", 1, (  # the prompt phrasings of this task, version 1
    "Estimate the optical flow from the first image to the second and draw it as a color wheel image: "
    "the hue shows the direction of motion, the saturation its length, white means no motion.",
    "Generate an optical flow visualization between the two images.",
    "Predict where each pixel of the first image moves in the second image, as a color-coded flow map. "
    "Paint occluded pixels gray, pixels leaving the frame dark green and pixels with no surface navy.",
    "Render the dense motion field from the first view to the second: red for rightward, cyan for leftward, "
    "paler for smaller motion.",
))


def default_range_px(height: int, width: int) -> float:
    """The default range ``M`` in pixels for an image size: half its larger side (flow scales with size)."""
    return RANGE_FRACTION * max(int(height), int(width))


def error_bound(magnitude, range_px: float) -> np.ndarray:
    """Round-trip bound E(|d|) in pixels for ``|d| <= range_px`` (module docstring)."""
    m = np.asarray(magnitude, dtype=np.float64)
    return 1.13 * (np.sqrt(range_px * m) / LEVELS + range_px / LEVELS**2 / 4)


def _check_range(range_px) -> float:
    m = float(range_px)
    if not np.isfinite(m) or m <= 0:
        raise ValueError(f"range_px: expected a positive number of pixels, got {range_px!r}")
    return m


def check_state(state, shape: tuple[int, int]) -> np.ndarray:
    """An HxW integer state map with codes 0..3 (pipeline.correspondence)."""
    s = np.asarray(state)
    if s.shape != tuple(shape):
        raise ValueError(f"state: expected shape {tuple(shape)}, got {s.shape}")
    if not np.issubdtype(s.dtype, np.integer):
        raise ValueError(f"state: expected an integer array, got dtype {s.dtype}")
    if s.size and (s.min() < 0 or s.max() > NO_SURFACE):
        raise ValueError(f"state: codes must lie in 0..3, got {s.min()}..{s.max()}")
    return s.astype(np.uint8)


def _check_flow(flow, state) -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(flow)
    if f.ndim != 3 or f.shape[2] != 2 or 0 in f.shape:
        raise ValueError(f"flow: expected a non-empty HxWx2 array, got shape {f.shape}")
    if not np.issubdtype(f.dtype, np.floating):
        raise ValueError(f"flow: expected a float array, got dtype {f.dtype}")
    s = check_state(state, f.shape[:2])
    valid = s == VISIBLE
    if not np.isfinite(f[valid]).all():
        raise ValueError("flow: NaN or inf at a pixel whose state is 0 (visible)")
    return np.where(valid[..., None], f, 0.0).astype(np.float64), s


def paint_markers(out: np.ndarray, state: np.ndarray) -> np.ndarray:
    """Paint each invalid state's marker colour into ``out`` (HxWx3 uint8) in place."""
    for code, rgb in MARKERS.items():
        out[state == code] = rgb
    return out


def encode_flow(flow, state, range_px: float) -> np.ndarray:
    """HxWx2 flow (dx, dy) pixels + HxW state -> HxWx3 uint8; flow is ignored (may be NaN) where state != 0."""
    m = _check_range(range_px)
    f, s = _check_flow(flow, state)
    r = np.minimum(np.hypot(f[..., 0], f[..., 1]), m)
    c = np.floor(LEVELS * np.sqrt(r / m) + 0.5).astype(np.int64)
    theta = np.mod(np.arctan2(f[..., 1], f[..., 0]), 2 * np.pi)
    k = np.mod(np.floor(3 * c * theta / np.pi + 0.5).astype(np.int64), np.maximum(6 * c, 1))
    sextant = k // np.maximum(c, 1)
    frac = k - sextant * c
    hi, lo = np.full_like(c, 255), 255 - c
    rising, falling = lo + frac, 255 - frac
    # HSV sextants with V = 255: (R, G, B) per sextant 0..5
    table = (
        (hi, rising, lo), (falling, hi, lo), (lo, hi, rising),
        (lo, falling, hi), (rising, lo, hi), (hi, lo, falling),
    )
    out = np.empty(f.shape[:2] + (3,), dtype=np.uint8)
    for ch in range(3):
        out[..., ch] = np.choose(sextant, [row[ch] for row in table])
    return paint_markers(out, s)


def rgb_to_state(img: np.ndarray, valid_dist2: np.ndarray) -> np.ndarray:
    """HxW uint8 state: nearest of the valid set (squared distance ``valid_dist2``) and the markers; ties to
    the valid set, then to the lower state code."""
    best = valid_dist2.astype(np.int64)
    state = np.full(best.shape, VISIBLE, dtype=np.uint8)
    px = img.astype(np.int64)
    for code, rgb in MARKERS.items():
        d2 = ((px - np.array(rgb, dtype=np.int64)) ** 2).sum(axis=-1)
        closer = d2 < best
        best = np.where(closer, d2, best)
        state[closer] = code
    return state


def decode_flow(rgb, range_px: float) -> tuple[np.ndarray, np.ndarray]:
    """HxWx3 RGB (any colours) -> (float32 HxWx2 flow, NaN where state != 0; uint8 HxW state)."""
    m = _check_range(range_px)
    img = check_rgb(rgb)
    px = img.astype(np.int64)
    top = px.argmax(axis=-1)
    state = rgb_to_state(img, (255 - px.max(axis=-1)) ** 2)
    np.put_along_axis(px, top[..., None], 255, axis=-1)  # the nearest valid code
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    c = 255 - px.min(axis=-1)
    k = np.select([top == 0, top == 1], [np.mod(g - b, np.maximum(6 * c, 1)), 2 * c + b - r], 4 * c + r - g)
    mag = m * (c / LEVELS) ** 2
    theta = np.pi * k / (3 * np.maximum(c, 1))
    flow = np.stack([mag * np.cos(theta), mag * np.sin(theta)], axis=-1).astype(np.float32)
    flow[state != VISIBLE] = np.nan
    return flow, state


def encode_flow_task(flow, state, seed: int, range_px: float | None = None):
    """(HxWx2 flow, HxW state) -> (target, prompt, meta); ``range_px`` defaults to ``default_range_px``."""
    m = default_range_px(*_check_flow(flow, state)[1].shape) if range_px is None else _check_range(range_px)
    template = prompts.choose("flow", np.random.default_rng(seed))
    meta = {"task": "flow", **prompts.template_meta(template), "colormap": "hsv_wheel", "curve": CURVE,
            "range_px": m, "levels": LEVELS, "markers": MARKER_META}
    return encode_flow(flow, state, m), template.render(), meta


def decode_flow_task(rgb, meta=None) -> tuple[np.ndarray, np.ndarray]:
    """HxWx3 RGB -> (flow, state) with the meta's ``range_px`` (default: ``default_range_px`` of the image)."""
    img = check_rgb(rgb)
    m = meta.get("range_px") if isinstance(meta, dict) else None
    return decode_flow(img, default_range_px(*img.shape[:2]) if m is None else m)
