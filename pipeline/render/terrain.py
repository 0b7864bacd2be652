"""Terrain heightfields and ground cover in Blender (``Part.shape`` ``"heightfield"`` and ``"scatter"``).

- Heightfield: the mesh of :func:`scenes.nature.terrain.grid_mesh`, the same function the scene generator
  places trees, rocks and cameras with, written into Blender with ``foreach_set`` (a 100k-vertex grid in
  a fraction of a second), smooth shaded. Faces steeper than ``Heightfield.steep_deg`` (plus a few degrees
  of noise, so rock bands have ragged edges) take the second material slot, ``Heightfield.steep``.
  Infinigen's mountain shader takes the height range of the mesh it colours in layers.
- Scatter (ground cover): small meshes made here with numpy from the part's seed (grass tufts, flowers,
  fallen leaves, twigs, pebbles), instanced by a geometry-nodes tree on a copy of the terrain surface near
  the cameras: Distribute Points on Faces reads a per-vertex density computed here (falling off with the
  distance to the nearest camera, thinned outside its view cone, patchy by a noise, none on cliffs or under
  water; leaves and twigs gather under trees), Instance on Points picks a variant, turns it at random
  and tilts it to the ground (lying items fully, grass a little). The base surface itself is not rendered.
  The instances take the scatter object's instance id and class (:data:`INSTANCER` attribute of the label
  AOV), so all ground cover of a scene is one labelled object.
"""

from __future__ import annotations

import math
from functools import lru_cache

import bpy
import numpy as np

from pipeline.render.materials import MaterialLibrary, add_label_aovs
from pipeline.scene_spec import Material, Part
from scenes.nature.terrain import MOUNTAIN_SHADER, Terrain, fbm, grid_mesh, noise, smoothstep

METRIC_UV = "metric_uv"  # as pipeline.render.blender_scene.METRIC_UV: user materials read their maps through it
VARIANTS = 6  # meshes per ground-cover kind
CONE_EDGE = math.radians(25.0)  # the density thins over this angle outside a view's cone
# kind -> (tilt towards the ground normal 0..1, scale range)
_PLACEMENT = {"grass": (0.35, (0.7, 1.3)), "flowers": (0.2, (0.8, 1.2)), "leaves": (1.0, (0.7, 1.3)),
              "twigs": (1.0, (0.6, 1.4)), "pebbles": (1.0, (0.5, 1.6))}


# ------------------------------------------------------------------ meshes


def mesh_from_arrays(name: str, verts: np.ndarray, faces: np.ndarray, smooth: bool = True) -> bpy.types.Mesh:
    """A mesh from an N x 3 vertex array and an M x k face array (all faces with k corners)."""
    mesh = bpy.data.meshes.new(name)
    n, k = faces.shape
    mesh.vertices.add(len(verts))
    mesh.vertices.foreach_set("co", np.ascontiguousarray(verts, dtype=np.float32).ravel())
    mesh.loops.add(n * k)
    mesh.loops.foreach_set("vertex_index", np.ascontiguousarray(faces, dtype=np.int32).ravel())
    mesh.polygons.add(n)
    mesh.polygons.foreach_set("loop_start", np.arange(0, n * k, k, dtype=np.int32))
    mesh.update(calc_edges=True)
    mesh.polygons.foreach_set("use_smooth", np.full(n, smooth, dtype=bool))
    return mesh


def _face_normals(verts: np.ndarray, tris: np.ndarray) -> np.ndarray:
    n = np.cross(verts[tris[:, 1]] - verts[tris[:, 0]], verts[tris[:, 2]] - verts[tris[:, 0]])
    return n / np.linalg.norm(n, axis=1, keepdims=True)


# ------------------------------------------------------------------ heightfield


@lru_cache(maxsize=4)
def _surface(terrain: Terrain, r_inner: float, r_outer: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`grid_mesh`, kept for the scene's other users of the same rings (the ground cover's base is
    the terrain part's mesh); read-only arrays."""
    verts, tris = grid_mesh(terrain, r_inner, r_outer)
    verts.flags.writeable = tris.flags.writeable = False
    return verts, tris


def heightfield_object(name: str, part: Part, materials: MaterialLibrary) -> bpy.types.Object:
    """The terrain mesh of ``part`` (world vertices less ``part.location``), with its materials."""
    field = part.heightfield
    terrain = Terrain.from_pairs(field.params)
    verts, tris = _surface(terrain, field.r_inner, field.r_outer)
    mesh = mesh_from_arrays(name, verts - np.asarray(part.location), tris)
    zrange = (float(np.percentile(verts[:, 2], 25)), float(verts[:, 2].max()))  # strata over the risen part
    mesh.materials.append(_surface_material(part.material, materials, zrange))
    if field.steep is not None:
        mesh.materials.append(_surface_material(field.steep, materials, zrange))
        mesh.polygons.foreach_set("material_index", _steep_faces(verts, tris, field.steep_deg, terrain.seed))
    if part.material.asset is not None:  # a user material: UVs in metres, projected from above
        uv = verts[tris.ravel(), :2].astype(np.float32)
        mesh.uv_layers.new(name=METRIC_UV).data.foreach_set("uv", uv.ravel())
    return bpy.data.objects.new(name, mesh)


def _steep_faces(verts: np.ndarray, tris: np.ndarray, steep_deg: float, seed: int) -> np.ndarray:
    """Material index per face: 1 where the face is steeper than ``steep_deg`` +- 6 degrees of noise."""
    slope = np.degrees(np.arccos(np.clip(_face_normals(verts, tris)[:, 2], -1.0, 1.0)))
    jitter = 6.0 * noise(verts[:, 0] / 4.0, verts[:, 1] / 4.0, seed + 17)[tris].mean(axis=1)
    return (slope > steep_deg + jitter).astype(np.int32)


def _surface_material(spec: Material, materials: MaterialLibrary, zrange: tuple[float, float]) -> bpy.types.Material:
    """The library's material, except Infinigen's mountain shader, which needs the mesh's height range
    for its rock layers (one per mesh, so not shared through the library)."""
    if spec.kind != MOUNTAIN_SHADER:
        return materials.get(spec)
    from pipeline.render.infinigen_boot import init_infinigen

    init_infinigen()
    from infinigen.assets.materials.terrain.mountain import shader_MOUNTAIN
    from infinigen.core.surface import shaderfunc_to_material
    from infinigen.core.util.math import FixedSeed

    with FixedSeed(spec.seed):
        mat = shaderfunc_to_material(shader_MOUNTAIN, None, preset_zrange=(zrange[0], max(zrange[1], zrange[0] + 1.0)),
                                     random_seed=spec.seed)
    _drop_ambient_occlusion(mat)
    add_label_aovs(mat)
    mat.displacement_method = "BUMP"
    return mat


def _drop_ambient_occlusion(mat: bpy.types.Material) -> None:
    """Remove the shader's Ambient Occlusion nodes, which trace rays at every shading point for a darkening
    within a metre that cannot show on a mountainside kilometres away; what they fed gets full weight."""
    tree = mat.node_tree
    for node in [n for n in tree.nodes if n.bl_idname == "ShaderNodeAmbientOcclusion"]:
        for link in [link for output in node.outputs for link in output.links]:
            link.to_socket.default_value = 1.0 if link.to_socket.type == "VALUE" else (1.0, 1.0, 1.0, 1.0)
        tree.nodes.remove(node)


# ------------------------------------------------------------------ ground cover meshes


def _grass_tuft(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A tuft in the shape of Infinigen's grass tufts, lighter: 14-28 tapered blades from a 1.5 cm root
    disc, each arcing outwards (some nearly upright, some bowing to half their height), 0.15-0.5 m tall.
    Roots reach 3 cm below the origin so a tuft never floats on a slope."""
    verts, faces = [], []
    tall = rng.uniform(0.15, 0.5)
    ts = np.linspace(0.0, 1.0, 6)
    for _ in range(rng.integers(14, 29)):
        h = tall * rng.uniform(0.45, 1.0)
        reach = h * rng.uniform(0.1, 0.9)  # horizontal distance of the tip from the root
        droop = min(0.6, 0.55 * reach / h)
        width = rng.uniform(0.0025, 0.005)
        az = rng.uniform(0, 2 * np.pi)
        d = np.array([np.cos(az), np.sin(az)])
        side = np.array([-d[1], d[0]])
        root = rng.normal(0.0, 0.0075, 2)
        base = len(verts)
        for k, t in enumerate(ts):
            centre = root + d * reach * t ** 1.8
            z = -0.03 + (h + 0.03) * (t - droop * t * t)
            w = width * (1 - t ** 1.5) + 2e-4
            verts += [(*(centre - w * side), z), (*(centre + w * side), z)]
            if k:
                a = base + 2 * (k - 1)
                faces.append((a, a + 1, a + 3, a + 2))
    return np.asarray(verts), np.asarray(faces)


def _flower(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A thin stem (a square tube) with a flat head of 5-8 petals around a disc, 0.15-0.45 m tall."""
    h = rng.uniform(0.15, 0.45)
    r = 0.0015
    verts = [(r * sx, r * sy, z) for z in (-0.02, h) for sx, sy in ((1, 0), (0, 1), (-1, 0), (0, -1))]
    faces = [(i, (i + 1) % 4, 4 + (i + 1) % 4, 4 + i) for i in range(4)]
    petals = int(rng.integers(5, 9))
    length = rng.uniform(0.012, 0.03)
    spread = 0.8 * np.pi / petals
    c = len(verts)
    verts.append((0.0, 0.0, h + 0.004))
    for k in range(petals):
        a = 2 * np.pi * k / petals
        for rr, da in ((0.3, -1.0), (0.9, -0.6), (1.1, 0.0), (0.9, 0.6), (0.3, 1.0)):
            verts.append((length * rr * np.cos(a + da * spread), length * rr * np.sin(a + da * spread),
                          h + 0.002 + 0.15 * length * rr))
        s = c + 1 + 5 * k
        faces += [(c, s, s + 1, s + 2), (c, s + 2, s + 3, s + 4)]
    return np.asarray(verts), np.asarray(faces)


def _leaf(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A fallen leaf: an ellipse-like outline, 4-11 cm long, cupped so its edges rest on the ground."""
    length = rng.uniform(0.04, 0.11)
    width = length * rng.uniform(0.35, 0.7)
    ts = np.linspace(0.0, 1.0, 6)
    half = width / 2 * np.sin(np.pi * ts) ** 0.8
    x = (ts - 0.5) * length
    cup = rng.uniform(0.004, 0.012)
    left = np.column_stack([x, half, np.full(6, 0.002)])
    mid = np.column_stack([x, np.zeros(6), 0.002 + cup * np.sin(np.pi * ts)])
    right = np.column_stack([x, -half, np.full(6, 0.002)])
    verts = np.concatenate([right, mid, left])
    faces = [(s + k, s + k + 1, s + 7 + k, s + 6 + k) for s in (0, 6) for k in range(5)]
    return verts, np.asarray(faces)


def _twig(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A lying twig: a hexagonal tube 8-40 cm long, 4-12 mm thick, bent once, resting on its underside."""
    length = rng.uniform(0.08, 0.4)
    r = rng.uniform(0.002, 0.006)
    bend = rng.normal(0.0, 0.15)
    path = np.array([(-length / 2, 0.0), (0.0, 0.0), (length / 2 * np.cos(bend), length / 2 * np.sin(bend))])
    a = np.arange(6) * np.pi / 3
    verts = []
    for k, (px, py) in enumerate(path):
        taper = 1.0 - 0.4 * k / 2
        tangent = path[min(k + 1, 2)] - path[max(k - 1, 0)]
        normal = np.array([-tangent[1], tangent[0]]) / np.linalg.norm(tangent)
        for ang in a:
            off = normal * np.cos(ang) * r * taper
            verts.append((px + off[0], py + off[1], r + np.sin(ang) * r * taper))
    faces = [(6 * k + i, 6 * k + (i + 1) % 6, 6 * (k + 1) + (i + 1) % 6, 6 * (k + 1) + i)
             for k in range(2) for i in range(6)]
    return np.asarray(verts), np.asarray(faces)


def _pebble(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A pebble: the convex hull of 24 jittered points on a flattened ellipsoid, 1.5-8 cm long, a third
    of its height sunk below the origin (it lies embedded in the ground)."""
    from scipy.spatial import ConvexHull

    n = 24
    k = np.arange(n) + 0.5
    z = 1 - 2 * k / n
    a = k * np.pi * (3 - np.sqrt(5))
    pts = np.column_stack([np.sqrt(1 - z * z) * np.cos(a), np.sqrt(1 - z * z) * np.sin(a), z])
    pts *= rng.uniform(0.85, 1.15, (n, 1))
    pts *= rng.uniform(0.015, 0.08) / 2 * np.array([1.0, rng.uniform(0.6, 1.0), rng.uniform(0.35, 0.7)])
    pts[:, 2] -= pts[:, 2].min() + 0.33 * np.ptp(pts[:, 2])
    tris = ConvexHull(pts).simplices
    centre = pts.mean(axis=0)
    normal = np.cross(pts[tris[:, 1]] - pts[tris[:, 0]], pts[tris[:, 2]] - pts[tris[:, 0]])
    inward = np.sum(normal * (pts[tris].mean(axis=1) - centre), axis=1) < 0
    tris[inward] = tris[inward][:, ::-1]
    return pts, tris


_MAKERS = {"grass": _grass_tuft, "flowers": _flower, "leaves": _leaf, "twigs": _twig, "pebbles": _pebble}


def _ngon_mesh(name: str, verts: np.ndarray, faces) -> bpy.types.Mesh:
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(np.asarray(verts).tolist(), [], [tuple(int(i) for i in f) for f in faces])
    mesh.polygons.foreach_set("use_smooth", np.ones(len(mesh.polygons), dtype=bool))
    mesh.update()
    return mesh


# ------------------------------------------------------------------ ground cover materials

_DEFAULT_COLORS = {"grass": (0.09, 0.22, 0.035), "flowers": (0.75, 0.7, 0.1), "leaves": (0.35, 0.12, 0.03),
                   "twigs": (0.12, 0.07, 0.035), "pebbles": (0.22, 0.2, 0.18)}


def _cover_material(kind: str, color: tuple[float, float, float]) -> bpy.types.Material:
    """Principled shading whose colour varies per instance (Object Info random through a three-colour
    ramp around ``color``; flowers pick one of three distinct colours). Label AOVs included."""
    mat = bpy.data.materials.new(f"cover_{kind}")
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    bsdf = nodes["Principled BSDF"]
    bsdf.inputs["Roughness"].default_value = {"pebbles": 0.8, "leaves": 0.6, "grass": 0.55}.get(kind, 0.7)
    info = nodes.new("ShaderNodeObjectInfo")
    ramp = nodes.new("ShaderNodeValToRGB")
    links.new(info.outputs["Random"], ramp.inputs["Fac"])
    c = np.asarray(color, dtype=np.float64)
    if kind == "flowers":
        ramp.color_ramp.interpolation = "CONSTANT"
        low, high = (0.8, 0.8, 0.75), (0.45, 0.08, 0.5)
    else:
        low = c * 0.6
        high = c * {"grass": (1.3, 1.1, 0.55), "leaves": (1.4, 1.7, 0.5)}.get(kind, (1.3, 1.3, 1.3))
    ramp.color_ramp.elements[0].color = (*np.clip(low, 0, 1), 1.0)
    ramp.color_ramp.elements[1].color = (*np.clip(high, 0, 1), 1.0)
    ramp.color_ramp.elements.new(0.4).color = (*np.clip(c, 0, 1), 1.0)
    links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    add_label_aovs(mat)
    return mat


# ------------------------------------------------------------------ ground cover


def _focus_weight(xy: np.ndarray, scatter) -> np.ndarray:
    """Per point, the largest over the foci of falloff(distance) x (1 in the view cone, easing to ``behind``
    over ``CONE_EDGE`` outside it)."""
    best = np.zeros(len(xy))
    for fx, fy, yaw, half_fov in scatter.focus:
        dx, dy = xy[:, 0] - fx, xy[:, 1] - fy
        d = np.hypot(dx, dy)
        off = np.abs((np.arctan2(dy, dx) - yaw + np.pi) % (2 * np.pi) - np.pi)
        edge = 1.0 - smoothstep(half_fov, half_fov + CONE_EDGE, off)  # no visible seam where the cone ends
        cone = np.where(d < 2.0, 1.0, scatter.behind + (1.0 - scatter.behind) * edge)
        w = cone / (1.0 + (d / scatter.falloff_m) ** 2)
        best = np.maximum(best, np.where(d <= scatter.r_max, w, 0.0))
    return best


def _densities(verts: np.ndarray, tris: np.ndarray, scatter, steep_deg: float) -> dict[str, np.ndarray]:
    """Per vertex and kind, instances per m2."""
    x, y = verts[:, 0], verts[:, 1]
    focus = _focus_weight(verts[:, :2], scatter)
    vn = np.zeros_like(verts)
    fn = _face_normals(verts, tris)
    for k in range(3):
        np.add.at(vn, tris[:, k], fn)
    slope = np.degrees(np.arccos(np.clip(vn[:, 2] / np.linalg.norm(vn, axis=1), -1, 1)))
    dry = (verts[:, 2] > scatter.dry_above).astype(np.float64)
    ground = dry * (1.0 - smoothstep(steep_deg - 12, steep_deg - 2, slope))  # no grass on rock faces
    under_trees = np.zeros(len(verts))
    for tx, ty, tr in scatter.near:
        under_trees += np.exp(-((x - tx) ** 2 + (y - ty) ** 2) / (tr * tr))
    under_trees = np.clip(under_trees, 0.0, 1.0)
    s = scatter.seed
    masks = {
        "grass": 0.3 + 0.7 * smoothstep(-0.35, 0.3, fbm(x / 7.0, y / 7.0, s + 1, 3)),
        "flowers": smoothstep(0.15, 0.45, fbm(x / 5.0, y / 5.0, s + 2, 2)),
        "leaves": 0.35 + 0.65 * under_trees,
        "twigs": 0.25 + 0.75 * under_trees,
        "pebbles": 0.3 + 0.7 * smoothstep(-0.2, 0.4, fbm(x / 3.0, y / 3.0, s + 3, 2)),
    }
    out = {}
    for kind, density in scatter.kinds:
        on = ground if kind != "pebbles" else dry * (0.5 + 0.5 * smoothstep(10, 30, slope))
        out[kind] = density * focus * masks[kind] * on
    return out


def scatter_object(name: str, part: Part, materials: MaterialLibrary) -> bpy.types.Object:
    """The ground cover of ``part``: an object whose geometry nodes emit only the instances."""
    scatter = part.scatter
    field = scatter.surface
    terrain = Terrain.from_pairs(field.params)
    verts, tris = _surface(terrain, field.r_inner, field.r_outer)
    near = _focus_weight(verts[tris].mean(axis=1)[:, :2], scatter) > 0.0
    tris = tris[near]
    used, tris = np.unique(tris, return_inverse=True)
    tris = tris.reshape(-1, 3)
    verts = verts[used]
    mesh = mesh_from_arrays(f"{name}_base", verts - np.asarray(part.location), tris)
    densities = _densities(verts, tris, scatter, field.steep_deg)
    for kind, values in densities.items():
        mesh.attributes.new(f"cover_{kind}", "FLOAT", "POINT").data.foreach_set("value", values.astype(np.float32))
    colors = dict(scatter.colors)
    rng = np.random.default_rng(scatter.seed)
    collections = {}
    for kind, _ in scatter.kinds:
        col = bpy.data.collections.new(f"{name}_{kind}")
        mat = _cover_material(kind, colors.get(kind, _DEFAULT_COLORS[kind]))
        for i in range(VARIANTS):
            v, f = _MAKERS[kind](rng)
            m = _ngon_mesh(f"{name}_{kind}{i}", v, f)
            m.materials.append(mat)
            col.objects.link(bpy.data.objects.new(f"{name}_{kind}{i}", m))
        collections[kind] = col
    obj = bpy.data.objects.new(name, mesh)
    modifier = obj.modifiers.new("ground_cover", "NODES")
    modifier.node_group = _scatter_nodes(name, collections, scatter.seed)
    return obj


def _scatter_nodes(name: str, collections: dict[str, bpy.types.Collection], seed: int) -> bpy.types.NodeTree:
    """Distribute, pick, turn, tilt and scale each kind's variants; output the instances only."""
    tree = bpy.data.node_groups.new(f"{name}_scatter", "GeometryNodeTree")
    tree.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    tree.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    nodes, links = tree.nodes, tree.links
    given = nodes.new("NodeGroupInput")
    join = nodes.new("GeometryNodeJoinGeometry")
    for k, (kind, col) in enumerate(collections.items()):
        tilt, (s0, s1) = _PLACEMENT[kind]
        density = nodes.new("GeometryNodeInputNamedAttribute")
        density.data_type = "FLOAT"
        density.inputs["Name"].default_value = f"cover_{kind}"
        points = nodes.new("GeometryNodeDistributePointsOnFaces")
        points.inputs["Seed"].default_value = (seed * 7 + k) % 100000
        links.new(given.outputs[0], points.inputs["Mesh"])
        links.new(density.outputs["Attribute"], points.inputs["Density"])
        align = nodes.new("FunctionNodeAlignRotationToVector")
        align.inputs["Factor"].default_value = tilt
        links.new(points.outputs["Normal"], align.inputs["Vector"])
        spin = _random(nodes, "FLOAT", 0.0, 2 * math.pi, seed + 11 * k + 1)
        axis = nodes.new("FunctionNodeAxisAngleToRotation")
        axis.inputs["Axis"].default_value = (0.0, 0.0, 1.0)
        links.new(spin.outputs[1], axis.inputs["Angle"])
        turn = nodes.new("FunctionNodeRotateRotation")
        turn.rotation_space = "LOCAL"
        links.new(align.outputs["Rotation"], turn.inputs["Rotation"])
        links.new(axis.outputs["Rotation"], turn.inputs["Rotate By"])
        scale = _random(nodes, "FLOAT", s0, s1, seed + 11 * k + 2)
        pick = _random(nodes, "INT", 0, VARIANTS - 1, seed + 11 * k + 3)
        info = nodes.new("GeometryNodeCollectionInfo")
        info.inputs["Collection"].default_value = col
        info.inputs["Separate Children"].default_value = True
        info.inputs["Reset Children"].default_value = True
        place = nodes.new("GeometryNodeInstanceOnPoints")
        place.inputs["Pick Instance"].default_value = True
        links.new(points.outputs["Points"], place.inputs["Points"])
        links.new(info.outputs["Instances"], place.inputs["Instance"])
        links.new(pick.outputs[2], place.inputs["Instance Index"])
        links.new(turn.outputs["Rotation"], place.inputs["Rotation"])
        links.new(scale.outputs[1], place.inputs["Scale"])
        links.new(place.outputs["Instances"], join.inputs["Geometry"])
    out = nodes.new("NodeGroupOutput")
    links.new(join.outputs["Geometry"], out.inputs[0])
    return tree


def _random(nodes, data_type: str, low, high, seed: int):
    """A Random Value node; its outputs are [vector, float, int, bool], ``outputs[1]`` the float one."""
    node = nodes.new("FunctionNodeRandomValue")
    node.data_type = data_type
    if data_type == "FLOAT":
        node.inputs[2].default_value, node.inputs[3].default_value = low, high
    else:
        node.inputs[4].default_value, node.inputs[5].default_value = low, high
    node.inputs["Seed"].default_value = seed % 100000
    return node


def terrain_object(name: str, part: Part, materials: MaterialLibrary) -> bpy.types.Object:
    """The Blender object of a ``heightfield`` or ``scatter`` part (placed by the caller)."""
    if part.shape == "heightfield":
        return heightfield_object(name, part, materials)
    return scatter_object(name, part, materials)
