"""The user's asset library in the asset bank: check it, bake what is missing, describe it for scenes.

Runs on the machine that starts the job (where ``assets.root`` is), before anything renders: the
library is checked (:func:`scenes.shared.user_assets.check_library`), models and materials not yet in the bank
are baked in one child process (:mod:`pipeline.render.user_bake`: Blender never loads into the driver,
and an importer that crashes takes only the child down), HDRIs are stored as they are. Render workers
anywhere then read them from the bank like Infinigen assets. Keys are content-addressed (the file's
sha256 and the parameters that change the bake), so renaming an entry or rerunning reuses the bake.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.bank.store import AssetBank, BankEntry, entry_key
from pipeline.config import JobConfig
from pipeline.scratch import remove_scratch, scratch_dir
from pipeline.shards.storage import file_sha256
from scenes.shared.assets import AssetError
from scenes.shared.content import UserContent, UserRef, Variant
from scenes.shared.user_assets import Checked, UserLibrary, check_library, check_size, load_user_library

LIBRARY = "user"  # library_version of user entries
USER_BAKE = 2  # in every user entry's key: bump when pipeline.render.user_bake changes what it writes (2: instancers keep their own mesh)


@dataclass(frozen=True)
class UserItem:
    kind: str  # model, material or hdri
    name: str
    key: str
    job: dict  # what the bake needs (paths on this machine)


def job_library(config: JobConfig) -> UserLibrary:
    """The job's user library (empty without an ``assets`` section and entries)."""
    if config.assets is None:
        library = load_user_library()
        if library:
            from pipeline.errors import ConfigError

            raise ConfigError("user assets are listed in assets_manifest/user_assets.yaml but the config has no "
                              "assets.root to find them under")
        return library
    return load_user_library(config.assets.manifest)


def check_job_library(config: JobConfig) -> Checked:
    """Every check that needs no Blender (before anything is written)."""
    library = job_library(config)
    return check_library(library, config.assets.root if config.assets else ".")


def user_items(checked: Checked) -> list[UserItem]:
    items = []
    for m in checked.library.models:
        params = {"scale": m.scale, "target_size": m.target_size, "front_yaw_deg": m.front_yaw_deg}
        items.append(UserItem("model", m.name, entry_key("user-model", 0, m.sha256.lower(), {**params, "bake": USER_BAKE}),
                              {"kind": "model", "name": m.name, "path": str(checked.files[m.name]), "format": m.format,
                               **params}))
    for mat in checked.library.materials:
        params = {"size_m": mat.size_m, "normal": mat.normal}
        items.append(UserItem("material", mat.name, entry_key("user-material", 0, mat.sha256.lower(), {**params, "bake": USER_BAKE}),
                              {"kind": "material", "name": mat.name,
                               "maps": {r: str(p) for r, p in checked.maps[mat.name].items()}, **params}))
    for h in checked.library.hdris:
        items.append(UserItem("hdri", h.name, entry_key("user-hdri", 0, h.sha256.lower()),
                              {"kind": "hdri", "name": h.name, "path": str(checked.files[h.name])}))
    return items


def build_user_assets(checked: Checked, bank_uri: str) -> dict[str, BankEntry]:
    """Make sure every library entry is in the bank; returns name -> entry. Raises :class:`AssetError`
    naming an entry that cannot be baked or whose baked size is implausible for its class."""
    bank = AssetBank(bank_uri)
    items = user_items(checked)
    have = bank.entries()
    todo = [i for i in items if i.key not in have]
    scratch = Path(scratch_dir("user-bake"))
    try:
        baked = _bake([i for i in todo if i.kind != "hdri"], scratch)
        models = {m.name: m for m in checked.library.models}
        for item in todo:
            if item.kind == "hdri":
                src = Path(item.job["path"])
                local = scratch / f"{item.key}{src.suffix.lower()}"
                shutil.copyfile(src, local)
                entry = BankEntry(key=item.key, factory=f"user:{item.name}", seed=0, library_version=LIBRARY,
                                  size=(0.0, 0.0, 0.0), sha256=file_sha256(local), vertices=0, faces=0, build_s=0.0,
                                  kind="hdri", ext=src.suffix.lower())
            else:
                facts = baked[item.name]
                if item.kind == "model":
                    check_size(models[item.name], max(facts["size"]))
                local = Path(facts["out"])
                entry = BankEntry(key=item.key, factory=f"user:{item.name}", seed=0, library_version=LIBRARY,
                                  size=tuple(facts.get("size", (0.0, 0.0, 0.0))), sha256=file_sha256(local),
                                  vertices=facts.get("vertices", 0), faces=facts.get("faces", 0),
                                  build_s=facts["build_s"], supports=tuple(facts.get("supports", ())),
                                  params={k: v for k, v in item.job.items() if k in ("scale", "target_size",
                                                                                     "front_yaw_deg", "size_m", "normal")},
                                  kind=item.kind)
            bank.publish(entry, local, scratch)
        if todo:
            bank.write_manifest(scratch)
    finally:
        remove_scratch(scratch)
    entries = bank.entries()
    return {i.name: entries[i.key] for i in items}


def _bake(items: list[UserItem], scratch: Path) -> dict[str, dict]:
    """Bake ``items`` in one child process; name -> facts, or :class:`AssetError` for the first failure."""
    if not items:
        return {}
    jobs = [{**i.job, "out": str(scratch / f"{i.key}.blend")} for i in items]
    jobs_file, results_file = scratch / "jobs.json", scratch / "results.json"
    jobs_file.write_text(json.dumps(jobs))
    run = subprocess.run([sys.executable, "-m", "pipeline.render.user_bake", str(jobs_file), str(results_file)],
                         capture_output=True, text=True)
    if not results_file.is_file():
        tail = "\n".join((run.stderr or run.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"baking the user assets failed (exit {run.returncode}):\n{tail}")
    out = {}
    for result in json.loads(results_file.read_text()):
        item, job = next((i, j) for i, j in zip(items, jobs) if i.name == result["name"])
        if "error" in result:
            what = "model" if item.kind == "model" else "material"
            reason = result["error"]
            if "no mesh with faces" in reason:
                reason = f"{Path(item.job.get('path', '')).name} has no faces (only points or edges, or empty)"
            raise AssetError(f"user {what} {item.name!r}: cannot be baked: {reason}")
        out[item.name] = {**result, "out": job["out"]}
    return out


def user_content(checked: Checked, entries: dict[str, BankEntry], config: JobConfig) -> UserContent:
    """The plain-data description scene generators draw user content from."""
    lib = checked.library
    models = tuple(Variant(entries[m.name].key, m.name, m.class_name, (), tuple(entries[m.name].size),
                           tuple(entries[m.name].supports), origin="user", placement=m.placement,
                           families=m.allowed_families) for m in lib.models)
    hdris = tuple(UserRef(h.name, entries[h.name].key, tuple(h.use), tuple(h.strength)) for h in lib.hdris)
    materials = tuple(UserRef(m.name, entries[m.name].key, tuple(m.applies_to)) for m in lib.materials)
    a = config.assets
    return UserContent(models, hdris, materials, a.use_prob, tuple(a.per_scene))
