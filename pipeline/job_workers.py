"""What a render job runs on each Ray actor: Blender built once, then work unit after work unit.

:func:`pipeline.job.render_job` hands :func:`unit_worker`'s factory to
:func:`pipeline.distributed.ray_backend.run_on_actors`, which pickles it to the actors and knows nothing
of what it builds; the factory carries plain data only (the config as JSON, the catalogue). A unit
handed out again after its actor died never duplicates samples: its shard names are fixed and its
done-record is written last.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from pipeline.config import JobConfig
from pipeline.plan import WorkUnit
from pipeline.scratch import sweep_stale_scratch


class UnitWorker:
    """One render worker process's Blender renderer and the job it renders units of."""

    def __init__(self, config_dump: dict, out_uri: str, fingerprint: str, threads: int, catalogue=None):
        from pipeline.bank.build import bank_uri
        from pipeline.bank.store import AssetBank
        from pipeline.render.worker import RenderWorker

        sweep_stale_scratch()  # what killed workers on this node left behind
        self.config = JobConfig.model_validate(config_dump)
        settings = self.config.render
        if settings.threads == 0:
            settings = settings.model_copy(update={"threads": threads})
        bank = bank_uri(self.config, out_uri)
        self.catalogue = catalogue  # plain data the driver made (pipeline.bank.build.job_catalogue)
        self.renderer = RenderWorker(settings, AssetBank(bank).resolver() if self.catalogue is not None else None)
        self.out_uri, self.fingerprint = out_uri, fingerprint

    def run(self, unit: WorkUnit) -> dict:
        """Render and commit ``unit``; its done-record."""
        import pipeline.unit_runner as unit_runner  # looked up per call: tests/fault_hooks.py wraps run_unit

        return unit_runner.run_unit(unit, self.config, self.renderer, self.out_uri, self.fingerprint, self.catalogue)

    def close(self) -> None:
        """Remove the renderer's scratch files."""
        self.renderer.close()


def unit_worker(config: JobConfig, out_uri: str, fingerprint: str, catalogue=None) -> Callable[[], UnitWorker]:
    """A picklable factory of :class:`UnitWorker` for ``config``'s job into ``out_uri``; a renderer with
    ``render.threads: 0`` gets one thread per CPU of its actor (``ray.cpus_per_worker``)."""
    threads = max(1, int(config.ray.cpus_per_worker))
    return functools.partial(UnitWorker, config.model_dump(mode="json"), out_uri, fingerprint, threads, catalogue)


def environment_message(cause: str, out_uri: str) -> str:
    """The paragraph a render job stops with when storage or credentials fail (exit 4)."""
    return (f"the job stopped: {cause}, while writing to {out_uri}. Nothing was re-rendered; "
            f"every unit committed so far is kept. Fix the storage or credentials (free space, grant "
            f"write access, set the credentials, create the bucket) and run the same command again to "
            f"resume.")
