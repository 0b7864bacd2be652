"""Pick the Cycles compute device for ``RenderSettings.device`` and say which one was chosen and why."""

from __future__ import annotations

import logging

import bpy

from pipeline.render.settings import RenderSettings

log = logging.getLogger(__name__)

_GPU_BACKENDS = ("OPTIX", "CUDA")  # NVIDIA only: the cluster's GPU nodes


def _find_gpu() -> tuple[str, list] | None:
    """(backend, devices) of the first NVIDIA backend with a usable device, or None."""
    prefs = bpy.context.preferences.addons["cycles"].preferences
    for backend in _GPU_BACKENDS:
        try:
            prefs.compute_device_type = backend
        except TypeError:  # backend not compiled into this Blender build
            continue
        prefs.refresh_devices()
        devices = [d for d in prefs.devices if d.type == backend]
        if devices:
            return backend, devices
    prefs.compute_device_type = "NONE"
    return None


def configure_device(settings: RenderSettings) -> str:
    """Set Cycles' device and CPU threads from ``settings``; return a description such as "GPU OPTIX: NVIDIA H100"."""
    scene = bpy.context.scene
    if settings.threads > 0:
        scene.render.threads_mode = "FIXED"
        scene.render.threads = settings.threads
    else:
        scene.render.threads_mode = "AUTO"
    prefs = bpy.context.preferences.addons["cycles"].preferences

    found = _find_gpu() if settings.device in ("gpu", "auto") else None
    if found is None:
        if settings.device == "gpu":
            log.warning("device='gpu' but Cycles finds no NVIDIA GPU (OptiX/CUDA): rendering on the CPU")
        prefs.compute_device_type = "NONE"
        scene.cycles.device = "CPU"
        return "CPU"
    backend, devices = found
    for d in prefs.devices:
        d.use = d.type == backend  # the GPUs only: mixing in the CPU slows GPU renders down
    scene.cycles.device = "GPU"
    description = f"GPU {backend}: " + ", ".join(d.name for d in devices)
    log.info("rendering on %s", description)
    return description
