"""The render stage's output: one view's RGB image and its exact raw labels (plain numpy, no Blender)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def view_key(scene_id: str, view_index: int) -> str:
    """WebDataset key of a view (no dots)."""
    return f"{scene_id}_v{view_index:02d}"


@dataclass
class RenderedView:
    """One rendered view.

    - ``rgb``: uint8 HxWx3, anti-aliased beauty render.
    - ``depth``: float32 HxW planar z-depth in metres along the optical axis; +inf where nothing is hit.
    - ``normals``: float32 HxWx3 unit normals in the camera frame (+x right, +y up, +z towards the viewer),
      facing the camera; 0 where nothing is hit.
    - ``instance``: uint16 HxW instance ids (0 = nothing); ``semantic``: uint16 HxW class ids (0 = nothing).
    - ``class_table``: semantic id -> natural-language class name for the ids in this view.
    - ``intrinsics``: fx, fy, cx, cy, width, height; ``cam2world``: float64 4x4, Blender camera convention.
    - ``timings``: seconds per step (scene build, rgb render, label render, ...).
    """

    scene_id: str
    view_index: int
    rgb: np.ndarray
    depth: np.ndarray
    normals: np.ndarray
    instance: np.ndarray
    semantic: np.ndarray
    class_table: dict[int, str]
    instance_classes: dict[int, str]
    intrinsics: dict[str, float]
    cam2world: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return view_key(self.scene_id, self.view_index)
