"""Draw the same scenes without and with a user asset library side by side (README images).

    .venv/bin/python examples/byo_assets/before_after.py out/byo_assets/before out/byo_assets/after docs/byo_assets.png [ROWS]

Per view (the two datasets share config and seeds, so their scenes match; a room that places user
models draws its clutter and cameras after them, so those views differ more): the input without user
assets, the input with them, and the semantic map with them, user instances outlined in yellow.
Views showing a user model come first; ``ROWS`` (default 6) caps the rows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pipeline.consumers.show import id_colors  # noqa: E402
from pipeline.shards.storage import Output  # noqa: E402
from pipeline.shards.tar_reader import iter_samples  # noqa: E402
from pipeline.view import View  # noqa: E402


def views(root: str) -> dict[str, View]:
    output = Output(root)
    out = {}
    for shard in json.loads(Path(root, "manifest.json").read_text())["series"]["views"]:
        for sample in iter_samples(output, shard["name"]):
            view = View.from_sample(sample)
            out[view.key] = view
    return out


def _user_pixels(view: View) -> int:
    ids = [i["id"] for i in view.meta["instances"] if i["source"].startswith("user:")]
    return int(np.isin(view.instance, ids).sum())


def main(before: str, after: str, png: str, max_rows: int = 6) -> None:
    a, b = views(before), views(after)
    keys = sorted(set(a) & set(b), key=lambda k: (_user_pixels(b[k]) < 200, k))[:max_rows]
    rows = []
    for key in sorted(keys):
        mine = [i["id"] for i in b[key].meta["instances"] if i["source"].startswith("user:")]
        sem = (np.asarray(id_colors(b[key].semantic)) * (255 if np.asarray(id_colors(b[key].semantic)).max() <= 1 else 1)).astype(np.uint8)
        edge = np.zeros(sem.shape[:2], bool)
        for i in mine:
            m = b[key].instance == i
            inner = m.copy()
            for axis in (0, 1):
                for step in (1, 2, -1, -2):
                    inner &= np.roll(m, step, axis)
            edge |= m & ~inner
        sem[edge] = (255, 230, 0)
        rows.append(np.concatenate([a[key].rgb, b[key].rgb, sem], axis=1).astype(np.uint8))
    grid = np.concatenate([np.pad(r, ((0, 4), (0, 0), (0, 0)), constant_values=255) for r in rows], axis=0)
    image = Image.fromarray(grid)
    ImageDraw.Draw(image).text((4, 2), "before | with user assets | semantic (user instances outlined)", fill=(255, 255, 0))
    image.save(png)
    print(f"wrote {png}: {len(rows)} views")


if __name__ == "__main__":
    main(*sys.argv[1:4], *(int(x) for x in sys.argv[4:5]))
