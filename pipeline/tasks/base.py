"""What a task is: the one class every task module implements (the pair record is
:class:`pipeline.tasks.pair.Pair`).

A task owns everything about itself, so adding one means adding one module under ``pipeline/tasks/``
and registering it (:func:`pipeline.tasks.register`): its name, the view channels it reads, its pair
options, how it makes pairs from a view or a view group (target, prompt, meta), how a target (or a
model's output) decodes, the exact answer from the view's labels, the round-trip figures recorded when
writing and re-checked by ``validate``, the scorer ``eval`` uses, the panels ``show`` draws and the
class names the pairs index lists.
Formats and formulas: docs/FORMAT.md.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np

from pipeline.codecs.version import CODEC_VERSION
from pipeline.schema import conform
from pipeline.tasks.pair import Pair
from pipeline.tasks.registry import pair_schema
from pipeline.view import View

_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class PairOptions:
    """Options of pair making; ``roundtrip=False`` skips the round-trip figures."""

    n_referring: int = 2
    referring_multi: bool = True
    roundtrip: bool = True
    max_prompt_tokens: int | None = None  # CLIP tokens of prompt text (markers excluded); None: no budget


def sub_seed(seed: int, task: str, index: int = 0) -> int:
    """Deterministic 32-bit seed of one (task, index) of a view: adding a task never changes the others."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative int, got {seed!r}")
    ss = np.random.SeedSequence([int(seed), zlib.crc32(task.encode()), int(index)])
    return int(ss.generate_state(1, dtype=np.uint32)[0])


class Scorer:
    """Accumulates one task's scores over an ``eval`` run."""

    def add(self, decoded, truth, meta: dict) -> None:
        raise NotImplementedError

    def result(self) -> dict:
        raise NotImplementedError


class MaskScorer(Scorer):
    """A :mod:`pipeline.tasks.scoring` accumulator whose ``add(pred, truth)`` needs no pair metadata."""

    def __init__(self, scores):
        self.scores = scores

    def add(self, decoded, truth, meta: dict) -> None:
        self.scores.add(decoded, truth)

    def result(self) -> dict:
        return self.scores.result()


class Task:
    """One vision task. Subclasses set ``name`` and ``table`` and implement the methods below."""

    name: str = ""
    table: tuple[tuple[str, str, int], ...] = ()  # eval table rows: (result field, label, digits)
    max_pairs_per_view: float | None = 1.0  # what a config may ask for; None: as many as the view offers
    card_text: str = ""  # one or two sentences for the dataset card: what the target shows and how it decodes
    json_fields: dict = {}  # the task's own keys in the pair json, typed (pipeline.schema)
    roundtrip_fields: dict = {}  # the keys of its ``roundtrip`` figures, typed
    channels: tuple[str, ...] = ()  # the view channels it reads (pipeline.channels), besides rgb
    inputs: int = 1  # views per pair: 1, or 2 for a task over two views of a group (its methods then get a tuple)
    group_kinds: tuple[str, ...] = ()  # two-view tasks: the view-group kinds it makes pairs from

    def given(self, views):
        """What the methods below take as ``view``: the view of a one-view task, the tuple of a two-view one."""
        views = tuple(views) if isinstance(views, (list, tuple)) else (views,)
        if len(views) != self.inputs:
            raise ValueError(f"task {self.name}: needs {self.inputs} view(s), got {len(views)}")
        return views[0] if self.inputs == 1 else views

    def pairs(self, view: View, graph: dict, seed: int, options: PairOptions, limit: int | None = None) -> list[Pair]:
        """The pairs of this task for ``view`` (deterministic given the per-view ``seed``): every pair it
        offers, or at most ``limit`` of them, sampled with the seed."""
        raise NotImplementedError

    def group_pairs(self, views: list[View], seed: int, options: PairOptions, limit: int | None = None) -> list[Pair]:
        """Two-view tasks: the pairs of one view group (its rendered views in frame order), as :meth:`pairs`."""
        raise NotImplementedError

    def decode(self, rgb: np.ndarray, meta: dict):
        """Decode a target, or a model's HxWx3 uint8 output, with the pair's metadata."""
        raise NotImplementedError

    def truth(self, view: View, meta: dict):
        """The exact answer to the pair's prompt, from the view's labels (same form as :meth:`decode`)."""
        raise NotImplementedError

    def roundtrip(self, target: np.ndarray, meta: dict, view: View) -> dict:
        """Figures of decoding ``target`` against the view's labels; recorded in ``meta["roundtrip"]``
        when writing and recomputed by :meth:`problems`."""
        raise NotImplementedError

    def problems(self, target: np.ndarray, meta: dict, view: View) -> list[str]:
        """What is wrong with a stored target (empty when it decodes within the codec's bounds)."""
        raise NotImplementedError

    def scorer(self, max_depth_m: float) -> Scorer:
        raise NotImplementedError

    def panels(self, decoded, truth, view: View) -> tuple[np.ndarray, np.ndarray, str]:
        """(decoded image, raw-label image, caption) for ``show``, drawn on one scale."""
        raise NotImplementedError

    def target_classes(self, meta: dict) -> list[str]:
        """Class names the pair's prompt mentions (the pairs index column ``target_classes``)."""
        return []

    def pair(self, view: View, suffix: str, seed: int, sseed: int, prompt: str, target: np.ndarray, meta: dict,
             options: PairOptions, roundtrip: dict | None = None) -> Pair:
        """The pair record with the common metadata; computes the round-trip figures unless switched off
        (or given: a task that already decoded the target passes them). ``view``: as :meth:`given` returns."""
        views = view if isinstance(view, tuple) else (view,)
        first = views[0]
        key = f"{first.key}_{self.name}{suffix}"
        if not _KEY_RE.match(key):
            raise ValueError(f"pair key {key!r} has characters outside [A-Za-z0-9_-]")
        from pipeline.codecs.clip_tokens import count_tokens

        full = {**meta, "task": self.name, "key": key, "view_key": first.key, "view_keys": [v.key for v in views],
                "scene_id": first.scene_id, "prompt_tokens": count_tokens(prompt),
                "view_index": int(first.view_index), "codec_version": CODEC_VERSION, "view_seed": int(seed),
                "seed": int(sseed), "image_size": [int(target.shape[0]), int(target.shape[1])]}
        if options.roundtrip:
            full["roundtrip"] = roundtrip if roundtrip is not None else self.roundtrip(target, full, view)
        else:
            full["roundtrip"] = None
        full = conform(full, pair_schema(), f"pair {key}")  # every key of every task present, null where n/a
        return Pair(task=self.name, key=key, inputs=tuple(v.rgb for v in views), prompt=prompt, target=target,
                    meta=full, target_classes=tuple(self.target_classes(full)))
