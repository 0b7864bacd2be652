"""Render the views of the scene currently built in Blender: an anti-aliased RGB image plus exact labels.

Two Cycles renders per render call, on the same scene data (``use_persistent_data`` keeps the BVH,
shaders, images and light distributions between them and across the calls of a scene). A call renders
every view of the scene that shares a resolution, up to :data:`~pipeline.render.view_batches.MAX_VIEWS_PER_CALL`,
with Blender's multi-view rendering (one camera per view, one file per view), so Cycles syncs the scene
once per call rather than once per view; the first view of a call is byte-identical to rendering it
alone, the others get their own sampling noise, and labels are identical either way:
1. RGB: ``RenderSettings`` samples/adaptive threshold/denoiser/bounces, 1.5 px Blackman-Harris filter,
   written as an 8-bit PNG through Blender's colour management (BlenderProc's default view transform).
2. Labels: one sample per pixel, a 0.01 px filter (so the one camera ray leaves within 0.005 px of the
   pixel centre), no bounces, no denoiser; written as a float32 multilayer EXR and read with ``OpenEXR``.
   Every value comes from that single ray, so nothing is blended across surfaces.

Label conventions (the same everywhere in the pipeline):
- depth: Cycles' Z pass, planar z-depth along the optical axis in metres; +inf where the ray escapes.
- normals: the mesh's shading normal without bump or normal maps (Hypersim's convention): corner
  normals interpolated across the triangle hit, so smooth-shaded surfaces get smooth normals as in the
  RGB image, flat faces their face normal, custom split normals are kept (:mod:`pipeline.render.materials`).
  Bump and normal maps shade the image only. Normals are rotated into the camera frame, renormalised
  and made to face the camera in numpy (:mod:`pipeline.render.labels`).
- back faces (the underside of a plane, the inside of an open shape) are labelled like front faces:
  the hit object's ids and its normal flipped to face the camera.
- glass and other transmissive or transparent materials: labels describe the first surface the camera
  ray hits, i.e. the glass itself (its depth, normal and ids), not what is seen through it. Lights are invisible to
  camera rays, so they never appear in images or labels.
- instance ids: the object's ``instance_id`` custom property (0 = nothing), written by every material
  into an AOV; semantic ids are the taxonomy ids of the instances' classes
  (``pipeline.taxonomy.class_id``), 0 = nothing. ``class_table`` and ``instance_classes`` list the
  classes and instances visible in the view.
- persistent data lives for one scene: :func:`release_render_data` frees it before the next.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import bpy
import numpy as np
import OpenEXR
from PIL import Image

from pipeline.render.blender_scene import set_cameras, view_suffix
from pipeline.render.labels import camera_labels
from pipeline.render.materials import AOV_INSTANCE, AOV_NORMAL
from pipeline.render.settings import RenderSettings
from pipeline.render.view_batches import view_batches
from pipeline.view import View
from pipeline.scene_spec import Camera, SceneSpec
from pipeline.taxonomy import class_id

RGB_FILTER_WIDTH = 1.5
LABEL_FILTER_WIDTH = 0.01  # Blender's minimum


@contextlib.contextmanager
def _quiet_stdout():
    """Silence Cycles' per-tile progress lines (written to file descriptor 1 by C code)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def prepare_renderer() -> None:
    """Once per process, after BlenderProc's init: passes, output path settings, no compositor."""
    from blenderproc.python.renderer.RendererUtility import set_denoiser

    scene = bpy.context.scene
    set_denoiser(None)  # BlenderProc's default denoiser runs in the compositor; Cycles' own is used instead
    scene.use_nodes = False
    scene.render.use_compositing = False
    scene.render.use_sequencer = False
    scene.render.use_persistent_data = True
    scene.cycles.seed = 0
    layer = scene.view_layers[0]
    layer.cycles.use_denoising = True  # per-render switch: scene.cycles.use_denoising
    layer.use_pass_normal = False
    layer.use_pass_diffuse_color = False
    layer.use_pass_object_index = False
    set_label_passes(True)


def release_render_data() -> None:
    """Free Cycles' persistent session (BVH, shaders, images) of the last scene.

    Persistent data is what lets the label render and further views reuse one scene's BVH; kept across
    different scenes, the session grows by about 2 MB per scene, so it is dropped after each scene
    (turning the option off frees it) and switched back on for the next.
    """
    render = bpy.context.scene.render
    render.use_persistent_data = False
    render.use_persistent_data = True


def set_label_passes(enabled: bool) -> None:
    """Add (or remove) the passes the label render reads: Z and the two AOVs. On in production; the
    benchmark turns them off to time a plain RGB render."""
    layer = bpy.context.scene.view_layers[0]
    layer.use_pass_z = enabled
    # Z is written at the first surface even where a shader is (partly) transparent, like the AOVs are:
    # Infinigen's window glass mixes in a Transparent BSDF, which the default threshold (0.5) skips
    layer.pass_alpha_threshold = 0.0
    for name, kind in ((AOV_NORMAL, "COLOR"), (AOV_INSTANCE, "VALUE")):
        aov = layer.aovs.get(name)
        if enabled and aov is None:
            aov = layer.aovs.add()
            aov.name, aov.type = name, kind
        elif not enabled and aov is not None:
            layer.aovs.remove(aov)


def set_rgb_mode(settings: RenderSettings) -> None:
    """Cycles integrator settings of the anti-aliased RGB render."""
    c = bpy.context.scene.cycles
    c.samples = settings.samples
    c.use_adaptive_sampling = settings.adaptive_threshold > 0
    c.adaptive_threshold = settings.adaptive_threshold
    c.adaptive_min_samples = settings.adaptive_min_samples
    c.use_denoising = settings.denoise
    c.denoiser = "OPENIMAGEDENOISE"
    c.denoising_input_passes = "RGB_ALBEDO_NORMAL"
    c.denoising_prefilter = "ACCURATE"
    c.max_bounces = settings.max_bounces
    for field in ("diffuse_bounces", "glossy_bounces", "transmission_bounces"):
        setattr(c, field, min(settings.max_bounces, _or(getattr(settings, field), settings.max_bounces)))
    c.volume_bounces = settings.max_bounces
    c.transparent_max_bounces = _or(settings.transparent_bounces, max(8, settings.max_bounces))
    c.sample_clamp_indirect = settings.clamp_indirect
    c.use_light_tree = settings.light_tree
    c.use_fast_gi = settings.fast_gi
    c.fast_gi_method = "REPLACE"
    c.ao_bounces_render = settings.ao_bounces
    c.use_guiding = settings.path_guiding
    # Direct light reaches through glass by its transparent shadow (see materials); the refracted
    # caustic path would add the same light a second time, as noise.
    c.caustics_refractive = False
    c.filter_type = "BLACKMAN_HARRIS"
    c.filter_width = RGB_FILTER_WIDTH


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def set_label_mode() -> None:
    """Cycles integrator settings of the label render: one pixel-centred camera ray per pixel."""
    c = bpy.context.scene.cycles
    c.samples = 1
    c.use_adaptive_sampling = False
    c.use_denoising = False
    c.max_bounces = 0
    c.use_fast_gi = False
    c.use_guiding = False
    c.filter_type = "BLACKMAN_HARRIS"
    c.filter_width = LABEL_FILTER_WIDTH


def _render_to(path: Path, multilayer_exr: bool) -> float:
    """Render the current cameras to ``path``; return the seconds spent in the render call."""
    render = bpy.context.scene.render
    im = render.image_settings
    if multilayer_exr:
        im.file_format = "OPEN_EXR_MULTILAYER"
        im.color_depth = "32"
        im.exr_codec = "NONE"
    else:
        im.file_format = "PNG"
        im.color_mode = "RGB"
        im.color_depth = "8"
        im.compression = 15
    render.filepath = str(path)
    with _quiet_stdout():
        t0 = time.perf_counter()
        bpy.ops.render.render(write_still=True)
        return time.perf_counter() - t0


def render_rgb(path: Path, settings: RenderSettings) -> float:
    """Render the current cameras' RGB images to ``path`` (PNG, :func:`view_paths`); return the render seconds."""
    set_rgb_mode(settings)
    return _render_to(path, multilayer_exr=False)


def read_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB")).copy()


def render_labels(path: Path) -> float:
    """Render the current cameras' label passes to ``path`` (EXR, :func:`view_paths`); return the render seconds."""
    set_label_mode()
    return _render_to(path, multilayer_exr=True)


def read_label_passes(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw (depth, world normal HxWx3, instance) from a label EXR, top row first."""
    channels = OpenEXR.File(str(path)).channels()
    layer = bpy.context.scene.view_layers[0].name
    depth = channels[f"{layer}.Depth.Z"].pixels
    normal = channels[f"{layer}.{AOV_NORMAL}"].pixels[..., :3]
    instance = channels[f"{layer}.{AOV_INSTANCE}.X"].pixels
    return depth, normal, instance


def view_paths(path: Path, count: int) -> list[Path]:
    """The files a render call to ``path`` writes for ``count`` views (Blender inserts each view's suffix)."""
    if count == 1:
        return [path]
    return [path.with_name(f"{path.stem}{view_suffix(k)}{path.suffix}") for k in range(count)]


def render_views(spec: SceneSpec, settings: RenderSettings, workdir: Path) -> list[View]:
    """Render every camera of the built scene ``spec``, one view per camera, in camera order.

    Per view, ``rgb_render`` and ``label_render`` are its call's seconds split evenly over the call's views.
    """
    views: list[View | None] = [None] * len(spec.cameras)
    classes = {o.instance_id: o.class_name for o in spec.objects}
    rgb_out, label_out = workdir / "rgb.png", workdir / "labels.exr"
    for batch in view_batches(spec.cameras):
        cameras = [spec.cameras[i] for i in batch]
        set_cameras(cameras)
        rgb_paths, label_paths = view_paths(rgb_out, len(batch)), view_paths(label_out, len(batch))
        for path in rgb_paths + label_paths:  # never read an earlier call's file in place of a missing one
            path.unlink(missing_ok=True)
        rgb_s, label_s = render_rgb(rgb_out, settings), render_labels(label_out)
        for i, camera, rgb_path, label_path in zip(batch, cameras, rgb_paths, label_paths):
            timings = {"rgb_render": rgb_s / len(batch), "label_render": label_s / len(batch)}
            views[i] = _read_view(spec, classes, i, camera, rgb_path, label_path, timings)
    return views


def _read_view(spec: SceneSpec, classes: dict[int, str], view_index: int, camera: Camera, rgb_path: Path,
               label_path: Path, timings: dict[str, float]) -> View:
    """Read one rendered view back and turn its raw passes into labels in the camera frame
    (``classes``: the scene's instance id -> class name)."""
    t0 = time.perf_counter()
    rgb = read_rgb(rgb_path)
    depth_raw, normal_raw, instance_raw = read_label_passes(label_path)
    t1 = time.perf_counter()
    intrinsics = camera.intrinsics()
    cam2world = np.asarray(camera.cam2world, dtype=np.float64)
    depth, normals, instance = camera_labels(depth_raw, normal_raw, instance_raw, cam2world, intrinsics)

    visible = [int(i) for i in np.unique(instance) if i != 0]
    instance_classes = {i: classes[i] for i in visible}
    lut = np.zeros(65536, dtype=np.uint16)
    for i, name in instance_classes.items():
        lut[i] = class_id(name)
    semantic = lut[instance]
    class_table = {class_id(name): name for name in sorted(set(instance_classes.values()))}
    miss = ~np.isfinite(depth)
    if miss.any():  # rays that hit nothing: the scene's background class (sky), so every pixel has a class
        semantic[miss] = class_id(spec.background_class)
        class_table[class_id(spec.background_class)] = spec.background_class
    timings.update(readback=t1 - t0, label_decode=time.perf_counter() - t1)
    return View(
        scene_id=spec.scene_id,
        view_index=view_index,
        rgb=rgb,
        depth=depth,
        normals=normals,
        instance=instance,
        semantic=semantic,
        class_table=class_table,
        instance_classes=instance_classes,
        intrinsics=intrinsics,
        cam2world=cam2world,
        timings=timings,
    )
