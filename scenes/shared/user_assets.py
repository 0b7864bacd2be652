"""The user's own asset library: 3D models, HDRIs and PBR material folders, listed in a manifest.

One YAML file (``assets.manifest`` in the job config; paths relative to ``assets.root``) with three
lists: ``models``, ``hdris`` and ``materials``. Everything that can be known without Blender is checked
here, before anything renders, and refused with an :class:`~scenes.shared.assets.AssetError` naming the entry:
a missing file, a wrong sha256, a path outside the root, an unknown class or family, a placement the
family does not offer, a Draco-compressed glTF (the pip ``bpy`` has no Draco decoder), an HDRI that is
not a float image, a material folder without a colour map, a target size implausible for the class.
The bake (:mod:`pipeline.render.user_bake`) adds what needs the mesh: no faces, or a size after scaling
implausible for the class (a 40 m chair).

Nothing here imports Blender.
"""

from __future__ import annotations

import hashlib
import json
import struct
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.shards.storage import file_sha256
from pipeline.taxonomy import load_taxonomy
from scenes.shared.assets import AssetError, generators

MODEL_FORMATS = {".gltf": "gltf", ".glb": "gltf", ".obj": "obj", ".fbx": "fbx", ".ply": "ply", ".stl": "stl",
                 ".usd": "usd", ".usda": "usd", ".usdc": "usd", ".usdz": "usd", ".blend": "blend"}
HDRI_FORMATS = (".exr", ".hdr")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".exr")
# where each family puts user models: floor (free floor space), support (on a table, counter or shelf),
# wall (back against a wall, standing on the floor), street (on a sidewalk), terrain (open ground)
FAMILY_PLACEMENTS = {"indoor_room": ("floor", "support", "wall"), "outdoor_street": ("street",),
                     "outdoor_nature": ("terrain",)}
HDRI_USE_OF_FAMILY = {"indoor_room": "indoor", "outdoor_street": "outdoor", "outdoor_nature": "nature"}
Placement = Literal["floor", "support", "wall", "street", "terrain"]
DRACO = "KHR_draco_mesh_compression"
MIN_SIZE_M = 0.01  # nothing smaller than a centimetre is placed
MAX_SIZE_M = 50.0  # nor larger than fifty metres (pipeline.bank.plan.MAX_ASSET_M)
SIZE_SLACK = 3.0  # a class's largest dimension may be this many times its generators' largest range
# map names of the ambientCG (<Name>_Color.jpg, _NormalGL) and Poly Haven (<name>_diff_1k.jpg, _nor_gl_) layouts
MAP_TOKENS = {
    "normal_gl": ("normalgl", "nor_gl", "normal_gl"),
    "normal_dx": ("normaldx", "nor_dx", "normal_dx"),
    "color": ("basecolor", "base_color", "albedo", "diffuse", "diff", "color", "col"),
    "roughness": ("roughness", "rough"),
    "displacement": ("displacement", "disp", "height"),
    "metalness": ("metalness", "metallic", "metal"),
    "normal": ("normal", "nor", "nrm"),
}


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    path: str
    licence: str = Field(min_length=2)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")


class UserModel(_Entry):
    """A model file: its class, metric scale (``scale`` metres per model unit, or ``target_size``: the
    largest dimension in metres), where it stands, which families may place it, and its front."""

    class_name: str = Field(alias="class")
    scale: float | None = Field(None, gt=0, description="metres per model unit (glTF is in metres: 1.0)")
    target_size: float | None = Field(None, gt=0, description="largest dimension after scaling, metres")
    placement: Placement
    families: list[str] | None = Field(None, description="families that may place it (default: every "
                                                         "family that offers its placement)")
    front_yaw_deg: float = Field(0.0, description="turn about +Z that brings the model's front to +Y")

    @model_validator(mode="after")
    def _one_scale(self):
        if (self.scale is None) == (self.target_size is None):
            raise ValueError("give exactly one of scale (metres per unit) and target_size (metres)")
        return self

    @property
    def format(self) -> str:
        return MODEL_FORMATS.get(Path(self.path).suffix.lower(), "")

    @property
    def allowed_families(self) -> tuple[str, ...]:
        offered = tuple(f for f, p in FAMILY_PLACEMENTS.items() if self.placement in p)
        return offered if self.families is None else tuple(self.families)


class UserHDRI(_Entry):
    """An environment map (``.exr`` or ``.hdr``) and the worlds that may use it."""

    use: list[Literal["indoor", "outdoor", "nature", "night"]] = Field(min_length=1)
    strength: tuple[float, float] = (0.6, 1.4)


class UserMaterial(_Entry):
    """A PBR material folder (ambientCG or Poly Haven layout) for surfaces of the ``applies_to`` classes;
    ``size_m``: the real-world width one texture tile covers. ``sha256``: of the folder's maps
    (:func:`folder_sha256`; ``pipeline assets sha256 FOLDER`` prints it)."""

    applies_to: list[str] = Field(min_length=1)
    size_m: float = Field(gt=0, description="metres one texture tile spans")
    normal: Literal["gl", "dx"] = Field("gl", description="normal map convention when the file name does not say")


@dataclass(frozen=True)
class UserLibrary:
    models: tuple[UserModel, ...] = ()
    hdris: tuple[UserHDRI, ...] = ()
    materials: tuple[UserMaterial, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.models or self.hdris or self.materials)

    def entries(self) -> tuple[_Entry, ...]:
        return (*self.models, *self.hdris, *self.materials)

    def licences(self) -> dict[str, dict]:
        """name -> {kind, licence, path, sha256}: what a dataset's manifest credits."""
        kinds = {**{m.name: "model" for m in self.models}, **{h.name: "hdri" for h in self.hdris},
                 **{m.name: "material" for m in self.materials}}
        return {e.name: {"kind": kinds[e.name], "licence": e.licence, "path": e.path, "sha256": e.sha256.lower()}
                for e in self.entries()}


SECTIONS = {"models": UserModel, "hdris": UserHDRI, "materials": UserMaterial}


def load_user_library(path: Path | str | None = None) -> UserLibrary:
    """The entries of a user-asset manifest (default ``assets_manifest/user_assets.yaml``), validated;
    errors name the entry and the file. ``assets:`` is read as ``models:`` (the earlier name)."""
    from assets_manifest import MANIFEST_DIR

    path = Path(path) if path is not None else MANIFEST_DIR / "user_assets.yaml"
    if not path.is_file():
        raise AssetError(f"user-asset manifest {path} not found")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise AssetError(f"user-asset manifest {path} is not valid YAML: {exc}") from None
    if "assets" in raw:
        raw.setdefault("models", raw.pop("assets"))
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise AssetError(f"user-asset manifest {path}: unknown sections {unknown}; expected {sorted(SECTIONS)}")
    out: dict[str, list] = {}
    names: set[str] = set()
    for section, model in SECTIONS.items():
        out[section] = []
        for i, entry in enumerate(raw.get(section) or []):
            label = entry.get("name", f"#{i}") if isinstance(entry, dict) else f"#{i}"
            try:
                item = model.model_validate(entry)
            except ValidationError as exc:
                why = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors())
                raise AssetError(f"user {section[:-1]} {label!r} in {path}: {why}") from None
            if item.name in names:
                raise AssetError(f"user asset {item.name!r} appears twice in {path}")
            names.add(item.name)
            out[section].append(item)
    return UserLibrary(tuple(out["models"]), tuple(out["hdris"]), tuple(out["materials"]), str(path))


@dataclass(frozen=True)
class Checked:
    """The library after its checks: each entry's resolved file (a material's folder) and its maps."""

    library: UserLibrary
    files: dict[str, Path]
    maps: dict[str, dict[str, Path]]


def check_library(library: UserLibrary, asset_root: Path | str) -> Checked:
    """Every check that needs no Blender, entry by entry; raises :class:`AssetError` naming the first bad one."""
    root = Path(asset_root).resolve()
    if library and not root.is_dir():
        raise AssetError(f"asset root {root} is not a directory")
    taxonomy = load_taxonomy()
    files: dict[str, Path] = {}
    maps: dict[str, dict[str, Path]] = {}
    for m in library.models:
        label = f"user model {m.name!r}"
        if not m.format:
            raise AssetError(f"{label}: {m.path!r} is not a model file ({', '.join(sorted(MODEL_FORMATS))})")
        if m.class_name not in taxonomy:
            raise AssetError(f"{label}: class {m.class_name!r} is not in the taxonomy (assets_manifest/taxonomy.yaml)")
        for family in m.allowed_families:
            if family not in FAMILY_PLACEMENTS:
                raise AssetError(f"{label}: family {family!r} places no user models; "
                                 f"those that do: {sorted(FAMILY_PLACEMENTS)}")
            if m.placement not in FAMILY_PLACEMENTS[family]:
                raise AssetError(f"{label}: family {family!r} offers placements {list(FAMILY_PLACEMENTS[family])}, "
                                 f"not {m.placement!r}")
        if m.target_size is not None:
            check_size(m, m.target_size)
        path = _checked_file(root, m, label)
        if m.format == "gltf":
            _check_gltf(label, path, root)
        files[m.name] = path
    for h in library.hdris:
        label = f"user HDRI {h.name!r}"
        if Path(h.path).suffix.lower() not in HDRI_FORMATS:
            raise AssetError(f"{label}: {h.path!r} is not an .exr or .hdr file")
        path = _checked_file(root, h, label)
        problem = float_image_problem(path)
        if problem:
            raise AssetError(f"{label}: {path} is not a float image ({problem}); HDRIs must be float EXR or "
                             f"Radiance HDR")
        files[h.name] = path
    for mat in library.materials:
        label = f"user material {mat.name!r}"
        unknown = [c for c in mat.applies_to if c not in taxonomy]
        if unknown:
            raise AssetError(f"{label}: applies_to classes {unknown} are not in the taxonomy")
        folder = _inside(root, mat.path, label)
        if not folder.is_dir():
            raise AssetError(f"{label}: folder not found: {folder}")
        found = material_maps(folder)
        if "color" not in found:
            raise AssetError(f"{label}: no colour map in {folder} (expected a file named like *_Color.jpg "
                             f"(ambientCG) or *_diff_1k.jpg (Poly Haven))")
        digest = folder_sha256(folder)
        if digest != mat.sha256.lower():
            raise AssetError(f"{label}: sha256 mismatch for {folder}: manifest {mat.sha256.lower()}, maps {digest}")
        files[mat.name], maps[mat.name] = folder, found
    return Checked(library, files, maps)


def _checked_file(root: Path, entry: _Entry, label: str) -> Path:
    path = _inside(root, entry.path, label)
    if not path.is_file():
        raise AssetError(f"{label}: file not found: {path}")
    digest = file_sha256(path)
    if digest != entry.sha256.lower():
        raise AssetError(f"{label}: sha256 mismatch for {path}: manifest {entry.sha256.lower()}, file {digest}")
    return path


def _inside(root: Path, rel: str, label: str) -> Path:
    """``root / rel`` resolved (symlinks too); refuses anything that lands outside ``root``."""
    path = (root / rel).resolve()
    if path != root and root not in path.parents:
        raise AssetError(f"{label}: path {rel!r} is outside the asset root {root}")
    return path


def gltf_json(path: Path) -> dict:
    """The JSON document of a ``.gltf`` file or of a ``.glb``'s first chunk."""
    data = path.read_bytes()
    if path.suffix.lower() == ".glb":
        if len(data) < 20 or data[:4] != b"glTF":
            raise ValueError("not a binary glTF (no 'glTF' magic)")
        length, kind = struct.unpack_from("<II", data, 12)
        if kind != 0x4E4F534A:  # "JSON"
            raise ValueError("the first GLB chunk is not JSON")
        data = data[20: 20 + length]
    return json.loads(data)


def _check_gltf(label: str, path: Path, root: Path) -> None:
    try:
        doc = gltf_json(path)
    except (UnicodeDecodeError, ValueError) as exc:
        raise AssetError(f"{label}: {path} is not a valid glTF file: {exc}") from None
    if DRACO in doc.get("extensionsUsed", []) or DRACO in doc.get("extensionsRequired", []):
        raise AssetError(f"{label}: {path} is Draco-compressed ({DRACO}); the pip bpy cannot decode it. "
                         f"Re-export it without compression (e.g. gltf-transform copy --no-draco, or Blender's "
                         f"glTF exporter with compression off)")
    for kind in ("buffers", "images"):
        for item in doc.get(kind, []):
            uri = item.get("uri")
            if not uri or uri.startswith("data:"):
                continue
            uri = urllib.parse.unquote(uri)
            ref = _inside(root, str(path.parent.relative_to(root) / uri), f"{label} ({kind[:-1]} {uri!r})")
            if not ref.is_file():
                raise AssetError(f"{label}: referenced {kind[:-1]} {uri!r} not found: {ref}")


EXR_MAGIC = b"\x76\x2f\x31\x01"
EXR_PIXEL_TYPES = {0: "UINT", 1: "HALF", 2: "FLOAT"}


def exr_channels(path: Path) -> dict[str, str]:
    """Channel name -> pixel type (UINT, HALF, FLOAT) from an OpenEXR file's header (read, not the pixels)."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head[:4] != EXR_MAGIC:
        raise ValueError("not an OpenEXR file")
    pos = 8
    while pos < len(head) and head[pos] != 0:
        name_end = head.index(b"\0", pos)
        kind_end = head.index(b"\0", name_end + 1)
        name, kind = head[pos:name_end], head[name_end + 1:kind_end]
        (size,) = struct.unpack_from("<i", head, kind_end + 1)
        value = head[kind_end + 5: kind_end + 5 + size]
        pos = kind_end + 5 + size
        if name == b"channels" and kind == b"chlist":
            out, i = {}, 0
            while i < len(value) and value[i] != 0:
                end = value.index(b"\0", i)
                (ptype,) = struct.unpack_from("<i", value, end + 1)
                out[value[i:end].decode()] = EXR_PIXEL_TYPES.get(ptype, f"type {ptype}")
                i = end + 1 + 16
            return out
    raise ValueError("no channel list in the EXR header")


def float_image_problem(path: Path) -> str | None:
    """Why ``path`` is not a float environment map (``None`` when it is one): an OpenEXR file whose
    colour channels are HALF or FLOAT, or a Radiance RGBE ``.hdr``."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"#?RADIANCE") or head.startswith(b"#?RGBE"):
        return None
    if head[:4] != EXR_MAGIC:
        return "neither OpenEXR nor Radiance HDR data"
    try:
        channels = exr_channels(path)
    except (ValueError, struct.error) as exc:
        return f"unreadable EXR header: {exc}"
    colour = {n: t for n, t in channels.items() if n.split(".")[-1] in ("R", "G", "B", "Y")}
    if not colour:
        return f"no R, G, B or Y channel (has {sorted(channels)})"
    ints = sorted(n for n, t in colour.items() if t == "UINT")
    return f"channels {ints} hold integers" if ints else None


def material_maps(folder: Path) -> dict[str, Path]:
    """The maps of a PBR folder by role (color, roughness, normal_gl / normal_dx / normal, displacement,
    metalness), recognised by the tokens of the ambientCG and Poly Haven file names."""
    found: dict[str, Path] = {}
    for f in sorted(folder.iterdir()):
        if f.suffix.lower() not in IMAGE_SUFFIXES or not f.is_file():
            continue
        stem = f.stem.lower().replace("-", "_")
        tokens = stem.split("_")
        for role, names in MAP_TOKENS.items():
            if any(n in tokens or ("_" in n and n in stem) or (len(n) > 4 and stem.endswith(n)) for n in names):
                found.setdefault(role, f)
                break
    return found


def folder_sha256(folder: Path) -> str:
    """A material folder's digest: sha256 over ``<file name> <file sha256>`` lines of its map files, sorted."""
    lines = [f"{p.name} {file_sha256(p)}\n" for p in sorted(material_maps(folder).values())]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@lru_cache(maxsize=None)
def plausible_size(class_name: str) -> tuple[float, float]:
    """The range of the largest dimension, in metres, a model of ``class_name`` may have: up to
    ``SIZE_SLACK`` times the largest size range of the procedural generators of that class (``MAX_SIZE_M`` when none makes it) and at least a metre; at least ``MIN_SIZE_M``."""
    highs = [hi for g in generators().values() if class_name in g.class_names for _, hi in g.size.values()]
    hi = min(MAX_SIZE_M, SIZE_SLACK * max(highs)) if highs else MAX_SIZE_M
    return MIN_SIZE_M, max(hi, 1.0)


def check_size(model: UserModel, largest_m: float) -> None:
    lo, hi = plausible_size(model.class_name)
    if not lo <= largest_m <= hi:
        how = f"target_size {model.target_size}" if model.target_size is not None else f"scale {model.scale}"
        raise AssetError(f"user model {model.name!r}: {largest_m:.3g} m across after scaling ({how}) is implausible "
                         f"for a {model.class_name} (expected {lo:g}-{hi:g} m); check scale or target_size")
