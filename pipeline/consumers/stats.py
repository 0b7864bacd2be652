"""Dataset statistics: class pixel shares, objects per view, depth, FOV and camera-height histograms.

Camera facts come from the Parquet view index; pixel-level figures stream once over the views shards
(semantic and depth members only), so memory stays flat however large the dataset.
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from pipeline.shards import layout
from pipeline.shards.index import read_index
from pipeline.shards.members import read_exr, read_png
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples
from pipeline.errors import NotADataset
from pipeline.view import id_map

DEPTH_BINS = np.geomspace(0.1, 1000.0, 41)  # log-spaced metres; misses (+inf) are counted apart


def _hist(values, bins) -> dict:
    counts, edges = np.histogram(np.asarray(values, dtype=np.float64), bins=bins)
    return {"edges": [round(float(e), 4) for e in edges], "counts": counts.tolist()}


def dataset_stats(dataset_uri: str) -> dict:
    """Compute the statistics of a finished dataset as a JSON-serialisable dict."""
    output = Output(dataset_uri)
    if not output.exists(layout.MANIFEST):
        raise NotADataset(f"{dataset_uri}: no manifest.json; not a finished dataset")
    manifest = output.read_json(layout.MANIFEST)
    views = read_index(output, layout.VIEWS, manifest).to_pydict()
    class_pixels: Counter = Counter()
    depth_counts = np.zeros(len(DEPTH_BINS) - 1, np.int64)
    below = beyond = misses = total = 0
    for shard in manifest["series"]["views"]:
        for sample in iter_samples(output, shard["name"]):
            table = id_map(json.loads(sample["json"])["class_table"])
            ids, counts = np.unique(read_png(sample["semantic.png"]), return_counts=True)
            for i, c in zip(ids.tolist(), counts.tolist()):
                class_pixels[table.get(i, f"id{i}")] += c
            depth = read_exr(sample["depth.exr"])
            finite = depth[np.isfinite(depth)]
            depth_counts += np.histogram(finite, bins=DEPTH_BINS)[0]
            below += int((finite < DEPTH_BINS[0]).sum())
            beyond += int((finite >= DEPTH_BINS[-1]).sum())
            misses += int(depth.size - finite.size)
            total += depth.size
    kinds = Counter(views["kind"])
    return {
        "dataset": dataset_uri, "views": len(views["key"]), "pairs": manifest["counts"]["pairs"],
        "rejected_views": manifest["counts"]["rejected_views"],
        "kinds": dict(kinds), "families": dict(Counter(views["family"])),
        "class_pixel_share": {k: round(v / max(total, 1), 6) for k, v in class_pixels.most_common()},
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
