"""One view: its RGB image and exact labels, the one type every stage passes around (plain numpy).

The render stage makes it with the final label conventions (every pixel has a class: rays that hit
nothing carry the scene's background class, e.g. sky); the views series stores it; codecs, tasks,
validation and the dataset tools read it back with :meth:`View.from_sample`. Conventions: docs/FORMAT.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from pipeline.shards.layout import VIEW_MEMBERS
from pipeline.shards.members import read_exr, read_png


def view_key(scene_id: str, view_index: int) -> str:
    """WebDataset key of a view (no dots)."""
    return f"{scene_id}_v{view_index:02d}"


@dataclass
class View:
    """One view.

    - ``rgb``: uint8 HxWx3, anti-aliased beauty render.
    - ``depth``: float32 HxW planar z-depth in metres along the optical axis; +inf where nothing is hit.
    - ``normals``: float32 HxWx3 unit normals in the camera frame (+x right, +y up, +z towards the viewer),
      facing the camera; 0 where nothing is hit.
    - ``instance``: uint16 HxW instance ids (0 = nothing); ``semantic``: uint16 HxW taxonomy class ids,
      the background class (e.g. sky) where nothing is hit.
    - ``class_table``: semantic id -> class name for the ids in this view; ``instance_classes``: visible
      instance id -> class name.
    - ``intrinsics``: fx, fy, cx, cy, width, height; ``cam2world``: float64 4x4, Blender camera convention.
    - ``timings``: seconds per step (scene build, rgb render, label render, ...).
    - ``meta``: the stored view json (empty for a view fresh from the renderer).
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
    meta: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return view_key(self.scene_id, self.view_index)

    @classmethod
    def from_sample(cls, sample: dict) -> View:
        """Decode a views-series sample (member name -> bytes), explicitly: PNG, EXR and JSON, never pickle."""
        missing = [m for m in VIEW_MEMBERS if m not in sample]
        if missing:
            raise ValueError(f"view {sample.get('__key__')}: missing members {missing}")
        meta = json.loads(sample["json"])
        view = cls(
            scene_id=meta["scene_id"], view_index=int(meta["view_index"]), rgb=read_png(sample["rgb.png"]),
            depth=read_exr(sample["depth.exr"]), normals=read_exr(sample["normal.exr"]),
            instance=read_png(sample["instance.png"]), semantic=read_png(sample["semantic.png"]),
            class_table=id_map(meta.get("class_table")),
            instance_classes=id_map(meta.get("instances", meta.get("instance_classes"))),
            intrinsics=meta.get("intrinsics", {}), cam2world=np.asarray(meta.get("cam2world", np.eye(4))),
            timings=meta.get("timings", {}), meta=meta)
        if view.key != sample["__key__"]:
            raise ValueError(f"view {sample['__key__']}: its json names scene {meta['scene_id']!r} view "
                             f"{meta['view_index']}, key {view.key}")
        return view


def id_map(records) -> dict[int, str]:
    """id -> class from the json's list of ``{"id", "class", ...}`` records (or, in datasets written
    before the fixed schema, a dict keyed by the id as a string)."""
    if not records:
        return {}
    if isinstance(records, dict):
        return {int(k): v for k, v in records.items()}
    return {int(r["id"]): r["class"] for r in records}
