"""RenderSettings: presets, field-by-field overrides, strictness (no Blender needed)."""

import pytest
from pydantic import ValidationError

from pipeline.render.settings import PRESETS, TARGET_FLIP, RenderSettings


def test_default_is_the_standard_preset():
    s = RenderSettings()
    assert s.quality == "standard"
    assert {k: getattr(s, k) for k in PRESETS["standard"]} == PRESETS["standard"]
    assert s.device == "auto" and s.threads == 0


@pytest.mark.parametrize("quality", sorted(PRESETS))
def test_each_preset_fills_every_field(quality):
    s = RenderSettings(quality=quality)
    assert {k: getattr(s, k) for k in PRESETS[quality]} == PRESETS[quality]


def test_presets_get_costlier_and_stricter():
    d, s, h = (RenderSettings(quality=q) for q in ("draft", "standard", "high"))
    assert d.samples < s.samples < h.samples
    assert s.adaptive_threshold > h.adaptive_threshold
    assert d.max_bounces <= s.max_bounces <= h.max_bounces
    assert TARGET_FLIP["draft"] > TARGET_FLIP["standard"] > TARGET_FLIP["high"]
    assert set(TARGET_FLIP) == set(PRESETS)


def test_override_one_field_keeps_the_rest_of_the_preset():
    s = RenderSettings(quality="high", samples=32, device="cpu", threads=3)
    assert s.samples == 32 and s.device == "cpu" and s.threads == 3
    assert s.max_bounces == PRESETS["high"]["max_bounces"]
    assert s.adaptive_threshold == PRESETS["high"]["adaptive_threshold"]


def test_round_trips_through_a_dict():
    s = RenderSettings(quality="draft", denoise=False)
    assert RenderSettings.model_validate(s.model_dump()) == s


@pytest.mark.parametrize("bad", [{"resolution": 512}, {"quality": "ultra"}, {"samples": 0},
                                 {"device": "tpu"}, {"threads": -1}, {"adaptive_threshold": -0.1}])
def test_rejects_unknown_or_invalid_fields(bad):
    with pytest.raises(ValidationError):
        RenderSettings(**bad)
