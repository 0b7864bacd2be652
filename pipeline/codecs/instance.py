"""Instance segmentation of one class <-> RGB, with the paper's clustering decoder (docs/FORMAT.md, section 4).

Encode: every visible instance of the class gets its own colour (seeded, at least ``MIN_COLOR_DISTANCE``
from the others and from the background), everything else the background colour named in the prompt.
The metadata maps instance id -> colour.

Decode (:func:`cluster_instances`, 0..255 scale, parameters as in the paper):
1. background where the distance to the background colour is < ``tau`` (14);
2. seeds in raster order; each flood-fills (4-connected) the unvisited pixels whose colour is within
   ``tau`` of the seed's colour;
3. components under ``min_area`` (2e-4) of the image are dropped;
4. components that keep < 10% of their area after a 3x3 erosion are dropped;
5. components whose mean colours are within ``tau`` merge when the box around both is at most 5x their
   summed area (repeated until nothing merges).
The flood fill labels a window around the seed and doubles it until the component stays clear of the
window's inner edges, so small components cost little. A pixel whose four neighbours are all more than
2 tau away can never join another seed's component and would be a 1-pixel component that the erosion
step removes, so such pixels are skipped up front (the result is the same; noisy images decode faster).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from pipeline.codecs import prompts
from pipeline.codecs.colors import NAMED_COLORS, parse_color, sample_separated
from pipeline.codecs.validation import check_labels, check_rgb, present_ids

MIN_COLOR_DISTANCE = 60.0
TAU = 14.0
MIN_AREA_FRACTION = 2e-4
ERODE_KEEP = 0.10
MERGE_BOX_RATIO = 5.0
BACKGROUNDS = (("black", 0.6), ("white", 0.2), ("gray", 0.1), ("navy", 0.1))
_FOUR = ndimage.generate_binary_structure(2, 1)
_EIGHT = np.ones((3, 3), dtype=bool)


def _pick_background(rng: np.random.Generator, background: str | None) -> str:
    if background is not None:
        if background not in NAMED_COLORS:
            raise ValueError(f"background: {background!r} is not a colour name in NAMED_COLORS")
        return background
    names, weights = zip(*BACKGROUNDS)
    return names[int(rng.choice(len(names), p=np.array(weights) / sum(weights)))]


def encode_instance(instance, instance_classes: dict[int, str], class_name: str, seed: int,
                    background: str | None = None, ignore: dict[int, str] | None = None):
    """HxW instance ids + id -> class -> (target, prompt, meta) for the instances of ``class_name``.

    ``ignore``: instance id -> reason, for instances painted as background (too small or too thin for
    the decoder); the meta lists them under ``ignored`` so that scoring leaves their pixels out."""
    inst = check_labels(instance, "instance")
    rng = np.random.default_rng(seed)
    ignore = ignore or {}
    present = [i for i in present_ids(inst) if instance_classes.get(i) == class_name and i not in ignore]
    bg_name = _pick_background(rng, background)
    bg_rgb = NAMED_COLORS[bg_name]
    colors, dist = sample_separated(rng, len(present), MIN_COLOR_DISTANCE, exclude=[bg_rgb])
    lut = np.empty((int(inst.max()) + 1 if inst.size else 1, 3), dtype=np.uint8)
    lut[:] = bg_rgb
    for iid, rgb in zip(present, colors):
        lut[iid] = rgb
    template = prompts.choose("instance", rng)
    prompt = template.render(cls=class_name, background=bg_name)
    meta = {
        "task": "instance",
        **prompts.template_meta(template),
        "class_name": class_name,
        "instances": [{"instance_id": iid, "rgb": list(rgb)} for iid, rgb in zip(present, colors)],
        "ignored": [{"instance_id": int(iid), "reason": why} for iid, why in sorted(ignore.items())],
        "background_name": bg_name,
        "background_rgb": list(bg_rgb),
        "min_color_distance": round(dist, 3),
        "decoder": {"tau": TAU, "min_area_fraction": MIN_AREA_FRACTION, "erode_keep": ERODE_KEEP,
                    "merge_box_ratio": MERGE_BOX_RATIO},
    }
    return np.take(lut, inst, axis=0), prompt, meta


def parse_instance_prompt(prompt: str) -> tuple[str, tuple[int, int, int]]:
    """(class name, background colour) from an instance prompt this module wrote."""
    fields = prompts.parse("instance", prompt)[1]
    return fields["cls"], parse_color(fields["background"])


@dataclass
class _Component:
    y0: int
    x0: int
    mask: np.ndarray  # local boolean mask over [y0:y0+h, x0:x0+w]
    area: int
    color_sum: np.ndarray

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.y0, self.x0, self.y0 + self.mask.shape[0], self.x0 + self.mask.shape[1]

    @property
    def mean(self) -> np.ndarray:
        return self.color_sum / self.area


def _crop_to_content(y0: int, x0: int, mask: np.ndarray) -> tuple[int, int, np.ndarray]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return y0 + rows[0], x0 + cols[0], mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _dist2(a: np.ndarray, b) -> np.ndarray:
    """Squared RGB distance of two int32 ...x3 arrays (or an array and one colour), channel by channel."""
    d = a[..., 0] - b[..., 0]
    out = d * d
    for c in (1, 2):
        d = a[..., c] - b[..., c]
        out += d * d
    return out


def _isolated(img: np.ndarray, limit2: float) -> np.ndarray:
    """Pixels whose 4-neighbours are all farther than sqrt(limit2) in colour (image edges count as far)."""
    h, w, _ = img.shape
    iso = np.ones((h, w), dtype=bool)
    dv = _dist2(img[1:], img[:-1]) <= limit2
    dh = _dist2(img[:, 1:], img[:, :-1]) <= limit2
    iso[1:] &= ~dv
    iso[:-1] &= ~dv
    iso[:, 1:] &= ~dh
    iso[:, :-1] &= ~dh
    return iso


def _flood(img: np.ndarray, visited: np.ndarray, y: int, x: int, tau2: float) -> _Component:
    h, w, _ = img.shape
    seed = img[y, x]
    r = 8
    while True:
        y0, y1, x0, x1 = max(0, y - r), min(h, y + r + 1), max(0, x - r), min(w, x + r + 1)
        crop = img[y0:y1, x0:x1]
        ok = (~visited[y0:y1, x0:x1]) & (_dist2(crop, seed) <= tau2)
        lab, _ = ndimage.label(ok, structure=_FOUR)
        comp = lab == lab[y - y0, x - x0]
        touches = ((y0 > 0 and comp[0].any()) or (y1 < h and comp[-1].any())
                   or (x0 > 0 and comp[:, 0].any()) or (x1 < w and comp[:, -1].any()))
        if not touches:
            cy0, cx0, m = _crop_to_content(y0, x0, comp)
            area = int(m.sum())
            colors = img[cy0:cy0 + m.shape[0], cx0:cx0 + m.shape[1]][m]
            return _Component(cy0, cx0, m, area, colors.sum(axis=0).astype(np.float64))
        r *= 2


def _survives_erosion(c: _Component, keep: float) -> bool:
    eroded = ndimage.binary_erosion(c.mask, structure=_EIGHT, border_value=0)
    return eroded.sum() >= keep * c.area


def _merge(a: _Component, b: _Component) -> _Component:
    ay0, ax0, ay1, ax1 = a.box
    by0, bx0, by1, bx1 = b.box
    y0, x0, y1, x1 = min(ay0, by0), min(ax0, bx0), max(ay1, by1), max(ax1, bx1)
    m = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    m[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0] |= a.mask
    m[by0 - y0:by1 - y0, bx0 - x0:bx1 - x0] |= b.mask
    return _Component(y0, x0, m, a.area + b.area, a.color_sum + b.color_sum)


def _mergeable(a: _Component, b: _Component, tau: float, ratio: float) -> bool:
    if np.linalg.norm(a.mean - b.mean) >= tau:
        return False
    ay0, ax0, ay1, ax1 = a.box
    by0, bx0, by1, bx1 = b.box
    box = (max(ay1, by1) - min(ay0, by0)) * (max(ax1, bx1) - min(ax0, bx0))
    return box <= ratio * (a.area + b.area)


def cluster_instances(rgb, background_rgb, tau: float = TAU, min_area_fraction: float = MIN_AREA_FRACTION,
                      erode_keep: float = ERODE_KEEP, merge_box_ratio: float = MERGE_BOX_RATIO) -> list[np.ndarray]:
    """The paper's instance decoder: HxWx3 RGB -> list of HxW boolean masks, one per instance, in the
    raster order of their first seed."""
    img = check_rgb(rgb).astype(np.int32)
    h, w, _ = img.shape
    bg = np.asarray(background_rgb, dtype=np.int32).reshape(3)
    tau2 = tau * tau
    visited = _dist2(img, bg) < tau2
    if erode_keep > 0:
        visited |= _isolated(img, 4.0 * tau2)
    flat = visited.reshape(-1)
    comps: list[_Component] = []
    cand = np.flatnonzero(~flat)
    i = 0
    while i < len(cand):
        p = int(cand[i])
        i += 1
        if flat[p]:
            continue
        c = _flood(img, visited, p // w, p % w, tau2)
        visited[c.y0:c.y0 + c.mask.shape[0], c.x0:c.x0 + c.mask.shape[1]] |= c.mask
        comps.append(c)
        if c.area > 256:  # drop the seeds it swallowed in one vectorised step
            cand = cand[i:][~flat[cand[i:]]]
            i = 0
    min_area = min_area_fraction * h * w
    comps = [c for c in comps if c.area >= min_area and _survives_erosion(c, erode_keep)]
    merged = True
    while merged:
        merged = False
        for i in range(len(comps)):
            for j in range(i + 1, len(comps)):
                if _mergeable(comps[i], comps[j], tau, merge_box_ratio):
                    comps[i] = _merge(comps[i], comps[j])
                    del comps[j]
                    merged = True
                    break
            if merged:
                break
    out = []
    for c in comps:
        m = np.zeros((h, w), dtype=bool)
        m[c.y0:c.y0 + c.mask.shape[0], c.x0:c.x0 + c.mask.shape[1]] = c.mask
        out.append(m)
    return out


def decode_instance(rgb, meta_or_prompt) -> list[np.ndarray]:
    """HxWx3 RGB -> one HxW boolean mask per instance, with the background colour from the meta or prompt
    (and the decoder parameters recorded in the meta, else the paper's)."""
    if isinstance(meta_or_prompt, dict):
        return cluster_instances(rgb, meta_or_prompt["background_rgb"], **meta_or_prompt.get("decoder", {}))
    if isinstance(meta_or_prompt, str):
        return cluster_instances(rgb, parse_instance_prompt(meta_or_prompt)[1])
    raise ValueError(f"meta_or_prompt: expected a pair's meta dict or a prompt str, got {type(meta_or_prompt).__name__}")
