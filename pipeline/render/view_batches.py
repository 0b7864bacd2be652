"""Which views of a scene share one render call.

Blender's multi-view rendering renders several cameras in one call, so Cycles syncs the scene (every
object instance: 70,000-120,000 in a nature scene) once per call instead of once per view. The views of
one call must share a resolution; a cap keeps the render result, which holds every view's passes until
they are written, small at ~1 MP.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.scene_spec import Camera

MAX_VIEWS_PER_CALL = 8


def view_batches(cameras: Sequence[Camera], max_views: int = MAX_VIEWS_PER_CALL) -> list[list[int]]:
    """Indices into ``cameras`` grouped by resolution (in order of first appearance, ascending within a
    group), each group cut into runs of at most ``max_views``."""
    if max_views < 1:
        raise ValueError(f"max_views must be at least 1, got {max_views}")
    groups: dict[tuple[int, int], list[int]] = {}
    for i, camera in enumerate(cameras):
        groups.setdefault((camera.width, camera.height), []).append(i)
    return [group[k:k + max_views] for group in groups.values() for k in range(0, len(group), max_views)]
