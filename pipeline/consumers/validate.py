"""``pipeline validate``: check that a dataset is exactly what its manifest and index say.

Every shard listed in the manifest is streamed once: its sha256 and size against the manifest, tar
integrity, the expected members of every sample (and nothing else: no pickle member is ever read),
keys unique across the dataset, every member decodable, sample counts. Then the Parquet index is
compared with what the shards hold, and every pair's target is decoded and compared with its view's raw
labels within the codec's bounds (each task's ``problems``, :mod:`pipeline.tasks`). Shards in the series folders
that the manifest does not list are reported too. The report names every bad shard and sample.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import zlib
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

import numpy as np

from pipeline.codecs.version import CODEC_VERSION
from pipeline.consumers.shard_access import Locations, ShardReader, member_location
from pipeline.shards import layout
from pipeline.shards.index import read_index
from pipeline.shards.layout import PAIR_INPUTS, PAIR_MEMBERS, SERIES, VIEW_MEMBERS
from pipeline.shards.members import read_png
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import tar_members
from pipeline.tasks import target_problems
from pipeline.view import View
from pipeline.errors import BadInput, NotADataset



@dataclass
class Problem:
    shard: str | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = " ".join(x for x in (self.shard, self.key) if x) or "dataset"
        return f"{where}: {self.message}"


@dataclass
class Report:
    dataset: str
    problems: list[Problem] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)
    coverage: str = "every unit"

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_shards(self) -> list[str]:
        return sorted({p.shard for p in self.problems if p.shard})

    @property
    def bad_samples(self) -> list[str]:
        return sorted({p.key for p in self.problems if p.key})

    def add(self, shard: str | None, key: str | None, message: str) -> None:
        self.problems.append(Problem(shard, key, message))

    def text(self) -> str:
        c = self.checked
        lines = [f"validate {self.dataset}: {'OK' if self.ok else 'FAILED'} ({self.coverage})",
                 f"  checked {c['shards']} shards, {c['views']} views, {c['pairs']} pairs, "
                 f"{c['targets']} targets decoded against raw labels, {c['index_rows']} index rows"]
        if not self.ok:
            lines.append(f"  {len(self.problems)} problems in {len(self.bad_shards)} shards and "
                         f"{len(self.bad_samples)} samples:")
            lines += [f"  - {p}" for p in self.problems]
            lines.append("  bad shards: " + (", ".join(self.bad_shards) or "none"))
            lines.append("  bad samples: " + (", ".join(self.bad_samples) or "none"))
        return "\n".join(lines)


class _HashingReader:
    """A file wrapper that hashes and counts every byte read through it."""

    def __init__(self, f):
        self.f, self.sha, self.size = f, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data

    def drain(self) -> None:
        while self.read(1 << 20):
            pass


def _check_view(key: str, sample: dict) -> list[str]:
    labels = View.from_sample(sample)
    h, w = labels.depth.shape
    out = []
    for name, arr, shape in (("rgb.png", labels.rgb, (h, w, 3)), ("normal.exr", labels.normals, (h, w, 3)),
                             ("instance.png", labels.instance, (h, w)), ("semantic.png", labels.semantic, (h, w))):
        if arr.shape != shape:
            out.append(f"{name} has shape {arr.shape}, expected {shape} like depth.exr")
    if labels.meta.get("key", key) != key:
        out.append(f"json names key {labels.meta['key']!r}")
    return out


class _Validator:
    def __init__(self, uri: str, sample: float | None = None, seed: int = 0):
        self.output = Output(uri)
        self.report = Report(uri)
        self.sample, self.seed = sample, seed
        self.reader = ShardReader(self.output)
        self.view_shard: dict[str, str] = {}
        self.pair_tasks: Counter = Counter()
        self.pair_json: dict[str, bytes] = {}  # pair key -> sha1 of its json member, to compare with the index
        self.found: dict[str, dict[str, str]] = {s: {} for s in SERIES}  # series -> key -> shard
        self._labels: OrderedDict[str, View] = OrderedDict()

    def labels(self, view_key: str) -> View:
        if view_key not in self._labels:
            self._labels[view_key] = View.from_sample(self.reader.sample(self.view_shard[view_key], view_key))
            while len(self._labels) > 4:
                self._labels.popitem(last=False)
        return self._labels[view_key]

    def run(self) -> Report:
        if not self.output.exists(layout.MANIFEST):
            raise NotADataset(f"{self.output.uri}: no manifest.json; not a finished dataset")
        try:
            manifest = self.output.read_json(layout.MANIFEST)
            series = {s: manifest["series"][s] for s in SERIES}
        except (ValueError, KeyError, TypeError) as exc:
            self.report.add(layout.MANIFEST, None, f"unreadable manifest ({exc})")
            return self.report
        self.manifest = manifest
        index = self._read_index(manifest)
        if self.sample is not None:
            series, index = self._sampled(series, index)
        expected = {s: defaultdict(list) for s in SERIES}
        for s in SERIES:
            for row in index.get(s, []):
                expected[s][row["shard"]].append(row["key"])
        for s in SERIES:  # views first: pairs are checked against them
            for entry in series[s]:
                self._shard(s, entry, expected[s].get(entry["name"], []))
        self._stray_files({s: manifest["series"][s] for s in SERIES})
        if self.sample is None:
            self._counts(manifest, series, index)
        for s in SERIES:
            if s in index:
                self._index_vs_shards(s, index[s])
        return self.report

    def _sampled(self, series: dict, index: dict) -> tuple[dict, dict]:
        """The shards and index rows of a seeded random subset of the units (at least one): each unit's
        shards hold whole scenes, so its pairs are checked against its own views."""
        units = sorted({layout.unit_of_shard(e["name"]) for s in SERIES for e in series[s]})
        rng = np.random.default_rng(self.seed)
        n = max(1, int(round(self.sample * len(units))))
        chosen = {units[i] for i in rng.choice(len(units), size=min(n, len(units)), replace=False)}
        self.report.coverage = f"a sample of {len(chosen)} of {len(units)} units (fraction {self.sample}, seed {self.seed})"
        keep = {s: [e for e in series[s] if layout.unit_of_shard(e["name"]) in chosen] for s in SERIES}
        rows = {s: [r for r in index.get(s, []) if layout.unit_of_shard(r["shard"]) in chosen] for s in index}
        return keep, rows

    def _read_index(self, manifest: dict) -> dict[str, list[dict]]:
        out = {}
        for s in SERIES:
            try:
                out[s] = read_index(self.output, s, manifest).to_pylist()
            except (OSError, ValueError) as exc:
                rel = manifest.get("index", {}).get(s, layout.INDEX_DIRS[s])
                self.report.add(rel, None, f"unreadable index ({exc})")
        return out

    def _shard(self, series: str, entry: dict, index_keys: list[str]) -> None:
        name, rep = entry["name"], self.report
        if not self.output.exists(name):
            rep.add(name, None, "listed in the manifest but missing")
            for k in index_keys:
                rep.add(name, k, "sample missing (its shard is missing)")
            return
        rep.checked["shards"] += 1
        locations: Locations = {}
        keys: list[str] = []
        current: dict | None = None
        with self.output.fs.open(self.output.path(name), "rb") as f:
            reader = _HashingReader(f)
            try:
                for m in tar_members(reader):
                    if not m.regular:
                        rep.add(name, None, f"member {m.info.name!r} is not a regular file")
                        continue
                    if m.pickle:
                        rep.add(name, m.key, f"pickle member {m.info.name!r} (never read)")
                        continue
                    member_location(name, m, locations)
                    if current is None or current["__key__"] != m.key:
                        if current is not None:
                            self._sample(series, name, current)
                        if m.key in keys:
                            rep.add(name, m.key, "members of this key are not contiguous")
                        keys.append(m.key)
                        current = {"__key__": m.key}
                    current[m.ext] = m.data
                if current is not None:
                    self._sample(series, name, current)
            except (tarfile.TarError, EOFError, zlib.error) as exc:
                where = f" inside sample {current['__key__']!r}" if current else ""
                rep.add(name, current["__key__"] if current else None, f"tar is truncated or corrupt{where}: {exc}")
            reader.drain()
        self.reader.register(name, locations)
        if reader.sha.hexdigest() != entry["sha256"]:
            rep.add(name, None, f"sha256 {reader.sha.hexdigest()[:16]}... != manifest {entry['sha256'][:16]}...")
        if reader.size != entry["bytes"]:
            rep.add(name, None, f"{reader.size} bytes, manifest says {entry['bytes']}")
        if len(keys) != entry["count"]:
            rep.add(name, None, f"holds {len(keys)} samples, manifest says {entry['count']}")
        for k in sorted(set(index_keys) - set(keys)):
            rep.add(name, k, "in the index but not in the shard")

    def _sample(self, series: str, shard: str, sample: dict) -> None:
        key = sample["__key__"]
        seen = self.found[series]
        if key in seen:
            self.report.add(shard, key, f"duplicate key (also in {seen[key]})")
        seen[key] = shard
        if "." in key:
            self.report.add(shard, key, "key contains a dot")
        problems = self._view_problems(key, sample) if series == layout.VIEWS else self._pair_problems(key, sample)
        for msg in problems:
            self.report.add(shard, key, msg)

    def _members(self, sample: dict, required: set[str], one_of: tuple[str, ...] = ()) -> list[str]:
        have = set(sample) - {"__key__"}
        out = []
        if required - have:
            out.append(f"missing members {sorted(required - have)}")
        if one_of and len(have & set(one_of)) != 1:
            out.append(f"needs exactly one of {list(one_of)}, has {sorted(have & set(one_of))}")
        extra = have - required - set(one_of)
        if extra:
            out.append(f"unexpected members {sorted(extra)}")
        return out

    def _view_problems(self, key: str, sample: dict) -> list[str]:
        out = self._members(sample, set(VIEW_MEMBERS))
        if out:
            return out
        try:
            out = _check_view(key, sample)
        except Exception as exc:  # noqa: BLE001 - any decoding failure is a finding about this sample
            return [f"a member does not decode ({type(exc).__name__}: {exc})"]
        self.report.checked["views"] += 1
        self.view_shard[key] = self.found[layout.VIEWS][key]
        return out

    def _pair_problems(self, key: str, sample: dict) -> list[str]:
        out = self._members(sample, set(PAIR_MEMBERS), PAIR_INPUTS)
        if out:
            return out
        try:
            meta = json.loads(sample["json"])
            prompt = sample["prompt.txt"].decode("utf-8")
            image = read_png(sample.get("input.png") or sample["input.jpg"])
            target = read_png(sample["target.png"])
        except Exception as exc:  # noqa: BLE001 - any decoding failure is a finding about this sample
            return [f"a member does not decode ({type(exc).__name__}: {exc})"]
        self.report.checked["pairs"] += 1
        self.pair_tasks[meta.get("task")] += 1
        self.pair_json[key] = hashlib.sha1(sample["json"]).digest()
        if not prompt.strip():
            out.append("empty prompt")
        if meta.get("key") != key:
            out.append(f"json names key {meta.get('key')!r}")
        if meta.get("codec_version") != self.manifest.get("codec_version", CODEC_VERSION):
            out.append(f"codec version {meta.get('codec_version')!r} != manifest {self.manifest.get('codec_version')!r}")
        if target.ndim != 3 or image.shape != target.shape:
            out.append(f"input {image.shape} and target {target.shape} differ in size")
            return out
        view_key = meta.get("view_key")
        if view_key not in self.view_shard:
            out.append(f"its view {view_key!r} is not a good sample of the views series")
            return out
        try:
            out += target_problems(meta.get("task"), target, meta, self.labels(view_key))
        except Exception as exc:  # noqa: BLE001 - a target or json the decoders choke on is a finding
            out.append(f"target does not decode ({type(exc).__name__}: {exc})")
        self.report.checked["targets"] += 1
        return out

    def _stray_files(self, series: dict) -> None:
        listed = {e["name"] for s in SERIES for e in series[s]}
        for s in SERIES:
            for name in self.output.list(s):
                if f"{s}/{name}" not in listed:
                    self.report.add(f"{s}/{name}", None, "not listed in the manifest (stray or partial file)")

    def _counts(self, manifest: dict, series: dict, index: dict) -> None:
        counts, rep = manifest.get("counts", {}), self.report
        for s in SERIES:
            listed = sum(e["count"] for e in series[s])
            found = len(self.found[s])
            if counts.get(s) != listed:
                rep.add(None, None, f"manifest counts.{s} = {counts.get(s)}, its shards list {listed}")
            if found != listed:
                rep.add(None, None, f"{found} {s} found in the shards, the manifest lists {listed}")
            if s in index and len(index[s]) != found:
                rep.add(None, None, f"index holds {len(index[s])} {s} rows, the shards {found} samples")
        if dict(counts.get("pairs_per_task", {})) != dict(self.pair_tasks):
            found = dict(sorted(self.pair_tasks.items()))
            rep.add(None, None, f"manifest pairs_per_task {counts.get('pairs_per_task')} != found {found}")

    def _index_vs_shards(self, series: str, rows: list[dict]) -> None:
        found, rep = self.found[series], self.report
        indexed = set()
        for row in rows:
            rep.checked["index_rows"] += 1
            key = row["key"]
            if key in indexed:
                rep.add(row["shard"], key, "index lists the key twice")
            indexed.add(key)
            if key in found and found[key] != row["shard"]:
                rep.add(found[key], key, f"index says it is in {row['shard']}")
            if key in self.pair_json and row.get("meta") is not None \
                    and hashlib.sha1(row["meta"].encode()).digest() != self.pair_json[key]:
                rep.add(found[key], key, "index meta differs from the shard's json member")
        for key in sorted(set(found) - indexed):
            rep.add(found[key], key, f"in the shard but not in index/{series}.parquet")


def validate_dataset(uri: str, sample: float | None = None, seed: int = 0) -> Report:
    """Validate the dataset at ``uri`` (path or fsspec URI); raises :class:`NotADataset` when it has no
    manifest. ``sample``: check only that fraction of the units, drawn with ``seed`` (the report says
    which share it covered; totals are then not compared with the manifest)."""
    if sample is not None and not 0 < sample <= 1:
        raise BadInput(f"--sample {sample}: expected a fraction in (0, 1]")
    return _Validator(str(uri), sample, seed).run()
