"""The tiny job the end-to-end, fault and storage tests render (64x64, a few scenes, draft quality)."""

TINY_CONFIG = {
    "name": "tiny",
    "seed": 7,
    "scenes": [
        {"family": "indoor_room", "count": 2, "params": {"content": "primitive", "views": 2, "resolutions": [[64, 64]]}},
        {"family": "outdoor_street", "count": 1, "params": {"content": "primitive", "views": 2, "resolutions": [[80, 64]]}},
    ],
    "render": {"quality": "draft", "samples": 4, "denoise": False, "device": "cpu"},
    "shards": {"max_samples": 8},
    "validity": {"min_depth_m": 0.05, "min_classes": 1, "min_non_sky_fraction": 0.0},
    "ray": {"num_workers": 2, "cpus_per_worker": 1, "scenes_per_unit": 2},
}


def tiny_config(**overrides):
    from pipeline.config import parse_config

    raw = {**TINY_CONFIG, **overrides}
    return parse_config(raw, "tiny-config")


def primitive_params(family: str) -> dict:
    """Params that select the fast primitive content where a family offers a choice (no asset bank)."""
    from scenes import primitive_params as params

    return params(family)
