"""Coverage figures of a finished dataset (issue 5's done-when): classes present, depth range, rejections,
view kinds and the scene build share of render time; issue 10's: provenance by pixel share of object
instances per family, distinct bank variants per 100 views; issue 23's: the primitive share of the street's
people, vehicle and street-furniture pixels, views per person/vehicle class, and per bank factory its
vertices, materials and bake seconds.

    .venv/bin/pipeline render configs/mixed200.yaml --out out/mixed200
    .venv/bin/python benchmarks/coverage.py out/mixed200 --config configs/mixed200.yaml

With ``--config`` it also times the pure scene generation of every planned scene (the Blender build is
timed by the workers and read from the views).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter

import numpy as np

from pipeline.bank.build import bank_uri, job_catalogue
from pipeline.config import load_config
from pipeline.consumers.stats import dataset_stats
from pipeline.plan import plan_units
from pipeline.shards import layout
from pipeline.shards.index import read_index
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples
from pipeline.formats import read_png
from pipeline.taxonomy import benchmark_classes, load_taxonomy, mapping
from scenes import get_family
from scenes.shared.validity import reason_code


def view_kinds_and_timings(dataset: str) -> tuple[Counter, dict[str, list[float]]]:
    """View kinds (``extra.view_kinds``, else the family) and per-view timings, from the views series."""
    output = Output(dataset)
    manifest = output.read_json(layout.MANIFEST)
    kinds: Counter = Counter()
    timings: dict[str, list[float]] = {}
    for shard in manifest["series"]["views"]:
        for sample in iter_samples(output, shard["name"]):
            meta = json.loads(sample["json"])
            extra = meta["extra"] if isinstance(meta["extra"], dict) else json.loads(meta["extra"] or "{}")
            view_kinds = extra.get("view_kinds")
            kinds[f"{meta['family']}:{view_kinds[meta['view_index']]}" if view_kinds else meta["family"]] += 1
            for step, seconds in meta["timings"].items():
                timings.setdefault(step, []).append(seconds)
    return kinds, timings


STRUCTURE = {"floor", "wall", "ceiling", "terrain", "road", "sidewalk", "curb", "building", "sky", "water",
             "mountain", "rail track"}  # surfaces, not objects (rail track: Cityscapes' "flat" category with
# road and sidewalk, rails set in the road): left out of provenance shares
PEOPLE_VEHICLES = ("person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle")
STREET_ELEVEN = PEOPLE_VEHICLES + ("traffic light", "traffic sign", "pole")  # Cityscapes' things on a street


def provenance(dataset: str, assets: dict[str, dict[int, str]]) -> tuple[dict[str, dict[str, float]], float, int]:
    """Per family, the share of object-instance pixels by source kind (infinigen, user, primitive); the
    distinct bank variants seen per 100 views (mean over blocks of 100 views in shard order; ``assets``:
    scene id -> instance id -> bank key, from regenerating the scenes); and the views read. Structure
    classes are left out."""
    output = Output(dataset)
    manifest = output.read_json(layout.MANIFEST)
    pixels: dict[str, Counter] = {}
    by_class: dict[str, Counter] = {}  # street class -> source kind -> pixels
    class_views: Counter = Counter()  # street views showing each person / vehicle class
    seen: list[set[str]] = []
    for shard in manifest["series"]["views"]:
        for sample in iter_samples(output, shard["name"]):
            meta = json.loads(sample["json"])
            seen.append(set())
            ids, counts = np.unique(read_png(sample["instance.png"]), return_counts=True)
            fam = pixels.setdefault(meta["family"], Counter())
            if "instances" in meta:
                classes = {r["id"]: r["class"] for r in meta["instances"]}
                sources = {r["id"]: r["source"] for r in meta["instances"]}
            else:  # written before the fixed json schema
                classes = {int(k): v for k, v in meta["instance_classes"].items()}
                sources = {int(k): v for k, v in meta["instance_sources"].items()}
            shown = set()
            for i, n in zip(ids.tolist(), counts.tolist()):
                cls, src = classes.get(i), sources.get(i)
                if cls is None or src is None or cls in STRUCTURE:
                    continue
                fam[src.split(":", 1)[0]] += n
                if meta["family"] == "outdoor_street":
                    by_class.setdefault(cls, Counter())[src.split(":", 1)[0]] += n
                    shown.add(cls)
                key = assets.get(meta["scene_id"], {}).get(i)
                if key:
                    seen[-1].add(key)
            class_views.update(c for c in shown if c in PEOPLE_VEHICLES)
    shares = {f: {k: round(v / max(sum(c.values()), 1), 4) for k, v in c.most_common()} for f, c in pixels.items()}
    eleven = sum((by_class.get(c, Counter()) for c in STREET_ELEVEN), Counter())
    street = {"primitive_share_of_the_eleven": round(eleven["primitive"] / max(sum(eleven.values()), 1), 4),
              "primitive_share_by_class": {c: round(v["primitive"] / max(sum(v.values()), 1), 4)
                                           for c, v in sorted(by_class.items())},
              "views_with_class": {c: class_views[c] for c in PEOPLE_VEHICLES}}
    blocks = [set().union(*seen[i:i + 100]) for i in range(0, max(len(seen) - 99, 1), 100)]
    return shares, sum(map(len, blocks)) / max(len(blocks), 1), len(seen), street


GROUND_CLASSES = ("terrain", "mountain")
GROUND_COVER_SOURCE = "primitive:ground_cover"  # scenes.nature.family: the ground cover's own object
TILT_DEG = 10.0


def nature_ground(dataset: str, family: str = "outdoor_nature") -> dict | None:
    """Per view of ``family``: the ground pixels (classes terrain and mountain, the ground cover's instances
    left out, so the grass blades' normals do not count as slope), the share of them whose normal label is
    tilted more than ``TILT_DEG`` from vertical (in world space), and the share of the image covered by
    ground cover. Summary over the views; ``None`` when the dataset has none of that family."""
    from pipeline.taxonomy import class_id
    from pipeline.view import View

    output = Output(dataset)
    manifest = output.read_json(layout.MANIFEST)
    ground_ids = [class_id(c) for c in GROUND_CLASSES]
    tilted, cover = [], []
    for shard in manifest["series"]["views"]:
        for sample in iter_samples(output, shard["name"]):
            meta = json.loads(sample["json"])
            if meta["family"] != family:
                continue
            view = View.from_sample(sample)
            covers = [r["id"] for r in meta.get("instances", []) if r.get("source") == GROUND_COVER_SOURCE]
            is_cover = np.isin(view.instance, covers)
            ground = np.isin(view.semantic, ground_ids) & ~is_cover
            up = view.normals @ np.asarray(view.cam2world)[2, :3]  # world z of the (camera-frame) normal label
            n = int(ground.sum())
            tilted.append(float((up[ground] < np.cos(np.radians(TILT_DEG))).sum() / n) if n else 0.0)
            cover.append(float(is_cover.mean()))
    if not tilted:
        return None
    t, c = np.asarray(tilted), np.asarray(cover)
    return {"views": len(t), "views_with_20pct_ground_tilted_over_10deg": round(float((t >= 0.2).mean()), 4),
            "median_ground_share_tilted_over_10deg": round(float(np.median(t)), 4),
            "views_with_ground_cover_visible": round(float((c >= 0.005).mean()), 4),
            "mean_ground_cover_pixel_share": round(float(c.mean()), 4)}


def generate_scenes(config_path: str, dataset: str) -> tuple[float, dict[str, dict[int, str]]]:
    """Mean seconds of the pure ``generate`` step over the config's planned scenes (bank: the dataset's),
    and each scene's bank assets (scene id -> instance id -> bank key)."""
    config = load_config(config_path)
    catalogue = job_catalogue(config, bank_uri(config, dataset))
    scenes = [task for unit in plan_units(config) for task in unit.scenes]
    assets: dict[str, dict[int, str]] = {}
    seconds = 0.0
    for task in scenes:
        _, generate = get_family(task.family)
        start = time.perf_counter()
        spec = generate(task.params, task.seed, task.scene_id, catalogue)
        seconds += time.perf_counter() - start
        assets[spec.scene_id] = {o.instance_id: o.parts[0].asset for o in spec.objects if o.parts[0].asset}
    return seconds / max(len(scenes), 1), assets


def factory_facts(config_path: str, dataset: str) -> dict[str, dict]:
    """Per factory of the job's bank: entries, mean vertices, materials and bake seconds."""
    from pipeline.bank.store import AssetBank

    entries = AssetBank(bank_uri(load_config(config_path), dataset)).entries().values()
    grouped: dict[str, list] = {}
    for e in entries:
        if e.kind == "model" and not e.factory.startswith("user:"):
            grouped.setdefault(e.factory, []).append(e)
    return {name: {"entries": len(es), "vertices": round(statistics.mean(e.vertices for e in es)),
                   "materials": round(statistics.mean(e.materials for e in es), 1),
                   "bake_s": round(statistics.mean(e.build_s for e in es), 2)} for name, es in sorted(grouped.items())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("--config", help="the job config, to time scene generation too")
    args = ap.parse_args()
    stats = dataset_stats(args.dataset)
    manifest = Output(args.dataset).read_json(layout.MANIFEST)
    present = set(stats["class_pixel_share"])
    taxonomy = set(load_taxonomy())
    to_cityscapes = mapping("cityscapes")
    cityscapes = {to_cityscapes[c] for c in present if c in to_cityscapes}
    kinds, timings = view_kinds_and_timings(args.dataset)
    generate_s, assets = generate_scenes(args.config, args.dataset) if args.config else (None, {})
    shares, variants, views, street = provenance(args.dataset, assets)
    if "rejected" in manifest:  # written before the index became a Parquet dataset
        rejected = manifest["rejected"]
    else:
        rejected = [r for r in read_index(Output(args.dataset), layout.REJECTED, manifest).to_pylist() if r["what"] == "view"]
    reasons = Counter(reason_code(r["reason"]) for r in rejected)
    planned = stats["views"] + stats["rejected_views"]
    build, rgb, label = (sum(timings.get(k, [0.0])) for k in ("scene_build", "rgb_render", "label_render"))
    report = {
        "views_written": stats["views"], "views_planned": planned,
        "rejection_rate": round(stats["rejected_views"] / max(planned, 1), 4), "rejections": dict(reasons),
        "taxonomy_classes_present": len(present & taxonomy), "taxonomy_classes": len(taxonomy),
        "taxonomy_missing": sorted(taxonomy - present),
        "cityscapes_present": len(cityscapes), "cityscapes_classes": len(benchmark_classes()["cityscapes"]),
        "depth_min_m": stats["depth_m"]["min"], "depth_max_m": stats["depth_m"]["max"],
        "view_kinds": dict(sorted(kinds.items())),
        "rgb_render_s_per_view": round(statistics.mean(timings["rgb_render"]), 3),
        "label_render_s_per_view": round(statistics.mean(timings["label_render"]), 3),
        "scene_build_s_per_scene": round(build / max(manifest["counts"]["scenes"], 1), 3),
        "scene_build_share_of_render": round(build / max(rgb + label, 1e-9), 4),
        "generate_s_per_scene": None if generate_s is None else round(generate_s, 3),
        "provenance_pixel_share": shares,
        "street_things": street,
        "bank_factories": factory_facts(args.config, args.dataset) if args.config else None,
        "distinct_variants_per_100_views": round(variants, 1) if args.config else None,
        "wall_s": manifest["run"]["wall_s"], "core_s_per_view": manifest["run"]["core_s_per_view"],
        "nature_ground": nature_ground(args.dataset),
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
