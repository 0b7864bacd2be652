"""Read samples back from a shard with explicit decoding only (raw bytes per member, never unpickled)."""

from __future__ import annotations

import tarfile

from pipeline.shards.storage import Output

FORBIDDEN_SUFFIXES = (".pyd", ".pkl", ".pickle")


def split_member(name: str) -> tuple[str, str]:
    """``key.ext.ext2`` -> (key, ext.ext2), webdataset's rule: the key ends at the first dot of the basename."""
    base = name.rsplit("/", 1)[-1]
    key, _, ext = base.partition(".")
    prefix = name[: len(name) - len(base)]
    return prefix + key, ext


def iter_samples(output: Output, shard: str):
    """Yield ``{"__key__": key, ext: bytes, ...}`` per sample of ``shard`` in order; pickle members raise."""
    with output.fs.open(output.path(shard), "rb") as f, tarfile.open(fileobj=f, mode="r|") as tar:
        current: dict | None = None
        for info in tar:
            if not info.isfile():
                continue
            if info.name.endswith(FORBIDDEN_SUFFIXES):
                raise ValueError(f"{shard}: pickle member {info.name} refused")
            key, ext = split_member(info.name)
            if current is None or current["__key__"] != key:
                if current is not None:
                    yield current
                current = {"__key__": key}
            current[ext] = tar.extractfile(info).read()
        if current is not None:
            yield current


def read_members(output: Output, shard: str, keys: set[str]) -> dict[str, dict]:
    """The samples of ``shard`` whose key is in ``keys``."""
    return {s["__key__"]: s for s in iter_samples(output, shard) if s["__key__"] in keys}
