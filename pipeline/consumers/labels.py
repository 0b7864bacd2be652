"""A view's raw labels read back from the views series, decoded explicitly (PNG, EXR, JSON; never pickle)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from pipeline.shards.members import read_exr, read_png

VIEW_MEMBERS = ("rgb.png", "depth.exr", "normal.exr", "instance.png", "semantic.png", "json")


@dataclass
class ViewLabels:
    """Exact labels of one rendered view: planar metric depth (+inf = no hit), camera-frame normals,
    16-bit instance and semantic ids, and the view json (intrinsics, pose, class tables, scene graph)."""

    key: str
    rgb: np.ndarray
    depth: np.ndarray
    normals: np.ndarray
    instance: np.ndarray
    semantic: np.ndarray
    meta: dict

    @classmethod
    def from_sample(cls, sample: dict) -> "ViewLabels":
        """Decode a views-series sample (member extension -> bytes)."""
        missing = [m for m in VIEW_MEMBERS if m not in sample]
        if missing:
            raise ValueError(f"view {sample.get('__key__')}: missing members {missing}")
        return cls(
            key=sample["__key__"], rgb=read_png(sample["rgb.png"]), depth=read_exr(sample["depth.exr"]),
            normals=read_exr(sample["normal.exr"]), instance=read_png(sample["instance.png"]),
            semantic=read_png(sample["semantic.png"]), meta=json.loads(sample["json"]),
        )

    @property
    def class_table(self) -> dict[int, str]:
        return {int(k): v for k, v in self.meta.get("class_table", {}).items()}

    @property
    def instance_classes(self) -> dict[int, str]:
        return {int(k): v for k, v in self.meta.get("instance_classes", {}).items()}
