"""Render settings: a quality preset plus field-by-field overrides, and the compute device.

``RenderSettings(quality="standard", samples=32)`` starts from the "standard" preset and overrides
one field; every field not given comes from the preset, so a validated model is always complete and
``model_dump()`` round-trips. Image size is per camera (``pipeline.scene_spec.Camera``), not here.
These settings govern the anti-aliased RGB render only: the label render always uses one
pixel-centred sample with no bounces (see ``pipeline.render.blender_render``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Quality = Literal["draft", "standard", "high"]

PRESETS: dict[str, dict[str, Any]] = {
    "draft": {"samples": 16, "adaptive_threshold": 0.1, "denoise": True, "max_bounces": 4},
    "standard": {"samples": 64, "adaptive_threshold": 0.03, "denoise": True, "max_bounces": 8},
    "high": {"samples": 256, "adaptive_threshold": 0.01, "denoise": True, "max_bounces": 12},
}


class RenderSettings(BaseModel):
    """How the RGB image is rendered and on which device.

    - ``samples``: Cycles samples per pixel (upper bound when adaptive sampling is on).
    - ``adaptive_threshold``: Cycles adaptive-sampling noise threshold; 0 disables adaptive sampling.
    - ``denoise``: OpenImageDenoise on the RGB image.
    - ``max_bounces``: total light bounces (diffuse/glossy/transmission are capped by it too).
    - ``device``: "cpu"; "gpu" (OptiX, else CUDA, on an NVIDIA GPU; falls back to the CPU with a logged
      reason when there is none); "auto" (the GPU when there is one, quietly the CPU otherwise).
    - ``threads``: CPU render threads, 0 = one per core.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    quality: Quality = "standard"
    samples: int = Field(ge=1)
    adaptive_threshold: float = Field(ge=0.0)
    denoise: bool
    max_bounces: int = Field(ge=0)
    device: Literal["cpu", "gpu", "auto"] = "auto"
    threads: int = Field(default=0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        quality = data.get("quality", "standard")
        if quality not in PRESETS:
            raise ValueError(f"quality must be one of {sorted(PRESETS)}, got {quality!r}")
        return {**PRESETS[quality], **data}
