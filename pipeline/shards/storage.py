"""Output storage behind fsspec: local paths, file://, s3://, gs:// ... and atomic publication.

A file becomes visible under its final name only when complete: locally by ``os.replace`` from a
temporary name in the same directory, on object stores by a single PUT of the finished file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

import fsspec
from fsspec.implementations.local import LocalFileSystem


def file_sha256(path: str | Path) -> str:
    """sha256 hex digest of a local file (shards, bank assets, user assets)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class Output:
    """A dataset root on some filesystem, addressed by relative paths such as ``pairs/x.tar``."""

    def __init__(self, uri: str):
        self.uri = str(uri)
        self.fs, root = fsspec.core.url_to_fs(self.uri)
        self.root = root.rstrip("/")
        self.is_local = isinstance(self.fs, LocalFileSystem)

    def path(self, rel: str) -> str:
        return f"{self.root}/{rel}"

    def url(self, rel: str) -> str:
        """A URL plain webdataset/fsspec can open for ``rel``."""
        if self.is_local:
            return self.path(rel)
        return self.fs.unstrip_protocol(self.path(rel))

    def exists(self, rel: str) -> bool:
        return self.fs.exists(self.path(rel))

    def makedirs(self, rel: str) -> None:
        self.fs.makedirs(self.path(rel), exist_ok=True)

    def list(self, rel_dir: str) -> list[str]:
        """Names (not paths) of the entries directly inside ``rel_dir``; empty when it is missing."""
        p = self.path(rel_dir)
        if not self.fs.exists(p):
            return []
        return sorted(Path(e).name for e in self.fs.ls(p, detail=False))

    def read_bytes(self, rel: str) -> bytes:
        return self.fs.cat_file(self.path(rel))

    def read_json(self, rel: str):
        return json.loads(self.read_bytes(rel))

    def remove(self, rel: str) -> None:
        if self.exists(rel):
            self.fs.rm(self.path(rel))

    def publish_file(self, local_path: str | Path, rel: str) -> None:
        """Move a finished local file to ``rel`` atomically (never visible half-written)."""
        final = self.path(rel)
        self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        if self.is_local:
            tmp = f"{final}.partial-{uuid.uuid4().hex[:8]}"
            shutil.move(str(local_path), tmp)
            os.replace(tmp, final)
        else:
            self.fs.put_file(str(local_path), final)
            os.remove(local_path)

    def publish_bytes(self, data: bytes, rel: str, scratch_dir: str | Path) -> None:
        scratch = Path(scratch_dir) / f"blob-{uuid.uuid4().hex}"
        scratch.write_bytes(data)
        self.publish_file(scratch, rel)

    def publish_json(self, obj, rel: str, scratch_dir: str | Path) -> None:
        self.publish_bytes(json.dumps(obj, indent=1, sort_keys=True).encode(), rel, scratch_dir)
