"""Versioned prompt templates: several phrasings per task family, one picked per sample by the seeded RNG.

A template is ``str.format`` text with named fields. Every template doubles as its own parser: the
literal text is matched exactly and each field non-greedily, so a prompt the project wrote can be read
back (``parse``) without knowing which phrasing produced it. The (id, version) pair goes into each
pair's metadata; bump a family's version whenever its phrasings change.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

RAINBOW_DESC = "black-red-yellow-green-cyan-blue-violet-white"


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    text: str

    def render(self, **fields) -> str:
        return self.text.format(**fields)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.text) if f)


_LIBRARY: dict[str, tuple[int, tuple[str, ...]]] = {
    "depth": (1, (
        "Predict the metric depth of this scene as an image. Visualized in the rainbow (" + RAINBOW_DESC + ") color palette.",
        "Generate a metric depth map of the input image.",
        "Estimate the metric depth of every pixel and draw it as a color image, from black (near) through red, "
        "yellow, green, cyan, blue and violet to white (infinitely far).",
        "Render the distance of each pixel from the camera as a metric depth image in the " + RAINBOW_DESC + " palette.",
        "Produce a metric depth visualization of this photo.",
    )),
    "normals": (1, (
        "Generate a surface normal map of this image.",
        "Predict the surface normals of the scene and draw them as an RGB image.",
        "Estimate the per-pixel surface orientation of this image as a normal map. Pixels with no surface are black.",
        "Render the camera-space surface normals of the input image: red for left-facing, green for up-facing, "
        "blue for camera-facing surfaces.",
    )),
    "semantic": (1, (
        "Generate a visualization image of semantic segmentation, using this color mapping: {mapping}",
        "Produce a semantic segmentation map of the image with the following colors: {mapping}",
        "Segment the image by class and paint each class in its color. {mapping}",
        "Draw the semantic segmentation of this scene. Color mapping: {mapping}",
    )),
    "instance": (1, (
        "Generate an instance segmentation visualization of this image. Each {cls} is colored differently. "
        "The background is {background}.",
        "Segment every {cls} in the image, giving each one its own color. Paint everything else {background}.",
        "Produce an instance segmentation map for the class {cls}: one distinct color per {cls}, "
        "{background} for the background.",
    )),
    "referring": (1, (
        "Segment {phrase}. Paint it {color} on a {background} background.",
        "Highlight {phrase} in {color}; everything else is {background}.",
        "Generate a segmentation mask of {phrase}, drawn in {color} on {background}.",
        "Find {phrase} and render it {color}. The background is {background}.",
    )),
    "referring_multi": (1, (
        "Segment the following objects: {assignments}. Everything else is {background}.",
        "Render a segmentation where {assignments}; the background is {background}.",
        "Draw the objects in these colors: {assignments}. Paint the rest {background}.",
    )),
}


def add_family(family: str, version: int, texts: tuple[str, ...]) -> None:
    """Add a task's phrasings from its own codec module (``flow``, ``disparity``), so a new task needs no
    edit here; a family is added once."""
    if family in _LIBRARY and _LIBRARY[family] != (version, tuple(texts)):
        raise ValueError(f"prompt family {family!r} is already defined differently")
    _LIBRARY[family] = (int(version), tuple(texts))


def templates(family: str) -> tuple[Template, ...]:
    """All templates of a family (``depth``, ``normals``, ``semantic``, ``instance``, ``referring``,
    ``referring_multi``, and those codec modules add: ``flow``, ``disparity``)."""
    if family not in _LIBRARY:
        raise ValueError(f"unknown prompt family {family!r}; known: {sorted(_LIBRARY)}")
    version, texts = _LIBRARY[family]
    return tuple(Template(f"{family}/{i:02d}", version, t) for i, t in enumerate(texts))


def choose(family: str, rng: np.random.Generator) -> Template:
    """One template of ``family``, uniformly by the seeded RNG."""
    ts = templates(family)
    return ts[int(rng.integers(len(ts)))]


def by_id(template_id: str) -> Template:
    family = template_id.rsplit("/", 1)[0]
    for t in templates(family):
        if t.id == template_id:
            return t
    raise ValueError(f"unknown prompt template {template_id!r}")


@lru_cache(maxsize=None)
def _regex(text: str) -> re.Pattern:
    parts, seen = [], set()
    for literal, field, _, _ in string.Formatter().parse(text):
        parts.append(re.escape(literal))
        if field:
            parts.append(f"(?P={field})" if field in seen else f"(?P<{field}>.+?)")
            seen.add(field)
    return re.compile("".join(parts), re.DOTALL)


def parse(family: str, prompt: str) -> tuple[Template, dict[str, str]]:
    """Find the template of ``family`` that wrote ``prompt`` and return it with the field values."""
    if not isinstance(prompt, str):
        raise ValueError(f"prompt: expected a str, got {type(prompt).__name__}")
    text = prompt.strip()
    for t in templates(family):
        m = _regex(t.text).fullmatch(text)
        if m:
            return t, m.groupdict()
    raise ValueError(f"prompt does not match any {family!r} template: {prompt[:120]!r}")


def template_meta(t: Template) -> dict:
    """The template's id and version, as stored in a pair's metadata."""
    return {"template_id": t.id, "template_version": t.version}
