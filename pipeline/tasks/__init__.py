"""The tasks: every vision task the pipeline writes, validates, scores and shows, and pair making.

Each task is one module here with one :class:`~pipeline.tasks.base.Task` subclass, registered below in
the order jobs write them (the registry itself is :mod:`pipeline.tasks.registry`). Config validation,
pair making, ``validate``, ``eval``, ``show``, ``mix``, the dataset card and the pairs index all read the
registry, so adding a task is adding a module (and its codec) and one ``register`` call (a test can
register a toy task on its own: :func:`register` returns it, :func:`unregister` removes it). One-view
tasks make pairs from a view (:func:`make_pairs`), two-view tasks from a view group
(:func:`make_group_pairs`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pipeline import channels
from pipeline.tasks.base import PairOptions, Scorer, Task, sub_seed
from pipeline.tasks.pair import Pair
from pipeline.tasks.registry import get, names, pair_schema, register, unregister
from pipeline.view import View


def _check_view(view: View) -> None:
    """The view's arrays must share one HxW; the RGB must be HxWx3 uint8."""
    rgb = np.asarray(view.rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"view.rgb: expected HxWx3 uint8, got shape {rgb.shape} dtype {rgb.dtype}")
    for field in channels.LABELS:
        shape = np.shape(getattr(view, field))
        if tuple(shape[:2]) != rgb.shape[:2]:
            raise ValueError(f"view.{field}: shape {shape} does not match view.rgb's {rgb.shape[:2]}")


DEFAULT_PAIRS_PER_VIEW = 1.0  # every task equally often: a balanced dataset


def pairs_wanted(task: str, rate: float, seed: int) -> int:
    """How many pairs of ``task`` a view gives at ``rate`` pairs per view: the whole part, plus one more
    with probability the fractional part (a coin seeded by the view and task, so counts are
    predictable from the config: ``views x rate`` on average, less where a view offers fewer)."""
    whole = int(np.floor(rate))
    coin = np.random.default_rng(sub_seed(seed, task, 1_000_003)).random()
    return whole + int(coin < rate - whole)


def make_pairs(view: View, scene_graph: dict, seed: int, tasks: Sequence[str] | Mapping[str, float],
               n_referring: int = 2, referring_multi: bool = True, roundtrip: bool = True,
               max_prompt_tokens: int | None = None) -> list[Pair]:
    """The pairs of ``tasks`` for one view, deterministic given ``seed`` (the per-view seed); each task
    draws its own sub-seeds, so adding a task never changes the pairs of the others.

    ``tasks``: names (every pair each task offers: one per class for instance, the whole referring plan)
    or name -> pairs per view (:func:`pairs_wanted`; instance classes and referring expressions are
    then sampled). ``roundtrip=False`` leaves ``meta["roundtrip"]`` None (profiling only).
    ``max_prompt_tokens``: the CLIP token budget of a prompt's text; semantic mappings over it are
    written compactly or split across pairs, and any other pair over it is left out."""
    rates = dict(tasks) if isinstance(tasks, Mapping) else dict.fromkeys(tasks)
    chosen = [(get(t), rate) for t, rate in rates.items() if get(t).inputs == 1]  # two-view tasks: make_group_pairs
    _check_view(view)
    options = PairOptions(n_referring=int(n_referring), referring_multi=bool(referring_multi), roundtrip=bool(roundtrip),
                          max_prompt_tokens=max_prompt_tokens)
    out = []
    for task, rate in chosen:
        limit = None if rate is None else pairs_wanted(task.name, rate, seed)
        if limit != 0:
            out += task.pairs(view, scene_graph, seed, options, limit)
    if max_prompt_tokens is not None:
        out = [p for p in out if p.meta["prompt_tokens"] <= max_prompt_tokens]
    return out


def make_group_pairs(views: Sequence[View], seed: int, tasks: Sequence[str] | Mapping[str, float],
                     roundtrip: bool = True, max_prompt_tokens: int | None = None) -> list[Pair]:
    """The pairs of the two-view ``tasks`` for one view group (``views``: the group's rendered views in
    frame order, each with ``view.group``), deterministic given ``seed`` (the first view's seed); rates
    are pairs per group (:func:`pairs_wanted`). One-view tasks in ``tasks`` are skipped."""
    rates = dict(tasks) if isinstance(tasks, Mapping) else dict.fromkeys(tasks)
    views = list(views)
    if len(views) < 2:
        return []
    kind = views[0].group["kind"] if views[0].group else None
    for view in views:
        _check_view(view)
    options = PairOptions(roundtrip=bool(roundtrip), max_prompt_tokens=max_prompt_tokens)
    out = []
    for name, rate in rates.items():
        task = get(name)
        if task.inputs < 2 or kind not in task.group_kinds:
            continue
        limit = None if rate is None else pairs_wanted(task.name, rate, seed)
        if limit != 0:
            out += task.group_pairs(views, seed, options, limit)
    if max_prompt_tokens is not None:
        out = [p for p in out if p.meta["prompt_tokens"] <= max_prompt_tokens]
    return out


def target_problems(task: str, target: np.ndarray, meta: dict, views: Sequence[View]) -> list[str]:
    """Problems of one stored target against its views' labels (``views``: those its json's
    ``view_keys`` name, in order; empty when it is within bounds)."""
    if task not in names():
        return [f"unknown task {task!r}"]
    view = views[0]
    if target.shape[:2] != view.depth.shape:
        (th, tw), (vh, vw) = target.shape[:2], view.depth.shape
        return [f"target is {tw}x{th}, its view {vw}x{vh}"]
    found = get(task)
    return found.problems(target, meta, found.given(views))


def _register_builtin() -> None:
    from pipeline.tasks.depth import Depth
    from pipeline.tasks.disparity import Disparity
    from pipeline.tasks.flow import Flow
    from pipeline.tasks.instance import Instance
    from pipeline.tasks.normals import Normals
    from pipeline.tasks.referring import Referring
    from pipeline.tasks.semantic import Semantic

    for task in (Depth(), Normals(), Semantic(), Instance(), Referring(), Flow(), Disparity()):
        register(task)


_register_builtin()

__all__ = ["DEFAULT_PAIRS_PER_VIEW", "Pair", "PairOptions", "Scorer", "Task", "get", "make_group_pairs", "make_pairs",
           "names", "pair_schema", "pairs_wanted", "register", "sub_seed", "target_problems", "unregister"]
