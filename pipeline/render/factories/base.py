"""The interface every procedural factory follows (Infinigen's, so the bank bakes both alike).

``Factory(seed).spawn_asset(seed, **spawn)`` returns the root object; child objects are joined into one
mesh by the bake. ``finalize_assets(root)`` is called after spawning, as Infinigen's factories expect.

Frame: metres, +Z up, the asset standing on z = 0. Street pieces keep the frame of the layout's
primitive they stand in for (vehicles: nose towards +X; furniture and people: front towards +Y), and
their manifest entry says how to turn it (``front_yaw``).

Anchors: named points of the asset (a saddle's top, where a signal head mounts on its pole) that the
layouts need; :func:`set_anchors` stores them on the root, the bake moves them into the bank frame and
records them in the bank entry.
"""

from __future__ import annotations

import json
import random

import bpy
import numpy as np

ANCHORS_PROPERTY = "procedural_anchors"


class ProceduralFactory:
    """Seeded factory: ``rng`` (random.Random) and ``np_rng`` draw every parameter from ``seed``."""

    def __init__(self, seed: int, coarse: bool = False):
        self.seed = int(seed)
        self.rng = random.Random(f"{type(self).__name__}:{seed}")
        self.np_rng = np.random.default_rng(self.seed)

    def spawn_asset(self, seed: int | None = None, **spawn) -> bpy.types.Object:
        return self.create_asset(**spawn)

    def create_asset(self, **spawn) -> bpy.types.Object:
        raise NotImplementedError

    def finalize_assets(self, root) -> None:
        """Nothing to do: materials and modifiers are set when the asset is made."""


def set_anchors(root: bpy.types.Object, anchors: dict[str, tuple[float, float, float]]) -> None:
    """Record named points (in the asset's frame, before the bake centres it) on ``root``."""
    root[ANCHORS_PROPERTY] = json.dumps({k: [float(c) for c in v] for k, v in anchors.items()})


def get_anchors(root: bpy.types.Object) -> dict[str, list[float]]:
    raw = root.get(ANCHORS_PROPERTY)
    return json.loads(raw) if raw else {}
