"""The byte formats of every stored member: 8-bit RGB PNG (or JPEG for pair inputs), 16-bit grayscale
PNG for ids, float32 EXR for depth-like and vector labels, and JSON. Never pickle: webdataset's default
decoders would unpickle. Which member uses which format is declared by the view's channels
(:mod:`pipeline.channels`) and the pair format (:mod:`pipeline.tasks.pair`).
"""

from __future__ import annotations

import io
import json

import numpy as np
import OpenEXR
from PIL import Image


_EXR_HEADER = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}


def png_bytes(array: np.ndarray, compress_level: int = 3) -> bytes:
    """Lossless PNG: uint8 HxWx3 (RGB) or uint16 HxW (16-bit grayscale)."""
    if array.dtype == np.uint16 and array.ndim == 2:
        img = Image.frombytes("I;16", (array.shape[1], array.shape[0]),
                              np.ascontiguousarray(array, dtype="<u2").tobytes())
    elif array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3:
        img = Image.fromarray(array, mode="RGB")
    else:
        raise ValueError(f"png_bytes: expected uint8 HxWx3 or uint16 HxW, got {array.dtype} {array.shape}")
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def jpg_bytes(array: np.ndarray, quality: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array, mode="RGB").save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def exr_bytes(array: np.ndarray) -> bytes:
    """float32 EXR: HxW as channel ``Z``, HxWx3 as channels ``R``, ``G``, ``B`` (+inf survives)."""
    a = np.ascontiguousarray(array, dtype=np.float32)
    channels = {"Z": a} if a.ndim == 2 else {"RGB": a}
    buf = io.BytesIO()
    OpenEXR.File(dict(_EXR_HEADER), channels).write(buf)  # File() fills in the dict it is given
    return buf.getvalue()


def read_exr(data: bytes) -> np.ndarray:
    """Inverse of :func:`exr_bytes`."""
    ch = OpenEXR.File(io.BytesIO(data)).channels()
    if "Z" in ch:
        return ch["Z"].pixels
    if "RGB" in ch:
        return ch["RGB"].pixels
    return np.stack([ch[c].pixels for c in "RGB"], axis=-1)


def read_png(data: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(data))
    if img.mode in ("I;16", "I;16B", "I"):
        return np.asarray(img, dtype=np.uint16)
    return np.asarray(img.convert("RGB"))


def json_bytes(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, allow_nan=False, separators=(",", ":")).encode()
