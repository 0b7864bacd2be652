"""Per-view scene graph: the facts about every visible object that referring expressions and dataset
filters need, as plain JSON-serialisable data (no Blender).

Combines the scene spec (class, material colour name, metric size, support relations) with the rendered
view's labels (pixel count, image position, box, depth). Objects whose instance id does not appear in
``view.instance`` are omitted; so are support targets that are not visible (their id is still given).
"""

from __future__ import annotations

import math

import numpy as np

from pipeline.view import View
from pipeline.scene_spec import Part, SceneObject, SceneSpec, rotation_matrix


def _part_corners(part: Part) -> np.ndarray:
    half = np.asarray(part.dimensions, dtype=np.float64) / 2.0
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=np.float64)
    return (signs * half) @ rotation_matrix(part.rotation).T + np.asarray(part.location, dtype=np.float64)


def object_size(obj: SceneObject) -> float:
    """Largest extent (metres) of the world-axis box around all of the object's parts."""
    if not obj.parts:
        return 0.0
    pts = np.concatenate([_part_corners(p) for p in obj.parts])
    return float((pts.max(axis=0) - pts.min(axis=0)).max())


def object_color_name(obj: SceneObject) -> str | None:
    """Colour name of the material of the object's largest part (by box volume, flat parts count as 1 mm thick);
    ``None`` when that material names no colour (bank assets and Infinigen materials: their colours are
    procedural, so referring expressions leave colour out rather than name a wrong one)."""
    if not obj.parts:
        return None
    vol = [float(np.prod(np.maximum(np.asarray(p.dimensions, dtype=np.float64), 1e-3))) for p in obj.parts]
    return obj.parts[int(np.argmax(vol))].material.color_name or None


def _ranks(values: list[float]) -> list[int]:
    """0 for the smallest value; ties share the order of appearance."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    ranks = [0] * len(values)
    for r, i in enumerate(order):
        ranks[i] = r
    return ranks


def build_scene_graph(spec: SceneSpec, view: View) -> dict:
    """JSON-serialisable scene graph of one view.

    ``objects`` (sorted by instance id) carry: ``instance_id``, ``class_name``, ``color_name``,
    ``size_m``, ``supported_by`` and ``supported_by_class``, ``pixel_count``, ``pixel_fraction``,
    ``centroid`` (x, y in 0..1 of width/height), ``bbox`` ([x_min, y_min, x_max, y_max], inclusive pixels),
    ``median_depth_m`` (None if no finite depth), ``depth_rank`` (0 = nearest in the view),
    ``depth_rank_in_class`` and ``size_rank_in_class`` (0 = largest of its class)."""
    inst = np.asarray(view.instance)
    if inst.ndim != 2:
        raise ValueError(f"view.instance: expected an HxW label map, got shape {inst.shape}")
    h, w = inst.shape
    by_id = {o.instance_id: o for o in spec.objects}
    flat = inst.reshape(-1).astype(np.int64)
    order = np.argsort(flat, kind="stable")
    ids, starts, counts = np.unique(flat[order], return_index=True, return_counts=True)
    depth = np.asarray(view.depth, dtype=np.float64).reshape(-1)
    rows, cols = np.divmod(order, w)

    objects = []
    for iid, start, count in zip(ids.tolist(), starts.tolist(), counts.tolist()):
        if iid == 0:
            continue
        sel = slice(start, start + count)
        r, c = rows[sel], cols[sel]
        d = depth[order[sel]]
        d = d[np.isfinite(d)]
        obj = by_id.get(iid)
        sup = obj.supported_by if obj is not None else None
        sup_obj = by_id.get(sup) if sup is not None else None
        objects.append({
            "instance_id": int(iid),
            "class_name": obj.class_name if obj is not None else view.instance_classes.get(iid, "unknown"),
            "color_name": object_color_name(obj) if obj is not None else None,
            "size_m": round(object_size(obj), 4) if obj is not None else None,
            "supported_by": int(sup) if sup is not None else None,
            "supported_by_class": sup_obj.class_name if sup_obj is not None else None,
            "pixel_count": int(count),
            "pixel_fraction": round(count / (h * w), 6),
            "centroid": [round(float((c.mean() + 0.5) / w), 5), round(float((r.mean() + 0.5) / h), 5)],
            "bbox": [int(c.min()), int(r.min()), int(c.max()), int(r.max())],
            "median_depth_m": round(float(np.median(d)), 4) if d.size else None,
        })

    far = [o["median_depth_m"] if o["median_depth_m"] is not None else math.inf for o in objects]
    for o, rank in zip(objects, _ranks(far)):
        o["depth_rank"] = rank
    for cls in {o["class_name"] for o in objects}:
        members = [o for o in objects if o["class_name"] == cls]
        dr = _ranks([o["median_depth_m"] if o["median_depth_m"] is not None else math.inf for o in members])
        sr = _ranks([-(o["size_m"] or 0.0) for o in members])
        for o, a, b in zip(members, dr, sr):
            o["depth_rank_in_class"] = a
            o["size_rank_in_class"] = b
    return {
        "view_key": view.key,
        "scene_id": view.scene_id,
        "view_index": view.view_index,
        "width": int(w),
        "height": int(h),
        "objects": objects,
    }
