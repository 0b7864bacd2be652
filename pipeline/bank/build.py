"""Build the asset bank a job needs: plan its entries, bake the missing ones, write the manifest.

``build_bank`` runs before rendering (``pipeline render``) or on its own (``pipeline bank build``).
Baking runs on Ray actors (one Blender per actor, items spread over them, slow factories first) or,
with ``use_ray=False``, in this process. Entries already in the bank are reused, never rebuilt.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pipeline.bank.plan import BankItem, bank_items, catalogue, factory_library, infinigen_families
from pipeline.bank.store import AssetBank, BankEntry
from pipeline.config import JobConfig
from pipeline.console import stage_bar
from pipeline.errors import JobInterrupted, sigterm_as_interrupt
from pipeline.shards import layout
from pipeline.shards.storage import file_sha256
from scenes.shared.assets import bank_factories
from scenes.shared.content import Catalogue, UserContent
from pipeline.scratch import remove_scratch, scratch_dir

log = logging.getLogger(__name__)


def bank_uri(config: JobConfig, out_uri: str) -> str:
    """The job's bank: ``bank.uri``, else ``<out>/bank``."""
    return config.bank.uri or f"{str(out_uri).rstrip('/')}/{layout.BANK}"


def build_items(items: list[BankItem], uri: str, on_item: Callable[[dict], None] | None = None) -> list[dict]:
    """Bake ``items`` in this process (Blender comes up on first use) and publish each; returns records
    (``on_item(result)`` after each, as the Ray path reports them)."""
    from pipeline.render.asset_build import build_asset

    bank = AssetBank(uri)
    factories = bank_factories()
    done = []
    scratch = Path(scratch_dir("bank-build"))
    try:
        for item in items:
            if bank.has(item.key):
                continue
            blend = scratch / f"{item.key}.blend"
            f = factories[item.factory]
            facts = build_asset(item.import_path, item.seed, f.front_yaw, blend, f.spawn)
            entry = BankEntry(key=item.key, factory=item.factory, seed=item.seed,
                              library_version=factory_library(f),
                              size=tuple(facts["size"]), sha256=file_sha256(blend), vertices=facts["vertices"],
                              faces=facts["faces"], build_s=facts["build_s"], supports=tuple(facts["supports"]),
                              stray_vertices_dropped=facts["stray_vertices_dropped"],
                              params=dict(f.spawn), anchors=facts["anchors"], materials=facts["materials"])
            bank.publish(entry, blend, scratch)
            done.append({"factory": item.factory, "seed": item.seed, "build_s": facts["build_s"]})
            if on_item is not None:
                on_item({"records": done[-1:], "warnings": {}})
    finally:
        remove_scratch(scratch)
    return done


class BankBuilder:
    """One asset-bank builder process (a Ray actor's worker): Blender and Infinigen come up on first
    use, then item after item."""

    def __init__(self, uri: str) -> None:
        self.uri = uri

    def run(self, item: BankItem) -> list[dict]:
        """Bake ``item`` into the bank unless it is there; its records (:func:`build_items`)."""
        return build_items([item], self.uri)

    def close(self) -> None:
        """Nothing to remove: :func:`build_items` removes its scratch as it returns."""


def build_bank(config: JobConfig, uri: str, use_ray: bool = True, address: str | None = None,
               progress: bool = True) -> dict:
    """Make sure every entry ``config`` needs is in the bank at ``uri``; returns build statistics
    (``warnings``: what the builders logged, kind -> count).

    Ctrl-C or SIGTERM stops the builders within seconds (:class:`JobInterrupted`, exit 130); entries
    published so far are kept and a rerun reuses them. A full disk or a refused write stops it with
    one paragraph (:class:`pipeline.errors.EnvironmentFailure`, exit 4)."""
    items = bank_items(config)
    bank = AssetBank(uri)
    have = bank.entries()
    todo = [i for i in items if i.key not in have]
    t0 = time.perf_counter()
    built: list[dict] = []
    warnings: Counter = Counter()
    if todo:
        slow = {n for n, f in bank_factories().items() if f.slow}
        todo.sort(key=lambda i: i.factory not in slow)  # slow ones first, so they overlap the rest
        log.info("asset bank %s: %d of %d entries to build", uri, len(todo), len(items))
        bar = stage_bar("bank", len(items), initial=len(items) - len(todo), unit="asset", enabled=progress)

        def on_item(result: dict) -> None:
            built.extend(result["records"])
            warnings.update(result["warnings"])
            for rec in result["records"]:
                bar.set_postfix_str(f"{rec['factory']} {rec['build_s']:.1f} s", refresh=False)
            bar.update(len(result["records"]))

        try:
            if use_ray:
                from pipeline.distributed import ray_backend

                ray_backend.connect(address if address is not None else config.ray.address)
            with sigterm_as_interrupt():  # after Ray starts: it installs its own SIGTERM handler
                if use_ray:
                    ray_backend.map_on_actors(
                        functools.partial(BankBuilder, uri), todo, workers=config.ray.num_workers,
                        cpus=config.ray.cpus_per_worker, role="bank",
                        environment_message=lambda cause: _environment_message(cause, uri, len(built), len(todo)),
                        on_result=lambda records, logged: on_item({"records": records, "warnings": logged}))
                else:
                    build_items(todo, uri, on_item)
        except KeyboardInterrupt:
            published = sum(i.key in bank.entries() for i in todo)
            raise JobInterrupted(f"asset bank build interrupted: {published} of {len(todo)} new entries were "
                                 f"published to {uri} and are kept; a rerun reuses them") from None
        finally:
            bar.close()
    scratch = scratch_dir("bank-manifest")
    try:
        bank.write_manifest(scratch)
    finally:
        remove_scratch(scratch)
    per_factory: dict[str, list[float]] = defaultdict(list)
    for rec in built:
        per_factory[rec["factory"]].append(rec["build_s"])
    return {"uri": uri, "planned": len(items), "reused": len(items) - len(todo), "built": len(built),
            "wall_s": round(time.perf_counter() - t0, 2), "warnings": dict(warnings),
            "build_s_per_factory": {k: round(sum(v) / len(v), 3) for k, v in sorted(per_factory.items())}}


def _environment_message(cause: str, uri: str, built: int, total: int) -> str:
    return (f"the asset bank build stopped: {cause}, while writing the bank at {uri}. {built} of {total} "
            f"entries were published and are kept (a half-written file is never left under its name); "
            f"fix the storage (free space, grant write access, set the credentials, create the bucket) "
            f"and run the same command again: it reuses every published entry.")


def job_catalogue(config: JobConfig, uri: str, user: UserContent | None = None) -> Catalogue | None:
    """The catalogue scenes of this job draw from: the bank's Infinigen variants and the user's content
    (:func:`pipeline.bank.user.user_content`). ``None`` when no family uses Infinigen content and there
    is no user content; no variants when the Infinigen families' factories all have zero variants, so
    they place primitives but keep Infinigen materials."""
    if not infinigen_families(config):
        return Catalogue((), user) if user is not None else None
    items = bank_items(config)
    found = catalogue(items, AssetBank(uri).entries() if items else {})
    return replace(found, user=user) if user is not None else found
