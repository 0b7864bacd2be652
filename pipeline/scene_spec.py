"""Plain-data scene description: what a scene *is*, independent of the renderer that realises it.

A scene generator (``scenes/``) turns ``(config, seed)`` into a :class:`SceneSpec`; the Blender
boundary (``pipeline.render``) realises it. Nothing here imports Blender or Ray, so specs can be
built, inspected, serialised to JSON and tested anywhere.

Conventions (metres, radians, right-handed, +Z up in the world, as in Blender):
- ``Part.location`` is the centre of the part's bounding box in world space, ``Part.rotation`` is an
  XYZ Euler rotation about that centre, ``Part.dimensions`` the full extents along the part's local axes.
- Cameras follow Blender/OpenGL: the camera looks down its local -Z axis, +Y is up, +X right; this is
  also the camera frame of the normal labels (+z towards the viewer).
- ``instance_id`` 1..65535 is unique per object within a scene (0 means "nothing"); an object may be
  made of several parts that share its instance id and class.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Literal

import numpy as np

Vec3 = tuple[float, float, float]

Shape = Literal["cube", "plane", "uv_sphere", "cylinder", "cone", "mesh", "asset", "heightfield", "scatter"]


USER_PREFIX = "user:"  # the user's own assets: SceneObject.source, Material.kind and World.hdri "user:<name>"


@dataclass(frozen=True)
class Material:
    """A procedural PBR material: ``kind`` picks the shader recipe, the rest are its parameters.

    ``kind == "infinigen:<module>.<Class>"`` (module under ``infinigen.assets.materials``): Infinigen's
    material of that class, generated with ``seed``; ``base_color`` is then only a summary for stats and
    ``color_name`` is empty (its colours are procedural).
    """

    kind: str
    base_color: Vec3  # linear RGB in [0, 1]
    color_name: str  # natural-language colour name, used by referring expressions ("" = unnamed)
    roughness: float = 0.5
    metallic: float = 0.0
    transmission: float = 0.0
    emission_strength: float = 0.0
    seed: int = 0  # for Infinigen materials
    asset: str | None = None  # ``kind == "user:<name>"``: the asset-bank key of the user's PBR material


@dataclass(frozen=True)
class Heightfield:
    """A terrain surface ``z = height(x, y)`` of :mod:`scenes.nature.terrain` with parameters ``params``
    (``(name, value)`` pairs), meshed on that module's polar grid from the first ring at radius >= ``r_inner``
    to the last at radius <= ``r_outer`` (metres from the world origin; parts sharing a ring share its
    vertices). Faces steeper than ``steep_deg`` (jittered a few degrees by a noise) wear ``steep``."""

    params: tuple[tuple[str, float], ...]
    r_inner: float = 0.0
    r_outer: float = 1e9
    steep: Material | None = None
    steep_deg: float = 90.0


@dataclass(frozen=True)
class Scatter:
    """Ground cover instanced on the heightfield ``surface``: per kind (``kinds``: name, instances per m2
    at full density) small meshes made by the renderer from ``seed``. The density falls off with the
    distance d to the nearest ``focus`` point (x, y, view direction in radians, half field of view):
    ``1 / (1 + (d / falloff_m)**2)``, ``behind`` of that outside the view cone, none beyond ``r_max``.
    ``near`` (x, y, radius) are trees: fallen leaves and twigs gather under them."""

    surface: Heightfield
    kinds: tuple[tuple[str, float], ...]
    focus: tuple[tuple[float, float, float, float], ...]
    seed: int = 0
    falloff_m: float = 6.0
    behind: float = 0.1
    r_max: float = 60.0
    near: tuple[tuple[float, float, float], ...] = ()
    dry_above: float = -1e9  # nothing grows below this height (under a lake's water)
    colors: tuple[tuple[str, tuple[float, float, float]], ...] = ()  # per kind, the main linear RGB


@dataclass(frozen=True)
class Part:
    """One primitive, explicit mesh or bank asset of an object.

    ``shape == "asset"``: a baked asset from the asset bank (:mod:`pipeline.bank`), named by its content
    key in ``asset``; its mesh is centred on its bounding box, so ``location``/``rotation`` place it like a
    box and ``dimensions`` is its exact metric size (the material is unused: the asset brings its own).
    ``shape == "heightfield"``: terrain, the mesh of ``heightfield`` in world coordinates (``location`` and
    ``dimensions`` a box around it, from the height function's bounds); ``shape == "scatter"``: ground
    cover instanced by the renderer as ``scatter`` says (the material is unused).
    """

    shape: Shape
    location: Vec3
    dimensions: Vec3
    material: Material
    rotation: Vec3 = (0.0, 0.0, 0.0)
    segments: int = 32  # tessellation of spheres/cylinders/cones around their axis
    rings: int = 16  # tessellation of spheres along their axis
    smooth: bool = False  # smooth shading (interpolated normals) for curved primitives
    vertices: tuple[Vec3, ...] = ()  # for shape == "mesh": local coordinates, metres
    faces: tuple[tuple[int, ...], ...] = ()
    asset: str = ""  # bank key, for shape == "asset"
    heightfield: Heightfield | None = None  # for shape == "heightfield" (location, dimensions: its bounding box)
    scatter: Scatter | None = None  # for shape == "scatter" (location, dimensions: a bound of its instances)


@dataclass(frozen=True)
class SceneObject:
    """A labelled object: one instance id, one semantic class, one or more parts."""

    instance_id: int
    class_name: str
    parts: tuple[Part, ...]
    supported_by: int | None = None  # instance id of the object this one stands on, if any
    asset: str | None = None  # assets_manifest entry name for user assets
    source: str = ""  # provenance: "infinigen:<Factory>", "procedural:<Factory>", "user:<asset>" or "primitive:<generator>"


@dataclass(frozen=True)
class Light:
    kind: Literal["point", "sun", "area", "spot"]
    location: Vec3
    energy: float  # W for point/area/spot, W/m^2 (strength) for sun
    rotation: Vec3 = (0.0, 0.0, 0.0)
    color: Vec3 = (1.0, 1.0, 1.0)
    size: float = 0.1


@dataclass(frozen=True)
class World:
    """Background/environment: a flat colour, a bundled HDRI by name, or a physical sky."""

    kind: Literal["color", "hdri", "sky"] = "color"
    color: Vec3 = (0.05, 0.05, 0.05)
    strength: float = 1.0
    hdri: str | None = None  # name of an HDRI shipped with the bpy wheel, e.g. "forest", or "user:<name>"
    sun_elevation: float = 0.8  # radians, for "sky"
    sun_rotation: float = 0.0
    rotation: float = 0.0  # radians about +Z, for "hdri"
    asset: str | None = None  # asset-bank key of a user HDRI


@dataclass(frozen=True)
class Camera:
    """A pinhole camera. ``cam2world`` is the 4x4 camera-to-world pose (row-major nested tuples).

    View groups (:mod:`scenes.shared.groups`): views of one static scene with known relative poses and the
    same intrinsics, consecutive in ``SceneSpec.cameras``.
    - ``group``: the group's index in the scene (the index of the camera the family drew); -1: no group.
    - ``group_kind``: ``"stereo"`` (a rectified pair: frame 1, the right eye, is frame 0 moved by
      ``baseline_m`` along frame 0's +X with the same rotation) or ``"motion"`` (frames along a short smooth
      camera path); ``""`` when not in a group.
    - ``frame``: the view's place in its group: 0 is the left eye or the first frame.
    - ``baseline_m``: a stereo rig's baseline in metres (on both eyes); 0 otherwise.
    """

    cam2world: tuple[tuple[float, float, float, float], ...]
    hfov_deg: float
    width: int
    height: int
    group: int = -1
    group_kind: Literal["", "stereo", "motion"] = ""
    frame: int = 0
    baseline_m: float = 0.0

    def intrinsics(self) -> dict[str, float]:
        """fx, fy, cx, cy in pixels with square pixels; pixel (row i, col j) has its centre at (j+0.5, i+0.5)."""
        fx = self.width / (2.0 * math.tan(math.radians(self.hfov_deg) / 2.0))
        return {"fx": fx, "fy": fx, "cx": self.width / 2.0, "cy": self.height / 2.0,
                "width": self.width, "height": self.height}


@dataclass(frozen=True)
class SceneSpec:
    """Everything needed to render one scene: objects, lights, world and the views to render."""

    scene_id: str
    seed: int
    family: str  # generator name, e.g. "indoor_room", "outdoor_street", "calibration"
    kind: Literal["indoor", "outdoor", "calibration"]
    objects: tuple[SceneObject, ...]
    lights: tuple[Light, ...]
    world: World
    cameras: tuple[Camera, ...]
    extra: dict = field(default_factory=dict)  # generator-specific facts (e.g. analytic primitives)
    background_class: str = "sky"  # class of pixels whose ray hits nothing (depth +inf, instance 0)

    def class_names(self) -> list[str]:
        return sorted({o.class_name for o in self.objects})

    def to_dict(self) -> dict:
        return asdict(self)


def rotation_matrix(euler: Vec3) -> np.ndarray:
    """3x3 matrix of an XYZ Euler rotation as Blender applies it (X first, then Y, then Z)."""
    x, y, z = euler
    cx, sx, cy, sy, cz, sz = math.cos(x), math.sin(x), math.cos(y), math.sin(y), math.cos(z), math.sin(z)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def look_at(eye: Vec3, target: Vec3, roll: float = 0.0) -> tuple[tuple[float, float, float, float], ...]:
    """Camera-to-world pose for a camera at ``eye`` looking at ``target`` (world +Z up), rolled by ``roll`` rad."""
    ex, ey, ez = eye
    fwd = (target[0] - ex, target[1] - ey, target[2] - ez)
    n = math.sqrt(sum(c * c for c in fwd))
    if n == 0:
        raise ValueError("look_at: eye and target coincide")
    f = tuple(c / n for c in fwd)
    up = (0.0, 0.0, 1.0) if abs(f[2]) < 0.999 else (0.0, 1.0, 0.0)
    r = (f[1] * up[2] - f[2] * up[1], f[2] * up[0] - f[0] * up[2], f[0] * up[1] - f[1] * up[0])
    rn = math.sqrt(sum(c * c for c in r))
    r = tuple(c / rn for c in r)
    u = (r[1] * f[2] - r[2] * f[1], r[2] * f[0] - r[0] * f[2], r[0] * f[1] - r[1] * f[0])
    if roll:
        c, s = math.cos(roll), math.sin(roll)
        r, u = (tuple(c * a + s * b for a, b in zip(r, u)), tuple(-s * a + c * b for a, b in zip(r, u)))
    back = tuple(-c for c in f)  # camera +Z points backwards (towards the viewer)
    return (
        (r[0], u[0], back[0], ex),
        (r[1], u[1], back[1], ey),
        (r[2], u[2], back[2], ez),
        (0.0, 0.0, 0.0, 1.0),
    )
