"""The render job driver: plan units, skip the committed ones, run the rest, finish the dataset.

Re-running the same command on the same output resumes: units with a done-record are skipped, and the
manifest is written only once every planned unit has committed, so every planned sample ends up in
the dataset exactly once.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections import Counter

from pipeline.bank.build import bank_uri, build_bank, job_catalogue
from pipeline.bank.user import build_user_assets, check_job_library, user_content
from pipeline.bank.plan import bank_items
from pipeline.config import JobConfig
from pipeline.console import stage_bar, warning_summary
from pipeline.errors import BadInput, JobInterrupted, UnitsQuarantined, sigterm_as_interrupt
from pipeline.job_workers import environment_message, unit_worker
from pipeline.plan import config_fingerprint, plan_units, plan_views
from pipeline.shards import layout
from pipeline.dataset_format import describe
from pipeline.shards.manifest import finalize
from pipeline.shards.storage import Output
from pipeline.scratch import remove_scratch, scratch_dir, sweep_stale_scratch

log = logging.getLogger(__name__)


class OutputConflict(BadInput):
    """The output location holds something this job must not touch or mix with."""


def prepare_output(output: Output, config: JobConfig, fingerprint: str, overwrite: bool) -> None:
    """Make sure ``output`` is empty, or holds this very job (resume), or may be cleared."""
    output.require_bucket()
    existing = output.list("")
    if existing and overwrite:
        if layout.JOB not in existing and layout.MANIFEST not in existing:
            raise OutputConflict(f"{output.uri}: --overwrite refused: the folder is not empty and holds no "
                                 f"dataset of this pipeline ({', '.join(existing[:5])} ...)")
        for name in existing:  # the asset bank is content-addressed: always safe, and slow, to keep
            if name != layout.BANK:
                output.fs.rm(output.path(name), recursive=True)
        existing = []
    existing = [name for name in existing if name != layout.BANK]
    if existing:
        if layout.JOB not in existing:
            raise OutputConflict(f"{output.uri}: output folder is not empty and holds no job of this pipeline")
        previous = output.read_json(layout.JOB)
        if previous.get("fingerprint") != fingerprint:
            raise OutputConflict(f"{output.uri}: holds a different job (config fingerprint "
                                 f"{previous.get('fingerprint')} != {fingerprint}); use another --out or --overwrite")
        return
    output.makedirs("")
    with tempfile.TemporaryDirectory() as scratch:
        output.publish_json({"fingerprint": fingerprint, "config": config.model_dump(mode="json")},
                            layout.JOB, scratch)


def render_job(config: JobConfig, out_uri: str, overwrite: bool = False, address: str | None = None,
               progress: bool = True) -> dict:
    """Run (or resume) the job described by ``config`` into ``out_uri``; returns the manifest."""
    from pipeline.distributed import ray_backend

    checked = check_job_library(config)  # the user's assets, before anything renders or is written
    output = Output(out_uri)
    fingerprint = config_fingerprint(config)
    prepare_output(output, config, fingerprint, overwrite)
    litter = output.sweep_temporaries() + sweep_stale_scratch()
    if litter:
        log.info("removed %d temporary files a killed run left behind", len(litter))
    units = plan_units(config)
    done_ids = {u.unit_id for u in units if output.exists(layout.done_record(u.unit_id))}
    pending = [u for u in units if u.unit_id not in done_ids]
    log.info("%d units planned, %d already committed, %d to run", len(units), len(done_ids), len(pending))
    if not pending and output.exists(layout.MANIFEST):
        return output.read_json(layout.MANIFEST)

    bank_stats = {}
    user = None
    if pending and bank_items(config):
        bank_stats = build_bank(config, bank_uri(config, out_uri), address=address, progress=progress)
        log.info("asset bank: %s", bank_stats)
    if pending and checked.library:
        entries = build_user_assets(checked, bank_uri(config, out_uri))
        user = user_content(checked, entries, config)
    catalogue = job_catalogue(config, bank_uri(config, out_uri), user) if pending else None
    planned_views = sum(len(plan_views(u)) for u in units)
    done_views = sum(len(plan_views(u)) for u in units if u.unit_id in done_ids)
    stats: Counter = Counter()
    retries: Counter = Counter()
    worker_retries: Counter = Counter()
    t0 = time.perf_counter()
    bar = stage_bar("render", planned_views, initial=done_views, unit="view", enabled=progress)
    warnings: Counter = Counter(bank_stats.get("warnings", {}))

    def on_done(unit, record: dict, worker_warnings: dict) -> None:
        warnings.update(worker_warnings)
        stats["views"] += record["views"]
        stats["pairs"] += record["pairs"]
        stats["rejected"] += len(record["rejected"])
        stats["unit_wall_s"] += record["wall_s"]
        bar.set_postfix(pairs=stats["pairs"], rejected=stats["rejected"], retries=sum(retries.values()))
        bar.update(record["views"] + len(record["rejected"]))

    def on_retry(unit, worker: int, reason: str) -> None:
        retries[unit.unit_id] += 1
        worker_retries[f"worker{worker}"] += 1
        bar.write(f"unit {unit.unit_id} failed on worker {worker} ({reason}); retrying")

    overhead: dict = {}
    try:
        if pending:
            ray_backend.connect(address if address is not None else config.ray.address)
            rs = config.ray
            with sigterm_as_interrupt():
                overhead = ray_backend.run_on_actors(
                    unit_worker(config, out_uri, fingerprint, catalogue), pending, workers=rs.num_workers,
                    cpus=rs.cpus_per_worker, gpus=rs.gpus_per_worker, role="render", retries=rs.max_unit_retries,
                    environment_message=lambda cause: environment_message(cause, out_uri),
                    on_done=on_done, on_retry=on_retry, key=lambda unit: unit.unit_id)
    except KeyboardInterrupt:
        committed = sum(output.exists(layout.done_record(u.unit_id)) for u in units)
        raise JobInterrupted(f"interrupted: {committed} of {len(units)} units are committed in {out_uri}; "
                             f"nothing half-written is left") from None
    finally:
        bar.close()
    quarantined = [{"unit_id": q["item"].unit_id, "scenes": [t.scene_id for t in q["item"].scenes],
                    "attempts": q["attempts"], **q["failure"]} for q in overhead.get("quarantined", [])]
    if quarantined:
        report = failure_report(output, config, quarantined)
        raise UnitsQuarantined(
            f"{len(quarantined)} of {len(units)} units failed on every try and were quarantined; "
            f"every other unit is committed. The failure report (units, scenes, exception, traceback) is "
            f"{report}. Run the same command again to retry only those units.",
            report, [f["unit_id"] for f in quarantined])
    wall = time.perf_counter() - t0
    run_stats = {
        "wall_s": round(wall, 2), "units_run": len(pending), "units_resumed": len(done_ids),
        "retries": dict(retries), "worker_retries": dict(worker_retries), "views_this_run": stats["views"], "pairs_this_run": stats["pairs"],
        "rejected_this_run": stats["rejected"],
        "driver_busy_s": round(overhead.get("driver_busy_s", 0.0), 3),
        "dispatch_overhead_s_per_unit": round(overhead.get("dispatch_overhead_s_per_unit", 0.0), 4),
        "core_s_per_view": round(stats["unit_wall_s"] * config.ray.cpus_per_worker / max(stats["views"], 1), 3),
        "asset_bank": bank_stats,
        "warnings": dict(warnings.most_common()),
        "worker_logs": ray_backend.logs_dir() if pending else None,
    }
    scratch = scratch_dir("finalize")
    try:
        with stage_bar("finalize", len(units), unit="unit", enabled=progress) as fbar:
            manifest = finalize(output, config.model_dump(mode="json"), fingerprint,
                                [u.unit_id for u in units], scratch,
                                describe(config.shards.input_format, list(config.tasks)), run_stats,
                                checked.library.licences(),
                                on_record=lambda: fbar.update(1))
    finally:
        remove_scratch(scratch)
    output.remove(layout.FAILURE_REPORT)  # its units have all committed now
    return manifest


def failure_report(output: Output, config: JobConfig, quarantined: list[dict]) -> str:
    """Publish the quarantined units' failures (unit, scenes, exception, traceback); returns its URI."""
    report = {"job": config.name, "written_unix": int(time.time()), "quarantined_units": quarantined,
              "retries_per_unit": config.ray.max_unit_retries,
              "what_next": "run the same command again: committed units are skipped and only these are "
                           "retried. If a unit keeps failing, the traceback says why; see the README, "
                           "'Running large jobs'."}
    scratch = scratch_dir("failure-report")
    try:
        output.publish_json(report, layout.FAILURE_REPORT, scratch)
    finally:
        remove_scratch(scratch)
    return output.url(layout.FAILURE_REPORT)


def summary_text(manifest: dict, out_uri: str) -> str:
    c = manifest["counts"]
    lines = [
        f"dataset {manifest['name']} at {out_uri}",
        f"  scenes {c['scenes']} (rejected {c.get('rejected_scenes', 0)}), views {c['views']} "
        f"(rejected {c['rejected_views']}), pairs {c['pairs']}",
        "  pairs per task: " + json.dumps(c["pairs_per_task"]),
        f"  shards: {len(manifest['series']['views'])} views, {len(manifest['series']['pairs'])} pairs",
    ]
    run = manifest.get("run") or {}
    if run:
        lines.append(f"  wall {run.get('wall_s')} s, core-seconds per view {run.get('core_s_per_view')}, "
                     f"retries {sum(run.get('retries', {}).values())}")
        warned = warning_summary(Counter(run.get("warnings", {})), run.get("worker_logs"))
        if warned:
            lines.append(warned)
    return "\n".join(lines)
