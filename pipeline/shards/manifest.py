"""Finishing a dataset: write the dataset card and ``manifest.json`` last.

The manifest holds the config, code version, counts and the sha256 of every shard. Its presence means
the dataset is complete; tools refuse a root without one. The index needs no merge: every unit wrote
its own Parquet parts under ``index/pairs/``, ``index/views/`` and ``index/rejected/`` when it
committed, so finishing reads one small done-record per unit and nothing that grows with the pairs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from pipeline.shards import layout
from pipeline.shards.card import DatasetFormat, card_text
from pipeline.shards.storage import Output
from pipeline.version import code_version


def task_balance(rates: dict, per_task: Counter, n_views: int, groups: Counter | None = None,
                 group_tasks: dict[str, tuple[str, ...]] | None = None) -> dict:
    """Per task: the pairs per view the config asked for, those realised, and the task's share of pairs.
    A two-view task (``group_tasks``: task -> the group kinds it uses) counts per view group instead:
    ``pairs_per_group`` over the ``groups`` (kind -> groups with two good views) it can use."""
    total, groups, group_tasks = sum(per_task.values()), groups or Counter(), group_tasks or {}
    out = {}
    for task in sorted(set(rates) | set(per_task)):
        share = round(per_task[task] / total, 4) if total else None
        if task in group_tasks:
            n = sum(groups[k] for k in group_tasks[task])
            out[task] = {"pairs_per_group_config": rates.get(task), "groups": n,
                         "pairs_per_group": round(per_task[task] / n, 4) if n else None, "share": share}
        else:
            out[task] = {"pairs_per_view_config": rates.get(task),
                         "pairs_per_view": round(per_task[task] / n_views, 4) if n_views else None, "share": share}
    return out


def finalize(output: Output, config_dump: dict, fingerprint: str, unit_ids: list[str], scratch_dir, fmt: DatasetFormat,
             run_stats: dict | None = None, user_licences: dict[str, dict] | None = None,
             on_record: Callable[[], None] | None = None) -> dict:
    """Publish the card and the manifest from the done-records of ``unit_ids`` (all must exist);
    ``fmt`` says what the series hold (:func:`pipeline.dataset_format.describe`).

    ``user_licences``: name -> {kind, licence, path, sha256} of the user's assets
    (:meth:`scenes.shared.user_assets.UserLibrary.licences`); the manifest credits those that appear in the
    dataset (``user_assets``)."""
    per_task: Counter = Counter()
    groups: Counter = Counter()
    used: Counter = Counter()
    n_views = n_pairs = n_scenes = n_rejected = n_rejected_scenes = 0
    shards = []
    for _, r in output.read_json_many([layout.done_record(u) for u in unit_ids]):  # small records, batched
        per_task.update(r["pairs_per_task"])
        groups.update(r.get("groups", {}))
        n_views, n_pairs, n_scenes = n_views + r["views"], n_pairs + r["pairs"], n_scenes + len(r["scenes"])
        n_rejected += len(r["rejected"])
        n_rejected_scenes += len(r.get("rejected_scenes", ()))
        shards += [{k: s[k] for k in ("name", "count", "bytes", "sha256")} for s in r["shards"]]
        used.update(r.get("user_assets", {}))
        if on_record is not None:
            on_record()
    manifest = {
        "format": "vision-banana-synth/1",
        "name": config_dump["name"], "created_unix": int(time.time()),
        "code_version": code_version(), "codec_version": fmt.codec_version,
        "config": config_dump, "config_fingerprint": fingerprint,
        "counts": {
            "units": len(unit_ids), "scenes": n_scenes,
            "views": n_views, "pairs": n_pairs, "pairs_per_task": dict(sorted(per_task.items())),
            "rejected_views": n_rejected, "rejected_scenes": n_rejected_scenes,
        },
        "task_balance": task_balance(config_dump.get("tasks") or {}, per_task, n_views, groups, fmt.group_tasks),
        "series": {
            series: [s for s in shards if s["name"].startswith(f"{series}/")] for series in layout.SERIES
        },
        "index": dict(layout.INDEX_DIRS),
        "user_assets": [{"name": name, "views": n, **(user_licences or {}).get(name, {"licence": "unknown"})}
                        for name, n in sorted(used.items())],
        "run": run_stats or {},
    }
    output.publish_bytes(card_text(manifest, fmt).encode(), layout.CARD, scratch_dir)
    output.publish_json(manifest, layout.MANIFEST, scratch_dir)
    return manifest
