"""Training pairs of one rendered view: (input RGB, prompt, target RGB, metadata) for each requested task.

Everything is a function of the per-view seed: each task (and each instance class / referring index)
gets its own sub-seed from ``SeedSequence([seed, crc32(task), index])``, so adding a task does not change
the pairs of the others. Each pair's metadata records its own round-trip figures (see ``metrics``).

``Pair.meta`` (JSON-serialisable), common fields: ``task``, ``key``, ``view_key``, ``scene_id``,
``view_index``, ``codec_version``, ``view_seed`` (the per-view seed), ``seed`` (this pair's sub-seed),
``image_size`` ([H, W]), ``template_id`` and ``template_version`` (the prompt phrasing), ``roundtrip``.
Per task:
- depth: ``colormap`` ("rainbow", or a named map with ``near_m``, ``far_m``, ``scale``, ``levels``),
  ``curve``, ``steps``; roundtrip ``depth_max_f_err``, ``depth_f_bound``, ``depth_max_rel_err`` (finite
  pixels), ``depth_finite_as_inf``, ``depth_inf_preserved`` (named maps: ``depth_max_abs_err_m``,
  ``depth_bound_m``, ``depth_pixels_in_range``);
- normals: ``convention``, ``no_normal_rgb``; roundtrip ``normal_max_angle_deg``, ``normal_valid_match``;
- semantic: ``classes`` ([{name, id, view_ids, rgb, present}] in prompt order), ``background_rgb``,
  ``unlisted_present``, ``mapping_form``, ``color_form``, ``min_color_distance``; roundtrip ``mask_iou_min``;
- instance: ``class_name``, ``instances`` ([{instance_id, rgb}]), ``background_name``, ``background_rgb``,
  ``min_color_distance``, ``decoder`` (its parameters); roundtrip ``mask_iou_min`` (instances of at least
  the decoder's minimum area), ``mask_iou_mean``, ``instances``, ``instances_below_min_area``;
- referring: ``form`` ("single"/"multi"), ``objects`` ([{instance_id, phrase, descriptor, color_name,
  rgb}]), ``background_name``, ``background_rgb``; roundtrip ``mask_iou_min``.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from pipeline.codecs import metrics
from pipeline.codecs.colormaps import COLORMAPS
from pipeline.codecs.dense import decode_depth_task, encode_depth_task, encode_normals_task
from pipeline.codecs.instance import MIN_AREA_FRACTION, decode_instance, encode_instance
from pipeline.codecs.normals import decode_normals, vector_norm
from pipeline.codecs.referring import decode_referring, encode_referring, referable_objects
from pipeline.codecs.semantic import decode_semantic, encode_semantic, expected_semantic
from pipeline.codecs.validation import present_ids
from pipeline.codecs.version import CODEC_VERSION
from pipeline.render.view import RenderedView

TASKS = ("depth", "normals", "semantic", "instance", "referring")
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass
class Pair:
    """One training sample. ``key`` is ``f"{view.key}_{task}"`` plus a suffix when a task yields several
    pairs per view (``_c05`` instance class 5, ``_r0`` referring expression 0); only [A-Za-z0-9_-]."""

    task: str
    key: str
    input_rgb: np.ndarray
    prompt: str
    target: np.ndarray
    meta: dict


def sub_seed(seed: int, task: str, index: int = 0) -> int:
    """Deterministic 32-bit seed of one (task, index) of a view."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative int, got {seed!r}")
    ss = np.random.SeedSequence([int(seed), zlib.crc32(task.encode()), int(index)])
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def _pair(view: RenderedView, task: str, suffix: str, seed: int, sseed: int, prompt: str, target: np.ndarray,
          meta: dict, roundtrip: dict) -> Pair:
    key = f"{view.key}_{task}{suffix}"
    if not _KEY_RE.match(key):
        raise ValueError(f"pair key {key!r} has characters outside [A-Za-z0-9_-]")
    full = {
        **meta,
        "task": task,
        "key": key,
        "view_key": view.key,
        "scene_id": view.scene_id,
        "view_index": int(view.view_index),
        "codec_version": CODEC_VERSION,
        "view_seed": int(seed),
        "seed": int(sseed),
        "image_size": [int(target.shape[0]), int(target.shape[1])],
        "roundtrip": roundtrip,
    }
    return Pair(task=task, key=key, input_rgb=view.rgb, prompt=prompt, target=target, meta=full)


@dataclass(frozen=True)
class _Options:
    depth_colormap_prob: float
    n_referring: int
    referring_multi: bool
    roundtrip: bool


def _depth_pairs(view, graph, seed, opt):
    s = sub_seed(seed, "depth")
    rng = np.random.default_rng(s)
    cmap = None
    if opt.depth_colormap_prob > 0 and rng.random() < opt.depth_colormap_prob:
        cmap = COLORMAPS[int(rng.integers(len(COLORMAPS)))]
    target, prompt, meta = encode_depth_task(view.depth, s, colormap=cmap)
    rt = metrics.depth_roundtrip(view.depth, decode_depth_task(target, meta), meta) if opt.roundtrip else None
    return [_pair(view, "depth", "", seed, s, prompt, target, meta, rt)]


def _normals_pairs(view, graph, seed, opt):
    s = sub_seed(seed, "normals")
    n = np.asarray(view.normals)
    valid = vector_norm(n.astype(np.float64)) > 1e-6
    target, prompt, meta = encode_normals_task(n, s, valid)
    rt = metrics.normals_roundtrip(n, target, decode_normals(target), valid) if opt.roundtrip else None
    return [_pair(view, "normals", "", seed, s, prompt, target, meta, rt)]


def _semantic_pairs(view, graph, seed, opt):
    s = sub_seed(seed, "semantic")
    target, prompt, meta = encode_semantic(view.semantic, view.class_table, s)
    rt = None
    if opt.roundtrip:
        ious = metrics.label_ious(expected_semantic(np.asarray(view.semantic), meta), decode_semantic(target, meta))
        rt = {"mask_iou_min": round(min(ious.values()), 6) if ious else 1.0}
    return [_pair(view, "semantic", "", seed, s, prompt, target, meta, rt)]


def _class_key(view: RenderedView, class_name: str, index: int) -> str:
    ids = sorted(i for i, n in view.class_table.items() if n == class_name)
    return f"_c{ids[0]:02d}" if ids else f"_x{index:02d}"


def _instance_pairs(view, graph, seed, opt):
    inst = np.asarray(view.instance)
    present = present_ids(inst)
    classes = sorted({view.instance_classes[i] for i in present if i in view.instance_classes})
    min_area = MIN_AREA_FRACTION * inst.size
    out = []
    for k, cls in enumerate(classes):
        s = sub_seed(seed, "instance", k)
        target, prompt, meta = encode_instance(inst, view.instance_classes, cls, s)
        rt = None
        if opt.roundtrip:
            truth = [inst == o["instance_id"] for o in meta["instances"]]
            ious = metrics.match_masks(truth, decode_instance(target, meta))
            big = [v for v, m in zip(ious, truth) if m.sum() >= min_area]
            rt = {"mask_iou_min": round(min(big), 6) if big else 1.0,
                  "mask_iou_mean": round(float(np.mean(ious)), 6) if ious else 1.0,
                  "instances": len(truth), "instances_below_min_area": len(truth) - len(big)}
        out.append(_pair(view, "instance", _class_key(view, cls, k), seed, s, prompt, target, meta, rt))
    return out


def _referring_pairs(view, graph, seed, opt):
    inst = np.asarray(view.instance)
    cands = referable_objects(graph)
    n_ref = len(cands)
    plan = [1] * min(opt.n_referring, n_ref) + ([min(3, n_ref)] if opt.referring_multi and n_ref >= 2 else [])
    used: tuple[int, ...] = ()
    out = []
    for k, n in enumerate(plan):
        s = sub_seed(seed, "referring", k)
        target, prompt, meta = encode_referring(inst, graph, s, n_objects=n, exclude=used if n == 1 else (),
                                                candidates=cands)
        if n == 1:
            used += (meta["objects"][0]["instance_id"],)
        rt = None
        if opt.roundtrip:
            decoded = decode_referring(target, meta)
            ious = [metrics.iou(decoded[o["phrase"]], inst == o["instance_id"]) for o in meta["objects"]]
            rt = {"mask_iou_min": round(min(ious), 6)}
        out.append(_pair(view, "referring", f"_r{k}", seed, s, prompt, target, meta, rt))
    return out


def _check_view(view: RenderedView) -> None:
    """The view's arrays must share one HxW; the RGB must be HxWx3 uint8."""
    rgb = np.asarray(view.rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"view.rgb: expected HxWx3 uint8, got shape {rgb.shape} dtype {rgb.dtype}")
    hw = rgb.shape[:2]
    for name in ("depth", "normals", "instance", "semantic"):
        shape = np.shape(getattr(view, name))
        if tuple(shape[:2]) != hw:
            raise ValueError(f"view.{name}: shape {shape} does not match view.rgb's {hw}")


_BUILDERS = {"depth": _depth_pairs, "normals": _normals_pairs, "semantic": _semantic_pairs,
             "instance": _instance_pairs, "referring": _referring_pairs}


def make_pairs(view: RenderedView, scene_graph: dict, seed: int, tasks: Sequence[str],
               depth_colormap_prob: float = 0.0, n_referring: int = 2, referring_multi: bool = True,
               roundtrip: bool = True) -> list[Pair]:
    """All pairs of ``tasks`` for one view, deterministic given ``seed`` (the per-view seed).

    Instance: one pair per class with a visible instance. Referring: up to ``n_referring`` single-object
    pairs on distinct objects plus, with ``referring_multi``, one multi-object pair (2-3 objects); fewer
    when the view has fewer uniquely describable objects. ``depth_colormap_prob`` is the chance that the
    depth pair uses a named colour map instead of the paper's walk. ``roundtrip=False`` skips decoding
    the targets and leaves ``meta["roundtrip"]`` None (for profiling; datasets should keep the figures)."""
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise ValueError(f"tasks: unknown {unknown}; expected a subset of {TASKS}")
    _check_view(view)
    opt = _Options(float(depth_colormap_prob), int(n_referring), bool(referring_multi), bool(roundtrip))
    out: list[Pair] = []
    for task in tasks:
        out += _BUILDERS[task](view, scene_graph, seed, opt)
    return out
