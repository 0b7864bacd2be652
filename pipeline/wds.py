"""webdataset decoder handlers that read this dataset's members exactly.

webdataset's ``.decode("pil")`` (and "rgb8", "torchrgb" ...) turns the 16-bit instance and semantic
PNGs into 8-bit images: ids above 255 are silently corrupted. Put these handlers first:

    import webdataset as wds
    from pipeline.wds import DECODERS
    ds = wds.WebDataset(urls).decode(*DECODERS, "pil")

Every view channel that is not an 8-bit image (:data:`pipeline.channels.CHANNELS`) decodes to its exact
array: ``instance.png`` and ``semantic.png`` uint16 HxW, ``depth.exr`` float32 HxW (+inf where nothing
is hit), ``normal.exr`` float32 HxWx3; every other member falls through to the next handler.
"""

from __future__ import annotations

from pipeline import channels

EXACT_MEMBERS = tuple(c.member for c in channels.CHANNELS if c.format is not channels.RGB8)


def exact_channel(key: str, data: bytes):
    """A view channel that is not an 8-bit image -> its exact array; None for other members."""
    key = key.lower()
    if not key.endswith(EXACT_MEMBERS):
        return None
    return channels.decoder_for(key)(data)


DECODERS = (exact_channel,)
