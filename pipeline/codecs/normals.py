"""Surface normals <-> RGB with the paper's flipped-x convention (docs/FORMAT.md, section 4).

Encode: ``R = trunc(clip((1-x)/2, 0, 1) 255)``, ``G = trunc(clip((1+y)/2, 0, 1) 255)``,
``B = trunc(clip((1+z)/2, 0, 1) 255)`` in the camera frame (+x right, +y up, +z towards the viewer), so
left = (255,127,127), up = (127,255,127), facing the camera = (127,127,255). Vectors are normalised first.

No surface: pixels with ``valid`` False (default: zero vectors) are painted ``NO_NORMAL_RGB`` = black.
No unit normal encodes within RGB distance 92 of black (the closest, (+1,-1,-1)/sqrt3, is (53,53,53)),
so decoding calls a pixel "no normal" when it lies within ``NO_NORMAL_RADIUS`` = 64 of black (or is
(127,127,127), the bin of the zero vector) and returns a zero vector there, the same convention as :class:`~pipeline.view.View`.

Decode: the centre of each 1/255 bin (clipped to the unit range), then renormalise. Each component is off
by at most 1/255 before renormalising, so the round-trip angle is at most asin(sqrt(3)/255) = 0.39 deg.
"""

from __future__ import annotations

import numpy as np

from pipeline.codecs.validation import check_mask, check_normals, check_rgb

NO_NORMAL_RGB = (0, 0, 0)
NO_NORMAL_RADIUS = 64.0
MAX_ANGLE_DEG = float(np.degrees(np.arcsin(np.sqrt(3.0) / 255.0)))
_SIGN = (-1.0, 1.0, 1.0)


def vector_norm(v: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis of an ...x3 array, channel by channel (faster than linalg.norm)."""
    return np.sqrt(v[..., 0] * v[..., 0] + v[..., 1] * v[..., 1] + v[..., 2] * v[..., 2])


def encode_normals(normals, valid=None) -> np.ndarray:
    """HxWx3 camera-frame normals -> HxWx3 uint8; ``valid`` (HxW bool) defaults to non-zero vectors."""
    n = check_normals(normals)
    norm = vector_norm(n.astype(np.float64))
    ok = norm > 1e-6
    valid = ok if valid is None else check_mask(valid, n.shape[:2]) & ok
    inv = 1.0 / np.where(valid, norm, 1.0)
    out = np.empty(n.shape, dtype=np.uint8)
    for c in range(3):
        # clip((1 +- u)/2, 0, 1) * 255 == clip((1 +- u) * 127.5, 0, 255) bit for bit (halving is exact)
        v = np.multiply(n[..., c], inv)
        v *= _SIGN[c]
        v += 1.0
        v *= 127.5
        np.clip(v, 0.0, 255.0, out=v)
        out[..., c] = v  # v >= 0, so the cast truncates
    out[~valid] = NO_NORMAL_RGB
    return out


def _valid(img: np.ndarray) -> np.ndarray:
    r, g, b = (img[..., c].astype(np.int32) for c in range(3))
    far = (r * r + g * g + b * b) >= int(NO_NORMAL_RADIUS**2)  # NO_NORMAL_RGB is black
    return far & ~((r == 127) & (g == 127) & (b == 127))


def normals_valid(rgb) -> np.ndarray:
    """HxW bool: pixels that decode to a normal: farther than ``NO_NORMAL_RADIUS`` from the no-surface
    colour, and not (127,127,127), whose bin centre is the zero vector (no unit normal encodes to it)."""
    return _valid(check_rgb(rgb))


def decode_normals(rgb) -> np.ndarray:
    """HxWx3 RGB (any colours) -> HxWx3 float32 unit normals; zero vectors where there is no normal."""
    img = check_rgb(rgb)
    centre = (np.minimum(np.arange(256, dtype=np.float32) + 0.5, 255.0) / 255.0) * 2.0 - 1.0
    n = np.take(centre, img)
    n[..., 0] *= -1.0
    inv = np.where(_valid(img), 1.0 / np.maximum(vector_norm(n), 1e-12), 0.0).astype(np.float32)
    n *= inv[..., None]
    return n


def angle_error_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel angle in degrees between two HxWx3 normal fields (unit or not)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    dot = a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1] + a[..., 2] * b[..., 2]
    cos = dot / np.maximum(vector_norm(a) * vector_norm(b), 1e-24)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
