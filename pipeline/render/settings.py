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

# Each preset is the cheapest setting found that meets its target error on the render-quality yardstick
# (benchmarks/render_quality.py: mean FLIP of the 8-bit image against a 1024-sample reference, over 3 scenes
# per family with Infinigen content; BENCHMARKS.md "Presets re-based on today's content"). A target is the
# error the preset had before the render-cost work, on the same scenes, rounded up to the third decimal.
TARGET_FLIP: dict[str, float] = {"draft": 0.075, "standard": 0.048, "high": 0.036}

PRESETS: dict[str, dict[str, Any]] = {
    # the old draft's 4 bounces saved no time and darkened rooms; bump is off in draft only
    "draft": {"samples": 8, "adaptive_threshold": 0.0, "denoise": True, "max_bounces": 8,
              "max_texture_detail": 5.0, "secondary_texture_detail": 2.0, "bump": False},
    # 12 bounces cost about what 8 do and keep rooms' indirect light, which lets 56 samples replace 64
    "standard": {"samples": 56, "adaptive_threshold": 0.03, "denoise": True, "max_bounces": 12,
                 "max_texture_detail": 8.0, "secondary_texture_detail": 2.0, "bump": True},
    "high": {"samples": 256, "adaptive_threshold": 0.01, "denoise": True, "max_bounces": 12,
             "max_texture_detail": 10.0, "secondary_texture_detail": 4.0, "bump": True},
}


class RenderSettings(BaseModel):
    """How the RGB image is rendered and on which device.

    - ``samples``: Cycles samples per pixel (upper bound when adaptive sampling is on).
    - ``adaptive_threshold``: Cycles adaptive-sampling noise threshold; 0 disables adaptive sampling.
    - ``adaptive_min_samples``: samples every pixel takes before adaptive sampling may stop it; 0 is
      Cycles' automatic minimum, ceil(16 / threshold ** 0.3) (46 at 0.03).
    - ``denoise``: OpenImageDenoise on the RGB image, guided by the albedo and normal passes.
    - ``max_bounces``: total light bounces of a path.
    - ``diffuse_bounces``, ``glossy_bounces``, ``transmission_bounces``: bounces per kind of scattering,
      each capped by ``max_bounces``; ``None`` means ``max_bounces``.
    - ``transparent_bounces``: transparent surfaces a ray passes (window glass, leaves' alpha); ``None``
      means ``max(8, max_bounces)``.
    - ``clamp_indirect``: largest value an indirect sample may add (Cycles' firefly clamp; 0 = none).
    - ``light_tree``: Cycles' light tree for choosing lights (off: BlenderProc's default, cheaper here).
    - ``fast_gi``: after ``ao_bounces`` bounces, indirect light is approximated by ambient occlusion
      from the world instead of further shaded bounces.
    - ``ao_bounces``: bounces before the fast-GI approximation takes over (with ``fast_gi``).
    - ``path_guiding``: Cycles' path guiding (Open PGL) of diffuse and glossy bounces; CPU only, the
      GPU ignores it.
    - ``max_texture_detail``: cap on the fractal detail (octaves) of procedural noise, Voronoi and wave
      textures; ``None`` renders materials as authored (:func:`pipeline.render.materials.cap_texture_detail`).
    - ``secondary_texture_detail``: the same cap for rays other than camera rays (bounces, shadows),
      which average textures over wide footprints (:func:`pipeline.render.materials.limit_secondary_detail`).
    - ``bump``: shade the bump that materials derive from their displacement graph (off: flat shading
      of the true surface, cheaper; normal maps are kept either way).
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
    adaptive_min_samples: int = Field(default=0, ge=0)
    diffuse_bounces: int | None = Field(default=None, ge=0)
    glossy_bounces: int | None = Field(default=None, ge=0)
    transmission_bounces: int | None = Field(default=None, ge=0)
    transparent_bounces: int | None = Field(default=None, ge=0)
    clamp_indirect: float = Field(default=10.0, ge=0.0)
    light_tree: bool = False
    fast_gi: bool = False
    ao_bounces: int = Field(default=1, ge=0)
    path_guiding: bool = False
    max_texture_detail: float | None = Field(default=None, ge=0.0)
    secondary_texture_detail: float | None = Field(default=None, ge=0.0)
    bump: bool = True
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
