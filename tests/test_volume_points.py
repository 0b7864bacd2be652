"""Seeded volume points for Infinigen's trees: the same points whatever the mesh's face order, inside the
shape, distributed as Blender's particle volume emission; and the mend changes only the tree keys."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.blender, pytest.mark.xdist_group("blender")]


def _sphere(name: str, faces_reversed: bool):
    """A UV sphere of radius 1.4 (object scale), its faces numbered forwards or backwards."""
    import bpy

    from pipeline.render.blender_boot import init_blender

    init_blender()
    bpy.ops.mesh.primitive_uv_sphere_add(location=(0, 0, 0))
    made = bpy.context.active_object
    verts = [v.co[:] for v in made.data.vertices]
    faces = [tuple(p.vertices) for p in made.data.polygons]
    bpy.data.objects.remove(made)
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(verts, [], faces[::-1] if faces_reversed else faces)
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    obj.scale = (1.4, 1.4, 1.4)
    return obj


def test_the_points_do_not_depend_on_face_order_and_fill_the_shape_like_blenders_emitter():
    import bpy

    from pipeline.render.volume_points import volume_points

    forward, backward = _sphere("forward", False), _sphere("backward", True)
    try:
        a = volume_points(forward, 2000, seed=32)
        np.testing.assert_array_equal(a, volume_points(backward, 2000, seed=32))
        assert not np.array_equal(a, volume_points(forward, 2000, seed=33))
        radius = np.linalg.norm(a, axis=1)
        assert radius.max() <= 1.4 + 1e-6
        # Blender's volume emission on the same sphere: each point moved inward by a uniform fraction of
        # half the chord, so radii spread evenly from ~0.1 r to r (its own mean radius on this sphere: 0.70)
        particles = _blender_particles(forward, 2000)
        assert abs(radius.mean() - np.linalg.norm(particles, axis=1).mean()) < 0.05
        assert abs(np.quantile(radius, 0.1) - np.quantile(np.linalg.norm(particles, axis=1), 0.1)) < 0.05
    finally:
        for obj in (forward, backward):
            bpy.data.objects.remove(obj)


def _blender_particles(obj, n: int) -> np.ndarray:
    import bpy

    modifier = obj.modifiers.new("particles", "PARTICLE_SYSTEM")
    settings = modifier.particle_system.settings
    settings.count, settings.frame_end, settings.emit_from, settings.distribution = n, 1, "VOLUME", "RAND"
    settings.physics_type = "NO"
    evaluated = obj.evaluated_get(bpy.context.evaluated_depsgraph_get())
    out = np.zeros(n * 3)
    evaluated.particle_systems[-1].particles.foreach_get("location", out)
    obj.modifiers.remove(modifier)
    bpy.data.particles.remove(settings)
    return out.reshape(-1, 3)


def test_the_mend_gives_tree_entries_new_keys_and_leaves_the_rest_alone():
    from importlib.metadata import version

    from pipeline.bank.plan import library_version

    assert library_version("infinigen", "trees.generate") == version("infinigen") + "+seeded-volume-points"
    assert library_version("infinigen", "seating.sofa") == version("infinigen")


def test_infinigen_trees_draw_their_attractors_from_the_seeded_sampler():
    from pipeline.render.infinigen_boot import init_infinigen

    init_infinigen()
    import infinigen.assets.objects.trees.utils.mesh as tree_mesh

    assert tree_mesh.sample_vtxs.__module__ == "pipeline.render.infinigen_boot"
    with pytest.raises(ValueError, match="only VOLUME"):
        tree_mesh.sample_vtxs(None, emit_from="FACE")
