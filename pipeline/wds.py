"""webdataset decoder handlers that read this dataset's members exactly.

webdataset's ``.decode("pil")`` (and "rgb8", "torchrgb" ...) turns the 16-bit instance and semantic
PNGs into 8-bit images: ids above 255 are silently corrupted. Put these handlers first:

    import webdataset as wds
    from pipeline.wds import DECODERS
    ds = wds.WebDataset(urls).decode(*DECODERS, "pil")

``instance.png`` and ``semantic.png`` become uint16 HxW arrays, ``depth.exr`` float32 HxW (+inf where
nothing is hit) and ``normal.exr`` float32 HxWx3; every other member falls through to the next handler.
"""

from __future__ import annotations

from pipeline.shards.members import read_exr, read_png

ID_MEMBERS = ("instance.png", "semantic.png")
FLOAT_MEMBERS = ("depth.exr", "normal.exr")


def id_png(key: str, data: bytes):
    """16-bit id PNGs -> uint16 arrays (exact); None for other members."""
    return read_png(data) if key.lower().endswith(ID_MEMBERS) else None


def float_exr(key: str, data: bytes):
    """Depth and normal EXRs -> float32 arrays (OpenEXR); None for other members."""
    return read_exr(data) if key.lower().endswith(FLOAT_MEMBERS) else None


DECODERS = (id_png, float_exr)
