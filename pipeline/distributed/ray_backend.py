"""The Ray boundary: a connection, a parallel map of plain tasks, and pools of long-lived actors that run
the work items they are given.

A pool's actors each build the caller's worker once (``make_worker()``, a picklable factory: Blender,
say) and then run item after item on it (``worker.run(item)``; ``worker.close()`` before the actor is
killed). What a worker is, what an item means and what its result holds is the caller's business
(:mod:`pipeline.job_workers`, :mod:`pipeline.bank.build`); this module knows only how to keep actors
busy, retry, quarantine, and stop. An actor that dies (SIGKILL, node loss) is restarted by Ray and its
item is handed out again. Nothing outside this module imports ray.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, Protocol

import ray
from ray.exceptions import RayError

from pipeline.console import capture_worker_warnings, note, take_worker_warnings, verbose
from pipeline.errors import ENVIRONMENT, TRANSIENT, EnvironmentFailure, describe, environment_cause

log = logging.getLogger(__name__)


class Worker(Protocol):
    """What a pool's actor hosts: built once per actor, then ``run`` item after item."""

    def run(self, item: Any) -> Any: ...

    def close(self) -> None: ...


class _Host:
    """One actor process: the warnings it logs counted, the caller's worker built once, then item after item."""

    def __init__(self, make_worker: Callable[[], Worker]) -> None:
        capture_worker_warnings()
        self.worker = make_worker()

    def run(self, item) -> dict:
        """``{"value": worker.run(item), "run_s": its seconds}``, or ``{"failure": ...}`` when it raised (see
        :mod:`pipeline.errors`); with the warnings the worker logged meanwhile (``warnings``: kind -> count)."""
        t0 = time.perf_counter()
        try:
            out = {"value": self.worker.run(item), "run_s": time.perf_counter() - t0}
        except Exception as exc:  # classified here, where the exception and its traceback still exist
            out = {"failure": describe(exc)}
        return {**out, "warnings": take_worker_warnings()}

    def run_or_raise(self, item) -> dict:
        """``{"value": worker.run(item), "warnings": ...}``; an exception reaches the driver as a Ray error."""
        return {"value": self.worker.run(item), "warnings": take_worker_warnings()}

    def pid(self) -> int:
        return os.getpid()

    def close(self) -> None:
        """Let the worker remove its scratch files before the actor is killed (a kill skips clean-up)."""
        self.worker.close()


@functools.cache
def _actor_class(role: str):
    """The actor class of workers of ``role``, named after it (``render`` -> ``RenderActor``) so that
    ``ray list actors``, the dashboard and process titles tell the pools apart."""
    name = f"{role.title()}Actor"
    return ray.remote(type(name, (_Host,), {"__module__": __name__, "__qualname__": name, "__doc__": _Host.__doc__}))


def map_on_actors(make_worker: Callable[[], Worker], items: list, *, workers: int, cpus: float, role: str,
                  environment_message: Callable[[str], str],
                  on_result: Callable[[Any, dict], None] | None = None) -> list:
    """``worker.run(item)`` for every item on up to ``workers`` actors of ``cpus`` CPUs each, one call per
    item, handed out round-robin in the given order (so slow items first overlap the rest); returns the
    results in the order they finished and calls ``on_result(result, warnings)`` as each does.

    Fails fast: an item that raises stops the map with that error, except a storage or credentials
    failure (:func:`pipeline.errors.environment_cause`), which raises :class:`EnvironmentFailure` with
    ``environment_message(cause)``. Ctrl-C or SIGTERM kills the actors at once.
    """
    n = max(1, min(workers, len(items)))
    actors = [_actor_class(role).options(num_cpus=cpus, max_restarts=1).remote(make_worker) for _ in range(n)]
    pending = [actors[k % n].run_or_raise.remote(item) for k, item in enumerate(items)]
    results = []
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            try:
                out = ray.get(done[0])
            except RayError as exc:
                cause = environment_cause(exc)
                if cause:
                    raise EnvironmentFailure(environment_message(cause)) from None
                raise
            results.append(out["value"])
            if on_result is not None:
                on_result(out["value"], out["warnings"])
        return results
    finally:
        for actor in actors:
            ray.kill(actor)


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


RETRY_BASE_S = 1.0  # a retried item waits 1, 2, 4 ... seconds (at most RETRY_MAX_S) before it is handed out again
RETRY_MAX_S = 30.0
STOP_GRACE_S = 5.0


def _ray_failure(exc: Exception, role: str) -> dict:
    """A Ray-level failure (dead actor or node, lost object) as a failure record: transient, except an
    actor whose constructor raised, which fails the same way on every node."""
    text = str(exc).strip()
    if "creation task" in text:
        return {"kind": ENVIRONMENT, "exception": type(exc).__name__, "message": text,
                "cause": f"the {role} workers cannot start (their constructor raised)", "traceback": text}
    return {"kind": TRANSIENT, "exception": type(exc).__name__, "message": text, "cause": None, "traceback": text}


def run_on_actors(make_worker: Callable[[], Worker], items: Iterable, *, workers: int, cpus: float,
                  gpus: float = 0, role: str, retries: int, environment_message: Callable[[str], str],
                  on_done: Callable[[Any, Any, dict], None],
                  on_retry: Callable[[Any, int, str], None] | None = None,
                  key: Callable[[Any], Hashable] = str) -> dict:
    """Run ``worker.run(item)`` for every item on ``min(workers, len(items))`` actors of ``cpus`` CPUs and
    ``gpus`` GPUs each (actor class ``<Role>Actor``); calls ``on_done(item, result, warnings)`` per item
    that succeeded, with the warnings its worker logged meanwhile. ``key(item)`` names an item in logs
    and tells items apart.

    Failures, by kind (:mod:`pipeline.errors`): an item whose actor died, or that raised, goes back to
    the queue after a backoff (``on_retry(item, actor index, reason)``) and is handed to the next free
    actor; after ``retries`` retries it is quarantined and the others go on. An environment failure
    (disk full, no credentials, an actor constructor that raises) raises :class:`EnvironmentFailure`
    with ``environment_message(cause)`` at once. A dead actor is only given work again once Ray has
    restarted it and it answers a ping, so a restart that cannot be placed (its node is gone) never
    holds an item hostage. The actors close their workers and are killed when this returns or raises
    (Ctrl-C included).
    Returns ``quarantined`` (per item given up on: ``item``, ``attempts`` and its last ``failure``
    record), ``units`` (items done) and driver-side overheads: seconds the driver itself was busy, and
    per item done the mean latency beyond its ``worker.run`` (scheduling, transfer, result handling).
    """
    pending = list(items)
    result = {"driver_busy_s": 0.0, "dispatch_overhead_s_per_unit": 0.0, "units": 0, "quarantined": []}
    if not pending:
        return result
    actors = [_actor_class(role).options(num_cpus=cpus, num_gpus=gpus, max_restarts=-1).remote(make_worker)
              for _ in range(min(workers, len(pending)))]
    attempts: dict = {}
    not_before: dict = {}  # item key -> monotonic time its backoff ends
    running: dict = {}  # ref -> (actor index, item)
    probing: dict = {}  # ref -> actor index
    free = list(range(len(actors)))
    submitted: dict = {}
    lag = 0.0
    busy_since = time.perf_counter()
    try:
        while pending or running:
            now = time.monotonic()
            for item in [it for it in pending if not_before.get(key(it), 0.0) <= now]:
                if not free:
                    break
                i = free.pop(0)
                pending.remove(item)
                ref = actors[i].run.remote(item)
                running[ref] = (i, item)
                submitted[ref] = time.perf_counter()
            waits = [not_before[key(it)] - now for it in pending if key(it) in not_before]
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
                    failure = _ray_failure(exc, role)
                    if failure["kind"] == ENVIRONMENT:
                        raise EnvironmentFailure(environment_message(failure["cause"])) from None
                    probing[actors[i].pid.remote()] = i
                continue
            i, item = running.pop(ref)
            try:
                out = ray.get(ref)
                failure = out.get("failure")
            except RayError as exc:
                failure = _ray_failure(exc, role)
                probing[actors[i].pid.remote()] = i
            else:
                free.append(i)
            if failure is None:
                lag += time.perf_counter() - submitted.pop(ref) - out["run_s"]
                result["units"] += 1
                on_done(item, out["value"], out["warnings"])
                continue
            submitted.pop(ref, None)
            if failure["kind"] == ENVIRONMENT:
                raise EnvironmentFailure(environment_message(failure["cause"]))
            k = key(item)
            attempts[k] = attempts.get(k, 0) + 1
            first_line = failure["message"].splitlines()[0] if failure["message"] else ""
            reason = f"{failure['exception']}: {first_line}"
            if attempts[k] > retries:
                log.warning("unit %s failed %d times; quarantined (%s)", k, attempts[k], reason)
                result["quarantined"].append({"item": item, "attempts": attempts[k], "failure": failure})
                continue
            log.warning("unit %s failed on worker %d (%s); retrying", k, i, reason)
            if on_retry is not None:
                on_retry(item, i, reason)
            not_before[k] = time.monotonic() + min(RETRY_BASE_S * 2 ** (attempts[k] - 1), RETRY_MAX_S)
            pending.insert(0, item)
    finally:
        _shut_down(actors, list(running))
    result["driver_busy_s"] += time.perf_counter() - busy_since
    result["dispatch_overhead_s_per_unit"] = lag / max(result["units"], 1)
    return result


def _shut_down(actors: list, running: list) -> None:
    """Cancel the items still running (their own clean-up removes their scratch files), let every actor
    close its worker, then kill the actors; each step waits at most ``STOP_GRACE_S`` (a second Ctrl-C
    skips to the kill, and the next run sweeps what is left)."""
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
