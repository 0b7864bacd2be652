"""Fixtures for the codec tests: a synthetic scene spec and view (numpy only, no Blender)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from codec_synth import make_spec, make_view  # noqa: E402


@pytest.fixture(scope="module")
def spec():
    return make_spec()


@pytest.fixture(scope="module")
def view():
    return make_view()


@pytest.fixture(scope="module")
def graph(spec, view):
    from pipeline.scene_graph import build_scene_graph

    return build_scene_graph(spec, view)
