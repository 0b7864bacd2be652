"""Make one asset-bank entry: run a factory (Infinigen's, or one of ours in :mod:`pipeline.render.factories`),
bake it to one labelled mesh, save it as ``.blend``.

What a bank entry holds, and why:
- One mesh object. The factory's object tree (parent plus child meshes, geometry-node modifiers) is
  realised and joined, so the asset is one instance id and one object to place. Geometry-node
  instances (a tree's twigs and leaves) stay instances, emitted by that object through a modifier:
  realised, one Infinigen tree would be billions of faces. Their materials read the instance id from
  the instancer (:func:`pipeline.render.materials.add_label_aovs`).
- Its own frame: front towards +Y (our pieces' convention; Infinigen's assets face +X, turned by the
  manifest's ``front_yaw``), bounding box centred on the origin, metric size as the factory made it.
- Materials that write the label AOVs (:func:`pipeline.render.materials.add_label_aovs`), with shader
  displacement set to bump, so depth and normal labels describe the saved triangles exactly.
- Facts the scene generators need without Blender: size, vertex count and the horizontal surfaces
  things can stand on (``supports``), measured from the mesh.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable
from pathlib import Path

import bpy
import numpy as np
from mathutils import Matrix

from pipeline.render.blender_scene import ASSET_PREFIX, clear_scene
from pipeline.render.factories.base import get_anchors
from pipeline.render.infinigen_boot import init_infinigen
from pipeline.render.materials import add_label_aovs

SUPPORT_NORMAL_Z = 0.95  # faces this close to facing up count as a standing surface
SUPPORT_BIN_M = 0.01  # faces within this height of each other form one surface
SUPPORT_MIN_AREA = 0.02  # m2
SUPPORT_MIN_FILL = 0.5  # share of the surface's rectangle actually covered by up-facing faces
SUPPORT_INSET_M = 0.02
OPEN_CLEARANCE_M = 0.6  # clearance of a surface with nothing of the asset above it
STRAY_QUANTILE = 0.01  # the asset's body spans these vertex quantiles on each axis ...
STRAY_MARGIN = 3.0  # ... and a vertex further out than this many body extents plus a metre is a stray
STRAY_MARGIN_M = 1.0
STRAY_SLACK_M = 0.05


def _spawn(factory: str, seed: int, spawn: dict) -> bpy.types.Object:
    import gin
    from infinigen.core.util.math import FixedSeed

    module, name = factory.rsplit(".", 1)
    with gin.unlock_config():
        cls = getattr(importlib.import_module(module), name)
    with FixedSeed(seed):
        fac = cls(seed)
        root = fac.spawn_asset(seed, **spawn)
        fac.finalize_assets(root)
    return root


def _default_material() -> bpy.types.Material:
    mat = bpy.data.materials.new("asset_default")
    mat.use_nodes = True
    return mat


def instancers_of(tree: list[bpy.types.Object]) -> dict[bpy.types.Object, Matrix]:
    """Objects of ``tree`` whose geometry nodes emit instances (a tree's twigs, leaves and fruit), with
    their world matrices. Realising those would make billions of faces (4,400 twigs of 500k faces each
    on one Infinigen tree), so they stay instances: Cycles renders them as such."""
    depsgraph = bpy.context.evaluated_depsgraph_get()
    members = set(tree)
    found = {inst.parent.original for inst in depsgraph.object_instances
             if inst.is_instance and inst.parent is not None and inst.parent.original in members}
    return {o: o.matrix_world.copy() for o in tree if o in found and o.type != "FONT"}  # text: its glyphs


def bake_to_one_mesh(tree: list[bpy.types.Object], keep: Iterable[bpy.types.Object] = (),
                     what: str = "the factory", own_mesh_of_kept: bool = False) -> bpy.types.Object:
    """Realise the modifiers of the objects in ``tree`` and join their meshes into one object (world
    frame); objects in ``keep`` (instancers) are left alone, unparented and out of the scene, and with
    ``own_mesh_of_kept`` their own geometry (not their instances) joins the mesh too. Raises
    ValueError when nothing in ``tree`` has a face."""
    keep = set(keep)
    depsgraph = bpy.context.evaluated_depsgraph_get()
    meshes = [_evaluated_mesh(obj, depsgraph) for obj in tree if own_mesh_of_kept and obj in keep]
    for obj in keep:
        world = obj.matrix_world.copy()
        obj.parent = None
        obj.matrix_world = world
        for collection in list(obj.users_collection):
            collection.objects.unlink(obj)
    if keep:
        depsgraph = bpy.context.evaluated_depsgraph_get()
    meshes += [_evaluated_mesh(obj, depsgraph) for obj in tree if obj not in keep]
    pieces = [_link_piece(name, mesh) for name, mesh in (m for m in meshes if m is not None)]
    if not pieces:
        raise ValueError(f"{what} made no mesh with faces")
    doomed = [o for o in tree if o not in pieces and o not in keep]
    bpy.data.batch_remove(doomed)
    target = pieces[0]
    if len(pieces) > 1:
        with bpy.context.temp_override(active_object=target, selected_editable_objects=pieces,
                                       selected_objects=pieces):
            bpy.ops.object.join()
    return target


def _evaluated_mesh(obj: bpy.types.Object, depsgraph) -> tuple[str, bpy.types.Mesh] | None:
    """``obj``'s evaluated mesh (modifiers applied, instances not) in world coordinates, with its name,
    or ``None`` when it renders no face. All pieces are read from one evaluation of the scene before
    any new object is linked: linking dirties the scene, and re-evaluating it per part made a bake of
    a few hundred parts quadratic."""
    if obj.type not in {"MESH", "CURVE", "SURFACE", "META", "FONT"} or obj.hide_render:
        return None
    mesh = bpy.data.meshes.new_from_object(obj.evaluated_get(depsgraph), preserve_all_data_layers=False,
                                           depsgraph=depsgraph)
    if not len(mesh.polygons):
        bpy.data.meshes.remove(mesh)
        return None
    for slot_index, slot in enumerate(obj.material_slots):  # object-linked slots live on the object
        if slot.link == "OBJECT" and slot_index < len(mesh.materials):
            mesh.materials[slot_index] = slot.material
    mesh.transform(obj.matrix_world)
    return obj.name, mesh


def _link_piece(name: str, mesh: bpy.types.Mesh) -> bpy.types.Object:
    part = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(part)
    return part


def stray_vertices(co: np.ndarray, parts: np.ndarray | None = None) -> np.ndarray:
    """Mask of vertices far outside the asset's body (``co``: N x 3; ``parts``: each vertex's connected
    part, from :func:`mesh_parts`).

    Infinigen's bed frame now and then comes out with a part whose faces are stretched kilometres up
    and down; kept, they make a 2 m bed 9 km tall. The body is the box between the 1st and 99th vertex
    percentiles on each axis; a vertex more than three body extents plus a metre outside it is
    flung. A real part (a branch tip, a lamp arm) is never that far from where most of the mesh is.
    The parts holding flung vertices are broken: their vertices outside the box of the healthy parts
    (5 cm of slack) are strays too, so what stays of a broken part never sticks out of the asset.
    """
    if not len(co):
        return np.zeros(0, dtype=bool)
    lo, hi = np.quantile(co, [STRAY_QUANTILE, 1.0 - STRAY_QUANTILE], axis=0)
    margin = STRAY_MARGIN * (hi - lo) + STRAY_MARGIN_M
    flung = ((co < lo - margin) | (co > hi + margin)).any(axis=1)
    if parts is None or not flung.any():
        return flung
    broken = np.isin(parts, np.unique(parts[flung]))
    if broken.all():
        return flung
    healthy = co[~broken]
    box_lo, box_hi = healthy.min(axis=0) - STRAY_SLACK_M, healthy.max(axis=0) + STRAY_SLACK_M
    return flung | (broken & ((co < box_lo) | (co > box_hi)).any(axis=1))


def mesh_parts(mesh) -> np.ndarray:
    """Each vertex's connected part (vertices joined by edges), as a label per vertex."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(mesh.vertices)
    ev = np.empty(len(mesh.edges) * 2, dtype=np.int64)
    mesh.edges.foreach_get("vertices", ev)
    ev = ev.reshape(-1, 2)
    graph = coo_matrix((np.ones(len(ev), dtype=np.int8), (ev[:, 0], ev[:, 1])), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def drop_strays(obj: bpy.types.Object) -> int:
    """Delete the stray vertices of ``obj`` (:func:`stray_vertices`) with their faces; returns how many."""
    import bmesh

    mesh = obj.data
    co = np.empty(len(mesh.vertices) * 3, dtype=np.float64)
    mesh.vertices.foreach_get("co", co)
    doomed = np.flatnonzero(stray_vertices(co.reshape(-1, 3), mesh_parts(mesh)))
    if not len(doomed):
        return 0
    bm = bmesh.new()
    bm.from_mesh(mesh)
    bm.verts.ensure_lookup_table()
    bmesh.ops.delete(bm, geom=[bm.verts[i] for i in doomed], context="VERTS")
    bm.to_mesh(mesh)
    bm.free()
    mesh.update()
    return len(doomed)


def labelled_materials(obj: bpy.types.Object) -> None:
    mesh = obj.data
    default = None
    if not mesh.materials:
        mesh.materials.append(default := _default_material())
    for i, mat in enumerate(mesh.materials):
        if mat is None:
            default = default or _default_material()
            mesh.materials[i] = default
    for mat in bpy.data.materials:  # the asset's own and those of the objects it instances
        add_label_aovs(mat)
        mat.displacement_method = "BUMP"


def instance_corners(instancers: dict[bpy.types.Object, Matrix]) -> np.ndarray:
    """World-space bounding-box corners (K x 3) of every instance the instancers emit (nested ones too)."""
    depsgraph = bpy.context.evaluated_depsgraph_get()
    corners = []
    for inst in depsgraph.object_instances:
        if inst.is_instance and inst.parent is not None and inst.parent.original in instancers:
            m = np.array(inst.matrix_world)
            box = np.array([tuple(c) for c in inst.object.bound_box])
            corners.append(box @ m[:3, :3].T + m[:3, 3])
    return np.concatenate(corners) if corners else np.empty((0, 3))


def _attach_instances(obj: bpy.types.Object, instancers: dict[bpy.types.Object, Matrix], frame: Matrix,
                      instances_only: bool = False) -> None:
    """Make ``obj`` emit its instancers' geometry (instances kept) through a geometry-node modifier, moved
    by ``frame`` @ the instancer's world matrix, so one object carries the whole asset. ``instances_only``:
    emit only their instances (their own mesh was joined into ``obj``)."""
    group = bpy.data.node_groups.new("bank_asset_instances", "GeometryNodeTree")
    group.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    group.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    nodes, links = group.nodes, group.links
    join = nodes.new("GeometryNodeJoinGeometry")
    links.new(nodes.new("NodeGroupInput").outputs[0], join.inputs[0])
    for instancer, world in instancers.items():
        info = nodes.new("GeometryNodeObjectInfo")
        info.transform_space = "ORIGINAL"
        info.inputs["Object"].default_value = instancer
        move = nodes.new("GeometryNodeTransform")
        loc, rot, scale = (frame @ world).decompose()
        move.inputs["Translation"].default_value = loc
        move.inputs["Rotation"].default_value = rot.to_euler()
        move.inputs["Scale"].default_value = scale
        geometry = info.outputs["Geometry"]
        if instances_only:
            split = nodes.new("GeometryNodeSeparateComponents")
            links.new(geometry, split.inputs["Geometry"])
            geometry = split.outputs["Instances"]
        links.new(geometry, move.inputs["Geometry"])
        links.new(move.outputs["Geometry"], join.inputs[0])
    links.new(join.outputs[0], nodes.new("NodeGroupOutput").inputs[0])
    obj.modifiers.new("bank_asset_instances", "NODES").node_group = group


def normalise(obj: bpy.types.Object, front_yaw: float, instancers: dict[bpy.types.Object, Matrix],
              instance_corners: np.ndarray, scale: float = 1.0, instances_only: bool = False,
              carry: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Scale by ``scale``, turn the front to +Y and centre the bounding box (instances included:
    ``instance_corners``, world space) on the origin; returns the object's own vertices (N x 3) and the
    points ``carry`` (K x 3, world space: a procedural asset's anchors) moved the same way."""
    mesh = obj.data
    co = np.empty(len(mesh.vertices) * 3, dtype=np.float64)
    mesh.vertices.foreach_get("co", co)
    co = co.reshape(-1, 3)
    c, s = np.cos(front_yaw), np.sin(front_yaw)
    turn = scale * np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])  # row vectors: p' = p @ turn
    co = co @ turn
    everything = np.concatenate([co, instance_corners @ turn])
    shift = -(everything.min(axis=0) + everything.max(axis=0)) / 2.0
    co += shift
    mesh.vertices.foreach_set("co", co.astype(np.float32).ravel())
    mesh.update()
    obj.matrix_world.identity()
    if instancers:
        frame = Matrix.Translation(shift.tolist()) @ Matrix(turn.T.tolist()).to_4x4()
        _attach_instances(obj, instancers, frame, instances_only)
    carried = np.empty((0, 3)) if carry is None else np.asarray(carry, dtype=float).reshape(-1, 3) @ turn + shift
    return co, carried


def polygon_arrays(mesh) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per polygon: unit normal, centre, area, and the polygon index of every loop (corner)."""
    n = len(mesh.polygons)
    normals, centres, areas = np.empty(n * 3), np.empty(n * 3), np.empty(n)
    mesh.polygons.foreach_get("normal", normals)
    mesh.polygons.foreach_get("center", centres)
    mesh.polygons.foreach_get("area", areas)
    totals = np.empty(n, dtype=np.int64)
    mesh.polygons.foreach_get("loop_total", totals)
    loop_vertex = np.empty(len(mesh.loops), dtype=np.int64)
    mesh.loops.foreach_get("vertex_index", loop_vertex)
    corners = np.stack([np.repeat(np.arange(n), totals), loop_vertex], axis=1)
    return normals.reshape(-1, 3), centres.reshape(-1, 3), areas, corners


def find_supports(normals: np.ndarray, centres: np.ndarray, areas: np.ndarray, corners: np.ndarray,
                  verts: np.ndarray) -> list[dict]:
    """Horizontal surfaces of the asset things may stand on, in its frame (bbox centred on the origin).

    Up-facing faces are grouped by height; a group is a surface when it covers at least
    ``SUPPORT_MIN_AREA`` and half of the rectangle spanned by its vertices. Clearance is the free height
    above the rectangle up to the next down-facing face of the asset (the shelf board above), or
    ``OPEN_CLEARANCE_M`` when nothing is above. Sorted from the lowest surface to the highest.
    """
    up = np.flatnonzero(normals[:, 2] > SUPPORT_NORMAL_Z)
    down = normals[:, 2] < -SUPPORT_NORMAL_Z
    out: list[dict] = []
    if not len(up):
        return out
    bins = np.round(centres[up, 2] / SUPPORT_BIN_M).astype(np.int64)
    poly_bin = np.full(len(normals), np.iinfo(np.int64).min)
    poly_bin[up] = bins
    corner_bin = poly_bin[corners[:, 0]]
    for b in np.unique(bins):
        polys = up[bins == b]
        area = float(areas[polys].sum())
        pts = verts[corners[corner_bin == b, 1]]
        x0, y0 = pts[:, :2].min(axis=0) + SUPPORT_INSET_M
        x1, y1 = pts[:, :2].max(axis=0) - SUPPORT_INSET_M
        if area < SUPPORT_MIN_AREA or x1 <= x0 or y1 <= y0 or area < SUPPORT_MIN_FILL * (x1 - x0) * (y1 - y0):
            continue
        z = float(centres[polys, 2].mean())
        c = centres[down]
        above = c[(c[:, 2] > z + 0.01) & (c[:, 0] > x0) & (c[:, 0] < x1) & (c[:, 1] > y0) & (c[:, 1] < y1), 2]
        clearance = float(above.min() - z) if len(above) else OPEN_CLEARANCE_M
        out.append({"x0": round(float(x0), 4), "y0": round(float(y0), 4), "x1": round(float(x1), 4),
                    "y1": round(float(y1), 4), "z": round(z, 4), "clearance": round(clearance, 4), "area": round(area, 4)})
    return sorted(out, key=lambda s: s["z"])


def evaluated_size(obj: bpy.types.Object) -> list[float]:
    """Size (x, y, z) of everything ``obj`` renders: its mesh and the instances it emits."""
    bpy.context.view_layer.update()
    depsgraph = bpy.context.evaluated_depsgraph_get()
    pts = [np.array([tuple(c) for c in obj.evaluated_get(depsgraph).bound_box])]
    for inst in depsgraph.object_instances:
        if inst.is_instance and inst.parent is not None and inst.parent.original == obj:
            m = np.array(inst.matrix_world)
            pts.append(np.array([tuple(c) for c in inst.object.bound_box]) @ m[:3, :3].T + m[:3, 3])
    pts = np.concatenate(pts)
    return (pts.max(axis=0) - pts.min(axis=0)).tolist()


def instance_count(obj: bpy.types.Object) -> int:
    depsgraph = bpy.context.evaluated_depsgraph_get()
    return sum(1 for inst in depsgraph.object_instances
               if inst.is_instance and inst.parent is not None and inst.parent.original == obj)


def build_asset(factory: str, seed: int, front_yaw: float, out_path: Path, spawn: dict | None = None) -> dict:
    """Run ``factory`` (``module.Class``) with ``seed`` (and ``spawn`` keyword arguments of ``spawn_asset``),
    save the baked asset to ``out_path``; returns its facts."""
    init_infinigen()
    clear_scene()
    t0 = time.perf_counter()
    root = _spawn(factory, seed, spawn or {})
    anchors = get_anchors(root)  # procedural factories' named points, asset frame
    instancers = instancers_of([root, *root.children_recursive])
    corners = instance_corners(instancers)  # while the instancers are still in the scene
    obj = bake_to_one_mesh([root, *root.children_recursive], keep=instancers, what=f"{root.name}: the factory")
    strays = drop_strays(obj)
    obj.name = f"{ASSET_PREFIX}{factory.rsplit('.', 1)[1]}_{seed}"
    labelled_materials(obj)
    verts, moved = normalise(obj, front_yaw, instancers, corners, carry=np.array(list(anchors.values())))
    supports = find_supports(*polygon_arrays(obj.data), verts)
    size = evaluated_size(obj)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    bpy.data.libraries.write(str(out_path), {obj}, fake_user=True, compress=True)
    build_s = time.perf_counter() - t0
    facts = {"object": obj.name, "size": [round(v, 5) for v in size], "vertices": len(verts),
             "faces": len(obj.data.polygons), "instances": instance_count(obj), "supports": supports,
             "stray_vertices_dropped": strays, "anchors": {k: [round(float(c), 5) for c in p]
                                                           for k, p in zip(anchors, moved)},
             "materials": len(obj.data.materials), "build_s": round(build_s, 3)}
    clear_scene()
    return facts
