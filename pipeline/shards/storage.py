"""Output storage behind fsspec: local paths, file://, s3://, gs:// ... and atomic publication.

A file becomes visible under its final name only when complete: locally by ``os.replace`` from a
temporary name (``<name>.partial-<random>``) in the same directory, on object stores by a single PUT of
the finished file (a multipart upload for large ones, completed in one call). A publish that fails
removes its temporary file; one that was killed leaves it (or an unfinished multipart upload) for
:meth:`Output.sweep_temporaries`, which every job runs before it starts.
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

from pipeline.errors import EnvironmentFailure


def file_sha256(path: str | Path) -> str:
    """sha256 hex digest of a local file (shards, bank assets, user assets)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


PARTIAL = ".partial-"


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
        """Local folders; object stores have none (and s3fs would create a missing bucket)."""
        if self.is_local:
            self.fs.makedirs(self.path(rel), exist_ok=True)

    def require_bucket(self) -> None:
        """On an object store, fail unless the bucket exists: a job never creates one, since a typo in
        ``--out`` would otherwise make a new bucket and fill it."""
        if self.is_local or not hasattr(self.fs, "split_path"):
            return
        bucket = self.fs.split_path(self.root)[0]
        if not self.fs.exists(bucket):
            raise EnvironmentFailure(f"{self.uri}: the bucket {bucket!r} does not exist, or these credentials "
                                     f"cannot see it. Create it (or fix the credentials) and run the same "
                                     f"command again.")

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

    def read_json_many(self, rels: list[str], batch: int = 256):
        """``(rel, parsed json)`` for every ``rel``, in order, fetched ``batch`` at a time in one
        ``cat`` call (concurrent requests on object stores; a missing file raises FileNotFoundError)."""
        for i in range(0, len(rels), batch):
            part = rels[i: i + batch]
            paths = [self.path(r) for r in part]
            got = self.fs.cat(paths, on_error="raise")
            for rel, path in zip(part, paths):
                yield rel, json.loads(got[path])

    def remove(self, rel: str) -> None:
        if self.exists(rel):
            self.fs.rm(self.path(rel))

    def publish_file(self, local_path: str | Path, rel: str) -> None:
        """Move a finished local file to ``rel`` atomically (never visible half-written)."""
        final = self.path(rel)
        if self.is_local:
            self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
            tmp = f"{final}{PARTIAL}{uuid.uuid4().hex[:8]}"
            try:
                shutil.move(str(local_path), tmp)
                os.replace(tmp, final)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        else:
            self.fs.put_file(str(local_path), final)
            os.remove(local_path)

    def sweep_temporaries(self) -> list[str]:
        """Remove what killed publishes left: local ``*.partial-*`` files, unfinished S3 multipart uploads
        under this root. Call it only while no other process publishes into this root."""
        if self.is_local:
            if not os.path.isdir(self.root):
                return []
            swept = [str(p) for p in Path(self.root).rglob(f"*{PARTIAL}*") if p.is_file()]
            for p in swept:
                Path(p).unlink(missing_ok=True)
            return swept
        if not hasattr(self.fs, "split_path") or not hasattr(self.fs, "call_s3"):  # not S3: nothing stays behind
            return []
        bucket, prefix, _ = self.fs.split_path(self.root)
        swept, page = [], {"Prefix": f"{prefix}/" if prefix else ""}
        while True:
            listing = self.fs.call_s3("list_multipart_uploads", Bucket=bucket, **page)
            for upload in listing.get("Uploads", []):
                self.fs.call_s3("abort_multipart_upload", Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
                swept.append(f"s3://{bucket}/{upload['Key']} (multipart upload {upload['UploadId']})")
            if not listing.get("IsTruncated"):
                return swept
            page.update(KeyMarker=listing["NextKeyMarker"], UploadIdMarker=listing["NextUploadIdMarker"])

    def publish_bytes(self, data: bytes, rel: str, scratch_dir: str | Path) -> None:
        scratch = Path(scratch_dir) / f"blob-{uuid.uuid4().hex}"
        scratch.write_bytes(data)
        self.publish_file(scratch, rel)

    def publish_json(self, obj, rel: str, scratch_dir: str | Path) -> None:
        self.publish_bytes(json.dumps(obj, indent=1, sort_keys=True).encode(), rel, scratch_dir)
