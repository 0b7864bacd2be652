"""Apply a pure function to many small work items, in this process or as Ray tasks, with a progress bar.

``validate`` and ``stats`` describe their work as one item per unit (a unit's shards hold whole scenes
and its own index part) and a function that returns a small record; this module decides where it runs.
Ray stays behind :mod:`pipeline.distributed.ray_backend`: it is imported only when ``on_ray`` is set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")
R = TypeVar("R")


def fan_out(fn: Callable[[T], R], items: Sequence[T], *, on_ray: bool, address: str | None = None,
            workers: int | None = None, desc: str = "", unit: str = "item", progress: bool = True) -> Iterator[R]:
    """``fn(item)`` for every item, yielded as each finishes (in any order on Ray, in order here).

    ``on_ray``: run as Ray tasks on the cluster at ``address`` (else ``$RAY_ADDRESS``, else a private
    local instance), at most ``workers`` at a time (default: as many as the cluster schedules).
    """
    if workers is not None and workers < 1:
        from pipeline.errors import BadInput

        raise BadInput(f"--workers {workers}: expected at least 1")
    bar = tqdm(total=len(items), desc=desc, unit=unit, disable=not progress, dynamic_ncols=True)
    if on_ray:
        from pipeline.distributed import ray_backend

        results = ray_backend.map_tasks(fn, items, address, workers)
    else:
        results = map(fn, items)
    try:
        for result in results:
            bar.update(1)
            yield result
    finally:
        bar.close()
