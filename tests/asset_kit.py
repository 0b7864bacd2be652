"""Small assets the user-asset tests write themselves (nothing is downloaded): a box in every model
format, float and integer EXR environment maps, PBR folders in the ambientCG and Poly Haven layouts."""

from __future__ import annotations

import hashlib
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

# a box centred on the origin, corners at +-0.5 before scaling; quads wound outwards
CORNERS = np.array([[x, y, z] for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)])
QUADS = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def box_vertices(size) -> np.ndarray:
    return CORNERS * np.asarray(size, dtype=np.float64)


def write_glb(path: Path, size=(1.0, 0.5, 2.0), colour=(0.8, 0.2, 0.2), draco: bool = False) -> Path:
    """A box as binary glTF (glTF is Y-up: ``size`` is given Z-up and turned on the way in)."""
    v = box_vertices(size)[:, [0, 2, 1]] * np.array([1, 1, -1])  # Z-up -> glTF's Y-up (a rotation: winding kept)
    tris = [t for q in QUADS for t in ((q[0], q[1], q[2]), (q[0], q[2], q[3]))]
    positions = v.astype("<f4").tobytes()
    indices = np.array(tris, dtype="<u2").tobytes()
    blob = positions + indices + b"\0" * ((4 - len(indices) % 4) % 4)
    doc = {
        "asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": [*colour, 1.0], "roughnessFactor": 0.6}}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1, "material": 0}]}],
        "buffers": [{"byteLength": len(blob)}],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(positions)},
                        {"buffer": 0, "byteOffset": len(positions), "byteLength": len(indices)}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": len(v), "type": "VEC3",
                       "min": v.min(axis=0).tolist(), "max": v.max(axis=0).tolist()},
                      {"bufferView": 1, "componentType": 5123, "count": 3 * len(tris), "type": "SCALAR"}],
    }
    if draco:
        doc["extensionsUsed"] = doc["extensionsRequired"] = ["KHR_draco_mesh_compression"]
    text = json.dumps(doc).encode()
    text += b" " * ((4 - len(text) % 4) % 4)
    body = struct.pack("<II", len(text), 0x4E4F534A) + text + struct.pack("<II", len(blob), 0x004E4942) + blob
    path.write_bytes(b"glTF" + struct.pack("<II", 2, 12 + len(body)) + body)
    return path


def write_obj(path: Path, size=(1.0, 0.5, 2.0), faces: bool = True) -> Path:
    """A box as OBJ + MTL (OBJ is Y-up by convention; Blender's importer turns it), or only its points."""
    v = box_vertices(size)[:, [0, 2, 1]] * np.array([1, 1, -1])
    mtl = path.with_suffix(".mtl")
    mtl.write_text("newmtl paint\nKd 0.2 0.3 0.8\n")
    lines = [f"mtllib {mtl.name}", "usemtl paint"] + [f"v {x:.6f} {y:.6f} {z:.6f}" for x, y, z in v]
    if faces:
        lines += ["f " + " ".join(str(i + 1) for i in q) for q in QUADS]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_ply(path: Path, size=(1.0, 0.5, 2.0)) -> Path:
    v = box_vertices(size)
    lines = ["ply", "format ascii 1.0", f"element vertex {len(v)}", "property float x", "property float y",
             "property float z", f"element face {len(QUADS)}", "property list uchar int vertex_indices", "end_header"]
    lines += [f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in v] + [f"4 {' '.join(map(str, q))}" for q in QUADS]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_stl(path: Path, size=(1.0, 0.5, 2.0)) -> Path:
    v = box_vertices(size)
    lines = ["solid box"]
    for q in QUADS:
        for tri in ((q[0], q[1], q[2]), (q[0], q[2], q[3])):
            p = v[list(tri)]
            n = np.cross(p[1] - p[0], p[2] - p[0])
            n = n / np.linalg.norm(n)
            lines += [f"facet normal {n[0]:.6f} {n[1]:.6f} {n[2]:.6f}", "outer loop"]
            lines += [f"vertex {x:.6f} {y:.6f} {z:.6f}" for x, y, z in p] + ["endloop", "endfacet"]
    path.write_text("\n".join(lines + ["endsolid box"]) + "\n")
    return path


def write_usda(path: Path, size=(1.0, 0.5, 2.0)) -> Path:
    v = box_vertices(size)
    points = ", ".join(f"({x}, {y}, {z})" for x, y, z in v)
    counts = ", ".join("4" for _ in QUADS)
    indices = ", ".join(str(i) for q in QUADS for i in q)
    path.write_text(f"""#usda 1.0
(
    upAxis = "Z"
    metersPerUnit = 1
)

def Mesh "box"
{{
    int[] faceVertexCounts = [{counts}]
    int[] faceVertexIndices = [{indices}]
    point3f[] points = [{points}]
    uniform token orientation = "rightHanded"
}}
""")
    return path


def write_with_blender(paths: list[Path], size=(1.0, 0.5, 2.0)) -> None:
    """A box written by Blender itself as ``.fbx`` or ``.blend`` (one child process for all)."""
    script = f"""
import bpy, addon_utils
addon_utils.enable("io_scene_fbx", default_set=False)
bpy.ops.wm.read_factory_settings(use_empty=True)
addon_utils.enable("io_scene_fbx", default_set=False)
bpy.ops.mesh.primitive_cube_add(size=1.0)
cube = bpy.context.active_object
cube.scale = {tuple(size)!r}
bpy.ops.object.transform_apply(scale=True)
for p in {[str(p) for p in paths]!r}:
    if p.endswith(".fbx"):
        bpy.ops.export_scene.fbx(filepath=p)
    else:
        bpy.data.libraries.write(p, {{cube}}, fake_user=True)
"""
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)


def write_exr(path: Path, rgb=(1.0, 0.0, 0.0), size=(16, 32), uint: bool = False) -> Path:
    """A constant environment map (float32, or uint32 channels for the refusal test)."""
    import OpenEXR

    h, w = size
    dtype = np.uint32 if uint else np.float32
    channels = {c: np.full((h, w), (v * 100 if uint else v), dtype=dtype) for c, v in zip("RGB", rgb)}
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    with OpenEXR.File(header, channels) as f:
        f.write(str(path))
    return path


def write_pbr(folder: Path, colour=(40, 200, 60), layout: str = "ambientcg", dx: bool = False,
              colour_map: bool = True, normal_rgb=(128, 128, 255)) -> Path:
    """A PBR folder: colour, roughness and normal maps (8x8 PNGs) named as ambientCG or Poly Haven do;
    ``normal_rgb``: the normal map's one colour (default flat; anything else tilts the shading)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    name = folder.name
    if layout == "ambientcg":
        files = {"color": f"{name}_1K_Color.png", "roughness": f"{name}_1K_Roughness.png",
                 "normal": f"{name}_1K_Normal{'DX' if dx else 'GL'}.png"}
    else:
        files = {"color": f"{name}_diff_1k.png", "roughness": f"{name}_rough_1k.png",
                 "normal": f"{name}_nor_{'dx' if dx else 'gl'}_1k.png"}
    for role, fname in files.items():
        if role == "color" and not colour_map:
            continue
        value = colour if role == "color" else (tuple(normal_rgb) if role == "normal" else (180, 180, 180))
        Image.new("RGB", (8, 8), value).save(folder / fname)
    return folder


def write_instancing_blend(path: Path) -> None:
    """A ``.blend`` like a plant: a 1 x 1 m plane (its own mesh) that instances a 0.2 m cube on each of its
    four corners through geometry nodes; the cube object is data only (not linked in any scene)."""
    script = f"""
import bpy
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.mesh.primitive_cube_add(size=0.2)
leaf = bpy.context.active_object
leaf.name = "leaf"
leaf.data.materials.append(bpy.data.materials.new("leaf"))
bpy.context.scene.collection.objects.unlink(leaf)
bpy.ops.mesh.primitive_plane_add(size=1.0)
plant = bpy.context.active_object
plant.name = "plant"
group = bpy.data.node_groups.new("scatter", "GeometryNodeTree")
group.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
group.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
n, l = group.nodes, group.links
gin, gout = n.new("NodeGroupInput"), n.new("NodeGroupOutput")
info = n.new("GeometryNodeObjectInfo")
info.inputs["Object"].default_value = leaf
on = n.new("GeometryNodeInstanceOnPoints")
join = n.new("GeometryNodeJoinGeometry")
l.new(gin.outputs[0], on.inputs["Points"])
l.new(info.outputs["Geometry"], on.inputs["Instance"])
l.new(gin.outputs[0], join.inputs[0])
l.new(on.outputs["Instances"], join.inputs[0])
l.new(join.outputs[0], gout.inputs[0])
plant.modifiers.new("scatter", "NODES").node_group = group
bpy.data.libraries.write({str(path)!r}, {{plant}}, fake_user=True)
"""
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
