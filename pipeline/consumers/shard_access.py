"""Random access to samples inside tar shards by member offsets.

A shard's member headers are scanned once (seeking over the data, so on object stores only headers are
fetched); afterwards one sample costs one seek and read per member instead of streaming the shard up to
it. Members are returned as raw bytes; pickle members are refused when the shard is scanned.
"""

from __future__ import annotations

import tarfile

from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import FORBIDDEN_SUFFIXES, split_member

# key -> member extension -> (data offset, size)
Locations = dict[str, dict[str, tuple[int, int]]]


def member_location(shard: str, info: tarfile.TarInfo, locations: Locations) -> tuple[str, str]:
    """Record where ``info``'s data lies; returns (key, ext). Pickle members raise ValueError."""
    if info.name.endswith(FORBIDDEN_SUFFIXES):
        raise ValueError(f"{shard}: pickle member {info.name} refused")
    key, ext = split_member(info.name)
    locations.setdefault(key, {})[ext] = (info.offset_data, info.size)
    return key, ext


class ShardReader:
    """Read samples of a dataset's shards by key; keeps the scanned member offsets of each shard."""

    def __init__(self, output: Output):
        self.output = output
        self._locations: dict[str, Locations] = {}

    def register(self, shard: str, locations: Locations) -> None:
        """Reuse offsets found elsewhere (e.g. while streaming the shard for validation)."""
        self._locations[shard] = locations

    def locations(self, shard: str) -> Locations:
        if shard not in self._locations:
            found: Locations = {}
            with self.output.fs.open(self.output.path(shard), "rb") as f, tarfile.open(fileobj=f, mode="r:") as tar:
                for info in tar:
                    if info.isfile():
                        member_location(shard, info, found)
            self._locations[shard] = found
        return self._locations[shard]

    def read(self, shard: str, keys) -> dict[str, dict]:
        """``{key: {"__key__": key, ext: bytes, ...}}`` for ``keys`` of ``shard``; a missing key raises KeyError."""
        where = self.locations(shard)
        missing = [k for k in keys if k not in where]
        if missing:
            raise KeyError(f"{shard}: no sample {missing[0]!r}")
        out = {}
        with self.output.fs.open(self.output.path(shard), "rb") as f:
            for key in sorted(keys, key=lambda k: min(o for o, _ in where[k].values())):
                sample = {"__key__": key}
                for ext, (offset, size) in where[key].items():
                    f.seek(offset)
                    sample[ext] = f.read(size)
                out[key] = sample
        return out

    def sample(self, shard: str, key: str) -> dict:
        return self.read(shard, [key])[key]
