"""``pipeline mix``: a training mix of vision pairs (by task weight) and external WebDataset shard sets.

The output is a mix spec, plain JSON that webdataset alone can consume: one source per vision task (or a
single ``vision`` source when the tasks keep their natural proportions) and one per external shard set,
each with its shard URLs and its share of the samples as ``weight`` (the weights sum to 1 and go straight
into ``wds.RandomMix``). Pair shards hold every task of their views, so a per-task source also carries a
``key_regex`` that selects its task by sample key (``<scene>_v<NN>_<task>[suffix]``), applied with
``.select`` before anything is decoded.

On request the mix is also materialised: samples are drawn by weight (seeded) from the sources, read as
raw members (pickle members refused), and written to size-capped shards in ``<out>/mixed/`` with a
``mix.json`` beside them; a source that runs out starts over, and repeated keys get a ``-rep<n>``
suffix so keys stay unique.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from pathlib import Path

import braceexpand
import numpy as np

from pipeline import tasks
from pipeline.shards import layout
from pipeline.shards.index import read_index
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples
from pipeline.shards.writer import ShardSeries
from pipeline.errors import BadInput, NotADataset

FORMAT = "vision-banana-mix/1"


def task_regex(task: str) -> str:
    """Regex matching the keys of ``task``'s pairs."""
    return rf"_v\d+_{task}(_[A-Za-z0-9-]+)?$"


def parse_weights(text: str) -> dict[str, float]:
    """``"depth=2,normals=1"`` -> {"depth": 2.0, "normals": 1.0}; names must be tasks, weights >= 0."""
    out = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep or name not in tasks.names():
            raise BadInput(f"--tasks: {item!r} is not TASK=WEIGHT with TASK one of {tasks.names()}")
        try:
            out[name] = float(value)
        except ValueError:
            raise BadInput(f"--tasks: weight {value!r} of {name} is not a number") from None
        if not out[name] >= 0:
            raise BadInput(f"--tasks: weight of {name} must be >= 0, got {value}")
    if not out or sum(out.values()) <= 0:
        raise BadInput("--tasks: at least one task needs a positive weight")
    return out


def expand_urls(spec: str) -> list[str]:
    """Shard URLs of an external set: a brace pattern (``team/t2i-{000..099}.tar``), ``@list.txt`` (one
    URL a line), or a folder (its ``*.tar``). Local files must exist; local paths become absolute."""
    if spec.startswith("@"):
        urls = [ln.strip() for ln in Path(spec[1:]).read_text().splitlines() if ln.strip()]
    elif "://" not in spec and Path(spec).is_dir():
        urls = sorted(str(p) for p in Path(spec).glob("*.tar"))
    else:
        urls = list(braceexpand.braceexpand(spec))
    if not urls:
        raise BadInput(f"--external {spec}: no shards found")
    out = []
    for u in urls:
        if "://" in u or u.startswith("pipe:"):
            out.append(u)
        elif not Path(u).is_file():
            raise BadInput(f"--external {spec}: shard {u} does not exist")
        else:
            out.append(str(Path(u).resolve()))
    return out


def _vision_sources(datasets: list[str], task_weights: dict[str, float] | None) -> list[dict]:
    """Per-task sources (or one natural-proportion source) over the pair shards of ``datasets``."""
    urls: dict[str, dict[str, None]] = {}  # task -> shard URLs in index order (an ordered set)
    counts: Counter = Counter()
    for uri in datasets:
        output = Output(uri)
        if not output.exists(layout.MANIFEST):
            raise NotADataset(f"{uri}: no manifest.json; not a finished dataset")
        pairs = read_index(output, layout.PAIRS, output.read_json(layout.MANIFEST))
        for row in pairs.select(["shard", "task"]).to_pylist():
            counts[row["task"]] += 1
            urls.setdefault(row["task"], {})[output.url(row["shard"])] = None
    if task_weights is None:
        every = sorted({u for task_urls in urls.values() for u in task_urls})
        return [{"name": "vision", "kind": "vision", "weight": 1.0, "samples": sum(counts.values()), "urls": every}]
    missing = [t for t, w in task_weights.items() if w > 0 and not counts[t]]
    if missing:
        raise BadInput(f"--tasks: no pairs of {missing} in {', '.join(datasets)} (tasks present: {sorted(counts)})")
    total = sum(task_weights.values())
    return [{"name": f"vision:{t}", "kind": "vision", "task": t, "weight": w / total, "samples": counts[t],
             "key_regex": task_regex(t), "urls": list(urls[t])} for t, w in task_weights.items() if w > 0]


def make_mix_spec(datasets: list[str], task_weights: dict[str, float] | None = None,
                  externals: list[str] = (), external_weights: list[float] | None = None,
                  vision_ratio: float | None = None, seed: int = 0) -> dict:
    """The mix spec: vision sources take ``vision_ratio`` of the samples, the externals the rest."""
    if externals and vision_ratio is None:
        raise BadInput("--vision-ratio is required with --external (the share of vision pairs, e.g. 0.1)")
    ratio = 1.0 if vision_ratio is None else float(vision_ratio)
    if not 0 < ratio <= 1 or (externals and ratio == 1):
        raise BadInput(f"--vision-ratio must lie in (0, 1){'' if externals else ']'}, got {vision_ratio}")
    ext_w = list(external_weights) if external_weights else [1.0] * len(externals)
    if len(ext_w) != len(externals) or any(w <= 0 for w in ext_w):
        raise BadInput(f"--external-weights: need {len(externals)} positive weights, got {external_weights}")
    external = [{"name": f"external:{k}", "kind": "external", "pattern": pattern,
                 "weight": (1 - ratio) * w / sum(ext_w), "samples": None, "urls": expand_urls(pattern)}
                for k, (pattern, w) in enumerate(zip(externals, ext_w))]
    sources = _vision_sources(list(datasets), task_weights)
    for s in sources:
        s["weight"] *= ratio
    sources += external
    return {"format": FORMAT, "seed": int(seed), "datasets": [str(d) for d in datasets], "sources": sources}


def _source_stream(source: dict):
    """Endless raw samples of one source (its shards in order, over and over), pickle members refused."""
    keep = re.compile(source["key_regex"]).search if source.get("key_regex") else None
    while True:
        produced = False
        for url in source["urls"]:
            if url.startswith("pipe:"):
                raise BadInput(f"{source['name']}: cannot materialise from a pipe: URL ({url})")
            parent, _, name = url.rpartition("/")
            for sample in iter_samples(Output(parent or "."), name):
                if keep is None or keep(sample["__key__"]):
                    produced = True
                    yield sample
        if not produced:
            raise BadInput(f"{source['name']}: its shards hold no sample to draw")


def materialize(spec: dict, out_uri: str, samples: int, max_samples: int = 1000, max_bytes: int = 1 << 30) -> dict:
    """Draw ``samples`` samples by the spec's weights into ``out_uri/mixed/*.tar``; returns (and writes)
    ``out_uri/mix.json``, a spec whose single source is the materialised shards."""
    if samples < 1:
        raise BadInput(f"--samples must be >= 1, got {samples}")
    output = Output(out_uri)
    if output.exists("mix.json") or output.list("mixed"):
        raise BadInput(f"{out_uri}: already holds a materialised mix; choose another folder")
    output.makedirs("")
    rng = np.random.default_rng(spec.get("seed", 0))
    weights = np.array([s["weight"] for s in spec["sources"]], dtype=np.float64)
    streams = [_source_stream(s) for s in spec["sources"]]
    drawn: Counter = Counter()
    used: Counter = Counter()
    with tempfile.TemporaryDirectory() as scratch:
        series = ShardSeries(output, "mixed", "mix", max_samples, max_bytes, scratch)
        try:
            for k in rng.choice(len(streams), size=samples, p=weights / weights.sum()):
                sample = next(streams[k])
                key = sample["__key__"]
                used[key] += 1
                if used[key] > 1:
                    key = f"{key}-rep{used[key] - 1}"
                series.write({**sample, "__key__": key})
                drawn[spec["sources"][k]["name"]] += 1
            shards = series.close()
        except BaseException:
            series.abort()
            raise
        result = {"format": FORMAT, "seed": spec.get("seed", 0), "materialised_from": spec,
                  "drawn": dict(sorted(drawn.items())),
                  "sources": [{"name": "mixed", "kind": "materialised", "weight": 1.0, "samples": samples,
                               "urls": [output.url(s.name) for s in shards]}],
                  "shards": [{"name": s.name, "count": s.count, "bytes": s.bytes, "sha256": s.sha256} for s in shards]}
        output.publish_json(result, "mix.json", scratch)
    return result


def write_spec(spec: dict, path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(spec, indent=1) + "\n")


def describe(spec: dict) -> str:
    """One line per source: name, weight, shard count, samples."""
    lines = []
    for s in spec["sources"]:
        n = "?" if s.get("samples") is None else s["samples"]
        lines.append(f"  {s['name']:<18} weight {s['weight']:.4f}  {len(s['urls'])} shards  {n} samples")
    return "\n".join(lines)
