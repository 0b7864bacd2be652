"""Prompted depth and normal targets: the codec plus a seeded prompt and metadata, and the decoders that
read either the metadata or the prompt back (a named depth colour map needs its range from one of them)."""

from __future__ import annotations

import numpy as np

from pipeline.codecs import prompts
from pipeline.codecs.colormaps import COLORMAPS, choose_far, decode_depth_colormap, encode_depth_colormap
from pipeline.codecs.depth import decode_depth, encode_depth
from pipeline.codecs.normals import NO_NORMAL_RGB, decode_normals, encode_normals
from pipeline.codecs.validation import check_depth


def _fmt_m(x: float) -> str:
    return f"{x:.10g}"


def encode_depth_task(depth, seed: int, colormap: str | None = None, near_m: float = 0.0,
                      far_m: float | None = None):
    """HxW depth -> (target, prompt, meta). Default: the paper's rainbow walk; ``colormap`` picks a named map
    over ``near_m .. far_m`` (``far_m`` defaults to a round range covering 98% of the finite depths)."""
    rng = np.random.default_rng(seed)
    if colormap is None or colormap == "rainbow":
        template = prompts.choose("depth", rng)
        return encode_depth(depth), template.render(), {
            "task": "depth", **prompts.template_meta(template), "colormap": "rainbow",
            "curve": "1-(1+d/10)^-2", "steps": 1785,
        }
    if colormap not in COLORMAPS:
        raise ValueError(f"colormap: {colormap!r} is not one of {('rainbow',) + COLORMAPS}")
    d = check_depth(depth)
    far = float(far_m) if far_m is not None else choose_far(d)
    template = prompts.choose("depth_colormap", rng)
    prompt = template.render(cmap=colormap, near=_fmt_m(near_m), far=_fmt_m(far))
    meta = {"task": "depth", **prompts.template_meta(template), "colormap": colormap,
            "near_m": float(near_m), "far_m": far, "scale": "linear", "levels": 256}
    return encode_depth_colormap(d, colormap, near_m, far), prompt, meta


def _depth_setup(meta_or_prompt) -> tuple[str, float, float]:
    if isinstance(meta_or_prompt, dict):
        m = meta_or_prompt
        return m.get("colormap", "rainbow"), float(m.get("near_m", 0.0)), float(m.get("far_m", 1.0))
    if meta_or_prompt is None:
        return "rainbow", 0.0, 1.0
    try:
        fields = prompts.parse("depth_colormap", meta_or_prompt)[1]
    except ValueError:
        return "rainbow", 0.0, 1.0
    try:
        return fields["cmap"], float(fields["near"]), float(fields["far"])
    except ValueError:
        raise ValueError(f"prompt: cannot read the depth range from {meta_or_prompt[:120]!r}") from None


def decode_depth_task(rgb, meta_or_prompt=None) -> np.ndarray:
    """HxWx3 RGB -> HxW float32 metres, with the colour map (and range) named by the metadata or prompt."""
    cmap, near, far = _depth_setup(meta_or_prompt)
    if cmap == "rainbow":
        return decode_depth(rgb)
    return decode_depth_colormap(rgb, cmap, near, far)


def encode_normals_task(normals, seed: int, valid=None):
    """HxWx3 normals -> (target, prompt, meta)."""
    template = prompts.choose("normals", np.random.default_rng(seed))
    meta = {"task": "normals", **prompts.template_meta(template), "convention": "R=(1-x)/2,G=(1+y)/2,B=(1+z)/2 trunc",
            "no_normal_rgb": list(NO_NORMAL_RGB)}
    return encode_normals(normals, valid), template.render(), meta


def decode_normals_task(rgb, meta_or_prompt=None) -> np.ndarray:
    """HxWx3 RGB -> HxWx3 float32 unit normals (zero = no normal); one convention, so the prompt is not needed."""
    return decode_normals(rgb)

