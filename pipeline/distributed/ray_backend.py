"""The Ray boundary: long-lived render actors and the loop that keeps them busy with work units.

Each actor builds Blender once (in its constructor) and then renders many units. An actor that dies
(SIGKILL, node loss) is restarted by Ray; its unit is handed out again, and because a unit's shard
names are fixed and its done-record is written last, a redone unit never duplicates samples.
Nothing outside this module imports ray.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable

import ray
from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError

from pipeline.config import JobConfig
from pipeline.plan import WorkUnit

log = logging.getLogger(__name__)


class UnitFailed(RuntimeError):
    """A work unit failed more often than ``ray.max_unit_retries`` allows."""


@ray.remote
class RenderActor:
    """One render worker process: Blender built once, then unit after unit."""

    def __init__(self, config_dump: dict, out_uri: str, fingerprint: str, threads: int):
        from pipeline.bank.build import bank_uri, job_catalogue
        from pipeline.bank.store import AssetBank
        from pipeline.render.worker import RenderWorker

        self.config = JobConfig.model_validate(config_dump)
        settings = self.config.render
        if settings.threads == 0:
            settings = settings.model_copy(update={"threads": threads})
        bank = bank_uri(self.config, out_uri)
        self.catalogue = job_catalogue(self.config, bank)
        self.worker = RenderWorker(settings, AssetBank(bank).resolver() if self.catalogue else None)
        self.out_uri, self.fingerprint = out_uri, fingerprint

    def run(self, unit: WorkUnit) -> dict:
        from pipeline.unit_runner import run_unit

        return run_unit(unit, self.config, self.worker, self.out_uri, self.fingerprint, self.catalogue)

    def pid(self) -> int:
        return os.getpid()


@ray.remote
class BankActor:
    """One asset-bank builder process: Blender and Infinigen brought up once, then item after item."""

    def build(self, items: list, uri: str) -> list[dict]:
        from pipeline.bank.build import build_items

        return build_items(items, uri)


def build_bank_items(config: JobConfig, items: list, uri: str) -> list[dict]:
    """Bake ``items`` into the bank at ``uri`` on up to ``ray.num_workers`` actors (round-robin split)."""
    rs = config.ray
    n = max(1, min(rs.num_workers, len(items)))
    actors = [BankActor.options(num_cpus=rs.cpus_per_worker, max_restarts=1).remote() for _ in range(n)]
    refs = [actors[k].build.remote(items[k::n], uri) for k in range(n)]
    try:
        return [rec for part in ray.get(refs) for rec in part]
    finally:
        for actor in actors:
            ray.kill(actor)


def connect(address: str | None) -> None:
    """Join the cluster at ``address`` (else ``$RAY_ADDRESS``, which ``ray job submit`` sets), or start a
    private local instance.

    Without an address Ray would join whatever cluster was last announced on this machine
    (``/tmp/ray/ray_current_cluster``), so a local job would share that instance and its driver would
    die when the owner shut it down; ``address="local"`` always starts a fresh one.
    """
    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report or cloud-metadata probes
    if address:
        ray.init(address=address, log_to_driver=True)
    else:
        ray.init(address="local", include_dashboard=False, log_to_driver=True, configure_logging=False)


def run_units(config: JobConfig, units: Iterable[WorkUnit], out_uri: str, fingerprint: str,
              on_done: Callable[[dict], None], on_retry: Callable[[WorkUnit, int, str], None]) -> dict:
    """Run ``units`` on ``config.ray.num_workers`` actors; calls ``on_done(record)`` per committed unit.

    A unit whose actor dies goes back to the front of the queue and is handed to the next free actor;
    the dead actor is only given work again once Ray has restarted it and it answers a ping, so a
    restart that cannot be placed (its node is gone) never holds a unit hostage.
    Returns driver-side overheads: seconds the driver itself was busy, and per committed unit the mean
    latency beyond the unit's own wall time (scheduling, transfer, result handling).
    """
    rs = config.ray
    pending = list(units)
    overhead = {"driver_busy_s": 0.0, "dispatch_overhead_s_per_unit": 0.0, "units": 0}
    if not pending:
        return overhead
    threads = max(1, int(rs.cpus_per_worker))
    actors = [
        RenderActor.options(num_cpus=rs.cpus_per_worker, num_gpus=rs.gpus_per_worker, max_restarts=-1)
        .remote(config.model_dump(mode="json"), out_uri, fingerprint, threads)
        for _ in range(min(rs.num_workers, len(pending)))
    ]
    attempts: dict[str, int] = {}
    running: dict = {}  # ref -> (actor index, unit)
    probing: dict = {}  # ref -> actor index
    free = list(range(len(actors)))

    submitted: dict = {}
    lag = 0.0
    busy_since = time.perf_counter()
    while pending or running:
        while pending and free:
            i = free.pop(0)
            unit = pending.pop(0)
            ref = actors[i].run.remote(unit)
            running[ref] = (i, unit)
            submitted[ref] = time.perf_counter()
        overhead["driver_busy_s"] += time.perf_counter() - busy_since
        ready, _ = ray.wait(list(running) + list(probing), num_returns=1)
        busy_since = time.perf_counter()
        ref = ready[0]
        if ref in probing:
            i = probing.pop(ref)
            try:
                ray.get(ref)
                free.append(i)
            except (RayActorError, ActorUnavailableError):
                probing[actors[i].pid.remote()] = i
            continue
        i, unit = running.pop(ref)
        try:
            record = ray.get(ref)
        except (RayActorError, ActorDiedError, ActorUnavailableError, ray.exceptions.RayTaskError) as exc:
            attempts[unit.unit_id] = attempts.get(unit.unit_id, 0) + 1
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            reason = f"{type(exc).__name__}: {first_line}"
            if attempts[unit.unit_id] > rs.max_unit_retries:
                raise UnitFailed(f"work unit {unit.unit_id} failed {attempts[unit.unit_id]} times; "
                                 f"last error: {exc}") from None
            log.warning("unit %s failed on worker %d (%s); retrying", unit.unit_id, i, reason)
            on_retry(unit, i, reason)
            pending.insert(0, unit)
            probing[actors[i].pid.remote()] = i
            continue
        free.append(i)
        lag += time.perf_counter() - submitted.pop(ref) - record["wall_s"]
        overhead["units"] += 1
        on_done(record)
    overhead["driver_busy_s"] += time.perf_counter() - busy_since
    overhead["dispatch_overhead_s_per_unit"] = lag / max(overhead["units"], 1)
    return overhead
