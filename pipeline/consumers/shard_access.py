"""Random access to samples inside tar shards.

The index records each sample's byte range in its shard (``offset``, ``size``): one ranged read (one GET
on object stores) fetches its members, headers included, with no scan (:meth:`ShardReader.read_range`).
For indexes written before those columns, a shard's member headers are scanned once (seeking over the
data) and each sample then costs one seek and read per member. Members are returned as raw bytes;
pickle members are refused.
"""

from __future__ import annotations

import io

from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import Member, tar_members

# key -> member extension -> (data offset, size)
Locations = dict[str, dict[str, tuple[int, int]]]


def member_location(shard: str, member: Member, locations: Locations) -> None:
    """Record where ``member``'s data lies. Pickle members raise ValueError."""
    if member.pickle:
        raise ValueError(f"{shard}: pickle member {member.info.name} refused")
    locations.setdefault(member.key, {})[member.ext] = (member.info.offset_data, member.info.size)


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
            with self.output.fs.open(self.output.path(shard), "rb") as f:
                for member in tar_members(f, read_data=False):
                    if member.regular:
                        member_location(shard, member, found)
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

    def read_range(self, shard: str, key: str, offset: int, size: int) -> dict:
        """The sample ``key`` from bytes ``[offset, offset + size)`` of ``shard`` (one ranged read)."""
        data = self.output.fs.cat_file(self.output.path(shard), start=offset, end=offset + size)
        sample = {"__key__": key}
        for member in tar_members(io.BytesIO(data)):
            if member.pickle:
                raise ValueError(f"{shard}: pickle member {member.info.name} refused")
            if member.regular:
                if member.key != key:
                    raise ValueError(f"{shard}: bytes {offset}+{size} hold {member.key!r}, the index says {key!r}")
                sample[member.ext] = member.data
        return sample
