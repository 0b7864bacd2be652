"""The one way shards are read: tar members grouped into samples by key, raw bytes only (never unpickled).

:func:`tar_members` walks a shard's members once (streaming, or seeking over the data when only headers
are wanted); :func:`iter_samples` groups them into WebDataset samples; ``validate`` and the random-access
reader (:mod:`pipeline.consumers.shard_access`) build on the same walk.
"""

from __future__ import annotations

import tarfile
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from pipeline.shards.storage import Output

FORBIDDEN_SUFFIXES = (".pyd", ".pkl", ".pickle")


def split_member(name: str) -> tuple[str, str]:
    """``key.ext.ext2`` -> (key, ext.ext2), webdataset's rule: the key ends at the first dot of the basename."""
    base = name.rsplit("/", 1)[-1]
    key, _, ext = base.partition(".")
    prefix = name[: len(name) - len(base)]
    return prefix + key, ext


@dataclass
class Member:
    """One tar member: its sample key and extension, header, and data (``None`` when not read: headers
    only, a pickle member, or not a regular file)."""

    key: str
    ext: str
    info: tarfile.TarInfo
    data: bytes | None

    @property
    def regular(self) -> bool:
        return self.info.isfile()

    @property
    def pickle(self) -> bool:
        return self.info.name.endswith(FORBIDDEN_SUFFIXES)


def tar_members(fileobj: BinaryIO, read_data: bool = True) -> Iterator[Member]:
    """Every member of the tar in ``fileobj``, in order. ``read_data=False`` reads headers only and seeks
    over the data (``fileobj`` must be seekable). Pickle members are never read."""
    with tarfile.open(fileobj=fileobj, mode="r|" if read_data else "r:") as tar:
        for info in tar:
            key, ext = split_member(info.name)
            readable = read_data and info.isfile() and not info.name.endswith(FORBIDDEN_SUFFIXES)
            yield Member(key, ext, info, tar.extractfile(info).read() if readable else None)


def iter_samples(output: Output, shard: str):
    """Yield ``{"__key__": key, ext: bytes, ...}`` per sample of ``shard`` in order; pickle members raise."""
    with output.fs.open(output.path(shard), "rb") as f:
        current: dict | None = None
        for m in tar_members(f):
            if not m.regular:
                continue
            if m.pickle:
                raise ValueError(f"{shard}: pickle member {m.info.name} refused")
            if current is None or current["__key__"] != m.key:
                if current is not None:
                    yield current
                current = {"__key__": m.key}
            current[m.ext] = m.data
        if current is not None:
            yield current


def read_members(output: Output, shard: str, keys: set[str]) -> dict[str, dict]:
    """The samples of ``shard`` whose key is in ``keys``."""
    return {s["__key__"]: s for s in iter_samples(output, shard) if s["__key__"] in keys}
