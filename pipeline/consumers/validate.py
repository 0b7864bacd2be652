"""``pipeline validate``: check that a dataset is exactly what its manifest and index say.

The work is split by unit (a unit's shards hold whole scenes, and it wrote its own index part), one
task per unit, in this process or on Ray (:mod:`pipeline.distributed.fanout`). A unit task streams each
of its shards once: sha256 and size against the manifest, tar integrity, the expected members of every
sample (and nothing else: no pickle member is ever read), every member decodable, keys unique, sample
counts; it compares its index part with what the shards hold and decodes every pair's target against
its view's raw labels within the codec's bounds (each task's ``problems``, :mod:`pipeline.tasks`),
keeping its views' bytes so no shard is read twice. It returns a small record: problems, counts and
8-byte key hashes. The driver then checks what spans units: keys unique across the dataset, totals
against the manifest, index parts and shard files the manifest does not list. The report names every
bad shard and sample.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

import numpy as np

from pipeline.codecs.version import CODEC_VERSION
from pipeline.consumers.shard_access import ShardReader
from pipeline.distributed.fanout import fan_out
from pipeline.shards import layout
from pipeline.shards.index import read_index, read_table
from pipeline.shards.layout import SERIES
from pipeline.channels import CHANNELS, VIEW_MEMBERS
from pipeline.formats import read_png
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import tar_members
from pipeline.tasks import target_problems
from pipeline.tasks.pair import INPUT_FORMATS, INPUT_STEMS, PAIR_MEMBERS, PROMPT, TARGET
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
    for channel in CHANNELS:
        arr = labels.arrays[channel.name]
        shape = (h, w, 3) if channel.shape == "HxWx3" else (h, w)
        if arr.shape != shape or str(arr.dtype) != channel.format.dtype:
            out.append(f"{channel.member} is {arr.dtype} {arr.shape}, expected {channel.format.dtype} {shape} like depth.exr")
    if labels.meta.get("key", key) != key:
        out.append(f"json names key {labels.meta['key']!r}")
    return out


def key_hash(key: str) -> int:
    """A key's 8-byte digest: what a unit task returns per sample, so the driver finds keys repeated
    across units without holding every key."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True)
class UnitWork:
    """What one unit task checks: the unit's shards (manifest entries per series) and, for datasets
    written before the per-unit index, its rows of the single index file (else it reads its own part)."""

    uri: str
    unit: str
    shards: dict[str, list[dict]]
    codec_version: str
    index: dict[str, list[dict]] | None = None


@dataclass
class UnitCheck:
    """A unit task's small result: its problems and counts, and per series the key hashes of its
    samples in shard order with the shard each lies in."""

    unit: str
    problems: list[Problem] = field(default_factory=list)
    checked: Counter = field(default_factory=Counter)
    pair_tasks: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    index_rows: Counter = field(default_factory=Counter)
    key_hashes: dict[str, np.ndarray] = field(default_factory=dict)
    key_shards: dict[str, list[str]] = field(default_factory=dict)

    def add(self, shard: str | None, key: str | None, message: str) -> None:
        self.problems.append(Problem(shard, key, message))


class _UnitValidator:
    """Checks one unit; see the module docstring."""

    def __init__(self, work: UnitWork):
        self.work = work
        self.output = Output(work.uri)
        self.result = UnitCheck(work.unit)
        self.view_samples: dict[str, dict] = {}  # good views' raw members, kept so no shard is read twice
        self.pair_json: dict[str, bytes] = {}  # pair key -> sha1 of its json member, to compare with the index
        self.found: dict[str, dict[str, str]] = {s: {} for s in SERIES}  # series -> key -> shard
        self._labels: OrderedDict[str, View] = OrderedDict()

    def labels(self, view_key: str) -> View:
        if view_key not in self._labels:
            self._labels[view_key] = View.from_sample(self.view_samples[view_key])
            while len(self._labels) > 4:
                self._labels.popitem(last=False)
        return self._labels[view_key]

    def run(self) -> UnitCheck:
        index = self._read_index()
        for s in SERIES:  # views first: pairs are checked against them
            expected: dict[str, list[str]] = {}
            for row in index.get(s, []):
                expected.setdefault(row["shard"], []).append(row["key"])
            for entry in self.work.shards.get(s, []):
                self._shard(s, entry, expected.get(entry["name"], []))
        for s in SERIES:
            if s in index:
                self._index_vs_shards(s, index[s])
            keys = self.found[s]
            self.result.found[s] = len(keys)
            self.result.key_hashes[s] = np.fromiter((key_hash(k) for k in keys), np.uint64, len(keys))
            self.result.key_shards[s] = list(keys.values())
        return self.result

    def _read_index(self) -> dict[str, list[dict]]:
        if self.work.index is not None:
            return self.work.index
        out = {}
        for s in SERIES:
            rel = layout.unit_index(self.work.unit, s)
            try:
                out[s] = read_table(self.output, rel).to_pylist()
            except FileNotFoundError:
                self.result.add(rel, None, "the unit's index part is missing")
            except (OSError, ValueError) as exc:
                self.result.add(rel, None, f"unreadable index part ({exc})")
        return out

    def _shard(self, series: str, entry: dict, index_keys: list[str]) -> None:
        name, rep = entry["name"], self.result
        if not self.output.exists(name):
            rep.add(name, None, "listed in the manifest but missing")
            for k in index_keys:
                rep.add(name, k, "sample missing (its shard is missing)")
            return
        rep.checked["shards"] += 1
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
            self.result.add(shard, key, f"duplicate key (also in {seen[key]})")
        else:
            seen[key] = shard
        if "." in key:
            self.result.add(shard, key, "key contains a dot")
        problems = self._view_problems(key, sample) if series == layout.VIEWS else self._pair_problems(key, sample)
        for msg in problems:
            self.result.add(shard, key, msg)

    def _members(self, sample: dict, required: set[str], one_of: tuple[tuple[str, ...], ...] = ()) -> list[str]:
        have = set(sample) - {"__key__"}
        out = []
        if required - have:
            out.append(f"missing members {sorted(required - have)}")
        for options in one_of:
            if len(have & set(options)) != 1:
                out.append(f"needs exactly one of {list(options)}, has {sorted(have & set(options))}")
        extra = have - required - {m for options in one_of for m in options}
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
        self.result.checked["views"] += 1
        self.view_samples[key] = sample
        return out

    def _pair_problems(self, key: str, sample: dict) -> list[str]:
        try:
            meta = json.loads(sample["json"]) if "json" in sample else {}
            view_keys = meta.get("view_keys") or [meta.get("view_key")]
        except Exception as exc:  # noqa: BLE001 - any decoding failure is a finding about this sample
            return [f"its json does not decode ({type(exc).__name__}: {exc})"]
        inputs = tuple(tuple(f"{stem}.{fmt}" for fmt in INPUT_FORMATS) for stem in INPUT_STEMS[:len(view_keys)])
        out = self._members(sample, set(PAIR_MEMBERS), inputs)
        if out:
            return out
        try:
            prompt = sample[PROMPT].decode("utf-8")
            images = [read_png(next(sample[m] for m in options if m in sample)) for options in inputs]
            target = read_png(sample[TARGET])
        except Exception as exc:  # noqa: BLE001 - any decoding failure is a finding about this sample
            return [f"a member does not decode ({type(exc).__name__}: {exc})"]
        image = images[0]
        self.result.checked["pairs"] += 1
        self.result.pair_tasks[meta.get("task")] += 1
        self.pair_json[key] = hashlib.sha1(sample["json"]).digest()
        if not prompt.strip():
            out.append("empty prompt")
        if meta.get("key") != key:
            out.append(f"json names key {meta.get('key')!r}")
        if meta.get("codec_version") != self.work.codec_version:
            out.append(f"codec version {meta.get('codec_version')!r} != manifest {self.work.codec_version!r}")
        if target.ndim != 3 or image.shape != target.shape:
            out.append(f"input {image.shape} and target {target.shape} differ in size")
            return out
        missing = [k for k in view_keys if k not in self.view_samples]
        if missing:
            out.append(f"its view {missing[0]!r} is not a good sample of its unit's views")
            return out
        for k, other in zip(view_keys[1:], images[1:]):
            if other.shape != image.shape:
                out.append(f"input of view {k} is {other.shape}, the first input {image.shape}")
                return out
        try:
            out += target_problems(meta.get("task"), target, meta, [self.labels(k) for k in view_keys])
        except Exception as exc:  # noqa: BLE001 - a target or json the decoders choke on is a finding
            out.append(f"target does not decode ({type(exc).__name__}: {exc})")
        self.result.checked["targets"] += 1
        return out

    def _index_vs_shards(self, series: str, rows: list[dict]) -> None:
        found, rep = self.found[series], self.result
        indexed = set()
        for row in rows:
            rep.checked["index_rows"] += 1
            rep.index_rows[series] += 1
            key = row["key"]
            if layout.unit_of_shard(row["shard"]) != self.work.unit:
                rep.add(row["shard"], key, f"listed in unit {self.work.unit}'s index part")
            if key in indexed:
                rep.add(row["shard"], key, "index lists the key twice")
            indexed.add(key)
            if key in found and found[key] != row["shard"]:
                rep.add(found[key], key, f"index says it is in {row['shard']}")
            if key in self.pair_json and row.get("meta") is not None \
                    and hashlib.sha1(row["meta"].encode()).digest() != self.pair_json[key]:
                rep.add(found[key], key, "index meta differs from the shard's json member")
        for key in sorted(set(found) - indexed):
            rep.add(found[key], key, f"in the shard but not in the {series} index")


def check_unit(work: UnitWork) -> UnitCheck:
    """Validate one unit (a task run in this process or on a Ray worker)."""
    return _UnitValidator(work).run()


class _Validator:
    """The driver: plans one task per unit, then checks what spans units."""

    def __init__(self, uri: str, sample: float | None, seed: int):
        self.output = Output(uri)
        self.report = Report(uri)
        self.sample, self.seed = sample, seed

    def run(self, **fan) -> Report:
        if not self.output.exists(layout.MANIFEST):
            raise NotADataset(f"{self.output.uri}: no manifest.json; not a finished dataset")
        try:
            manifest = self.output.read_json(layout.MANIFEST)
            series = {s: manifest["series"][s] for s in SERIES}
        except (ValueError, KeyError, TypeError) as exc:
            self.report.add(layout.MANIFEST, None, f"unreadable manifest ({exc})")
            return self.report
        by_unit: dict[str, dict[str, list[dict]]] = {}
        for s in SERIES:
            for entry in series[s]:
                by_unit.setdefault(layout.unit_of_shard(entry["name"]), {}).setdefault(s, []).append(entry)
        units = sorted(by_unit)
        if self.sample is not None:
            units = self._sampled(units)
        legacy = self._legacy_index(manifest, set(units))
        codec = manifest.get("codec_version", CODEC_VERSION)
        work = [UnitWork(self.output.uri, u, by_unit[u], codec, legacy.get(u) if legacy is not None else None)
                for u in units]
        checks = sorted(fan_out(check_unit, work, desc="validate", unit="unit", **fan), key=lambda c: c.unit)
        for c in checks:
            self.report.problems += c.problems
            self.report.checked.update(c.checked)
        self._duplicates_across_units(checks)
        self._stray_files(series)
        if self.sample is None:
            self._counts(manifest, series, checks)
            if legacy is None:
                self._index_parts_of_unlisted_units(set(by_unit))
        return self.report

    def _sampled(self, units: list[str]) -> list[str]:
        """A seeded random subset of the units (at least one)."""
        rng = np.random.default_rng(self.seed)
        n = max(1, int(round(self.sample * len(units))))
        chosen = sorted(units[i] for i in rng.choice(len(units), size=min(n, len(units)), replace=False))
        self.report.coverage = f"a sample of {len(chosen)} of {len(units)} units (fraction {self.sample}, seed {self.seed})"
        return chosen

    def _legacy_index(self, manifest: dict, units: set[str]) -> dict[str, dict[str, list[dict]]] | None:
        """For a dataset with the single-file index of earlier versions: its rows split by unit (those
        datasets are small); ``None`` for the per-unit Parquet dataset, which each task reads itself."""
        rels = manifest.get("index", {})
        if not any(str(rels.get(s, "")).endswith(".parquet") for s in SERIES):
            return None
        out: dict[str, dict[str, list[dict]]] = {u: {} for u in units}
        for s in SERIES:
            try:
                rows = read_index(self.output, s, manifest).to_pylist()
            except (OSError, ValueError) as exc:
                self.report.add(rels.get(s, layout.INDEX[s]), None, f"unreadable index ({exc})")
                continue
            for u in units:
                out[u][s] = []
            for row in rows:
                u = layout.unit_of_shard(row["shard"])
                if u in out:
                    out[u][s].append(row)
                elif self.sample is None:
                    self.report.add(row["shard"], row["key"], "an index row for a shard the manifest does not list")
        return out

    def _duplicates_across_units(self, checks: list[UnitCheck]) -> None:
        """Keys that two units both hold, found from their hashes; only then are the key names read
        (from the later shard's member headers)."""
        for s in SERIES:
            parts = [(c.key_hashes.get(s, np.zeros(0, np.uint64)), c.key_shards.get(s, []), i)
                     for i, c in enumerate(checks)]
            hashes = np.concatenate([h for h, _, _ in parts]) if parts else np.zeros(0, np.uint64)
            if hashes.size < 2:
                continue
            owner = np.concatenate([np.full(len(h), i) for h, _, i in parts])
            shards = [name for _, names, _ in parts for name in names]
            order = np.argsort(hashes, kind="stable")
            same = np.flatnonzero(hashes[order][1:] == hashes[order][:-1])
            first_of: dict[int, int] = {}
            for j in same:
                a, b = int(order[j]), int(order[j + 1])
                first = first_of.setdefault(int(hashes[a]), a)
                if owner[b] != owner[first]:
                    key = self._key_with_hash(shards[b], int(hashes[b]))
                    self.report.add(shards[b], key, f"duplicate key (also in {shards[first]})")

    def _key_with_hash(self, shard: str, digest: int) -> str | None:
        return next((k for k in ShardReader(self.output).locations(shard) if key_hash(k) == digest), None)

    def _stray_files(self, series: dict) -> None:
        listed = {e["name"] for s in SERIES for e in series[s]}
        for s in SERIES:
            for name in self.output.list(s):
                if f"{s}/{name}" not in listed:
                    self.report.add(f"{s}/{name}", None, "not listed in the manifest (stray or partial file)")

    def _index_parts_of_unlisted_units(self, units: set[str]) -> None:
        for s in SERIES:
            for name in self.output.list(layout.INDEX_DIRS[s]):
                if name.endswith(".parquet") and name[: -len(".parquet")] not in units:
                    self.report.add(f"{layout.INDEX_DIRS[s]}/{name}", None,
                                    "an index part of a unit the manifest does not list")

    def _counts(self, manifest: dict, series: dict, checks: list[UnitCheck]) -> None:
        counts, rep = manifest.get("counts", {}), self.report
        found = sum((c.found for c in checks), Counter())
        indexed = sum((c.index_rows for c in checks), Counter())
        pair_tasks = sum((c.pair_tasks for c in checks), Counter())
        for s in SERIES:
            listed = sum(e["count"] for e in series[s])
            if counts.get(s) != listed:
                rep.add(None, None, f"manifest counts.{s} = {counts.get(s)}, its shards list {listed}")
            if found[s] != listed:
                rep.add(None, None, f"{found[s]} {s} found in the shards, the manifest lists {listed}")
            if indexed[s] != found[s]:
                rep.add(None, None, f"index holds {indexed[s]} {s} rows, the shards {found[s]} samples")
        if dict(counts.get("pairs_per_task", {})) != dict(pair_tasks):
            rep.add(None, None, f"manifest pairs_per_task {counts.get('pairs_per_task')} != found "
                                f"{dict(sorted(pair_tasks.items()))}")


def validate_dataset(uri: str, sample: float | None = None, seed: int = 0, *, on_ray: bool = False,
                     address: str | None = None, workers: int | None = None, progress: bool = False) -> Report:
    """Validate the dataset at ``uri`` (path or fsspec URI); raises :class:`NotADataset` when it has no
    manifest. ``sample``: check only that fraction of the units, drawn with ``seed`` (the report says
    which share it covered; totals are then not compared with the manifest). ``on_ray``: one Ray task
    per unit on the cluster at ``address`` (else a private local instance), at most ``workers`` at once."""
    if sample is not None and not 0 < sample <= 1:
        raise BadInput(f"--sample {sample}: expected a fraction in (0, 1]")
    return _Validator(str(uri), sample, seed).run(on_ray=on_ray, address=address, workers=workers, progress=progress)
