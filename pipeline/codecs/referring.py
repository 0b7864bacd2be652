"""Referring-expression segmentation: phrases that pick exactly one visible object, and their targets.

A phrase is built from the view's scene graph: class, optionally the material colour name and the
supporting object's class ("on the table"), and optionally one selector: largest / smallest (object
size), leftmost / rightmost or "on the left/right" (image position), nearest / farthest (median depth);
superlatives are only used among two or more objects that share the rest of the phrase.
Every phrase is evaluated against all visible objects before it is emitted: it is kept only when it
matches exactly its object. Selectors need a clear margin (``SIZE_MARGIN``, ``X_MARGIN``,
``DEPTH_MARGIN``), otherwise the near-tied objects all count as matches and the phrase is rejected.

Targets paint the object in a named colour on a named background. The multi-object form
("the chair is rendered cyan, the lamp is rendered yellow") paints several objects at once.
Decode: each pixel takes the nearest of the prompt's colours (background included).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np

from pipeline.codecs import prompts
from pipeline.codecs.colors import NAMED_COLORS, nearest_color_index, parse_color, rgb_distance
from pipeline.codecs.instance import BACKGROUNDS
from pipeline.codecs.validation import check_labels, check_rgb

SIZE_MARGIN = 1.15  # largest must be 15% bigger than the runner-up
X_MARGIN = 0.05  # leftmost must be 5% of the width left of the runner-up
DEPTH_MARGIN = 1.10  # nearest must be 10% nearer than the runner-up
LEFT_OF, RIGHT_OF, SIDE_GAP = 0.4, 0.6, 0.1  # "on the left": x < 0.4, every other candidate x >= 0.5
MIN_TARGET_FRACTION = 1e-3  # objects smaller than this share of the image are never targets
STUFF = frozenset({"floor", "wall", "ceiling", "road", "sidewalk", "sky", "terrain"})
MIN_COLOR_DISTANCE = 100.0
SUPERLATIVES = ("largest", "smallest", "leftmost", "rightmost", "nearest", "farthest")
SELECTORS = SUPERLATIVES + ("on the left", "on the right")
_ASSIGN_RE = re.compile(r"(?P<phrase>the .+?) is rendered (?P<color>[a-z ]+?)(?:, |$)")


@dataclass(frozen=True)
class Descriptor:
    """What a phrase says: class plus optional colour, support class and selector."""

    cls: str
    color: str | None = None
    support: str | None = None
    selector: str | None = None

    def phrase(self) -> str:
        words = ["the"]
        if self.selector and not self.selector.startswith("on the"):
            words.append(self.selector)
        if self.color:
            words.append(self.color)
        words.append(self.cls)
        if self.support:
            words.append(f"on the {self.support}")
        if self.selector and self.selector.startswith("on the"):
            words.append(self.selector)
        return " ".join(words)


def _superlative(cands: list[dict], key, margin: float, ratio: bool, lowest: bool) -> set[int]:
    """Ids matching a superlative: the extreme object, plus any within the margin of it (a tie)."""
    vals = [(key(o), o["instance_id"]) for o in cands if key(o) is not None]
    if not vals:
        return set()
    vals.sort(reverse=not lowest)
    best = vals[0][0]
    if ratio:
        near = [i for v, i in vals if (v <= best * margin if lowest else v * margin >= best)]
    else:
        near = [i for v, i in vals if (v <= best + margin if lowest else v >= best - margin)]
    return set(near)


def matches(desc: Descriptor, objects: list[dict]) -> set[int]:
    """Instance ids of the scene-graph objects the phrase can refer to."""
    cands = [o for o in objects if o["class_name"] == desc.cls
             and (desc.color is None or o.get("color_name") == desc.color)
             and (desc.support is None or o.get("supported_by_class") == desc.support)]
    s = desc.selector
    if s is None:
        return {o["instance_id"] for o in cands}
    if s in SUPERLATIVES and len(cands) < 2:
        return set()  # "the largest lamp" needs a second lamp to compare with
    x = lambda o: o["centroid"][0]  # noqa: E731
    if s in ("largest", "smallest"):
        return _superlative(cands, lambda o: o.get("size_m"), SIZE_MARGIN, True, s == "smallest")
    if s in ("leftmost", "rightmost"):
        return _superlative(cands, x, X_MARGIN, False, s == "leftmost")
    if s in ("nearest", "farthest"):
        return _superlative(cands, lambda o: o.get("median_depth_m"), DEPTH_MARGIN, True, s == "nearest")
    if s == "on the left":
        inside = {o["instance_id"] for o in cands if x(o) < LEFT_OF}
        close = {o["instance_id"] for o in cands if x(o) < LEFT_OF + SIDE_GAP}
        return close if inside else set()
    if s == "on the right":
        inside = {o["instance_id"] for o in cands if x(o) > RIGHT_OF}
        close = {o["instance_id"] for o in cands if x(o) > RIGHT_OF - SIDE_GAP}
        return close if inside else set()
    raise ValueError(f"unknown selector {s!r}; expected one of {SELECTORS}")


def unique_descriptors(obj: dict, objects: list[dict]) -> list[Descriptor]:
    """Every descriptor of ``obj`` that matches exactly ``obj`` among ``objects``, simplest first."""
    colors = [None] + ([obj["color_name"]] if obj.get("color_name") else [])
    supports = [None] + ([obj["supported_by_class"]] if obj.get("supported_by_class") else [])
    out = []
    for selector in (None,) + SELECTORS:
        for color in colors:
            for support in supports:
                if support and selector and selector.startswith("on the"):
                    continue  # "the chair on the floor on the left" reads badly
                d = Descriptor(obj["class_name"], color, support, selector)
                if matches(d, objects) == {obj["instance_id"]}:
                    out.append(d)
    return out


def referable_objects(scene_graph: dict) -> dict[int, list[Descriptor]]:
    """Target candidates (large enough, not stuff) -> their unique descriptors; objects with none are left out."""
    objects = scene_graph["objects"]
    out = {}
    for o in objects:
        if o["class_name"] in STUFF or o["pixel_fraction"] < MIN_TARGET_FRACTION:
            continue
        ds = unique_descriptors(o, objects)
        if ds:
            out[o["instance_id"]] = ds
    return out


def _colors(rng: np.random.Generator, n: int, background: str) -> list[str]:
    """``n`` named colours at least ``MIN_COLOR_DISTANCE`` from each other and the background."""
    names = [k for k in NAMED_COLORS if k != background]
    chosen: list[str] = []
    for i in rng.permutation(len(names)):
        c = names[i]
        if all(rgb_distance(NAMED_COLORS[c], NAMED_COLORS[t]) >= MIN_COLOR_DISTANCE for t in chosen + [background]):
            chosen.append(c)
            if len(chosen) == n:
                return chosen
    raise ValueError(f"cannot draw {n} named colours {MIN_COLOR_DISTANCE} apart on {background}")


def encode_referring(instance, scene_graph: dict, seed: int, n_objects: int = 1, exclude: tuple[int, ...] = (),
                     candidates: dict[int, list[Descriptor]] | None = None):
    """HxW instance ids + the view's scene graph -> (target, prompt, meta).

    ``n_objects`` = 1 gives the single-object form; more gives the multi-object form. Targets are drawn
    (seeded) among :func:`referable_objects` (pass ``candidates`` to reuse them across calls) not in
    ``exclude``; ValueError if too few exist."""
    inst = check_labels(instance, "instance")
    rng = np.random.default_rng(seed)
    if candidates is None:
        candidates = referable_objects(scene_graph)
    pool = {k: v for k, v in candidates.items() if k not in exclude}
    if len(pool) < n_objects:
        raise ValueError(f"only {len(pool)} objects can be referred to uniquely; {n_objects} requested")
    ids = sorted(pool)
    targets = [ids[i] for i in rng.choice(len(ids), size=n_objects, replace=False)]
    descs = [pool[t][int(rng.integers(len(pool[t])))] for t in targets]
    bg_name = BACKGROUNDS[int(rng.choice(len(BACKGROUNDS), p=np.array([w for _, w in BACKGROUNDS])))][0]
    color_names = _colors(rng, n_objects, bg_name)
    bg_rgb = NAMED_COLORS[bg_name]
    lut = np.empty((int(inst.max()) + 1 if inst.size else 1, 3), dtype=np.uint8)
    lut[:] = bg_rgb
    for t, c in zip(targets, color_names):
        if t < len(lut):
            lut[t] = NAMED_COLORS[c]
    if n_objects == 1:
        template = prompts.choose("referring", rng)
        prompt = template.render(phrase=descs[0].phrase(), color=color_names[0], background=bg_name)
    else:
        template = prompts.choose("referring_multi", rng)
        assignments = ", ".join(f"{d.phrase()} is rendered {c}" for d, c in zip(descs, color_names))
        prompt = template.render(assignments=assignments, background=bg_name)
    meta = {
        "task": "referring",
        **prompts.template_meta(template),
        "form": "single" if n_objects == 1 else "multi",
        "objects": [{"instance_id": t, "phrase": d.phrase(), "descriptor": asdict(d), "color_name": c,
                     "rgb": list(NAMED_COLORS[c])} for t, d, c in zip(targets, descs, color_names)],
        "background_name": bg_name,
        "background_rgb": list(bg_rgb),
    }
    return np.take(lut, inst, axis=0), prompt, meta


def parse_referring_prompt(prompt: str) -> tuple[list[tuple[str, tuple[int, int, int]]], tuple[int, int, int]]:
    """([(phrase, colour), ...], background colour) from a single- or multi-object prompt."""
    try:
        f = prompts.parse("referring", prompt)[1]
        return [(f["phrase"], parse_color(f["color"]))], parse_color(f["background"])
    except ValueError:
        f = prompts.parse("referring_multi", prompt)[1]
    pairs = [(m.group("phrase"), parse_color(m.group("color"))) for m in _ASSIGN_RE.finditer(f["assignments"])]
    if not pairs:
        raise ValueError(f"no 'X is rendered C' assignments in prompt {prompt[:120]!r}")
    return pairs, parse_color(f["background"])


def decode_referring(rgb, meta_or_prompt) -> dict[str, np.ndarray]:
    """HxWx3 RGB -> {phrase: HxW boolean mask}, each pixel going to the nearest prompt colour."""
    img = check_rgb(rgb)
    if isinstance(meta_or_prompt, dict):
        pairs = [(o["phrase"], tuple(o["rgb"])) for o in meta_or_prompt["objects"]]
        bg = tuple(meta_or_prompt["background_rgb"])
    elif isinstance(meta_or_prompt, str):
        pairs, bg = parse_referring_prompt(meta_or_prompt)
    else:
        raise ValueError(f"meta_or_prompt: expected a pair's meta dict or a prompt str, got {type(meta_or_prompt).__name__}")
    idx = nearest_color_index(img, [bg] + [c for _, c in pairs])
    return {phrase: idx == k + 1 for k, (phrase, _) in enumerate(pairs)}
