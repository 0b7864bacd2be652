"""Asset manifest: generators and bundled HDRIs (no Blender); the user's assets: tests/test_user_assets.py."""

from __future__ import annotations

import importlib
import pkgutil
import random

import pytest

import scenes
from scenes import build
from scenes.shared import sizes
from tiny_job import primitive_params
from scenes.shared.assets import check_hdris, generators, hdris, hdris_for

BUNDLED = {"city", "courtyard", "forest", "interior", "night", "studio", "sunrise", "sunset"}


def test_hdris_are_the_bundled_eight():
    assert set(hdris()) == BUNDLED
    assert hdris_for("outdoor") and hdris_for("night") == ("night",)
    status = check_hdris()
    pytest.importorskip("bpy")  # present in the project venv; the manifest checksums are bpy 4.2's
    assert set(status.values()) <= {"ok", "checksum differs"}


def test_generator_manifest_is_valid_and_sourced():
    gens = generators()
    assert len(gens) >= 40
    for name, g in gens.items():
        assert g.source and g.module.startswith("scenes."), name


def test_every_manifest_generator_is_used(monkeypatch):
    """Generating scenes draws sizes from every manifest entry: the table documents what the code does."""
    used = set()
    real = sizes.sample

    def spy(rng, name):
        used.add(name)
        return real(rng, name)

    for info in pkgutil.walk_packages(scenes.__path__, "scenes."):
        if info.name.startswith("scenes.calibration"):  # owned by the render side; it may need Blender
            continue
        module = importlib.import_module(info.name)
        if getattr(module, "sample", None) is real:
            monkeypatch.setattr(module, "sample", spy)
    for fam in ("indoor_room", "outdoor_street", "outdoor_nature"):
        for seed in range(40):
            build(fam, {"views": 1, **primitive_params(fam)}, seed, "u")
    assert set(generators()) - used == set()


def test_sampled_sizes_stay_in_range():
    rng = random.Random(0)
    for name in generators():
        for _ in range(20):
            got = sizes.sample(rng, name)
            for key, (lo, hi) in sizes.ranges(name).items():
                assert lo <= got[key] <= hi
    with pytest.raises(KeyError, match="'nope' has no entry"):
        sizes.sample(rng, "nope")
