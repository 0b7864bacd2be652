"""Run one work unit end to end: scene spec -> render -> codecs -> shards -> done-record.

This is the whole per-unit data flow, independent of how units are scheduled: the Ray actors call
:func:`run_unit`, and so can a plain loop. A unit commits by publishing its shards and Parquet parts
first and its small done-record last; a unit without a done-record is simply redone.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, replace

import numpy as np

from pipeline.tasks import make_group_pairs, make_pairs, pair_schema
from pipeline.config import JobConfig
from pipeline.errors import SceneRejected
from pipeline.plan import WorkUnit, view_seed
from pipeline.view import VIEW_JSON, View, view_key
from pipeline.scene_graph import build_scene_graph
from pipeline.scene_spec import USER_PREFIX, SceneSpec
from pipeline.shards import layout
from pipeline.schema import conform
from pipeline.shards import index
from pipeline.shards.index import pair_row, view_row, write_rows
from pipeline.shards.storage import Output
from pipeline.shards.writer import ShardSeries
from scenes import get_family
from scenes.shared.content import Catalogue
from scenes.shared.validity import check_cameras, check_view
from pipeline.scratch import remove_scratch, scratch_dir


def render_valid_cameras(renderer, spec: SceneSpec, rules) -> tuple[list[View], list[dict]]:
    """Render the cameras that pass the spec-level check; the others are rejected without rendering.

    Views keep their camera's index in ``spec.cameras``, so keys never depend on which views passed.
    """
    reasons = check_cameras(spec, rules)
    keep = [i for i, r in enumerate(reasons) if r is None]
    rejected = [{"key": view_key(spec.scene_id, i), "reason": r} for i, r in enumerate(reasons) if r]
    if not keep:
        return [], rejected
    if len(keep) == len(spec.cameras):
        return renderer.render_scene(spec), rejected
    views = renderer.render_scene(replace(spec, cameras=tuple(spec.cameras[i] for i in keep)))
    for view, i in zip(views, keep):
        view.view_index = i
    return views, rejected


def camera_group(spec: SceneSpec, view_index: int) -> dict | None:
    """The view group of a camera as the view json records it (None for a view in no group)."""
    cam = spec.cameras[view_index]
    if cam.group < 0:
        return None
    size = sum(1 for c in spec.cameras if c.group == cam.group)
    return {"id": cam.group, "kind": cam.group_kind, "frame": cam.frame, "size": size,
            "baseline_m": cam.baseline_m if cam.group_kind == "stereo" else None}


def group_views(views: list[View]) -> list[list[View]]:
    """The good views of each group with at least two of them, in frame order."""
    groups: dict[int, list[View]] = {}
    for view in views:
        if view.group is not None:
            groups.setdefault(view.group["id"], []).append(view)
    return [sorted(g, key=lambda v: v.group["frame"]) for _, g in sorted(groups.items()) if len(g) >= 2]


def instance_records(view: View, spec: SceneSpec) -> list[dict]:
    """Each visible instance: id, class, and where its geometry came from (``infinigen:<Factory>``,
    ``user:<asset>`` or ``primitive:<generator>``)."""
    sources = {o.instance_id: o.source or f"primitive:{spec.family}" for o in spec.objects}
    return [{"id": k, "class": c, "source": sources[k]} for k, c in sorted(view.instance_classes.items())]


def user_assets_seen(meta: dict, spec: SceneSpec) -> set[str]:
    """Names of the user's assets a view shows: models among its visible instances, the HDRI that lit
    it, and materials on classes it shows."""
    names = {i["source"][len(USER_PREFIX):] for i in meta["instances"] if i["source"].startswith(USER_PREFIX)}
    user_hdri = f"hdri:{USER_PREFIX}"
    if str(meta.get("lighting", "")).startswith(user_hdri):
        names.add(meta["lighting"][len(user_hdri):])
    shown = {c["class"] for c in meta["class_table"]}
    names |= {name for cls, name in spec.extra.get("user_materials", {}).items() if cls in shown}
    return names


def view_meta(view: View, spec: SceneSpec, graph: dict, seed: int) -> dict:
    """The views series' json member (schema :data:`pipeline.view.VIEW_JSON`): camera, scene
    graph and provenance."""
    meta = {
        "key": view.key, "scene_id": spec.scene_id, "family": spec.family, "kind": spec.kind,
        "scene_seed": spec.seed, "view_index": view.view_index, "view_seed": seed,
        "lighting": spec.extra.get("lighting"),
        "intrinsics": view.intrinsics, "cam2world": np.asarray(view.cam2world).tolist(), "group": view.group,
        "class_table": [{"id": k, "class": c} for k, c in sorted(view.class_table.items())],
        "instances": instance_records(view, spec),
        "scene_graph": graph, "timings": view.timings, "extra": json.dumps(spec.extra, sort_keys=True),
        "depth_units": "metres, planar z, +inf = no hit", "normal_frame": "camera: +x right, +y up, +z to viewer",
    }
    return conform(meta, VIEW_JSON, f"view {view.key}")


def run_unit(unit: WorkUnit, config: JobConfig, renderer, out_uri: str, fingerprint: str,
             catalogue: Catalogue | None = None) -> dict:
    """Render, encode and shard every scene of ``unit``; returns the committed done-record.

    ``catalogue``: the asset bank's variants, for families with ``content: infinigen``."""
    t_start = time.perf_counter()
    output = Output(out_uri)
    scratch = scratch_dir(f"unit-{unit.unit_id}")
    caps = dict(max_samples=config.shards.max_samples, max_bytes=config.shards.max_bytes, scratch_dir=scratch)
    views_series = ShardSeries(output, layout.VIEWS, unit.unit_id, **caps)
    pairs_series = ShardSeries(output, layout.PAIRS, unit.unit_id, **caps)
    view_rows, pair_rows, rejected, rejected_scenes = [], [], [], []
    pairs_per_task: Counter = Counter()
    groups: Counter = Counter()  # view-group kind -> groups with at least two good views
    pairs_index = index.pair_schema(pair_schema()["roundtrip"])
    user_assets: Counter = Counter()  # user asset name -> views it appears in
    timings: Counter = Counter()

    def write_pairs(pairs) -> None:
        for pair in pairs:
            placed = pairs_series.write(pair.members(config.shards.input_format, config.shards.jpeg_quality))
            pair_rows.append(pair_row(pair, placed))
            pairs_per_task[pair.task] += 1

    try:
        for task in unit.scenes:
            _, generate = get_family(task.family)
            t0 = time.perf_counter()
            try:
                spec = generate(task.params, task.seed, task.scene_id, catalogue)
            except SceneRejected as exc:  # the seed's scene cannot be made: the same on every try
                rejected_scenes.append({"scene_id": task.scene_id, "reason": str(exc)})
                rejected += [{"key": view_key(task.scene_id, v), "scene_id": task.scene_id,
                              "reason": f"scene rejected: {exc}"}
                             for v in range(task.params.views_rendered)]
                continue
            finally:
                timings["scene_generate"] += time.perf_counter() - t0
            views, camera_rejects = render_valid_cameras(renderer, spec, config.validity)
            rejected += [{**r, "scene_id": task.scene_id} for r in camera_rejects]
            good = []
            for view in views:
                view.group = camera_group(spec, view.view_index)
                for step, secs in view.timings.items():
                    timings[step] += secs
                reason = check_view(view.depth, view.semantic, config.validity)
                if reason:
                    rejected.append({"key": view.key, "scene_id": task.scene_id, "reason": reason})
                    continue
                good.append(view)
                seed = view_seed(task.seed, view.view_index)
                t0 = time.perf_counter()
                graph = build_scene_graph(spec, view)
                pairs = make_pairs(view, graph, seed, config.tasks, max_prompt_tokens=config.prompts.text_budget)
                timings["codec"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                meta = view_meta(view, spec, graph, seed)
                user_assets.update(user_assets_seen(meta, spec))
                placed = views_series.write(view.members(meta))
                view_rows.append(view_row(view, spec, placed))
                write_pairs(pairs)
                timings["write"] += time.perf_counter() - t0
            for group in group_views(good):
                groups[group[0].group["kind"]] += 1
                t0 = time.perf_counter()
                pairs = make_group_pairs(group, view_seed(task.seed, group[0].view_index), config.tasks,
                                         max_prompt_tokens=config.prompts.text_budget)
                timings["codec"] += time.perf_counter() - t0
                t0 = time.perf_counter()
                write_pairs(pairs)
                timings["write"] += time.perf_counter() - t0
        shards = views_series.close() + pairs_series.close()
        write_rows(output, layout.unit_index(unit.unit_id, layout.VIEWS), view_rows, scratch, layout.VIEWS)
        write_rows(output, layout.unit_index(unit.unit_id, layout.PAIRS), pair_rows, scratch, layout.PAIRS,
                   pairs_index)
        left_out = [{**r, "what": "view"} for r in rejected]
        left_out += [{"key": r["scene_id"], "scene_id": r["scene_id"], "what": "scene", "reason": r["reason"]}
                     for r in rejected_scenes]
        write_rows(output, layout.unit_index(unit.unit_id, layout.REJECTED), left_out, scratch, layout.REJECTED)
        record = {
            "unit_id": unit.unit_id, "fingerprint": fingerprint,
            "scenes": [t.scene_id for t in unit.scenes],
            "views": len(view_rows), "pairs": len(pair_rows), "pairs_per_task": dict(pairs_per_task),
            "groups": dict(sorted(groups.items())),
            "rejected": rejected, "rejected_scenes": rejected_scenes, "shards": [asdict(s) for s in shards],
            "user_assets": dict(sorted(user_assets.items())),
            "timings": {k: round(v, 4) for k, v in timings.items()},
            "wall_s": round(time.perf_counter() - t_start, 3),
        }
        _remove_stale_shards(output, unit.unit_id, {s.name for s in shards})
        output.publish_json(record, layout.done_record(unit.unit_id), scratch)
        return record
    except BaseException:
        views_series.abort()
        pairs_series.abort()
        raise
    finally:
        remove_scratch(scratch)


def _remove_stale_shards(output: Output, unit_id: str, keep: set[str]) -> None:
    """Drop shards an earlier, failed attempt of this unit published beyond this attempt's count."""
    for series in layout.SERIES:
        for name in output.list(series):
            rel = f"{series}/{name}"
            if layout.unit_of_shard(rel) == unit_id and rel not in keep:
                output.remove(rel)
