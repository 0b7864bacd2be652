"""The asset bank's storage: content-addressed ``.blend`` files with a JSON record each.

Layout under the bank root (any fsspec URI, like the shards):
- ``assets/<key>.blend``: one baked asset (:mod:`pipeline.render.asset_build`), or one of the user's
  models or materials (:mod:`pipeline.render.user_bake`); ``assets/<key>.exr|.hdr``: a user HDRI;
- ``entries/<key>.json``: its record (factory, seed, library version, params, size, supports, sha256,
  build seconds), published after the ``.blend``, so a record always names a complete file;
- ``manifest.json``: every record, rewritten after each build.
The key is the sha256 of (bank format, factory, seed, library version, params): a rerun, or another job
pointing at the same bank, finds the same keys and reuses the files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.shards.storage import Output, file_sha256

BANK_FORMAT = 3  # 2: geometry-node instances kept (tree leaves), instance id read from the instancer; 3: stray vertices dropped (a cloth vertex flung km away); bump when the baked file's conventions change (frame, AOVs): old entries get new keys
MANIFEST = "manifest.json"


class BankError(RuntimeError):
    """A bank file that is missing or whose checksum differs; the message names it."""


def entry_key(factory: str, seed: int, library_version: str, params: dict | None = None) -> str:
    blob = json.dumps({"format": BANK_FORMAT, "factory": factory, "seed": seed, "library": library_version,
                       "params": params or {}}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class BankEntry:
    """The record of one baked asset."""

    key: str
    factory: str
    seed: int
    library_version: str
    size: tuple[float, float, float]
    sha256: str
    vertices: int
    faces: int
    build_s: float
    supports: tuple[dict, ...] = ()
    params: dict = field(default_factory=dict)
    stray_vertices_dropped: int = 0
    anchors: dict = field(default_factory=dict)  # a procedural asset's named points, bank frame
    materials: int = 0
    kind: str = "model"  # model (an asset object), material (a user PBR material) or hdri (an environment map)
    ext: str = ".blend"  # of the stored file: .blend, or a user HDRI's .exr / .hdr

    @property
    def file(self) -> str:
        return f"assets/{self.key}{self.ext}"

    @classmethod
    def from_dict(cls, d: dict) -> BankEntry:
        return cls(**{**d, "size": tuple(d["size"]), "supports": tuple(d.get("supports", ()))})


class AssetBank:
    """A bank root; ``cache_dir`` keeps local copies of remote ``.blend`` files (checked by sha256)."""

    def __init__(self, uri: str, cache_dir: str | Path | None = None):
        self.output = Output(uri)
        self.uri = self.output.uri
        self._cache = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "asset-bank-cache"

    def entries(self) -> dict[str, BankEntry]:
        """Every committed record, by key: ``manifest.json`` in one read, plus the records published
        after it was written (one listing, then only those files)."""
        out = {}
        if self.output.exists(MANIFEST):
            out = {d["key"]: BankEntry.from_dict(d) for d in self.output.read_json(MANIFEST)["entries"]}
        for name in self.output.list("entries"):
            if name.endswith(".json") and name[:-5] not in out:
                d = self.output.read_json(f"entries/{name}")
                out[d["key"]] = BankEntry.from_dict(d)
        return out

    def has(self, key: str) -> bool:
        return self.output.exists(f"entries/{key}.json")

    def publish(self, entry: BankEntry, blend: Path, scratch: str | Path) -> None:
        """Publish ``blend`` (the entry's file) under the entry's key, then its record (the commit)."""
        if file_sha256(blend) != entry.sha256:
            raise BankError(f"{blend}: sha256 differs from the entry's")
        self.output.publish_file(blend, entry.file)
        self.output.publish_json(asdict(entry), f"entries/{entry.key}.json", scratch)

    def write_manifest(self, scratch: str | Path) -> dict:
        entries = sorted(self.entries().values(), key=lambda e: (e.factory, e.seed, e.key))
        manifest = {"format": BANK_FORMAT, "entries": [asdict(e) for e in entries]}
        self.output.publish_json(manifest, MANIFEST, scratch)
        return manifest

    def resolver(self) -> Callable[[str], Path]:
        """``key -> local file`` for renderers; records are read once (again for keys added since)."""
        entries = self.entries()

        def resolve(key: str) -> Path:
            if key not in entries:
                entries.update(self.entries())
            if key not in entries:
                raise BankError(f"asset bank {self.uri} has no entry {key}")
            return self.local_file(entries[key])

        return resolve

    def local_file(self, entry: BankEntry) -> Path:
        """A local path of the entry's ``.blend`` (the bank itself when local), checked against its sha256."""
        if self.output.is_local:
            path = Path(self.output.path(entry.file))
            if not path.is_file():
                raise BankError(f"asset bank {self.uri}: {entry.file} ({entry.factory} seed {entry.seed}) is missing")
            return path
        path = self._cache / f"{entry.key}{entry.ext}"
        if not path.is_file():
            self._cache.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".partial-{id(self)}")
            with self.output.fs.open(self.output.path(entry.file), "rb") as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst)
            if file_sha256(tmp) != entry.sha256:
                tmp.unlink()
                raise BankError(f"asset bank {self.uri}: {entry.file} does not match its sha256")
            tmp.replace(path)
        return path
