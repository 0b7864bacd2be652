"""Surface normals <-> RGB with the paper's flipped-x convention (SPEC.md, "Surface normals").

Encode: ``R = trunc(clip((1-x)/2, 0, 1) 255)``, ``G = trunc(clip((1+y)/2, 0, 1) 255)``,
``B = trunc(clip((1+z)/2, 0, 1) 255)`` in the camera frame (+x right, +y up, +z towards the viewer), so
left = (255,127,127), up = (127,255,127), facing the camera = (127,127,255). Vectors are normalised first.

No surface: pixels with ``valid`` False (default: zero vectors) are painted ``NO_NORMAL_RGB`` = black.
No unit normal encodes within RGB distance 92 of black (the closest, (+1,-1,-1)/sqrt3, is (53,53,53)),
so decoding calls a pixel "no normal" when it lies within ``NO_NORMAL_RADIUS`` = 64 of black (or is
(127,127,127), the bin of the zero vector) and returns a zero vector there, the same convention as :class:`~pipeline.render.view.RenderedView`.

Decode: the centre of each 1/255 bin (clipped to the unit range), then renormalise. Each component is off
by at most 1/255 before renormalising, so the round-trip angle is at most asin(sqrt(3)/255) = 0.39 deg.
"""

from __future__ import annotations

import numpy as np

from pipeline.codecs.validation import check_mask, check_normals, check_rgb

NO_NORMAL_RGB = (0, 0, 0)
NO_NORMAL_RADIUS = 64.0
MAX_ANGLE_DEG = float(np.degrees(np.arcsin(np.sqrt(3.0) / 255.0)))
_SIGN = np.array([-1.0, 1.0, 1.0])


def encode_normals(normals, valid=None) -> np.ndarray:
    """HxWx3 camera-frame normals -> HxWx3 uint8; ``valid`` (HxW bool) defaults to non-zero vectors."""
    n = check_normals(normals).astype(np.float64)
    norm = np.linalg.norm(n, axis=2)
    if valid is None:
        valid = norm > 1e-6
    else:
        valid = check_mask(valid, n.shape[:2]) & (norm > 1e-6)
    unit = n / np.where(valid, norm, 1.0)[..., None]
    v = np.clip((1.0 + _SIGN * unit) / 2.0, 0.0, 1.0) * 255.0
    out = np.trunc(v).astype(np.uint8)
    out[~valid] = NO_NORMAL_RGB
    return out


def normals_valid(rgb) -> np.ndarray:
    """HxW bool: pixels that decode to a normal: farther than ``NO_NORMAL_RADIUS`` from the no-surface
    colour, and not (127,127,127), whose bin centre is the zero vector (no unit normal encodes to it)."""
    img = check_rgb(rgb).astype(np.int32)
    d2 = ((img - np.array(NO_NORMAL_RGB)) ** 2).sum(axis=2)
    return (d2 >= NO_NORMAL_RADIUS**2) & ~(img == 127).all(axis=2)


def decode_normals(rgb) -> np.ndarray:
    """HxWx3 RGB (any colours) -> HxWx3 float32 unit normals; zero vectors where there is no normal."""
    img = check_rgb(rgb)
    centre = np.minimum(img.astype(np.float32) + 0.5, 255.0) / 255.0
    n = (2.0 * centre - 1.0) * _SIGN.astype(np.float32)
    norm = np.linalg.norm(n, axis=2, keepdims=True)
    n = n / np.maximum(norm, 1e-12)
    n[~normals_valid(img)] = 0.0
    return n.astype(np.float32)


def angle_error_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel angle in degrees between two HxWx3 normal fields (unit or not)."""
    a = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-12)
    b = b / np.maximum(np.linalg.norm(b, axis=-1, keepdims=True), 1e-12)
    return np.degrees(np.arccos(np.clip((a * b).sum(axis=-1), -1.0, 1.0)))
