"""The asset manifest: procedural generators, bundled HDRIs and user assets, loaded and checked.

Nothing here imports Blender. A job calls :func:`check_user_assets` before rendering: a user asset whose
file is missing, whose sha256 differs, or whose path leaves the asset root stops the job with an
:class:`AssetError` naming the asset. glTF files are also checked for the buffers and images they
reference, which must exist inside the root too.
"""

from __future__ import annotations

import importlib.util
import json
import math
import urllib.parse
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assets_manifest import MANIFEST_DIR
from pipeline.errors import BadInput
from pipeline.shards.storage import file_sha256
from pipeline.taxonomy import load_taxonomy

FORMATS = {".gltf": "gltf", ".glb": "gltf", ".obj": "obj", ".blend": "blend"}


class AssetError(BadInput):
    """A manifest entry or user asset that cannot be used; the message names it."""


class GeneratorEntry(BaseModel):
    """A procedural generator: the class(es) it produces, its size ranges and their source."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    classes: str | list[str] = Field(alias="class")
    module: str
    size: dict[str, tuple[float, float]]
    source: str = Field(min_length=10)

    @field_validator("size")
    @classmethod
    def _ordered(cls, v):
        for key, (lo, hi) in v.items():
            if not 0 <= lo <= hi:
                raise ValueError(f"size {key}: [{lo}, {hi}] must satisfy 0 <= low <= high")
        return v

    @property
    def class_names(self) -> list[str]:
        return [self.classes] if isinstance(self.classes, str) else list(self.classes)


class HDRIEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    use: list[Literal["indoor", "outdoor", "nature", "night", "studio", "lighting"]] = Field(min_length=1)


class UserAsset(BaseModel):
    """A user-supplied model file with its class, metric scale, licence and checksum."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_\-]+$")
    path: str
    class_name: str = Field(alias="class")
    scale: float = Field(gt=0, description="metres per model unit")
    licence: str = Field(min_length=2)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")

    @property
    def format(self) -> str:
        return FORMATS.get(Path(self.path).suffix.lower(), "")


def _load_entries(file: str, section: str, model: type[BaseModel], what: str) -> dict:
    """``section`` of ``assets_manifest/<file>``, each entry validated by ``model``; errors name the entry."""
    raw = yaml.safe_load((MANIFEST_DIR / file).read_text())[section]
    out = {}
    for name, entry in raw.items():
        try:
            out[name] = model.model_validate(entry)
        except ValidationError as exc:
            raise AssetError(f"{what} {name!r} in assets_manifest/{file}: {exc}") from None
    return out


@lru_cache(maxsize=1)
def generators() -> dict[str, GeneratorEntry]:
    """Every procedural generator of ``assets_manifest/generators.yaml``, validated."""
    out = _load_entries("generators.yaml", "generators", GeneratorEntry, "generator")
    taxonomy = load_taxonomy()
    for name in out:
        unknown = [c for c in out[name].class_names if c not in taxonomy]
        if unknown:
            raise AssetError(f"generator {name!r} produces classes {unknown} that are not in the taxonomy")
    return out


class InfinigenFactory(BaseModel):
    """An Infinigen asset factory: its class (with the benchmark mappings), the roles it plays in our
    layouts, the families that place it, and how to read its geometry (front, support surfaces)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    factory: str = Field(pattern=r"^[A-Za-z0-9_.]+\.[A-Z][A-Za-z0-9]*$")
    class_name: str = Field(alias="class")
    nyu40: str | None = None
    ade20k: str | None = None
    cityscapes: str | None = None
    roles: list[str] = Field(min_length=1, description="the pieces it stands in for in our layouts")
    families: list[str] = Field(min_length=1)
    front_yaw: float = math.pi / 2
    supports: Literal["none", "top", "all", "largest"] = "none"
    slow: bool = False
    spawn: dict[str, float] = Field(default_factory=dict, description="keyword arguments of spawn_asset (e.g. "
                                    "distance: the viewing distance in metres Infinigen sets mesh detail for); "
                                    "part of every bank key")

    @property
    def import_path(self) -> str:
        return f"infinigen.assets.objects.{self.factory}"


@lru_cache(maxsize=1)
def infinigen_factories() -> dict[str, InfinigenFactory]:
    """``assets_manifest/infinigen.yaml``, validated: known classes, mappings equal to the taxonomy's."""
    out = _load_entries("infinigen.yaml", "factories", InfinigenFactory, "factory")
    taxonomy = load_taxonomy()
    for name, f in out.items():
        where = f"factory {name!r} in assets_manifest/infinigen.yaml"
        if f.factory.rsplit(".", 1)[1] != name:
            raise AssetError(f"{where}: entry name must be the class name of {f.factory!r}")
        cls = taxonomy.get(f.class_name)
        if cls is None:
            raise AssetError(f"{where}: class {f.class_name!r} is not in the taxonomy")
        for bench in ("nyu40", "ade20k", "cityscapes"):
            if getattr(f, bench) != getattr(cls, bench):
                raise AssetError(f"{where}: {bench} {getattr(f, bench)!r} differs from the taxonomy's "
                                 f"{getattr(cls, bench)!r} for class {f.class_name!r}")
    return out


@lru_cache(maxsize=1)
def hdris() -> dict[str, HDRIEntry]:
    raw = yaml.safe_load((MANIFEST_DIR / "hdris.yaml").read_text())["hdris"]
    return {name: HDRIEntry.model_validate(entry) for name, entry in raw.items()}


def hdris_for(use: str) -> tuple[str, ...]:
    """Names of the bundled HDRIs tagged for ``use`` (indoor, outdoor, nature, night, studio, lighting)."""
    return tuple(sorted(name for name, e in hdris().items() if use in e.use))


def bundled_datafiles() -> Path | None:
    """The bpy wheel's ``datafiles`` folder, found without importing bpy (``None`` when bpy is absent)."""
    spec = importlib.util.find_spec("bpy")
    if spec is None or spec.origin is None:
        return None
    found = sorted(Path(spec.origin).parent.glob("*/datafiles"))
    return found[-1] if found else None


def check_hdris(datafiles: Path | None = None) -> dict[str, str]:
    """Per manifest HDRI: ``"ok"``, ``"missing"`` or ``"checksum differs"`` (another bpy build)."""
    root = datafiles or bundled_datafiles()
    out = {}
    for name, entry in hdris().items():
        path = None if root is None else root / entry.file
        if path is None or not path.is_file():
            out[name] = "missing"
        else:
            out[name] = "ok" if file_sha256(path) == entry.sha256 else "checksum differs"
    return out


def load_user_assets(path: Path | str | None = None) -> list[UserAsset]:
    """Entries of a user-asset manifest (default ``assets_manifest/user_assets.yaml``)."""
    path = Path(path) if path is not None else MANIFEST_DIR / "user_assets.yaml"
    raw = yaml.safe_load(Path(path).read_text()) or {}
    out, names = [], set()
    for i, entry in enumerate(raw.get("assets") or []):
        label = entry.get("name", f"#{i}") if isinstance(entry, dict) else f"#{i}"
        try:
            asset = UserAsset.model_validate(entry)
        except ValidationError as exc:
            raise AssetError(f"user asset {label!r} in {path}: {exc}") from None
        if asset.name in names:
            raise AssetError(f"user asset {asset.name!r} appears twice in {path}")
        names.add(asset.name)
        out.append(asset)
    return out


def check_user_assets(assets: list[UserAsset], asset_root: Path | str) -> dict[str, Path]:
    """Check every user asset before rendering; returns name -> resolved file. Raises :class:`AssetError`."""
    root = Path(asset_root).resolve()
    if not root.is_dir():
        raise AssetError(f"asset root {root} is not a directory")
    taxonomy = load_taxonomy()
    resolved = {}
    for a in assets:
        if not a.format:
            raise AssetError(f"user asset {a.name!r}: {a.path!r} is not a glTF/GLB, OBJ or .blend file")
        if a.class_name not in taxonomy:
            raise AssetError(f"user asset {a.name!r}: class {a.class_name!r} is not in the taxonomy")
        path = _inside(root, a.path, f"user asset {a.name!r}")
        if not path.is_file():
            raise AssetError(f"user asset {a.name!r}: file not found: {path}")
        digest = file_sha256(path)
        if digest != a.sha256.lower():
            raise AssetError(f"user asset {a.name!r}: sha256 mismatch for {path}: manifest {a.sha256.lower()}, "
                             f"file {digest}")
        if path.suffix.lower() == ".gltf":
            _check_gltf_refs(a.name, path, root)
        resolved[a.name] = path
    return resolved


def _inside(root: Path, rel: str, label: str) -> Path:
    """``root / rel`` resolved (symlinks too); refuses anything that lands outside ``root``."""
    path = (root / rel).resolve()
    if path != root and root not in path.parents:
        raise AssetError(f"{label}: path {rel!r} is outside the asset root {root}")
    return path


def _check_gltf_refs(name: str, path: Path, root: Path) -> None:
    try:
        doc = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AssetError(f"user asset {name!r}: {path} is not valid glTF JSON: {exc}") from None
    for kind in ("buffers", "images"):
        for item in doc.get(kind, []):
            uri = item.get("uri")
            if not uri or uri.startswith("data:"):
                continue
            uri = urllib.parse.unquote(uri)
            ref = _inside(root, str(path.parent.relative_to(root) / uri), f"user asset {name!r} ({kind[:-1]} {uri!r})")
            if not ref.is_file():
                raise AssetError(f"user asset {name!r}: referenced {kind[:-1]} {uri!r} not found: {ref}")


