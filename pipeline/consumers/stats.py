"""Dataset statistics: class pixel shares, objects per view, depth, FOV and camera-height histograms.

Camera facts come from the Parquet view index; pixel-level figures stream once over the views shards,
one task per unit (in this process or on Ray), each returning a small sum, so memory stays flat however
large the dataset.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from pipeline.distributed.fanout import fan_out
from pipeline.shards import layout
from pipeline.shards.index import read_index
from pipeline.formats import read_exr, read_png
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples
from pipeline.errors import NotADataset
from pipeline.view import id_map

DEPTH_BINS = np.geomspace(0.1, 1000.0, 41)  # log-spaced metres; misses (+inf) are counted apart


VIEW_COLUMNS = ["key", "kind", "family", "n_objects", "depth_min", "depth_max", "hfov_deg", "camera_height"]


def _hist(values, bins) -> dict:
    counts, edges = np.histogram(np.asarray(values, dtype=np.float64), bins=bins)
    return {"edges": [round(float(e), 4) for e in edges], "counts": counts.tolist()}


@dataclass
class PixelCounts:
    """Pixel-level figures of some views: what one unit task returns, and what they sum to."""

    class_pixels: Counter = field(default_factory=Counter)
    depth_counts: np.ndarray = field(default_factory=lambda: np.zeros(len(DEPTH_BINS) - 1, np.int64))
    below: int = 0
    beyond: int = 0
    misses: int = 0
    total: int = 0

    def __add__(self, other: PixelCounts) -> PixelCounts:
        return PixelCounts(self.class_pixels + other.class_pixels, self.depth_counts + other.depth_counts,
                           self.below + other.below, self.beyond + other.beyond, self.misses + other.misses,
                           self.total + other.total)


def unit_pixel_counts(work: tuple[str, list[str]]) -> PixelCounts:
    """Class pixels and the depth histogram of the views in ``shards`` (one unit's views shards) of the
    dataset at ``uri``; reads their semantic, depth and json members once."""
    uri, shards = work
    output, out = Output(uri), PixelCounts()
    for shard in shards:
        for sample in iter_samples(output, shard):
            table = id_map(json.loads(sample["json"])["class_table"])
            ids, counts = np.unique(read_png(sample["semantic.png"]), return_counts=True)
            for i, c in zip(ids.tolist(), counts.tolist()):
                out.class_pixels[table.get(i, f"id{i}")] += c
            depth = read_exr(sample["depth.exr"])
            finite = depth[np.isfinite(depth)]
            out.depth_counts += np.histogram(finite, bins=DEPTH_BINS)[0]
            out.below += int((finite < DEPTH_BINS[0]).sum())
            out.beyond += int((finite >= DEPTH_BINS[-1]).sum())
            out.misses += int(depth.size - finite.size)
            out.total += depth.size
    return out


def dataset_stats(dataset_uri: str, *, on_ray: bool = False, address: str | None = None,
                  workers: int | None = None, progress: bool = False) -> dict:
    """Compute the statistics of a finished dataset as a JSON-serialisable dict: one task per unit over
    its views shards (in this process, or on Ray with ``on_ray``: see :func:`pipeline.distributed.fanout.fan_out`)."""
    output = Output(dataset_uri)
    if not output.exists(layout.MANIFEST):
        raise NotADataset(f"{dataset_uri}: no manifest.json; not a finished dataset")
    manifest = output.read_json(layout.MANIFEST)
    views = read_index(output, layout.VIEWS, manifest, columns=VIEW_COLUMNS).to_pydict()
    by_unit: dict[str, list[str]] = {}
    for shard in manifest["series"]["views"]:
        by_unit.setdefault(layout.unit_of_shard(shard["name"]), []).append(shard["name"])
    work = [(output.uri, by_unit[u]) for u in sorted(by_unit)]
    px = sum(fan_out(unit_pixel_counts, work, on_ray=on_ray, address=address, workers=workers, desc="stats",
                     unit="unit", progress=progress), PixelCounts())
    class_pixels, depth_counts, total = px.class_pixels, px.depth_counts, px.total
    below, beyond, misses = px.below, px.beyond, px.misses
    kinds = Counter(views["kind"])
    return {
        "dataset": dataset_uri, "views": len(views["key"]), "pairs": manifest["counts"]["pairs"],
        "rejected_views": manifest["counts"]["rejected_views"],
        "kinds": dict(kinds), "families": dict(Counter(views["family"])),
        "class_pixel_share": {k: round(v / max(total, 1), 6)
                              for k, v in sorted(class_pixels.items(), key=lambda kv: (-kv[1], kv[0]))},
        "objects_per_view": _hist(views["n_objects"], np.arange(0, max(views["n_objects"] or [0]) + 2)),
        "depth_m": {"edges": [round(float(e), 4) for e in DEPTH_BINS], "counts": depth_counts.tolist(),
                    "below_range": below, "beyond_range": beyond, "no_hit": misses,
                    "min": min((x for x in views["depth_min"] if x is not None), default=None),
                    "max": max((x for x in views["depth_max"] if x is not None), default=None)},
        "hfov_deg": _hist(views["hfov_deg"], np.arange(30, 111, 5)),
        "camera_height_m": _hist(views["camera_height"], np.arange(0, 4.01, 0.2)),
    }


def plot_stats(stats: dict, out_png: str) -> None:
    """Six panels: class shares, objects per view, depth (log), FOV, camera height, scene kinds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 3, figsize=(15, 8))
    shares = stats["class_pixel_share"]
    names = list(shares)[:30]
    ax[0, 0].barh(names[::-1], [shares[n] for n in names][::-1])
    ax[0, 0].set_title("class pixel share")
    for a, key, title in ((ax[0, 1], "objects_per_view", "objects per view"), (ax[1, 0], "hfov_deg", "hfov (deg)"),
                          (ax[1, 1], "camera_height_m", "camera height (m)")):
        h = stats[key]
        a.stairs(h["counts"], h["edges"], fill=True)
        a.set_title(title)
    d = stats["depth_m"]
    ax[0, 2].stairs(d["counts"], d["edges"], fill=True)
    ax[0, 2].set_xscale("log")
    ax[0, 2].set_title(f"depth (m), pixels; no hit: {d['no_hit']}")
    ax[1, 2].bar(list(stats["kinds"]), list(stats["kinds"].values()))
    ax[1, 2].set_title("views per scene kind")
    fig.tight_layout()
    fig.savefig(out_png, dpi=80)
    plt.close(fig)
