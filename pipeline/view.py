"""One view: its RGB image and exact labels, the one type every stage passes around (plain numpy).

The render stage makes it with the final label conventions (every pixel has a class: rays that hit
nothing carry the scene's background class, e.g. sky); the views series stores it; codecs, tasks,
validation and the dataset tools read it back with :meth:`View.from_sample`. Conventions: docs/FORMAT.md.
"""

from __future__ import annotations

import json
import numpy as np

from pipeline import channels
from pipeline.formats import json_bytes


VIEW_JSON = {  # the views series' json (pipeline.schema's type language)
    "key": "string", "scene_id": "string", "family": "string", "kind": "string", "scene_seed": "int64",
    "view_index": "int64", "view_seed": "int64", "lighting": "string",
    "intrinsics": {"fx": "float64", "fy": "float64", "cx": "float64", "cy": "float64", "width": "int64",
                   "height": "int64"},
    "cam2world": [["float64"]],
    "group": {"id": "int64", "kind": "string", "frame": "int64", "size": "int64", "baseline_m": "float64"},
    "class_table": [{"id": "int64", "class": "string"}],
    "instances": [{"id": "int64", "class": "string", "source": "string"}],
    "scene_graph": {
        "view_key": "string", "scene_id": "string", "view_index": "int64", "width": "int64", "height": "int64",
        "objects": [{"instance_id": "int64", "class_name": "string", "color_name": "string",
                     "bbox": ["int64"], "centroid": ["float64"], "pixel_count": "int64",
                     "pixel_fraction": "float64", "median_depth_m": "float64", "size_m": "float64",
                     "depth_rank": "int64", "depth_rank_in_class": "int64", "size_rank_in_class": "int64",
                     "supported_by": "int64", "supported_by_class": "string"}],
    },
    "timings": {"scene_build": "float64", "rgb_render": "float64", "label_render": "float64",
                "readback": "float64", "label_decode": "float64"},
    "extra": "string",  # the family's own facts (room type, view kinds, analytic primitives ...), as JSON
    "depth_units": "string", "normal_frame": "string",
}


def view_key(scene_id: str, view_index: int) -> str:
    """WebDataset key of a view (no dots)."""
    return f"{scene_id}_v{view_index:02d}"


class View:
    """One view: its channels (:data:`pipeline.channels.CHANNELS`, each an attribute: ``rgb`` uint8
    HxWx3, ``depth`` float32 HxW metres (+inf = no hit), ``normals`` float32 HxWx3 camera frame,
    ``instance`` and ``semantic`` uint16 HxW ids) and its facts:

    - ``class_table``: semantic id -> class name for the ids in this view; ``instance_classes``: visible
      instance id -> class name.
    - ``intrinsics``: fx, fy, cx, cy, width, height; ``cam2world``: float64 4x4, Blender camera convention.
    - ``group``: the view group it belongs to (``{"id", "kind", "frame", "size", "baseline_m"}``) or None.
    - ``timings``: seconds per step (scene build, rgb render, label render, ...).
    - ``meta``: the stored view json (empty for a view fresh from the renderer).
    """

    scene_id: str
    view_index: int
    class_table: dict[int, str]
    instance_classes: dict[int, str]
    intrinsics: dict[str, float]
    cam2world: np.ndarray
    group: dict | None
    timings: dict[str, float]
    meta: dict
    arrays: dict[str, np.ndarray]

    def __init__(self, scene_id: str, view_index: int, *, class_table: dict[int, str],
                 instance_classes: dict[int, str], intrinsics: dict[str, float], cam2world, group: dict | None = None,
                 timings: dict[str, float] | None = None, meta: dict | None = None, **arrays: np.ndarray):
        unknown = sorted(set(arrays) - set(channels.BY_NAME))
        missing = [c.name for c in channels.CHANNELS if c.name not in arrays]
        if unknown or missing:
            raise ValueError(f"View {scene_id}/{view_index}: unknown channels {unknown}, missing {missing}")
        self.scene_id, self.view_index = scene_id, view_index
        self.class_table, self.instance_classes = class_table, instance_classes
        self.intrinsics, self.cam2world, self.group = intrinsics, cam2world, group
        self.timings, self.meta = timings if timings is not None else {}, meta if meta is not None else {}
        self.arrays = {c.name: arrays[c.name] for c in channels.CHANNELS}

    def __getattr__(self, name: str):
        arrays = self.__dict__.get("arrays")
        if arrays is not None and name in arrays:
            return arrays[name]
        raise AttributeError(f"View has no attribute or channel {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if name in channels.BY_NAME and "arrays" in self.__dict__:
            self.arrays[name] = value
        else:
            object.__setattr__(self, name, value)

    @property
    def key(self) -> str:
        return view_key(self.scene_id, self.view_index)

    def replace(self, **changes) -> View:
        """A new view with some facts or channels changed (like ``dataclasses.replace``)."""
        facts = {name: getattr(self, name) for name in (
            "scene_id", "view_index", "class_table", "instance_classes", "intrinsics", "cam2world", "group",
            "timings", "meta")}
        return View(**{**facts, **self.arrays, **changes})

    def members(self, meta: dict) -> dict:
        """The views-series sample: one member per channel plus the json ``meta``."""
        out = {"__key__": self.key}
        for channel in channels.CHANNELS:
            out[channel.member] = channel.format.encode(self.arrays[channel.name])
        out[channels.JSON_MEMBER] = json_bytes(meta)
        return out

    @classmethod
    def from_sample(cls, sample: dict) -> View:
        """Decode a views-series sample (member name -> bytes), explicitly: PNG, EXR and JSON, never pickle."""
        missing = [m for m in channels.VIEW_MEMBERS if m not in sample]
        if missing:
            raise ValueError(f"view {sample.get('__key__')}: missing members {missing}")
        meta = json.loads(sample[channels.JSON_MEMBER])
        view = cls(
            scene_id=meta["scene_id"], view_index=int(meta["view_index"]),
            class_table=id_map(meta.get("class_table")),
            instance_classes=id_map(meta.get("instances", meta.get("instance_classes"))),
            intrinsics=meta.get("intrinsics", {}), cam2world=np.asarray(meta.get("cam2world", np.eye(4))),
            group=meta.get("group"), timings=meta.get("timings", {}), meta=meta,
            **{c.name: c.format.decode(sample[c.member]) for c in channels.CHANNELS})
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
