"""The label channels of a view, declared once: everything else follows from this table.

A channel is one per-pixel array of a :class:`pipeline.view.View` (an attribute of that name), stored as
one member of the views series. The view's stored members, its reader, the webdataset decoders
(:mod:`pipeline.wds`), ``validate`` and the dataset card all read :data:`CHANNELS`; tasks name the
channels they need (:attr:`pipeline.tasks.base.Task.channels`). Adding a channel is one row here plus
the renderer that fills it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pipeline.formats import exr_bytes, png_bytes, read_exr, read_png


@dataclass(frozen=True)
class Format:
    """How a channel's array becomes member bytes and back, and what a Hugging Face card calls it."""

    suffix: str  # member extension, e.g. "png"
    dtype: str  # numpy dtype of the decoded array
    encode: Callable[[np.ndarray], bytes]
    decode: Callable[[bytes], np.ndarray]
    hf_feature: str  # "image" (datasets decodes it) or "binary" (bytes; read with the decoder)


RGB8 = Format("png", "uint8", png_bytes, read_png, "image")
ID16 = Format("png", "uint16", lambda a: png_bytes(np.asarray(a).astype(np.uint16)), read_png, "image")
FLOAT32 = Format("exr", "float32", exr_bytes, read_exr, "binary")


@dataclass(frozen=True)
class Channel:
    name: str  # the View attribute
    stem: str  # member name without extension
    format: Format
    shape: str  # "HxW" or "HxWx3"
    doc: str  # one line for FORMAT.md and the card

    @property
    def member(self) -> str:
        return f"{self.stem}.{self.format.suffix}"


CHANNELS: tuple[Channel, ...] = (
    Channel("rgb", "rgb", RGB8, "HxWx3", "the anti-aliased beauty render, 8-bit sRGB"),
    Channel("depth", "depth", FLOAT32, "HxW",
            "planar z-depth in metres along the optical axis; +inf where nothing is hit"),
    Channel("normals", "normal", FLOAT32, "HxWx3",
            "unit shading normals (no bump) in the camera frame (+x right, +y up, +z to the viewer); 0 where nothing is hit"),
    Channel("instance", "instance", ID16, "HxW", "instance ids, 0 = nothing; the json's `instances` names their classes"),
    Channel("semantic", "semantic", ID16, "HxW", "taxonomy class ids; the background class (e.g. sky) where nothing is hit"),
)
BY_NAME = {c.name: c for c in CHANNELS}
BY_MEMBER = {c.member: c for c in CHANNELS}
LABELS = tuple(c.name for c in CHANNELS if c.name != "rgb")  # the exact labels (everything but the image)
JSON_MEMBER = "json"
VIEW_MEMBERS = tuple(c.member for c in CHANNELS) + (JSON_MEMBER,)


def get(name: str) -> Channel:
    if name not in BY_NAME:
        raise ValueError(f"unknown channel {name!r}; declared: {tuple(BY_NAME)}")
    return BY_NAME[name]


def decoder_for(member: str) -> Callable[[bytes], np.ndarray] | None:
    """The decoder of a view member name (any ``<key>.`` prefix), or None for a member that is no channel."""
    member = member.lower()
    for channel in CHANNELS:
        if member == channel.member or member.endswith("." + channel.member):
            return channel.format.decode
    return None
