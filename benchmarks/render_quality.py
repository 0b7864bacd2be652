"""Render-quality yardstick: CPU seconds per view and error against a converged reference, per family.

The scenes are fixed: ``configs/yardstick.yaml`` (three per family, Infinigen content from its bank,
seeds 2000, 2001, ...). Each is rendered once as a reference (:data:`REFERENCE`: 1024 samples, no
adaptive sampling, no denoiser, 12 bounces of every kind, materials exactly as authored, bump
included) and cached under ``--cache`` by a hash of the scene, the size, the settings and Blender's
version. Every candidate is rendered on the same scenes and cameras, through the production path
(``RenderWorker.render_scene``: scene build, RGB render, label render), and scored against the
reference with NVIDIA's FLIP (``flip-evaluator``, LDR, 67 pixels per degree) and PSNR on the 8-bit
images a dataset stores. CPU seconds are the process's CPU time over ``render_scene`` (all render
threads), so they are core-seconds and comparable as ratios within one run on a shared machine.

A candidate is a name from :data:`CANDIDATES` (``before:standard`` is the standard preset as it was
before the render-cost work, ``standard`` the preset now) or ``BASE+field=value,field=value`` with any
:class:`RenderSettings` field, e.g. ``before:standard+samples=16,diffuse_bounces=2``.

    pipeline bank build configs/yardstick.yaml --out out/yardstick      # once
    nice .venv/bin/python benchmarks/render_quality.py --references        # renders the references once
    nice .venv/bin/python benchmarks/render_quality.py --candidates before:standard standard
    .venv/bin/python benchmarks/render_quality.py --report                   # FLIP/PSNR table of every row
    nice .venv/bin/python benchmarks/render_quality.py --strip docs/render_quality_strip.png
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

FAMILIES = ("indoor_room", "outdoor_street", "outdoor_nature")
SHORT = {"indoor_room": "room", "outdoor_street": "street", "outdoor_nature": "nature"}
REFERENCE_VERSION = 1  # bump when the reference's meaning changes, so cached references are re-rendered

_REFERENCE_KEYED = {
    "samples": 1024, "adaptive_threshold": 0.0, "denoise": False, "max_bounces": 12, "diffuse_bounces": 12,
    "glossy_bounces": 12, "transmission_bounces": 12, "transparent_bounces": 12, "clamp_indirect": 10.0,
    "light_tree": False, "fast_gi": False,
}
# Materials exactly as authored. Stated explicitly, since the presets set these levers; left out of the
# cache key, so the references rendered before the levers existed (which had them this way) stay valid.
_AS_AUTHORED = {"max_texture_detail": None, "secondary_texture_detail": None, "bump": True, "path_guiding": False}
REFERENCE = {**_REFERENCE_KEYED, **_AS_AUTHORED}
# The presets as they were before the render-cost work (2026-12-04), every lever at its old value.
_OLD_LEVERS = {"adaptive_min_samples": 0, "diffuse_bounces": None, "glossy_bounces": None,
               "transmission_bounces": None, "transparent_bounces": None, "clamp_indirect": 10.0,
               "light_tree": False, "fast_gi": False, "path_guiding": False, "max_texture_detail": None,
               "secondary_texture_detail": None, "bump": True}
CANDIDATES: dict[str, dict] = {
    "before:draft": {"samples": 16, "adaptive_threshold": 0.1, "denoise": True, "max_bounces": 4, **_OLD_LEVERS},
    "before:standard": {"samples": 64, "adaptive_threshold": 0.03, "denoise": True, "max_bounces": 8, **_OLD_LEVERS},
    "before:high": {"samples": 256, "adaptive_threshold": 0.01, "denoise": True, "max_bounces": 12, **_OLD_LEVERS},
    "draft": {"quality": "draft"},
    "standard": {"quality": "standard"},
    "high": {"quality": "high"},
}


def _value(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False, "none": None}.get(text.lower(), text)


def candidate_settings(name: str) -> dict:
    """RenderSettings fields of candidate ``name`` (``BASE`` or ``BASE+field=value,...``)."""
    base, _, extra = name.partition("+")
    if base not in CANDIDATES:
        raise SystemExit(f"unknown candidate {base!r}; known: {', '.join(CANDIDATES)}")
    fields = dict(CANDIDATES[base])
    for item in filter(None, extra.split(",")):
        key, _, value = item.partition("=")
        fields[key] = _value(value)
    return _known_to_this_code(fields)


def _known_to_this_code(fields: dict) -> dict:
    """Drop levers this checkout's RenderSettings lacks when they hold their old value, so ``before:*``
    also runs on the code from before the levers existed (``PYTHONPATH=<old checkout>``)."""
    from pipeline.render.settings import RenderSettings

    unknown = {k: v for k, v in fields.items() if k not in RenderSettings.model_fields}
    if any(_OLD_LEVERS.get(k, object()) != v for k, v in unknown.items()):
        raise SystemExit(f"this checkout's RenderSettings has no fields {sorted(unknown)}")
    return {k: v for k, v in fields.items() if k not in unknown}


def yardstick_scenes(config_path: str, bank: str, size: tuple[int, int], views: int = 1) -> tuple[list, object]:
    """The yardstick's specs (``count`` scenes of each family in the config, ``views`` cameras each; the
    first camera is the scored one and the same for any ``views``) and the bank's asset resolver."""
    from pipeline.bank.build import job_catalogue
    from pipeline.bank.store import AssetBank
    from pipeline.config import load_config
    from scenes import build

    config = load_config(config_path)
    catalogue = job_catalogue(config, bank)
    if catalogue is None or not catalogue.variants:
        raise SystemExit(f"the bank {bank} has no Infinigen variants; build it: pipeline bank build {config_path}")
    specs = []
    for source in config.scenes:
        for i in range(source.count):
            params = {**source.params, "views": views, "resolutions": [list(size)]}
            seed = config.seed + i
            specs.append(build(source.family, params, seed=seed, scene_id=f"yard_{SHORT[source.family]}_{i}",
                               catalogue=catalogue))
    return specs, AssetBank(bank).resolver()


def first_view(spec):
    """``spec`` with its first camera only (and its per-view facts cut to match): what the reference renders."""
    extra = {k: v[:1] if k == "view_kinds" else v for k, v in spec.extra.items()}
    return dataclasses.replace(spec, cameras=spec.cameras[:1], extra=extra)


def scene_key(spec, fields: dict) -> str:
    import bpy

    blob = json.dumps([REFERENCE_VERSION, bpy.app.version_string, spec.to_dict(), fields],
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def flip_and_psnr(reference: np.ndarray, test: np.ndarray) -> tuple[float, float]:
    """Mean LDR-FLIP and PSNR (dB) of two 8-bit sRGB images."""
    import flip_evaluator

    ref, img = reference.astype(np.float32) / 255.0, test.astype(np.float32) / 255.0
    _, mean_flip, _ = flip_evaluator.evaluate(ref, img, "LDR", applyMagma=False)
    mse = float(np.mean((ref - img) ** 2))
    return float(mean_flip), (99.0 if mse == 0 else 10.0 * np.log10(1.0 / mse))


class Yardstick:
    """Renders candidates on the yardstick scenes with one worker and scores them against the references."""

    def __init__(self, specs: list, resolver, cache: Path, threads: int, device: str = "cpu"):
        from pipeline.render.settings import RenderSettings
        from pipeline.render.worker import RenderWorker

        self.specs, self.cache, self.threads, self.device = specs, cache, threads, device
        self.worker = RenderWorker(RenderSettings(device=device, threads=threads), resolver)
        print(f"rendering on {self.worker.device}", flush=True)

    def _render(self, spec, fields: dict) -> tuple[np.ndarray, float, float, dict]:
        """(first view's RGB, process CPU seconds per view, wall seconds per view, the first view's
        timings) of the production render of ``spec``'s views."""
        from pipeline.render.settings import RenderSettings

        self.worker.settings = RenderSettings(**fields, device=self.device, threads=self.threads)
        wall, cpu = time.perf_counter(), time.process_time()
        views = self.worker.render_scene(spec)
        n = len(views)
        return views[0].rgb, (time.process_time() - cpu) / n, (time.perf_counter() - wall) / n, views[0].timings

    def reference_path(self, spec) -> Path:
        return self.cache / f"{spec.scene_id}-{scene_key(first_view(spec), _REFERENCE_KEYED)}.png"

    def render_reference(self, spec) -> None:
        """Render and cache ``spec``'s reference unless it is cached already."""
        from PIL import Image

        path = self.reference_path(spec)
        if path.exists():
            return
        rgb, cpu, _, _ = self._render(first_view(spec), _known_to_this_code(REFERENCE))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".partial.png")
        Image.fromarray(rgb).save(tmp)
        tmp.rename(path)
        print(f"  reference {spec.scene_id}: {cpu:.1f} CPU-s -> {path}", flush=True)

    def render_candidate(self, name: str, images: Path, tag: str = "") -> list[dict]:
        """Render candidate ``name`` on every scene; rows (candidate named ``name tag``) with its CPU
        seconds and image path."""
        from PIL import Image

        fields = candidate_settings(name)
        rows = []
        for spec in self.specs:
            rgb, cpu, wall, timings = self._render(spec, fields)
            path = images / _safe(name + tag) / f"{spec.scene_id}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(rgb).save(path)
            rows.append({"candidate": name + tag, "scene": spec.scene_id, "family": spec.family, "device": self.worker.device,
                         "views_per_scene": len(spec.cameras), "cpu_s": cpu,
                         "wall_s": wall, "timings": timings, "image": str(path),
                         "reference": str(self.reference_path(spec))})
            print(f"  {name:48s} {spec.scene_id:16s} cpu {cpu:7.2f} s  wall {wall:6.2f} s  "
                  + " ".join(f"{k} {v:.2f}" for k, v in timings.items()), flush=True)
        return rows


def _load(path: str) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as img:
        return np.asarray(img.convert("RGB")).copy()


def score(rows: list[dict]) -> list[dict]:
    """Rows with ``flip`` and ``psnr`` against their cached references (rows without one are dropped)."""
    scored = []
    for row in rows:
        if Path(row["reference"]).exists():
            flip, psnr = flip_and_psnr(_load(row["reference"]), _load(row["image"]))
            scored.append({**row, "flip": flip, "psnr": psnr})
    return scored


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def summarise(rows: list[dict]) -> list[dict]:
    """Per candidate and family (and ``all``): mean CPU-s per view, mean FLIP, mean PSNR."""
    out = []
    for name in dict.fromkeys(r["candidate"] for r in rows):
        mine = [r for r in rows if r["candidate"] == name]
        for family in (*FAMILIES, "all"):
            sel = [r for r in mine if family in ("all", r["family"])]
            if sel:
                out.append({"candidate": name, "family": SHORT.get(family, family), "views": len(sel),
                            **{k: round(statistics.fmean(r[k] for r in sel), 4) for k in ("cpu_s", "flip", "psnr")}})
    return out


def markdown(summary: list[dict]) -> str:
    """The table; a preset's ``all`` row says whether it meets its target (``TARGET_FLIP``)."""
    from pipeline.render.settings import TARGET_FLIP

    def target(s: dict) -> str:
        goal = TARGET_FLIP.get(s["candidate"].split(" @")[0])
        if goal is None or s["family"] != "all":
            return ""
        return f"<= {goal:.3f}: {'met' if s['flip'] <= goal else 'MISSED'}"

    lines = ["| candidate | family | CPU-s per view | mean FLIP | PSNR dB | target FLIP |", "|---|---|---|---|---|---|"]
    lines += [f"| {s['candidate']} | {s['family']} | {s['cpu_s']:.2f} | {s['flip']:.4f} | {s['psnr']:.2f} | {target(s)} |"
              for s in summary]
    return "\n".join(lines)


def strip(stick: Yardstick, images: Path, names: list[str], out: Path, zoom: int) -> None:
    """One row per scene: reference | each candidate, labelled, each image enlarged ``zoom`` x."""
    from PIL import Image, ImageDraw

    specs = stick.specs
    references = [_load(str(stick.reference_path(s))) for s in specs]
    cols = [("reference", references)] + [(n, [_load(str(images / _safe(n) / f"{s.scene_id}.png")) for s in specs])
                                          for n in names]
    h, w = references[0].shape[:2]
    H, W, pad, top = h * zoom, w * zoom, 4, 18
    sheet = Image.new("RGB", (len(cols) * (W + pad) + pad, top + len(specs) * (H + pad) + pad), "white")
    draw = ImageDraw.Draw(sheet)
    for c, (name, imgs) in enumerate(cols):
        x = pad + c * (W + pad)
        draw.text((x, 3), name, fill="black")
        for r, img in enumerate(imgs):
            sheet.paste(Image.fromarray(img).resize((W, H), Image.NEAREST), (x, top + pad + r * (H + pad)))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    print(f"strip -> {out}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="configs/yardstick.yaml", help="the yardstick's scenes and bank settings")
    ap.add_argument("--bank", default="out/yardstick/bank", help="asset bank built for --config")
    ap.add_argument("--size", default="128x96", help="WIDTHxHEIGHT of every view")
    ap.add_argument("--views", type=int, default=1,
                    help="views per scene: CPU-s are per view of the whole scene; the first view is scored")
    ap.add_argument("--cache", type=Path, default=Path("out/render_quality/reference"), help="reference images")
    ap.add_argument("--images", type=Path, default=Path("out/render_quality/images"), help="candidate images")
    ap.add_argument("--candidates", nargs="*", default=[], help="names or BASE+field=value,... (see module doc)")
    ap.add_argument("--families", nargs="*", default=[], help="only these families (room, street, nature)")
    ap.add_argument("--threads", type=int, default=0, help="render threads, 0 = one per core")
    ap.add_argument("--device", choices=["cpu", "gpu"], default="cpu",
                    help="gpu: the same settings on OptiX/CUDA (compare wall seconds; CPU-s are the driver's)")
    ap.add_argument("--tag", default="", help="appended to the candidate names, e.g. ' [old code]'")
    ap.add_argument("--references", action="store_true", help="render the missing references first")
    ap.add_argument("--json", type=Path, default=Path("out/render_quality/rows.jsonl"),
                    help="candidate rows are appended here; the report reads them")
    ap.add_argument("--report", nargs="*", metavar="CANDIDATE",
                    help="score the rows in --json against the references and print the table (all candidates, "
                         "or these)")
    ap.add_argument("--strip", type=Path, help="write a reference | candidates image strip here")
    ap.add_argument("--strip-candidates", nargs="*", default=["before:standard", "standard"])
    ap.add_argument("--zoom", type=int, default=2)
    args = ap.parse_args(argv)

    if args.report is not None:
        rows = [json.loads(line) for line in args.json.read_text().splitlines() if line.strip()]
        for r in rows:
            views = r.get("views_per_scene", 1)
            r["candidate"] += f" @{views} views" if views != 1 else ""
        latest = {(r["candidate"], r["scene"]): r for r in rows}  # a rerun of a candidate replaces its rows
        wanted = [r for r in latest.values() if not args.report or r["candidate"] in args.report]
        print(markdown(summarise(score(wanted))))
        return 0
    width, height = (int(v) for v in args.size.lower().split("x"))
    specs, resolver = yardstick_scenes(args.config, args.bank, (width, height), args.views)
    if args.families:
        specs = [s for s in specs if SHORT[s.family] in args.families]
    stick = Yardstick(specs, resolver, args.cache / f"{width}x{height}", args.threads, args.device)
    if args.references:
        for spec in specs:
            stick.render_reference(spec)
    for name in args.candidates:
        rows = stick.render_candidate(name, args.images, args.tag)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        with args.json.open("a") as f:
            f.writelines(json.dumps({**r, "size": args.size, "date": time.strftime("%Y-%m-%d %H:%M")}) + "\n"
                         for r in rows)
    if args.strip:
        for name in args.strip_candidates:
            if not all((args.images / _safe(name) / f"{s.scene_id}.png").exists() for s in specs):
                stick.render_candidate(name, args.images)
        strip(stick, args.images, args.strip_candidates, args.strip, args.zoom)
    return 0


if __name__ == "__main__":
    sys.exit(main())
