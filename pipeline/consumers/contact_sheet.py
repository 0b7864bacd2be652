"""A contact sheet PNG: per row, one view's input | depth target | normals target | segmentation target;
below them, when the dataset has two-view pairs, one row per such pair: input | second input | target."""

from __future__ import annotations

import io
from collections import defaultdict

import numpy as np
from PIL import Image, ImageDraw

from pipeline.shards import layout
from pipeline.tasks.pair import TARGET, input_members
from pipeline.shards.index import read_index, with_view_facts
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import read_members
from pipeline.errors import NotADataset

COLUMNS = ("input", "depth", "normals", "semantic")
PAIR_COLUMNS = ("input", "second input", "target")  # the rows of two-view pairs (flow, disparity)


def contact_sheet(dataset_uri: str, out_png: str, max_rows: int = 12, cell: int = 192) -> tuple[int, int]:
    """Write the sheet for up to ``max_rows`` views (and up to half as many two-view pairs); returns the
    number of view rows and of two-view pair rows drawn."""
    output = Output(dataset_uri)
    if not output.exists(layout.MANIFEST):
        raise NotADataset(f"{dataset_uri}: no manifest.json; not a finished dataset")
    manifest = output.read_json(layout.MANIFEST)
    pairs = with_view_facts(read_index(output, layout.PAIRS, manifest), read_index(output, layout.VIEWS, manifest))
    rows = pairs.select(["key", "shard", "view_key", "task", "family"]
                        + (["view_keys"] if "view_keys" in pairs.column_names else [])).to_pylist()
    by_view: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    family_views: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets of view keys
    for r in rows:
        if r["task"] in COLUMNS[1:]:
            by_view[r["view_key"]].setdefault(r["task"], (r["shard"], r["key"]))
            family_views[r["family"]][r["view_key"]] = None
    views = _round_robin([_scenes_first([v for v in vs if len(by_view[v]) == 3]) for _, vs in sorted(family_views.items())],
                         max_rows)
    by_task: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if len(r.get("view_keys") or ()) == 2:
            by_task[r["task"]].append(r)
    per_task = []  # each task's pairs, one family after another in turn, so the rows vary
    for _, rs in sorted(by_task.items()):
        families: dict[str, list[dict]] = defaultdict(list)
        for r in rs:
            families[r["family"]].append(r)
        per_task.append(_round_robin([f for _, f in sorted(families.items())], max_rows))
    picked = _round_robin(per_task, max(2, max_rows // 2))
    wanted = defaultdict(set)
    for v in views:
        for shard, key in by_view[v].values():
            wanted[shard].add(key)
    for r in picked:
        wanted[r["shard"]].add(r["key"])
    samples = {}
    for shard, keys in wanted.items():
        samples.update(read_members(output, shard, keys))
    label_h = 16
    height = label_h + cell * max(len(views), 1) + (label_h + cell * len(picked) if picked else 0)
    sheet = Image.new("RGB", (cell * len(COLUMNS), height), "white")
    draw = ImageDraw.Draw(sheet)
    for c, name in enumerate(COLUMNS):
        draw.text((c * cell + 4, 2), name, fill="black")
    for r, v in enumerate(views):
        first = samples[by_view[v]["depth"][1]]
        tiles = [first[input_members(first)[0]]] + [samples[by_view[v][t][1]][TARGET] for t in COLUMNS[1:]]
        _paste_row(sheet, tiles, label_h + r * cell, cell)
    top = label_h + cell * max(len(views), 1)
    if picked:
        for c, name in enumerate(PAIR_COLUMNS):
            draw.text((c * cell + 4, top + 2), name, fill="black")
        for r, pair in enumerate(picked):
            sample = samples[pair["key"]]
            y = top + label_h + r * cell
            _paste_row(sheet, [sample[m] for m in input_members(sample)] + [sample[TARGET]], y, cell)
            draw.text((3 * cell + 4, y + 4), pair["task"], fill="black")
    with open(out_png, "wb") as f:
        sheet.save(f, format="PNG")
    return len(views), len(picked)


def _scenes_first(view_keys: list[str]) -> list[str]:
    """One view of each scene first, then the others: the frames of a view group look alike."""
    seen, first, rest = set(), [], []
    for key in view_keys:
        scene = key.rsplit("_v", 1)[0]
        (rest if scene in seen else first).append(key)
        seen.add(scene)
    return first + rest


def _paste_row(sheet: Image.Image, tiles: list[bytes], y: int, cell: int) -> None:
    for c, data in enumerate(tiles):
        img = Image.open(io.BytesIO(data)).convert("RGB")
        img.thumbnail((cell, cell))
        sheet.paste(img, (c * cell, y))


def _round_robin(groups: list[list], limit: int) -> list:
    """Take one item from each group in turn, so every scene family shows up on the sheet."""
    out: list[str] = []
    while len(out) < limit and any(groups):
        for g in groups:
            if g and len(out) < limit:
                out.append(g.pop(0))
    return out


def family_sheets(dataset_uri: str, out_dir: str, per_family: int = 16, cell: int = 160, seed: int = 0) -> list[str]:
    """One PNG per scene family: a grid of ``per_family`` randomly drawn views' RGB images."""
    output = Output(dataset_uri)
    if not output.exists(layout.MANIFEST):
        raise NotADataset(f"{dataset_uri}: no manifest.json; not a finished dataset")
    rows = read_index(output, layout.VIEWS, output.read_json(layout.MANIFEST)).select(["key", "shard", "family"]).to_pylist()
    by_family: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_family[r["family"]].append(r)
    rng = np.random.default_rng(seed)
    written = []
    for family, items in sorted(by_family.items()):
        picked = [items[i] for i in sorted(rng.choice(len(items), min(per_family, len(items)), replace=False))]
        wanted = defaultdict(set)
        for r in picked:
            wanted[r["shard"]].add(r["key"])
        samples = {}
        for shard, keys in wanted.items():
            samples.update(read_members(output, shard, keys))
        cols = int(np.ceil(np.sqrt(len(picked))))
        grid_rows = int(np.ceil(len(picked) / cols))
        sheet = Image.new("RGB", (cols * cell, 16 + grid_rows * cell), "white")
        ImageDraw.Draw(sheet).text((4, 2), f"{family}: {len(picked)} random views", fill="black")
        for n, r in enumerate(picked):
            img = Image.open(io.BytesIO(samples[r["key"]]["rgb.png"])).convert("RGB")
            img.thumbnail((cell, cell))
            sheet.paste(img, ((n % cols) * cell, 16 + (n // cols) * cell))
        path = f"{out_dir.rstrip('/')}/views_{family}.png"
        sheet.save(path, format="PNG")
        written.append(path)
    return written
