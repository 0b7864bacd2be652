"""A long-lived renderer: Blender is brought up once per process, then scenes are rendered one after another.

This is the unit the Ray actors wrap (one per process); it knows nothing about Ray. Each scene is built,
its views rendered, and the Blender scene cleared again, so memory stays flat over many scenes.
Modules that import bpy are imported inside the methods, so importing this module (e.g. in a Ray
driver that only names the class) does not load Blender.
"""

from __future__ import annotations

import ctypes
import logging
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from pipeline.render.blender_boot import init_blender
from pipeline.render.settings import RenderSettings
from pipeline.view import View
from pipeline.scene_spec import SceneSpec
from pipeline.scratch import remove_scratch, scratch_dir

log = logging.getLogger(__name__)


def _trim_heap() -> None:
    """Hand freed heap pages back to the OS (glibc keeps them otherwise), so RSS tracks live memory."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class RenderWorker:
    """Render :class:`SceneSpec` s into :class:`View` s with fixed :class:`RenderSettings`.

    ``device`` says where Cycles runs ("CPU" or "GPU <backend>: <names>"). Per view, ``timings`` holds
    ``scene_build`` (the scene's build time split evenly over its views, so sums over views are totals),
    ``rgb_render`` and ``label_render`` (seconds inside Cycles render calls, file write included; views
    rendered in one call share its seconds evenly),
    ``readback`` (reading the files back) and ``label_decode`` (numpy label conversion).
    """

    def __init__(self, settings: RenderSettings | None = None, asset_file: Callable[[str], Path] | None = None):
        self.settings = settings or RenderSettings()
        self.asset_file = asset_file  # bank key -> local .blend, for scenes with bank assets
        init_blender()
        from pipeline.render.blender_render import prepare_renderer
        from pipeline.render.devices import configure_device

        self.device = configure_device(self.settings)
        prepare_renderer()
        self._workdir = Path(scratch_dir("render", in_memory=True))
        self._cleanup = weakref.finalize(self, remove_scratch, self._workdir)
        log.info("render worker ready on %s, settings %s", self.device, self.settings.model_dump())

    def render_scene(self, spec: SceneSpec) -> list[View]:
        """Build ``spec`` in Blender, render each of its cameras, clear the scene; one view per camera."""
        from pipeline.render.blender_render import release_render_data, render_views
        from pipeline.render.blender_scene import build_scene, clear_scene
        from pipeline.render.materials import apply_shading_levers

        if not spec.cameras:
            raise ValueError(f"scene {spec.scene_id} has no cameras")
        try:
            t0 = time.perf_counter()
            build_scene(spec, self.asset_file)
            apply_shading_levers(self.settings)
            build = time.perf_counter() - t0
            views = render_views(spec, self.settings, self._workdir)
        finally:
            clear_scene()
            release_render_data()
            _trim_heap()
        for view in views:
            view.timings["scene_build"] = build / len(views)
        return views

    def close(self) -> None:
        """Remove the worker's scratch files (Blender itself lives until the process ends); also done at exit."""
        self._cleanup()

    def __enter__(self) -> RenderWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
