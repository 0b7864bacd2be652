"""A scene family with Infinigen content at a glance, with the figures issue 10 asks for on a small sample.

    .venv/bin/python benchmarks/content_grid.py --views 8 --out out/content_grid/rooms.png
    .venv/bin/python benchmarks/content_grid.py --family outdoor_street --out out/content_grid/streets.png
    .venv/bin/python benchmarks/content_grid.py --family outdoor_nature --out out/content_grid/nature.png

Builds (or reuses) an asset bank, renders ``--views`` views (two per scene) through one RenderWorker at
320x240, and writes a grid PNG plus a JSON of: provenance by pixel share of object instances (structure
such as floor, walls, road, terrain and background excluded), scene build seconds (generation, Blender
build and bank loads) as a share of render seconds, and the distinct asset variants seen.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.bank.build import build_bank, job_catalogue
from pipeline.bank.store import AssetBank
from pipeline.config import parse_config
from scenes import build

STRUCTURE = {"floor", "wall", "ceiling", "terrain", "road", "sidewalk", "curb", "building", "sky", "water",
             "mountain"}
PARAMS = {"indoor_room": {"closeup_prob": 0.2}, "outdoor_street": {}, "outdoor_nature": {}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", choices=sorted(PARAMS), default="indoor_room")
    ap.add_argument("--views", type=int, default=8)
    ap.add_argument("--bank", default="out/content_grid/bank")
    ap.add_argument("--variants", type=int, default=2)
    ap.add_argument("--quality", default="draft")
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--out", default=None, help="default: out/content_grid/views_<family>_infinigen.png")
    args = ap.parse_args()
    args.out = args.out or f"out/content_grid/views_{args.family}_infinigen.png"

    params = {"views": 2, "resolutions": [[320, 240]], **PARAMS[args.family]}
    config = parse_config({"name": "grid", "scenes": [{"family": args.family, "count": 1, "params": params}],
                           "render": {"quality": args.quality},
                           "bank": {"variants": args.variants, "per_factory": {"BedFactory": 0}}})
    t0 = time.perf_counter()
    bank_stats = build_bank(config, args.bank, use_ray=False)
    bank_s = time.perf_counter() - t0
    catalogue = job_catalogue(config, args.bank)

    from pipeline.render.worker import RenderWorker

    worker = RenderWorker(config.render, AssetBank(args.bank).resolver())
    images, pixels, variants = [], Counter(), set()
    build_s = render_s = 0.0
    seed = args.seed
    while len(images) < args.views:
        t = time.perf_counter()
        spec = build(args.family, params, seed, f"g{seed}", catalogue)
        gen = time.perf_counter() - t
        objects = {o.instance_id: o for o in spec.objects}
        for view in worker.render_scene(spec):
            build_s += view.timings["scene_build"] + gen / len(spec.cameras)
            render_s += view.timings["rgb_render"] + view.timings["label_render"]
            ids, counts = np.unique(view.instance, return_counts=True)
            for i, n in zip(ids.tolist(), counts.tolist()):
                if i and objects[i].class_name not in STRUCTURE:
                    pixels[objects[i].source.split(":", 1)[0]] += n
                    if objects[i].source.startswith("infinigen:"):
                        variants.add(objects[i].parts[0].asset)
            images.append(view.rgb)
        seed += 1
    images = images[:args.views]
    h, w, _ = images[0].shape
    cols = 4
    rows = -(-len(images) // cols)
    grid = Image.new("RGB", (cols * w, rows * h), "white")
    for k, img in enumerate(images):
        grid.paste(Image.fromarray(img), ((k % cols) * w, (k // cols) * h))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    grid.save(args.out)
    total = sum(pixels.values())
    stats = {"views": len(images), "bank": bank_stats, "bank_wall_s": round(bank_s, 1),
             "object_pixel_share": {k: round(v / total, 4) for k, v in pixels.items()},
             "scene_build_share_of_render": round(build_s / render_s, 4),
             "render_s_per_view": round(render_s / len(images), 2),
             "distinct_variants": len(variants), "catalogue_variants": len(catalogue)}
    Path(args.out).with_suffix(".json").write_text(json.dumps(stats, indent=1))
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
