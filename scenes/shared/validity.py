"""View validity filters: reject views that would teach nothing or teach wrong scale.

Two checks, both pure functions:
- :func:`check_cameras` on a :class:`SceneSpec` before rendering: no eye inside (or too near) an object's box,
  nor below (or too near) a terrain heightfield's surface.
- :func:`check_view` on a rendered view's depth and semantic labels: nearest surface far enough, enough
  distinct classes, enough non-sky pixels.

A rejection is a string ``"<code>: <detail>"``; the code (see :data:`CODES`) is what a job counts and reports.
"""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from pipeline.scene_spec import SceneSpec
from pipeline.taxonomy import class_id
from scenes.shared.geometry import AABB, part_aabb, parts_aabb

CODES = ("camera_inside", "too_close", "too_few_classes", "too_much_sky", "no_surface")

# Classes whose objects are large shells or ground: a camera is legitimately inside their overall box
# (a room's walls, a street's road), so only their individual parts count.
SHELL_CLASSES = frozenset({"floor", "wall", "ceiling", "road", "sidewalk", "curb", "terrain", "rail track", "water",
                           "fence", "mountain"})
# Parts checked by their surface, not their box: terrain heightfields (the eye must be above the height
# function) and the ground cover on them (grass may brush the lens).
SURFACE_SHAPES = frozenset({"heightfield", "scatter"})


class ViewRules(BaseModel):
    """Thresholds of the validity filters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_depth_m: float = Field(0.3, ge=0.0, description="nearest surface must be at least this far (planar depth)")
    near_fraction: float = Field(0.002, ge=0.0, lt=1.0,
                                 description="fraction of pixels allowed nearer than min_depth_m (ignores specks)")
    min_classes: int = Field(3, ge=1, description="distinct classes (sky included) each covering min_class_fraction")
    min_class_fraction: float = Field(0.002, ge=0.0, lt=1.0)
    min_non_sky_fraction: float = Field(0.3, ge=0.0, le=1.0)
    camera_margin_m: float = Field(0.1, ge=0.0, description="spec check: min distance from the eye to any box")


def reason_code(reason: str) -> str:
    """The counting key of a rejection string."""
    return reason.split(":", 1)[0]


def check_view(depth: np.ndarray, semantic: np.ndarray, rules: ViewRules, sky_id: int | None = None) -> str | None:
    """``None`` when the view passes, else the reason it fails.

    ``depth``: HxW planar depth in metres, +inf where nothing was hit; ``semantic``: HxW class ids, the
    background class where nothing was hit (:class:`pipeline.view.View`). Pixels of ``sky_id`` (default:
    the taxonomy's "sky") are sky.
    """
    depth = np.asarray(depth)
    semantic = np.asarray(semantic)
    if depth.shape != semantic.shape:
        raise ValueError(f"depth {depth.shape} and semantic {semantic.shape} shapes differ")
    n = depth.size
    sky = class_id("sky") if sky_id is None else sky_id
    is_sky = semantic == sky
    non_sky = 1.0 - np.count_nonzero(is_sky) / n
    finite = depth[np.isfinite(depth)]
    if finite.size == 0:
        return "no_surface: every pixel is background"
    near = np.count_nonzero(finite < rules.min_depth_m) / n
    if near > rules.near_fraction:
        return (f"too_close: {near:.2%} of pixels nearer than {rules.min_depth_m:g} m "
                f"(nearest {float(finite.min()):.3f} m)")
    if non_sky < rules.min_non_sky_fraction:
        return f"too_much_sky: {non_sky:.1%} non-sky pixels < {rules.min_non_sky_fraction:.0%}"
    ids, counts = np.unique(semantic, return_counts=True)
    present = int(np.count_nonzero(counts >= rules.min_class_fraction * n))
    if present < rules.min_classes:
        return f"too_few_classes: {present} classes < {rules.min_classes} (ids {ids.tolist()})"
    return None


def object_boxes(spec: SceneSpec) -> list[tuple[int, AABB]]:
    """``(instance id, box)`` pairs a camera must stay out of: whole objects, or parts of shells and ground."""
    out: list[tuple[int, AABB]] = []
    for o in spec.objects:
        if o.class_name in SHELL_CLASSES:
            out.extend((o.instance_id, part_aabb(p)) for p in o.parts if p.shape not in SURFACE_SHAPES)
        else:
            out.append((o.instance_id, parts_aabb(o.parts)))
    return out


def check_cameras(spec: SceneSpec, rules: ViewRules | None = None) -> list[str | None]:
    """Per camera of ``spec``: ``None`` or a ``camera_inside`` reason naming the object the eye is in."""
    margin = (rules or ViewRules()).camera_margin_m
    boxes = object_boxes(spec)
    classes = {o.instance_id: o.class_name for o in spec.objects}
    out: list[str | None] = []
    for cam in spec.cameras:
        eye = (cam.cam2world[0][3], cam.cam2world[1][3], cam.cam2world[2][3])
        hit = next((iid for iid, b in boxes if b.contains(eye, margin)), None)
        if hit is None:
            hit = _below_surface(spec, eye, margin)
        out.append(None if hit is None else
                   f"camera_inside: eye {tuple(round(c, 3) for c in eye)} within {margin:g} m of "
                   f"{classes[hit]} (instance {hit})")
    return out


def _below_surface(spec: SceneSpec, eye, margin: float) -> int | None:
    """Instance id of a terrain heightfield whose surface lies above ``eye`` (or within ``margin`` under it)."""
    from scenes.nature.terrain import Terrain, height

    r = math.hypot(eye[0], eye[1])
    for o in spec.objects:
        for p in o.parts:
            field = p.heightfield
            if p.shape == "heightfield" and field.r_inner <= r <= field.r_outer:
                if eye[2] < float(height(Terrain.from_pairs(field.params), eye[0], eye[1])) + margin:
                    return o.instance_id
    return None
