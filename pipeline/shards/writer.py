"""A series of size-capped WebDataset tar shards, each written locally then published atomically.

Shard names are fixed by the caller (``<series>/<series>-<unit>-<k>.tar``), so a redone work unit
rewrites exactly the same names. Member order, mtimes and owners are fixed, so equal samples give
byte-identical shards (and equal sha256 in the manifest).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import webdataset as wds

from pipeline.shards import layout
from pipeline.shards.storage import Output, file_sha256


@dataclass(frozen=True)
class Placement:
    """Where one sample lies: its shard and the byte range of its tar members (headers included)."""

    shard: str
    offset: int
    size: int


@dataclass
class ShardInfo:
    name: str  # path relative to the dataset root, e.g. "pairs/pairs-u000001-0000.tar"
    count: int
    bytes: int
    sha256: str
    keys: list[str] = field(default_factory=list)


class ShardSeries:
    """Write samples (``{"__key__": ..., "<ext>": bytes}``) into ``series/`` shards of one unit."""

    def __init__(self, output: Output, series: str, unit_id: str, max_samples: int, max_bytes: int,
                 scratch_dir: str | Path | None = None):
        self.output, self.series, self.unit_id = output, series, unit_id
        self.max_samples, self.max_bytes = max_samples, max_bytes
        self.scratch = Path(scratch_dir or tempfile.mkdtemp(prefix="shards-"))
        self.shards: list[ShardInfo] = []
        self._writer: wds.TarWriter | None = None
        self._file = None
        self._current: ShardInfo | None = None
        self._local: Path | None = None

    def shard_name(self, k: int) -> str:
        return layout.shard_name(self.series, self.unit_id, k)

    def write(self, sample: dict) -> Placement:
        """Add one sample; returns where it went (shard name and byte range)."""
        key = sample["__key__"]
        if "." in key:
            raise ValueError(f"sample key {key!r} contains a dot; webdataset splits keys at dots")
        size = sum(len(v) for k, v in sample.items() if k != "__key__")
        cur = self._current
        if cur is not None and (cur.count >= self.max_samples or (cur.count and cur.bytes + size > self.max_bytes)):
            self._finish()
        if self._current is None:
            self._open()
        start = self._writer.tarstream.offset
        self._writer.write(sample)
        end = self._writer.tarstream.offset
        self._current.count += 1
        self._current.bytes += size
        self._current.keys.append(key)
        return Placement(self._current.name, start, end - start)

    def _open(self) -> None:
        name = self.shard_name(len(self.shards))
        self._local = self.scratch / Path(name).name
        self._file = open(self._local, "wb")
        self._writer = wds.TarWriter(self._file, encoder=False, mtime=0, user="", group="")
        self._current = ShardInfo(name, 0, 0, "")

    def _finish(self) -> None:
        self._writer.close()
        self._file.close()
        info = self._current
        info.bytes = self._local.stat().st_size
        info.sha256 = file_sha256(self._local)
        self.output.publish_file(self._local, info.name)
        self.shards.append(info)
        self._writer = self._file = self._current = self._local = None

    def close(self) -> list[ShardInfo]:
        """Publish the open shard (if any) and return every shard of this series."""
        if self._current is not None:
            self._finish()
        return self.shards

    def abort(self) -> None:
        """Drop the shard being written without publishing it."""
        if self._writer is not None:
            self._writer.close()
            self._file.close()
            self._local.unlink(missing_ok=True)
        self._writer = self._file = self._current = self._local = None
