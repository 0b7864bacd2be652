"""Bring Infinigen's asset factories and materials up inside our in-process Blender, offline.

Infinigen 1.15.5 is installed with ``--no-deps`` beside bpy 4.2.23 and numpy 2 (see the Makefile and
README "Licences and the Infinigen install"). Two things then break at run time, and both are mended
here, in one place, without editing installed files:

1. Network: importing some asset modules calls ``infinigen.core.init.require_blender_addon``, which
   falls through to ``bpy.ops.extensions.repo_sync`` (an online install from Blender's extension
   site). We switch Blender's online access off and replace that function with an offline one: it
   enables an add-on that ships with the bpy wheel and otherwise reports it missing. The factories that
   need a missing add-on (BlenderRock, GlowingRocks) fail loudly instead of downloading.
2. numpy 2 scalars: Blender's node-socket setters refuse ``numpy.bool_``/``numpy.float64``; Infinigen's
   ``NodeWrangler._update_socket`` passes them straight through. We convert numpy scalars and arrays
   to plain Python values before they reach Blender.
3. Reproducible trees and bushes: ``trees.utils.mesh.sample_vtxs`` (attractor points in a helper
   shape's volume, drawn by Blender's particle emitter) gave another bush in every process; it is
   replaced by :func:`pipeline.render.volume_points.volume_points`, seeded by its ``seed`` alone. The
   factories it changes are named in :data:`MENDED_MODULES`, whose tags enter their bank keys.

:func:`init_infinigen` is idempotent per process and needs :func:`pipeline.render.blender_boot.init_blender`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from types import ModuleType

import numpy as np

from pipeline.render.blender_boot import init_blender

log = logging.getLogger(__name__)
_lock = threading.Lock()
_ready = False
GIN_FOLDERS = ["infinigen_examples/configs_indoor", "infinigen_examples/configs_nature"]
# Infinigen factory modules (under infinigen.assets.objects) whose output these mends change -> a tag
# that :func:`pipeline.bank.plan.library_version` adds to their entries' library version (and so keys)
MENDED_MODULES = {"trees.generate": "seeded-volume-points"}


def _plain(value):
    """numpy scalars/arrays -> Python values (Blender's socket setters take only those)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _offline_require_blender_addon(addon: str, fail: str = "fatal", allow_online: bool = False) -> bool:
    """Enable ``addon`` if the bpy wheel ships it; never install anything from the network."""
    import addon_utils
    import bpy

    for name in (addon, f"bl_ext.blender_org.{addon}"):
        if name in bpy.context.preferences.addons.keys():
            return True
        if name in {m.__name__ for m in addon_utils.modules()}:
            bpy.ops.preferences.addon_enable(module=name)
            return True
    msg = f"Blender add-on {addon!r} is not in the bpy wheel and online installs are disabled"
    if fail == "fatal":
        raise ValueError(msg)
    log.debug(msg)
    return False


def _patch_infinigen() -> None:
    import bpy
    import infinigen.core.init as ig_init
    from infinigen.core.nodes.node_wrangler import NodeWrangler

    with contextlib.suppress(AttributeError):  # a read-only flag in some builds; the function patch suffices
        bpy.context.preferences.system.use_online_access = False
    ig_init.require_blender_addon = _offline_require_blender_addon
    original = NodeWrangler._update_socket
    if getattr(original, "_numpy_safe", False):
        return

    def _update_socket(self, input_socket, input_item):
        return original(self, input_socket, _plain(input_item))

    _update_socket._numpy_safe = True
    NodeWrangler._update_socket = _update_socket


def _seed_tree_attractors() -> None:
    """Mend 3. Imports Infinigen's tree package, so it runs after the gin configs are applied: imported
    earlier, its gin-configurable functions keep their defaults and a bush comes out 7x sparser."""
    import infinigen.assets.objects.trees.utils.mesh as tree_mesh

    from pipeline.render.volume_points import volume_points

    def sample_vtxs(obj, emit_from="VOLUME", n=1000, seed=1):
        if emit_from != "VOLUME":
            raise ValueError(f"sample_vtxs: only VOLUME emission is mended, got {emit_from!r}")
        return volume_points(obj, n, seed)

    tree_mesh.sample_vtxs = sample_vtxs


def init_infinigen() -> ModuleType:
    """Boot Blender (if needed), mend Infinigen for this stack and load its gin configs; returns ``infinigen``."""
    global _ready
    init_blender()
    with _lock:
        import infinigen

        if not _ready:
            _patch_infinigen()
            from infinigen.core.init import apply_gin_configs

            apply_gin_configs(GIN_FOLDERS, configs=[], overrides=[], skip_unknown=True)
            _seed_tree_attractors()
            logging.getLogger("infinigen").setLevel(logging.WARNING)
            _ready = True
        return infinigen
