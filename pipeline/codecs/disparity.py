"""Stereo disparity <-> RGB on the depth codec's 7-edge rainbow path, plus the flow codec's markers.

Disparity ``d`` in pixels (>= 0) with range ``D`` pixels (``range_px``, default half the image width):

- Curve: ``u = sqrt(min(d, D) / D)`` in [0, 1]; index ``q = floor(1785 (1 - u) + 0.5)`` in 0..1785 on the
  depth path (``pipeline.codecs.depth.PALETTE``). The square root gives finer steps at small disparities
  (far surfaces, where a pixel of disparity is a large share of the depth); ``1 - u`` keeps the depth
  target's reading: black = nearest (d >= D), white = zero disparity (infinitely far).
- Decode: the nearest path point (``rgb_to_index``) gives ``q``; ``d = D (1 - q/1785)^2`` as float32.
- Bound (tested) for ``0 <= d <= D``: ``|decoded - d| <= E(d) = sqrt(D d) / 1785 + D / 3570^2`` (half a
  step of u; plus the float32 rounding of the decoded value, < 1e-7 D); relative ``1/1785 sqrt(D/d)``. With ``D = 256`` (512 px wide): 0.009 px at 1 px (0.9 %),
  0.028 px at 10 px, 0.09 px at 100 px, 0.143 px at 256 px. Disparities ``>= D (1 - 1/3570)^2`` encode
  as black and decode to ``D``: larger ones saturate.

Invalid pixels (occluded in the other view, out of its frame, no surface) get the flow codec's markers:
grey (128,128,128), dark green (0,128,0), navy (0,0,128). Grey is 180 from the path, the two others 127,
pairwise 181, so outputs within 63 of a marker decode to it and path colours within 63 stay valid.
Decoding an arbitrary RGB image: the nearest of {path, markers} (ties to the path); closed form.
"""

from __future__ import annotations

import numpy as np

from pipeline.codecs import prompts
from pipeline.codecs.depth import PALETTE, STEPS, rgb_to_index
from pipeline.codecs.flow import MARKER_META, check_state, paint_markers, rgb_to_state
from pipeline.codecs.validation import check_rgb
from pipeline.correspondence import VISIBLE

RANGE_FRACTION = 0.5  # default range: D = RANGE_FRACTION * width pixels
CURVE = "q = round(1785 (1 - sqrt(min(d, D) / D)))"
_Q = np.arange(STEPS + 1, dtype=np.float64)

prompts.add_family("disparity", 1, (  # the prompt phrasings of this task, version 1
    "Predict the stereo disparity of the first image with respect to the second, visualized in the rainbow ("
    + prompts.RAINBOW_DESC + ") color palette.",
    "Generate a disparity map of the first image of this stereo pair.",
    "Estimate the disparity of every pixel of the first image and draw it as a color image, from black "
    "(nearest) through red, yellow, green, cyan, blue and violet to white (zero disparity).",
    "Render the stereo disparity between the two views in the " + prompts.RAINBOW_DESC + " palette. Pixels not seen "
    "in the second view are gray, dark green or navy.",
))


def default_range_px(width: int) -> float:
    """The default range ``D`` in pixels: half the image width (disparity scales with it)."""
    return RANGE_FRACTION * int(width)


def error_bound(disparity, range_px: float) -> np.ndarray:
    """Round-trip bound E(d) in pixels for ``0 <= d <= range_px`` (module docstring)."""
    d = np.asarray(disparity, dtype=np.float64)
    return np.sqrt(range_px * d) / STEPS + range_px / (2 * STEPS) ** 2


def _check_range(range_px) -> float:
    m = float(range_px)
    if not np.isfinite(m) or m <= 0:
        raise ValueError(f"range_px: expected a positive number of pixels, got {range_px!r}")
    return m


def _check_disparity(disparity, state) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(disparity)
    if d.ndim != 2 or 0 in d.shape or not (np.issubdtype(d.dtype, np.floating) or np.issubdtype(d.dtype, np.integer)):
        raise ValueError(f"disparity: expected a non-empty HxW float array, got shape {d.shape} dtype {d.dtype}")
    s = check_state(state, d.shape)
    d = np.where(s == VISIBLE, d, 0.0).astype(np.float64)
    if np.isnan(d).any() or (d < 0).any():
        raise ValueError("disparity: NaN or negative value at a pixel whose state is 0 (visible)")
    return d, s


def encode_disparity(disparity, state, range_px: float) -> np.ndarray:
    """HxW disparity (pixels >= 0) + HxW state -> HxWx3 uint8; values are ignored (may be NaN) where state != 0.
    +inf saturates like any disparity >= ``range_px``."""
    big_d = _check_range(range_px)
    d, s = _check_disparity(disparity, state)
    u = np.sqrt(np.minimum(d, big_d) / big_d)
    q = np.floor(STEPS * (1.0 - u) + 0.5).astype(np.intp)
    return paint_markers(np.take(PALETTE, q, axis=0), s)


def decode_disparity(rgb, range_px: float) -> tuple[np.ndarray, np.ndarray]:
    """HxWx3 RGB (any colours) -> (float32 HxW disparity, NaN where state != 0; uint8 HxW state)."""
    big_d = _check_range(range_px)
    img = check_rgb(rgb)
    q = rgb_to_index(img)
    state = rgb_to_state(img, ((img.astype(np.int64) - PALETTE[q]) ** 2).sum(axis=-1))
    disp = (big_d * (1.0 - _Q[q] / STEPS) ** 2).astype(np.float32)
    disp[state != VISIBLE] = np.nan
    return disp, state


def encode_disparity_task(disparity, state, seed: int, range_px: float | None = None):
    """(HxW disparity, HxW state) -> (target, prompt, meta); ``range_px`` defaults to ``default_range_px``."""
    if range_px is None:
        range_px = default_range_px(_check_disparity(disparity, state)[1].shape[1])
    big_d = _check_range(range_px)
    template = prompts.choose("disparity", np.random.default_rng(seed))
    meta = {"task": "disparity", **prompts.template_meta(template), "colormap": "rainbow", "curve": CURVE,
            "range_px": big_d, "steps": STEPS, "markers": MARKER_META}
    return encode_disparity(disparity, state, big_d), template.render(), meta


def decode_disparity_task(rgb, meta=None) -> tuple[np.ndarray, np.ndarray]:
    """HxWx3 RGB -> (disparity, state) with the meta's ``range_px`` (default: ``default_range_px`` of the image)."""
    img = check_rgb(rgb)
    m = meta.get("range_px") if isinstance(meta, dict) else None
    return decode_disparity(img, default_range_px(img.shape[1]) if m is None else m)
