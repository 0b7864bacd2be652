"""Notebook access to a finished dataset: list shards and counts, filter pairs through the Parquet index
(no tar is opened to filter), and load samples that draw themselves next to their decoded target and
raw labels.

    ds = open_dataset("out/quickstart")
    ds                                     # name, counts per task, shards
    sel = ds.filter(task="depth", classes="chair", depth=(0.5, 8), kind="indoor")
    sel[0].show()                          # input | target | decoded target | raw label, prompt on top
    for s in sel: ...                      # Sample objects, read shard by shard
"""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import tasks
from pipeline.view import View
from pipeline.consumers.shard_access import ShardReader
from pipeline.shards import layout
from pipeline.shards.index import read_index, with_view_facts
from pipeline.formats import read_png
from pipeline.tasks.pair import JSON, PROMPT, TARGET, input_members
from pipeline.shards.storage import Output
from pipeline.errors import NotADataset


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _has_all(column: pa.ChunkedArray, wanted: list[str]) -> np.ndarray:
    """Rows of a list<string> column that contain every name in ``wanted``."""
    arr = column.combine_chunks()
    flat = arr.flatten().to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(arr).to_numpy()
    keep = np.ones(len(arr), dtype=bool)
    for name in wanted:
        has = np.zeros(len(arr), dtype=bool)
        has[parents[flat == name]] = True
        keep &= has
    return keep


@dataclass(eq=False)
class Sample:
    """One training pair with lazy access to its decoded target and its view's raw labels."""

    key: str
    task: str
    prompt: str
    meta: dict
    inputs: tuple[np.ndarray, ...]  # the input image, or both of a two-view pair (flow, disparity)
    target: np.ndarray
    row: dict
    dataset: "Dataset" = field(repr=False)

    @property
    def input(self) -> np.ndarray:
        """The (first) input image."""
        return self.inputs[0]

    @cached_property
    def labels(self):
        """The raw labels of the view this pair was made from (a :class:`View`), or the tuple of views of a
        two-view pair."""
        keys = self.meta.get("view_keys") or [self.meta["view_key"]]
        return tasks.get(self.task).given([self.dataset.view_labels(k) for k in keys])

    @cached_property
    def decoded(self):
        """The target decoded with its task's codec (types: :meth:`pipeline.tasks.base.Task.decode`)."""
        return tasks.get(self.task).decode(self.target, self.meta)

    @cached_property
    def truth(self):
        """What the target should decode to, from the raw labels."""
        return tasks.get(self.task).truth(self.labels, self.meta)

    def figure(self):
        """A matplotlib Figure: input | target | decoded target | raw label, with the prompt."""
        from pipeline.consumers.show import pair_figure

        dec, raw, caption = tasks.get(self.task).panels(self.decoded, self.truth, self.labels)
        return pair_figure(self.key, self.prompt, self.inputs, self.target, dec, raw, caption)

    def _repr_png_(self) -> bytes:
        from pipeline.consumers.show import figure_png

        return figure_png(self.figure())

    def show(self) -> None:
        """Display the figure inline in a notebook or IPython session (elsewhere use :meth:`figure`)."""
        from IPython.display import Image, display

        display(Image(self._repr_png_()))


class Dataset:
    """A (possibly filtered) view of a dataset's pairs; filtering returns a new Dataset over the same files."""

    def __init__(self, output: Output, manifest: dict, pairs: pa.Table, views: pa.Table, reader: ShardReader,
                 view_cache: OrderedDict | None = None):
        self.output, self.manifest, self.pairs, self.views = output, manifest, pairs, views
        self._reader = reader
        self._view_cache = view_cache if view_cache is not None else OrderedDict()
        self._view_shard: dict[str, dict] | None = None  # view key -> {shard, offset, size}

    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def counts(self) -> dict:
        """The whole dataset's counts, from the manifest."""
        return self.manifest["counts"]

    @property
    def shards(self) -> list[dict]:
        """Every shard: series, name (relative to the root), sample count, bytes, sha256."""
        return [{"series": series, **s} for series in layout.SERIES for s in self.manifest["series"][series]]

    def task_counts(self) -> dict[str, int]:
        """Pairs per task in this selection."""
        return dict(sorted(Counter(self.pairs["task"].to_pylist()).items()))

    def __len__(self) -> int:
        return self.pairs.num_rows

    def __repr__(self) -> str:
        n_pairs, n_views = (len(self.manifest["series"][s]) for s in (layout.PAIRS, layout.VIEWS))
        return (f"<Dataset {self.name!r} at {self.output.uri}: {len(self)} of {self.counts['pairs']} pairs "
                f"{self.task_counts()}; {self.counts['views']} views; {n_pairs} pair shards, {n_views} view shards>")

    def filter(self, task=None, classes=None, target_classes=None, depth=None, kind=None, family=None,
               where=None) -> "Dataset":
        """Pairs matching every given condition, decided on the Parquet index alone.

        ``task``/``kind``/``family``: a value or a list of accepted values. ``classes``: class names that
        must all be present in the view; ``target_classes``: names the prompt must all mention.
        ``depth=(lo, hi)``: every finite depth of the view lies in [lo, hi] (either end may be None).
        ``where``: any pyarrow compute expression over the index columns."""
        table = self.pairs
        for column, value in (("task", task), ("kind", kind), ("family", family)):
            if value is not None:
                table = table.filter(pc.is_in(table[column], value_set=pa.array(_as_list(value))))
        for column, value in (("classes", classes), ("target_classes", target_classes)):
            if value is not None:
                table = table.filter(pa.array(_has_all(table[column], _as_list(value))))
        if depth is not None:
            lo, hi = depth
            if lo is not None:
                table = table.filter(pc.fill_null(pc.greater_equal(table["depth_min"], lo), False))
            if hi is not None:
                table = table.filter(pc.fill_null(pc.less_equal(table["depth_max"], hi), False))
        if where is not None:
            table = table.filter(where)
        return Dataset(self.output, self.manifest, table, self.views, self._reader, self._view_cache)

    def head(self, n: int = 5) -> list[Sample]:
        return list(self._samples(self.pairs.slice(0, n)))

    def __getitem__(self, item) -> Sample:
        """A sample by position in this selection or by pair key."""
        if isinstance(item, str):
            rows = self.pairs.filter(pc.equal(self.pairs["key"], item))
            if rows.num_rows == 0:
                raise KeyError(f"no pair {item!r} in this selection")
        else:
            i = range(len(self))[item]
            rows = self.pairs.slice(i, 1)
        return next(self._samples(rows))

    def __iter__(self) -> Iterator[Sample]:
        return self._samples(self.pairs)

    def _samples(self, rows: pa.Table) -> Iterator[Sample]:
        """Samples of ``rows`` in index order: each by one ranged read of its bytes (indexes with
        ``offset``/``size``), else reading each shard's wanted members in one pass."""
        records = rows.to_pylist()
        if records and records[0].get("offset") is not None:
            for r in records:
                yield self._sample(r, self._reader.read_range(r["shard"], r["key"], r["offset"], r["size"]))
            return
        pos = 0
        while pos < len(records):
            shard = records[pos]["shard"]
            end = pos
            while end < len(records) and records[end]["shard"] == shard:
                end += 1
            batch = records[pos:end]
            raw = self._reader.read(shard, [r["key"] for r in batch])
            for r in batch:
                yield self._sample(r, raw[r["key"]])
            pos = end

    def _sample(self, row: dict, raw: dict) -> Sample:
        meta = json.loads(raw[JSON])
        inputs = tuple(read_png(raw[m]) for m in input_members(raw))
        return Sample(key=row["key"], task=meta["task"], prompt=raw[PROMPT].decode("utf-8"), meta=meta,
                      inputs=inputs, target=read_png(raw[TARGET]), row=row, dataset=self)

    def pair_meta(self, row: dict) -> dict:
        """A pair's json from its index row (``meta`` column), or from its shard for indexes without one."""
        if row.get("meta"):
            return json.loads(row["meta"])
        return json.loads(self._reader.sample(row["shard"], row["key"])["json"])

    def view_labels(self, view_key: str) -> View:
        """Raw labels of a view (a few recent views are kept decoded)."""
        if view_key in self._view_cache:
            self._view_cache.move_to_end(view_key)
            return self._view_cache[view_key]
        if self._view_shard is None:
            cols = [c for c in ("shard", "offset", "size") if c in self.views.column_names]
            self._view_shard = dict(zip(self.views["key"].to_pylist(), self.views.select(cols).to_pylist()))
        if view_key not in self._view_shard:
            raise KeyError(f"view {view_key!r} is not in the views index")
        where = self._view_shard[view_key]
        if where.get("offset") is not None:
            raw = self._reader.read_range(where["shard"], view_key, where["offset"], where["size"])
        else:
            raw = self._reader.sample(where["shard"], view_key)
        labels = View.from_sample(raw)
        self._view_cache[view_key] = labels
        while len(self._view_cache) > 8:
            self._view_cache.popitem(last=False)
        return labels


def open_dataset(path_or_uri) -> Dataset:
    """Open a finished dataset (a local path or any fsspec URI) through its manifest and Parquet index."""
    output = Output(str(path_or_uri))
    if not output.exists(layout.MANIFEST):
        raise NotADataset(f"{path_or_uri}: no manifest.json; not a finished dataset")
    manifest = output.read_json(layout.MANIFEST)
    pairs, views = (read_index(output, s, manifest) for s in (layout.PAIRS, layout.VIEWS))
    return Dataset(output, manifest, with_view_facts(pairs, views), views, ShardReader(output))
