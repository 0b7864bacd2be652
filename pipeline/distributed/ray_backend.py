"""The Ray boundary: long-lived render actors and the loop that keeps them busy with work units.

Each actor builds Blender once (in its constructor) and then renders many units. An actor that dies
(SIGKILL, node loss) is restarted by Ray; its unit is handed out again, and because a unit's shard
names are fixed and its done-record is written last, a redone unit never duplicates samples.
Nothing outside this module imports ray.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import ray
from ray.exceptions import RayError

from pipeline.config import JobConfig
from pipeline.console import note, verbose
from pipeline.errors import ENVIRONMENT, TRANSIENT, EnvironmentFailure, describe, environment_cause
from pipeline.plan import WorkUnit

log = logging.getLogger(__name__)


@ray.remote
class RenderActor:
    """One render worker process: Blender built once, then unit after unit."""

    def __init__(self, config_dump: dict, out_uri: str, fingerprint: str, threads: int, catalogue=None):
        from pipeline.bank.build import bank_uri
        from pipeline.bank.store import AssetBank
        from pipeline.render.worker import RenderWorker
        from pipeline.console import capture_worker_warnings
        from pipeline.scratch import sweep_stale_scratch

        capture_worker_warnings()
        sweep_stale_scratch()  # what killed workers on this node left behind
        self.config = JobConfig.model_validate(config_dump)
        settings = self.config.render
        if settings.threads == 0:
            settings = settings.model_copy(update={"threads": threads})
        bank = bank_uri(self.config, out_uri)
        self.catalogue = catalogue  # plain data the driver made (pipeline.bank.build.job_catalogue)
        self.worker = RenderWorker(settings, AssetBank(bank).resolver() if self.catalogue is not None else None)
        self.out_uri, self.fingerprint = out_uri, fingerprint

    def run(self, unit: WorkUnit) -> dict:
        """The unit's done-record, or ``{"unit_id", "failure"}`` when it raised (see :mod:`pipeline.errors`);
        with the warnings the worker logged meanwhile (``warnings``: kind -> count)."""
        from pipeline.console import take_worker_warnings
        from pipeline.unit_runner import run_unit

        try:
            result = run_unit(unit, self.config, self.worker, self.out_uri, self.fingerprint, self.catalogue)
        except Exception as exc:  # classified here, where the exception and its traceback still exist
            result = {"unit_id": unit.unit_id, "failure": describe(exc)}
        return {**result, "warnings": take_worker_warnings()}

    def pid(self) -> int:
        return os.getpid()

    def close(self) -> None:
        """Remove the worker's scratch files before the actor is killed (a kill skips clean-up)."""
        self.worker.close()


@ray.remote
class BankActor:
    """One asset-bank builder process: Blender and Infinigen brought up once, then item after item."""

    def __init__(self) -> None:
        from pipeline.console import capture_worker_warnings

        capture_worker_warnings()

    def build(self, items: list, uri: str) -> dict:
        """Bake ``items``; their records and the warnings logged meanwhile."""
        from pipeline.bank.build import build_items
        from pipeline.console import take_worker_warnings

        return {"records": build_items(items, uri), "warnings": take_worker_warnings()}


def build_bank_items(config: JobConfig, items: list, uri: str, on_item: Callable[[dict], None] | None = None
                     ) -> list[dict]:
    """Bake ``items`` into the bank at ``uri`` on up to ``ray.num_workers`` actors, one call per item
    (handed out round-robin in the given order, so slow factories first overlap the rest);
    ``on_item(result)`` as each finishes. Ctrl-C or SIGTERM kills the actors at once."""
    rs = config.ray
    n = max(1, min(rs.num_workers, len(items)))
    actors = [BankActor.options(num_cpus=rs.cpus_per_worker, max_restarts=1).remote() for _ in range(n)]
    pending = [actors[k % n].build.remote([item], uri) for k, item in enumerate(items)]
    records = []
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            try:
                result = ray.get(done[0])
            except RayError as exc:
                cause = environment_cause(exc)
                if cause:
                    raise EnvironmentFailure(_bank_environment_message(cause, uri, len(records), len(items))) from None
                raise
            records += result["records"]
            if on_item is not None:
                on_item(result)
        return records
    finally:
        for actor in actors:
            ray.kill(actor)


def _bank_environment_message(cause: str, uri: str, built: int, total: int) -> str:
    return (f"the asset bank build stopped: {cause}, while writing the bank at {uri}. {built} of {total} "
            f"entries were published and are kept (a half-written file is never left under its name); "
            f"fix the storage (free space, grant write access, set the credentials, create the bucket) "
            f"and run the same command again: it reuses every published entry.")


def connect(address: str | None) -> None:
    """Join the cluster at ``address`` (else ``$RAY_ADDRESS``, which ``ray job submit`` sets), or start a
    private local instance.

    Without an address Ray would join whatever cluster was last announced on this machine
    (``/tmp/ray/ray_current_cluster``), so a local job would share that instance and its driver would
    die when the owner shut it down; ``address="local"`` always starts a fresh one.

    The workers' output (Blender, Infinigen) stays in Ray's per-worker log files, named once on stderr,
    unless ``--verbose`` (:mod:`pipeline.console`); what Ray itself prints while starting (the token
    authentication banner) goes to ``driver-start.log`` there.
    """
    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report or cloud-metadata probes
    loud = verbose()
    with _stderr_to_file() as captured:
        if address:
            ray.init(address=address, log_to_driver=loud)
        else:
            ray.init(address="local", include_dashboard=False, log_to_driver=loud, configure_logging=False)
    logs = logs_dir()
    if logs and captured is not None and captured.exists():
        captured.replace(Path(logs) / "driver-start.log")
    if not loud:
        note(f"worker logs: {logs or 'the Ray cluster session logs'} (--verbose shows them here)")


@contextlib.contextmanager
def _stderr_to_file():
    """Send this process's file descriptor 2 to a temporary file while Ray starts (its C++ core prints
    there); on failure the text is replayed on stderr, so nothing that explains an error is lost."""
    if verbose():
        yield None
        return
    fd, name = tempfile.mkstemp(prefix="ray-start-", suffix=".log")
    saved = os.dup(2)
    sys.stderr.flush()
    os.dup2(fd, 2)
    try:
        yield Path(name)
    except BaseException:
        os.dup2(saved, 2)
        sys.stderr.write(Path(name).read_text(errors="replace"))
        raise
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


def logs_dir() -> str | None:
    """Ray's log folder of this session (per-worker ``worker-*.out``/``.err`` files), if known."""
    node = getattr(ray._private.worker, "_global_node", None)
    try:
        return node.get_logs_dir_path() if node is not None else None
    except Exception:  # a client connection has no local node
        return None


MAX_TASKS_IN_FLIGHT = 1000  # a bound on the driver's object refs; the cluster's queue stays full


def map_tasks(fn: Callable, items: Iterable, address: str | None = None, workers: int | None = None):
    """Yield ``fn(item)`` for every item, each run as a one-CPU Ray task, in the order they finish.

    ``workers`` caps how many run at once (a benchmark's 1 or 2); by default every item is queued (up to
    ``MAX_TASKS_IN_FLIGHT``), so an autoscaling cluster sees the whole demand. A task lost with its
    worker or node is retried by Ray; one that raises re-raises here. Leaving early cancels the rest.
    A Ray connection this call opened (none was open) is closed when it ends.
    """
    started = not ray.is_initialized()
    connect(address)
    task = ray.remote(num_cpus=1, max_retries=3)(fn)
    limit = workers or MAX_TASKS_IN_FLIGHT
    todo = list(items)
    todo.reverse()
    running: list = []
    try:
        while todo or running:
            while todo and len(running) < limit:
                running.append(task.remote(todo.pop()))
            ready, running = ray.wait(running, num_returns=1)
            yield ray.get(ready[0])
    finally:
        for ref in running:
            ray.cancel(ref)
        if started:  # the private instance (or connection) this call made goes with it
            ray.shutdown()


RETRY_BASE_S = 1.0  # a retried unit waits 1, 2, 4 ... seconds (at most RETRY_MAX_S) before it is handed out again
RETRY_MAX_S = 30.0
STOP_GRACE_S = 5.0


def _ray_failure(exc: Exception) -> dict:
    """A Ray-level failure (dead actor or node, lost object) as a failure record: transient, except an
    actor whose constructor raised, which fails the same way on every node."""
    text = str(exc).strip()
    if "creation task" in text:
        return {"kind": ENVIRONMENT, "exception": type(exc).__name__, "message": text,
                "cause": "the render workers cannot start (their constructor raised)", "traceback": text}
    return {"kind": TRANSIENT, "exception": type(exc).__name__, "message": text, "cause": None, "traceback": text}


def run_units(config: JobConfig, units: Iterable[WorkUnit], out_uri: str, fingerprint: str,
              on_done: Callable[[dict], None], on_retry: Callable[[WorkUnit, int, str], None],
              catalogue=None) -> dict:
    """Run ``units`` on ``config.ray.num_workers`` actors; calls ``on_done(record)`` per committed unit.
    ``catalogue``: what scenes draw assets from (:func:`pipeline.bank.build.job_catalogue`).

    Failures, by kind (:mod:`pipeline.errors`): a unit whose actor died, or that raised, goes back to
    the queue after a backoff and is handed to the next free actor; after ``ray.max_unit_retries``
    retries it is quarantined and the job goes on with the other units. An environment failure
    (disk full, no credentials) raises :class:`EnvironmentFailure` at once. A dead actor is only given
    work again once Ray has restarted it and it answers a ping, so a restart that cannot be placed
    (its node is gone) never holds a unit hostage. The actors are killed when this returns or raises
    (Ctrl-C included).
    Returns ``quarantined`` (failure records of the units given up on) and driver-side overheads:
    seconds the driver itself was busy, and per committed unit the mean latency beyond the unit's own
    wall time (scheduling, transfer, result handling).
    """
    rs = config.ray
    pending = list(units)
    result = {"driver_busy_s": 0.0, "dispatch_overhead_s_per_unit": 0.0, "units": 0, "quarantined": []}
    if not pending:
        return result
    threads = max(1, int(rs.cpus_per_worker))
    actors = [
        RenderActor.options(num_cpus=rs.cpus_per_worker, num_gpus=rs.gpus_per_worker, max_restarts=-1)
        .remote(config.model_dump(mode="json"), out_uri, fingerprint, threads, catalogue)
        for _ in range(min(rs.num_workers, len(pending)))
    ]
    attempts: dict[str, int] = {}
    not_before: dict[str, float] = {}  # unit id -> monotonic time its backoff ends
    running: dict = {}  # ref -> (actor index, unit)
    probing: dict = {}  # ref -> actor index
    free = list(range(len(actors)))
    submitted: dict = {}
    lag = 0.0
    busy_since = time.perf_counter()
    try:
        while pending or running:
            now = time.monotonic()
            for unit in [u for u in pending if not_before.get(u.unit_id, 0.0) <= now]:
                if not free:
                    break
                i = free.pop(0)
                pending.remove(unit)
                ref = actors[i].run.remote(unit)
                running[ref] = (i, unit)
                submitted[ref] = time.perf_counter()
            waits = [not_before[u.unit_id] - now for u in pending if u.unit_id in not_before]
            timeout = max(0.05, min(waits)) if waits and free else None
            result["driver_busy_s"] += time.perf_counter() - busy_since
            ready, _ = ray.wait(list(running) + list(probing), num_returns=1, timeout=timeout)
            busy_since = time.perf_counter()
            if not ready:
                continue
            ref = ready[0]
            if ref in probing:
                i = probing.pop(ref)
                try:
                    ray.get(ref)
                    free.append(i)
                except RayError as exc:
                    failure = _ray_failure(exc)
                    if failure["kind"] == ENVIRONMENT:
                        raise EnvironmentFailure(_environment_message(failure, out_uri)) from None
                    probing[actors[i].pid.remote()] = i
                continue
            i, unit = running.pop(ref)
            try:
                record = ray.get(ref)
                failure = record.get("failure")
            except RayError as exc:
                failure = _ray_failure(exc)
                probing[actors[i].pid.remote()] = i
            else:
                free.append(i)
            if failure is None:
                lag += time.perf_counter() - submitted.pop(ref) - record["wall_s"]
                result["units"] += 1
                on_done(record)
                continue
            submitted.pop(ref, None)
            if failure["kind"] == ENVIRONMENT:
                raise EnvironmentFailure(_environment_message(failure, out_uri))
            attempts[unit.unit_id] = attempts.get(unit.unit_id, 0) + 1
            first_line = failure["message"].splitlines()[0] if failure["message"] else ""
            reason = f"{failure['exception']}: {first_line}"
            if attempts[unit.unit_id] > rs.max_unit_retries:
                log.warning("unit %s failed %d times; quarantined (%s)", unit.unit_id, attempts[unit.unit_id], reason)
                result["quarantined"].append({"unit_id": unit.unit_id, "scenes": [t.scene_id for t in unit.scenes],
                                              "attempts": attempts[unit.unit_id], **failure})
                continue
            log.warning("unit %s failed on worker %d (%s); retrying", unit.unit_id, i, reason)
            on_retry(unit, i, reason)
            not_before[unit.unit_id] = time.monotonic() + min(RETRY_BASE_S * 2 ** (attempts[unit.unit_id] - 1),
                                                              RETRY_MAX_S)
            pending.insert(0, unit)
    finally:
        _shut_down(actors, list(running))
    result["driver_busy_s"] += time.perf_counter() - busy_since
    result["dispatch_overhead_s_per_unit"] = lag / max(result["units"], 1)
    return result


def _shut_down(actors: list, running: list) -> None:
    """Cancel the units still running (their own clean-up removes their scratch files), let every actor
    remove its scratch, then kill the actors; each step waits at most ``STOP_GRACE_S`` (a second
    Ctrl-C skips to the kill, and the next run sweeps what is left)."""
    try:
        for ref in running:
            ray.cancel(ref)
        if running:
            ray.wait(running, num_returns=len(running), timeout=STOP_GRACE_S)
        closing = [actor.close.remote() for actor in actors]
        ray.wait(closing, num_returns=len(closing), timeout=STOP_GRACE_S)
    finally:
        for actor in actors:
            ray.kill(actor, no_restart=True)


def _environment_message(failure: dict, out_uri: str) -> str:
    return (f"the job stopped: {failure['cause']}, while writing to {out_uri}. Nothing was re-rendered; "
            f"every unit committed so far is kept. Fix the storage or credentials (free space, grant "
            f"write access, set the credentials, create the bucket) and run the same command again to "
            f"resume.")
