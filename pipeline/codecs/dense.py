"""Prompted depth and normal targets: the codec plus a seeded prompt and metadata, and their decoders
(one convention each, so neither needs the metadata or the prompt)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs import prompts
from pipeline.codecs.depth import STEPS, decode_depth, encode_depth
from pipeline.codecs.normals import NO_NORMAL_RGB, decode_normals, encode_normals


def encode_depth_task(depth, seed: int):
    """HxW depth -> (target, prompt, meta): the paper's rainbow walk (docs/FORMAT.md, "depth")."""
    template = prompts.choose("depth", np.random.default_rng(seed))
    return encode_depth(depth), template.render(), {
        "task": "depth", **prompts.template_meta(template), "colormap": "rainbow",
        "curve": "1-(1+d/10)^-2", "steps": STEPS,
    }


def decode_depth_task(rgb, meta_or_prompt=None) -> np.ndarray:
    """HxWx3 RGB -> HxW float32 metres (+inf = no surface); one convention, so the prompt is not needed."""
    return decode_depth(rgb)


def encode_normals_task(normals, seed: int, valid=None):
    """HxWx3 normals -> (target, prompt, meta)."""
    template = prompts.choose("normals", np.random.default_rng(seed))
    meta = {"task": "normals", **prompts.template_meta(template), "convention": "R=(1-x)/2,G=(1+y)/2,B=(1+z)/2 trunc",
            "no_normal_rgb": list(NO_NORMAL_RGB)}
    return encode_normals(normals, valid), template.render(), meta


def decode_normals_task(rgb, meta_or_prompt=None) -> np.ndarray:
    """HxWx3 RGB -> HxWx3 float32 unit normals (zero = no normal); one convention, so the prompt is not needed."""
    return decode_normals(rgb)

