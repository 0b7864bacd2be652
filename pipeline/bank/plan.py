"""Which bank entries a job needs, and the scene generators' view of them (pure: no Blender, no I/O)."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from pipeline.bank.store import BankEntry, entry_key
from pipeline.config import JobConfig
from pipeline.render.infinigen_boot import MENDED_MODULES
from scenes.shared.assets import PROCEDURAL_PACKAGE, bank_factories
from scenes.shared.content import Catalogue, Variant


log = logging.getLogger(__name__)
MAX_ASSET_M = 50.0  # no factory makes anything larger (trees reach ~20 m); beyond it the bake went wrong


SHARED_FACTORY_MODULES = ("__init__", "base", "mesh", "surfaces")  # every procedural factory builds on these


def library_version(origin: str = "infinigen", module: str = "") -> str:
    """What made a bank entry, part of its key: the installed Infinigen version (plus the tag of our
    mend when ``module`` is one :data:`~pipeline.render.infinigen_boot.MENDED_MODULES` names), or for
    one of our procedural factories a hash of its module's source and the shared helpers', so editing
    a factory gives its entries (and only its) new keys."""
    if origin == "infinigen":
        mend = MENDED_MODULES.get(module)
        return version("infinigen") + (f"+{mend}" if mend else "")
    return _procedural_version(module)


@lru_cache(maxsize=None)
def _procedural_version(module: str) -> str:
    root = Path(importlib.util.find_spec(PROCEDURAL_PACKAGE).origin).parent
    digest = hashlib.sha256()
    for name in (*SHARED_FACTORY_MODULES, module):
        digest.update(name.encode() + b"\0" + (root / f"{name}.py").read_bytes())
    return f"procedural-{digest.hexdigest()[:16]}"


def factory_library(f) -> str:
    """:func:`library_version` of manifest factory ``f``."""
    return library_version(f.origin, f.factory.rsplit(".", 1)[0])


@dataclass(frozen=True)
class BankItem:
    """One entry to have in the bank: factory (manifest name), seed and the key they hash to."""

    factory: str
    seed: int
    key: str

    @property
    def import_path(self) -> str:
        return bank_factories()[self.factory].import_path


def infinigen_families(config: JobConfig) -> set[str]:
    """The job's scene families with ``content: infinigen``."""
    return {s.family for s in config.scenes if getattr(s.parsed_params(), "content", None) == "infinigen"}


def bank_items(config: JobConfig) -> list[BankItem]:
    """Entries for every factory a family with ``content: infinigen`` places: seeds 0..n-1, n from
    ``bank.per_factory``, else ``bank.variants`` times the factory's ``variety``. Factory order is the
    manifests' (Infinigen's, then ours)."""
    families = infinigen_families(config)
    items = []
    for name, f in bank_factories().items():
        if families & set(f.families):
            n = config.bank.per_factory.get(name, config.bank.variants * f.variety)
            lib = factory_library(f)
            items += [BankItem(name, seed, entry_key(f.import_path, seed, lib, f.spawn or None)) for seed in range(n)]
    return items


def catalogue(items: list[BankItem], entries: dict[str, BankEntry]) -> Catalogue:
    """The variants scenes draw from: the job's items, in plan order, with their measured facts."""
    factories = bank_factories()
    missing = [f"{i.factory} seed {i.seed}" for i in items if i.key not in entries]
    if missing:
        raise KeyError(f"asset bank lacks {len(missing)} planned entries ({', '.join(missing[:4])} ...); "
                       "build it first: pipeline bank build CONFIG")
    variants = []
    for item in items:
        e, f = entries[item.key], factories[item.factory]
        if max(e.size) > MAX_ASSET_M:  # a broken bake (a cloth vertex flung kilometres away): never placed
            log.warning("asset bank entry %s (%s seed %d) is %s m: left out of the catalogue",
                        item.key[:12], item.factory, item.seed, "x".join(f"{v:.3g}" for v in e.size))
            continue
        supports = _supports(e.supports, f.supports)
        variants.append(Variant(item.key, item.factory, f.class_name, tuple(f.roles), e.size, supports,
                                origin=f.origin, anchors=tuple((k, tuple(v)) for k, v in e.anchors.items())))
    return Catalogue(tuple(variants))


def _supports(measured: tuple[dict, ...], rule: str) -> tuple[dict, ...]:
    if rule == "none" or not measured:
        return ()
    if rule == "top":
        return (max(measured, key=lambda s: s["z"]),)
    if rule == "largest":
        return (max(measured, key=lambda s: s["area"]),)
    return tuple(measured)
