"""One real tiny Cycles render through RenderWorker: labels are exact where they can be checked by hand."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from pipeline.render.labels import pixel_rays
from pipeline.scene_spec import Camera, Light, Material, Part, SceneObject, SceneSpec, World, look_at
from pipeline.taxonomy import class_id

pytestmark = [pytest.mark.blender, pytest.mark.xdist_group("blender")]

GREY = Material("concrete", (0.5, 0.5, 0.5), "grey", roughness=0.8)
RED = Material("plastic", (0.8, 0.1, 0.1), "red", roughness=0.3)
GLASS = Material("glass", (0.9, 0.9, 0.9), "clear", roughness=0.0, transmission=1.0)


def _scene() -> SceneSpec:
    """A floor that ends in open sky, a box, a glass sphere and a two-part table with id > 32767; three
    cameras, two of them at one resolution."""
    table_top = Part("cube", (1.0, 1.0, 0.7), (0.8, 0.8, 0.05), GREY)
    table_leg = Part("cylinder", (1.0, 1.0, 0.35), (0.1, 0.1, 0.65), GREY, segments=12)
    return SceneSpec(
        scene_id="blendertest",
        seed=0,
        family="test",
        kind="indoor",
        objects=(
            SceneObject(1, "floor", (Part("plane", (0.0, 0.0, 0.0), (6.0, 6.0, 0.0), GREY),)),
            SceneObject(2, "box", (Part("cube", (-0.6, 0.3, 0.4), (0.8, 0.8, 0.8), RED, rotation=(0, 0, 0.4)),)),
            SceneObject(3, "sphere", (Part("uv_sphere", (0.3, -0.8, 0.35), (0.7, 0.7, 0.7), GLASS, smooth=True),)),
            SceneObject(40000, "table", (table_top, table_leg)),
        ),
        lights=(Light("point", (2.0, -2.0, 3.0), 150.0), Light("sun", (0, 0, 10), 1.0, rotation=(0.5, 0.2, 0))),
        world=World(kind="sky", strength=0.05, sun_elevation=0.6),
        cameras=(
            Camera(look_at((0.0, -4.5, 1.6), (0.0, 0.0, 0.6)), 60.0, 64, 48),
            Camera(look_at((3.0, -3.0, 0.8), (0.0, 0.0, 0.8), roll=0.2), 75.0, 40, 56),
            Camera(look_at((-3.5, -2.5, 1.2), (0.0, 0.0, 0.5)), 70.0, 64, 48),  # shares camera 0's render call
        ),
    )


@pytest.fixture(scope="module")
def views():
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    spec = _scene()
    with RenderWorker(RenderSettings(quality="draft", samples=8, threads=1)) as worker:
        return spec, worker.render_scene(spec)


def _floor_depth(view) -> np.ndarray:
    """Analytic planar depth of the (infinite) floor z=0 at every pixel centre; +inf where the ray misses it."""
    k = view.intrinsics
    j, i = np.meshgrid(np.arange(k["width"]) + 0.5, np.arange(k["height"]) + 0.5)
    d_cam = np.stack([(j - k["cx"]) / k["fx"], -(i - k["cy"]) / k["fy"], -np.ones_like(j)], axis=-1)
    d_world = d_cam @ view.cam2world[:3, :3].T
    t = -view.cam2world[2, 3] / d_world[..., 2]
    hits = (t > 0) & (np.abs(view.cam2world[0, 3] + t * d_world[..., 0]) <= 3) \
        & (np.abs(view.cam2world[1, 3] + t * d_world[..., 1]) <= 3)
    return np.where(hits, t, np.inf)  # t scales a ray with camera z = -1, so t is the planar depth


def test_one_view_per_camera_with_shapes_and_dtypes(views):
    spec, out = views
    assert [v.view_index for v in out] == [0, 1, 2]
    for v, cam in zip(out, spec.cameras):
        h, w = cam.height, cam.width
        assert v.rgb.shape == (h, w, 3) and v.rgb.dtype == np.uint8
        assert v.depth.shape == (h, w) and v.depth.dtype == np.float32
        assert v.normals.shape == (h, w, 3) and v.normals.dtype == np.float32
        assert v.instance.dtype == np.uint16 and v.semantic.dtype == np.uint16
        assert v.intrinsics == cam.intrinsics()
        np.testing.assert_array_equal(v.cam2world, np.asarray(cam.cam2world))
        assert {"scene_build", "rgb_render", "label_render"} <= set(v.timings)


def test_depth_is_finite_exactly_where_something_is_hit(views):
    _, out = views
    for v in out:
        hit = v.instance > 0
        assert np.array_equal(np.isfinite(v.depth), hit)
        assert np.all(np.isposinf(v.depth[~hit]))
        assert np.all(v.depth[hit] > 0)
        assert 0 < hit.mean() < 1  # open sky and geometry both in view
    assert np.all(np.isinf(out[0].depth[0]))  # the top row looks over the floor's edge into the sky


def test_floor_depth_matches_the_plane(views):
    _, out = views
    v = out[0]
    floor = v.instance == 1
    analytic = _floor_depth(v)
    np.testing.assert_allclose(v.depth[floor], analytic[floor], rtol=1e-4)
    assert np.all(np.isfinite(analytic[floor]))


def test_normals_are_unit_face_the_camera_and_zero_on_misses(views):
    _, out = views
    for v in out:
        hit = v.instance > 0
        norms = np.linalg.norm(v.normals, axis=-1)
        assert np.all(np.abs(norms[hit] - 1) <= 1e-4)
        assert np.all(v.normals[~hit] == 0)
        k = v.intrinsics
        j, i = np.meshgrid(np.arange(k["width"]) + 0.5, np.arange(k["height"]) + 0.5)
        rays = np.stack([(j - k["cx"]) / k["fx"], -(i - k["cy"]) / k["fy"], -np.ones_like(j)], axis=-1)
        assert np.all(np.einsum("hwc,hwc->hw", v.normals, rays)[hit] <= 0)
    # the floor's normal is world +Z, in the camera frame R^T (0, 0, 1)
    v = out[0]
    expected = v.cam2world[:3, :3].T @ np.array([0.0, 0.0, 1.0])
    np.testing.assert_allclose(v.normals[v.instance == 1], np.broadcast_to(expected, (int((v.instance == 1).sum()), 3)),
                               atol=1e-5)


def test_ids_match_the_scene_objects(views):
    spec, out = views
    classes = {o.instance_id: o.class_name for o in spec.objects}
    seen: set[int] = set()
    for v in out:
        ids = set(np.unique(v.instance).tolist()) - {0}
        assert ids <= set(classes)
        assert v.instance_classes == {i: classes[i] for i in ids}
        background = {class_id(spec.background_class): spec.background_class} if (v.instance == 0).any() else {}
        assert v.class_table == {class_id(classes[i]): classes[i] for i in ids} | background
        for i in ids:
            assert np.all(v.semantic[v.instance == i] == class_id(classes[i]))
        assert np.all(v.semantic[v.instance == 0] == class_id(spec.background_class))  # rays that hit nothing
        seen |= ids
    assert seen == set(classes)  # every object, the glass sphere and the id above 32767 included


def test_rgb_is_a_real_image(views):
    _, out = views
    for v in out:
        assert v.rgb.std() > 5
        assert len(np.unique(v.rgb.reshape(-1, 3), axis=0)) > 50
    # the red box reads red
    v = out[0]
    box = v.rgb[v.instance == 2].astype(float).mean(axis=0)
    assert box[0] > 1.5 * box[1] and box[0] > 1.5 * box[2]


def test_views_of_one_resolution_share_a_render_call_and_match_their_own_renders(views):
    """Cameras 0 and 2 share a resolution, so one multi-view call renders both; each view is what rendering
    its camera alone gives: the call's first view byte for byte, the other exact labels and the same image
    up to sampling noise."""
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    spec, out = views
    assert out[0].timings["rgb_render"] == out[2].timings["rgb_render"] != out[1].timings["rgb_render"]
    with RenderWorker(RenderSettings(quality="draft", samples=8, threads=1)) as worker:
        alone = [worker.render_scene(dataclasses.replace(spec, cameras=(spec.cameras[i],)))[0] for i in (0, 2)]
        again = worker.render_scene(spec)
    for first, second in zip(out, again):  # a rerun (a retried work unit) gives the same bytes
        np.testing.assert_array_equal(first.rgb, second.rgb)
    np.testing.assert_array_equal(out[0].rgb, alone[0].rgb)
    for shared, own in zip((out[0], out[2]), alone):
        np.testing.assert_array_equal(shared.depth, own.depth)
        np.testing.assert_array_equal(shared.normals, own.normals)
        np.testing.assert_array_equal(shared.instance, own.instance)
    noise = np.abs(out[2].rgb.astype(float) - alone[1].rgb).mean()
    other_camera = np.abs(out[2].rgb.astype(float) - out[0].rgb).mean()
    assert noise < 0.2 * other_camera, (noise, other_camera)


def test_worker_renders_scenes_in_a_row():
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    spec = _scene()
    one = SceneSpec(**{**spec.__dict__, "scene_id": "blendertest2", "objects": spec.objects[:1],
                       "world": World(kind="hdri", hdri="studio"), "cameras": spec.cameras[:1]})
    with RenderWorker(RenderSettings(quality="draft", samples=4, threads=1)) as worker:
        first = worker.render_scene(one)[0]
        worker.render_scene(spec)
        again = worker.render_scene(one)[0]
    # nothing from the bigger scene survives into the next one
    assert set(np.unique(again.instance).tolist()) == {0, 1}
    np.testing.assert_array_equal(first.depth, again.depth)
    np.testing.assert_array_equal(first.normals, again.normals)
    assert math.isclose(first.rgb.mean(), again.rgb.mean(), rel_tol=0.02)


def test_every_render_lever_reaches_cycles():
    import bpy

    from pipeline.render.blender_render import set_label_mode, set_rgb_mode
    from pipeline.render.blender_boot import init_blender
    from pipeline.render.settings import RenderSettings

    init_blender()
    c = bpy.context.scene.cycles
    set_rgb_mode(RenderSettings(samples=24, adaptive_threshold=0.05, adaptive_min_samples=6, max_bounces=6,
                                diffuse_bounces=2, glossy_bounces=9, transmission_bounces=None, transparent_bounces=5,
                                clamp_indirect=3.0, light_tree=True, fast_gi=True, ao_bounces=2, path_guiding=True))
    assert (c.samples, c.use_adaptive_sampling, c.adaptive_min_samples) == (24, True, 6)
    assert math.isclose(c.adaptive_threshold, 0.05, rel_tol=1e-6)
    # per-kind bounces are capped by the total; None means the total
    assert (c.max_bounces, c.diffuse_bounces, c.glossy_bounces, c.transmission_bounces) == (6, 2, 6, 6)
    assert c.transparent_max_bounces == 5 and math.isclose(c.sample_clamp_indirect, 3.0)
    assert c.use_light_tree and c.use_fast_gi and c.ao_bounces_render == 2 and c.use_guiding
    assert c.use_denoising and c.denoising_input_passes == "RGB_ALBEDO_NORMAL"
    set_label_mode()  # one camera ray, nothing from the RGB levers that could reach a label
    assert (c.samples, c.max_bounces, c.use_fast_gi, c.use_guiding, c.use_denoising) == (1, 0, False, False, False)


def test_texture_detail_is_capped_in_materials_and_node_groups_but_not_where_wired():
    import bpy

    from pipeline.render.blender_boot import init_blender
    from pipeline.render.blender_scene import clear_scene
    from pipeline.render.materials import cap_texture_detail

    init_blender()
    clear_scene()  # the counts below are over every material in the file: none left by earlier tests
    mat = bpy.data.materials.new("noisy")
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    fine, coarse, wired = (nodes.new("ShaderNodeTexNoise") for _ in range(3))
    fine.inputs["Detail"].default_value, coarse.inputs["Detail"].default_value = 15.0, 3.0
    links.new(nodes.new("ShaderNodeValue").outputs[0], wired.inputs["Detail"])
    wired.inputs["Detail"].default_value = 15.0
    group = bpy.data.node_groups.new("cells", "ShaderNodeTree")
    voronoi = group.nodes.new("ShaderNodeTexVoronoi")
    voronoi.inputs["Detail"].default_value = 12.0
    assert cap_texture_detail(None) == 0 and fine.inputs["Detail"].default_value == 15.0
    assert cap_texture_detail(6.0) == 2
    assert fine.inputs["Detail"].default_value == 6.0 and voronoi.inputs["Detail"].default_value == 6.0
    assert coarse.inputs["Detail"].default_value == 3.0 and wired.inputs["Detail"].default_value == 15.0
    clear_scene()


def test_secondary_rays_see_fewer_octaves_and_bump_can_be_dropped():
    import bpy

    from pipeline.render.blender_boot import init_blender
    from pipeline.render.blender_scene import clear_scene
    from pipeline.render.materials import drop_bump, limit_secondary_detail

    init_blender()
    clear_scene()  # the counts below are over every material in the file: none left by earlier tests
    mat = bpy.data.materials.new("bumpy")
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    noise, few = nodes.new("ShaderNodeTexNoise"), nodes.new("ShaderNodeTexNoise")
    noise.inputs["Detail"].default_value, few.inputs["Detail"].default_value = 8.0, 1.0
    output = next(n for n in nodes if n.bl_idname == "ShaderNodeOutputMaterial")
    bump = nodes.new("ShaderNodeDisplacement")
    links.new(noise.outputs["Fac"], bump.inputs["Height"])
    links.new(bump.outputs[0], output.inputs["Displacement"])
    assert limit_secondary_detail(None) == 0 and not noise.inputs["Detail"].is_linked
    assert limit_secondary_detail(2.0) == 1 and not few.inputs["Detail"].is_linked
    blend = noise.inputs["Detail"].links[0].from_node  # 2 + (8 - 2) * Is Camera Ray
    assert blend.operation == "MULTIPLY_ADD"
    assert blend.inputs[0].links[0].from_socket.name == "Is Camera Ray"
    assert (blend.inputs[1].default_value, blend.inputs[2].default_value) == (6.0, 2.0)
    assert drop_bump() == 1 and not output.inputs["Displacement"].is_linked
    assert output.inputs["Surface"].is_linked  # the shading itself stays
    clear_scene()


def test_labels_do_not_depend_on_the_quality_settings(views):
    """The RGB levers (samples, bounces, fast GI, guiding, denoiser) change the image, never a label."""
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    spec, before = views
    cheap = RenderSettings(samples=2, adaptive_threshold=0, max_bounces=2, diffuse_bounces=1, fast_gi=True,
                           path_guiding=True, light_tree=True, max_texture_detail=0, threads=1, denoise=False)
    with RenderWorker(cheap) as worker:
        after = worker.render_scene(spec)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a.depth, b.depth)
        np.testing.assert_array_equal(a.normals, b.normals)
        np.testing.assert_array_equal(a.instance, b.instance)
        assert not np.array_equal(a.rgb, b.rgb)


def test_sun_lights_the_floor_through_window_glass():
    """Two upright panes under a low sun: the floor behind the glass one stays lit, behind the opaque one not.

    For each floor pixel the ray towards the sun is followed back to the panes' plane x = 0, so the test
    knows analytically which pixels lie in which pane's shadow.
    """
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker

    wall = Material("plaster", (0.8, 0.8, 0.8), "white", roughness=0.9)
    panes = {"glass": (-1.5, GLASS), "opaque": (1.5, wall)}
    objects = [SceneObject(1, "floor", (Part("plane", (0.0, 0.0, 0.0), (12.0, 12.0, 0.0), GREY),))]
    objects += [SceneObject(2 + i, "window", (Part("cube", (0.0, y, 1.0), (0.008, 2.0, 2.0), mat),))
                for i, (y, mat) in enumerate(panes.values())]
    spec = SceneSpec("sunglass", 0, "test", "indoor", tuple(objects),
                     (Light("sun", (0.0, 0.0, 10.0), 3.0, rotation=(0.0, -math.pi / 4, 0.0), size=0.02),),
                     World(kind="color", color=(0.05, 0.05, 0.05), strength=1.0),
                     (Camera(look_at((1.0, 0.0, 7.0), (1.0, 0.0, 0.0)), 70.0, 64, 64),))
    with RenderWorker(RenderSettings(quality="draft", threads=1)) as worker:
        view = worker.render_scene(spec)[0]

    rays = pixel_rays(view.intrinsics)  # camera z = -1, so depth scales them onto the surface
    points = view.cam2world[:3, 3] + (rays * view.depth[..., None]) @ view.cam2world[:3, :3].T
    x, y = points[..., 0], points[..., 1]
    floor = view.instance == 1
    luminance = view.rgb.astype(float).mean(axis=-1)
    # The sun travels along (1, 0, -1)/sqrt(2): from floor point (x, y) it crosses x = 0 at height x.
    lit = floor & (x > 2.5)
    shade = {name: floor & (x > 0.3) & (x < 1.7) & (np.abs(y - yc) < 0.7) for name, (yc, _) in panes.items()}
    assert lit.sum() > 50 and all(m.sum() > 20 for m in shade.values())
    ratio = {name: luminance[m].mean() / luminance[lit].mean() for name, m in shade.items()}
    assert ratio["opaque"] < 0.5, ratio
    assert ratio["glass"] > 0.8, ratio


def test_indoor_closeups_render_near_surfaces():
    """Close-up views of the indoor family see surfaces well under a metre away, which room views never do."""
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker
    from scenes import build
    from scenes.shared.validity import ViewRules, check_view

    params = {"content": "primitive", "views": 1, "closeup_prob": 1.0, "resolutions": [[64, 48]]}
    with RenderWorker(RenderSettings(quality="draft", samples=2, threads=1)) as worker:
        for seed in (1, 2, 3):
            spec = build("indoor_room", params, seed, f"closeup{seed}")
            assert spec.extra["view_kinds"] == ["closeup"]
            view = worker.render_scene(spec)[0]
            hit = view.depth[np.isfinite(view.depth)]
            assert hit.min() < 1.0 and np.median(hit) < 2.0, (seed, hit.min(), np.median(hit))
            verdict = check_view(view.depth, view.semantic, ViewRules())
            assert verdict is None or verdict.startswith("too_close"), verdict
