"""Semantic segmentation <-> RGB with a per-sample colour mapping stated in the prompt (docs/FORMAT.md, section 4).

Per sample (seeded): a subset of the view's classes is listed (unlisted classes paint as background),
a few classes absent from the view may be listed too, and every listed class plus "background" gets a
colour at least ``MIN_COLOR_DISTANCE`` (RGB, 0..255) from all others, so a model has to read the mapping
(with more than about 30 listed classes the distance is lowered in 10% steps; the meta records the one
used; colour names switch to hex when the named palette cannot keep the distance).
The mapping is written as JSON (``<r,g,b>``, hex or colour names) or as sentences ("The chair is
represented by (255, 255, 0)."); :func:`parse_semantic_prompt` reads every form back.
Decode: each pixel takes the class of the nearest listed colour.
"""

from __future__ import annotations

import json
import re

import numpy as np

from pipeline.codecs import prompts
from pipeline.codecs.colors import format_color, nearest_color_index, parse_color, sample_colors, sample_separated
from pipeline.codecs.validation import check_labels, check_rgb, present_ids

MIN_COLOR_DISTANCE = 80.0
BACKGROUND = "background"
P_LIST_PRESENT = 0.85
MAX_ABSENT = 2
MAPPING_FORMS = {"json": ("angle", "hex", "name"), "sentences": ("tuple", "hex", "name")}
_SENTENCE_VERBS = ("is represented by", "is painted", "appears as")
_SENTENCE_RE = re.compile(r"The (?P<name>[^.]+?) (?:" + "|".join(_SENTENCE_VERBS) + r") (?P<color>[^.]+?)\.(?=\s|$)")
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _/'-]*")
_JSON_ENTRY_RE = re.compile(r'"(?P<name>[^"]+)"\s*:\s*(?P<color><[^>]*>|"[^"]*"|\[[^\]]*\])')


def _default_vocabulary() -> dict[str, int]:
    from pipeline.taxonomy import load_taxonomy

    return {name: c.id for name, c in sorted(load_taxonomy().items())}


def format_mapping(entries: list[tuple[str, tuple[int, int, int]]], mapping_form: str, color_form: str,
                   verb: str = _SENTENCE_VERBS[0]) -> str:
    """Write ``[(name, rgb), ...]`` as a JSON-like mapping or as sentences."""
    if mapping_form == "json":
        items = []
        for name, rgb in entries:
            c = format_color(rgb, color_form)
            items.append(f"{json.dumps(name)}: {c if color_form == 'angle' else json.dumps(c)}")
        return "{" + ", ".join(items) + "}"
    if mapping_form == "sentences":
        return " ".join(f"The {name} {verb} {format_color(rgb, color_form)}." for name, rgb in entries)
    raise ValueError(f"unknown mapping form {mapping_form!r}; expected one of {sorted(MAPPING_FORMS)}")


def parse_semantic_prompt(prompt: str) -> list[tuple[str, tuple[int, int, int]]]:
    """``[(class name, rgb), ...]`` in prompt order, from any mapping form this module writes."""
    if not isinstance(prompt, str):
        raise ValueError(f"prompt: expected a str, got {type(prompt).__name__}")
    try:
        text = prompts.parse("semantic", prompt)[1]["mapping"]
    except ValueError:
        text = prompt
    brace = re.search(r"\{.*\}", text, re.DOTALL)
    found = _JSON_ENTRY_RE.finditer(brace.group(0)) if brace else _SENTENCE_RE.finditer(text)
    entries = [(m.group("name").strip(), parse_color(m.group("color"))) for m in found]
    if not entries:
        raise ValueError(f"no colour mapping found in prompt {prompt[:120]!r}")
    return entries


def encode_semantic(semantic, class_table: dict[int, str], seed: int, *, mapping_form: str | None = None,
                    color_form: str | None = None, vocabulary: dict[str, int] | None = None,
                    classes: list[str] | None = None):
    """HxW class ids + id -> name table -> (HxWx3 uint8 target, prompt, meta).

    ``seed`` drives the listed subset, absent extras, colours, forms and template; forms can be forced.
    Absent extras come from ``vocabulary`` (name -> class id; default: the project taxonomy).
    ``classes``: list exactly these present classes and no absent ones (one part of a split mapping)."""
    labels = check_labels(semantic, "semantic")
    rng = np.random.default_rng(seed)
    ids = present_ids(labels)
    missing = [i for i in ids if i not in class_table]
    if missing:
        raise ValueError(f"semantic: ids {missing} are not in class_table")
    bad = sorted({class_table[i] for i in ids if not _NAME_RE.fullmatch(class_table[i])})
    if bad:
        raise ValueError(f"class_table: names {bad} cannot be written in a prompt (use letters, digits, spaces, - ' _ /)")
    if classes is not None:
        listed = [i for i in ids if class_table[i] in set(classes)]
    else:
        listed = [i for i in ids if rng.random() < P_LIST_PRESENT]
    if ids and not listed:
        listed = [ids[int(rng.integers(len(ids)))]]
    present_names = {class_table[i] for i in ids}
    vocab = vocabulary if vocabulary is not None else _default_vocabulary()
    pool = [n for n in vocab if n not in present_names and n != BACKGROUND]
    n_absent = 0 if classes is not None else min(len(pool), int(rng.integers(0, MAX_ABSENT + 1)))
    absent = [pool[i] for i in sorted(rng.choice(len(pool), size=n_absent, replace=False))] if n_absent else []
    by_name: dict[str, list[int]] = {}
    for i in listed:
        by_name.setdefault(class_table[i], []).append(i)
    names = list(by_name) + absent
    names = [names[i] for i in rng.permutation(len(names))]

    mapping_form = mapping_form or str(rng.choice(sorted(MAPPING_FORMS)))
    if mapping_form not in MAPPING_FORMS:
        raise ValueError(f"mapping_form: {mapping_form!r} is not one of {sorted(MAPPING_FORMS)}")
    color_form = color_form or str(rng.choice(MAPPING_FORMS[mapping_form]))
    if color_form not in MAPPING_FORMS[mapping_form]:
        raise ValueError(f"color_form: {color_form!r} is not allowed with {mapping_form!r}")
    colors = None
    if color_form == "name":
        try:
            colors, dist = sample_colors(rng, len(names) + 1, MIN_COLOR_DISTANCE, named=True), MIN_COLOR_DISTANCE
        except ValueError:
            color_form = "hex"  # too many classes for well-separated named colours
    if colors is None:
        colors, dist = sample_separated(rng, len(names) + 1, MIN_COLOR_DISTANCE)
    bg_rgb, colors = colors[0], colors[1:]

    lut = np.empty((int(labels.max()) + 1 if labels.size else 1, 3), dtype=np.uint8)
    lut[:] = bg_rgb
    classes = []
    for name, rgb in zip(names, colors):
        cls_ids = by_name.get(name, [])
        for i in cls_ids:
            lut[i] = rgb
        cid = cls_ids[0] if cls_ids else int(vocab[name])
        classes.append({"name": name, "id": cid, "view_ids": cls_ids, "rgb": list(rgb), "present": bool(cls_ids)})
    target = np.take(lut, labels, axis=0)

    entries = [(c["name"], tuple(c["rgb"])) for c in classes] + [(BACKGROUND, bg_rgb)]
    verb = _SENTENCE_VERBS[int(rng.integers(len(_SENTENCE_VERBS)))]
    template = prompts.choose("semantic", rng)
    prompt = template.render(mapping=format_mapping(entries, mapping_form, color_form, verb))
    meta = {
        "task": "semantic",
        **prompts.template_meta(template),
        "classes": classes,
        "background_rgb": list(bg_rgb),
        "unlisted_present": sorted(class_table[i] for i in ids if i not in listed),
        "mapping_form": mapping_form,
        "color_form": color_form,
        "min_color_distance": round(dist, 3),
    }
    return target, prompt, meta


def semantic_palette(meta_or_prompt, class_ids: dict[str, int] | None = None) -> list[tuple[str, int, tuple[int, int, int]]]:
    """``[(name, class id, rgb), ...]`` (background has id 0) from pair metadata or a prompt.

    From a prompt, ids come from ``class_ids`` (name -> id, default: the project taxonomy); a name found
    in neither raises ValueError."""
    if isinstance(meta_or_prompt, dict):
        meta = meta_or_prompt
        out = [(c["name"], int(c["id"]), tuple(c["rgb"])) for c in meta["classes"]]
        return out + [(BACKGROUND, 0, tuple(meta["background_rgb"]))]
    if not isinstance(meta_or_prompt, str):
        raise ValueError(f"meta_or_prompt: expected a pair's meta dict or a prompt str, got {type(meta_or_prompt).__name__}")
    ids = class_ids if class_ids is not None else _default_vocabulary()
    out = []
    for name, rgb in parse_semantic_prompt(meta_or_prompt):
        if name != BACKGROUND and name not in ids:
            raise ValueError(f"class {name!r} from the prompt has no id (pass class_ids=...)")
        out.append((name, 0 if name == BACKGROUND else int(ids[name]), rgb))
    return out


def decode_semantic(rgb, meta_or_prompt, class_ids: dict[str, int] | None = None) -> np.ndarray:
    """HxWx3 RGB (any colours) -> HxW uint16 class ids (0 = background) by the nearest listed colour.

    ``class_ids`` names the ids when decoding from a bare prompt (default: the project taxonomy)."""
    img = check_rgb(rgb)
    palette = semantic_palette(meta_or_prompt, class_ids)
    idx = nearest_color_index(img, [p[2] for p in palette])
    return np.take(np.array([p[1] for p in palette], dtype=np.uint16), idx)


def expected_semantic(semantic: np.ndarray, meta: dict) -> np.ndarray:
    """The label map the target should decode to: listed present classes keep their (first) id, the rest 0."""
    lut = np.zeros(int(semantic.max()) + 1 if semantic.size else 1, dtype=np.uint16)
    for c in meta["classes"]:
        for i in c["view_ids"]:
            if i < len(lut):
                lut[i] = c["id"]
    return np.take(lut, semantic)
