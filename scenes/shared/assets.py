"""The asset manifest: procedural generators, Infinigen factories and bundled HDRIs, loaded and checked.

Nothing here imports Blender. The user's own models, HDRIs and materials are :mod:`scenes.shared.user_assets`.
"""

from __future__ import annotations

import importlib.util
import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assets_manifest import MANIFEST_DIR
from pipeline.errors import BadInput
from pipeline.shards.storage import file_sha256
from pipeline.taxonomy import load_taxonomy

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


class BankFactory(BaseModel):
    """A factory whose assets are baked into the asset bank: one of Infinigen's (``infinigen.yaml``) or
    one of our own procedural ones (``procedural.yaml``, :mod:`pipeline.render.factories`). Its class (with
    the benchmark mappings), the roles it plays in our layouts, the families that place it, and how to
    read its geometry (front, support surfaces)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    origin: Literal["infinigen", "procedural"] = Field("infinigen", description="set from the manifest file")
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
    variety: int = Field(1, ge=1, description="variants per bank.variants: factories placed many times per "
                         "scene (people, buildings) need more seeds for a street not to repeat itself")
    spawn: dict[str, float] = Field(default_factory=dict, description="keyword arguments of spawn_asset (e.g. "
                                    "distance: the viewing distance in metres Infinigen sets mesh detail for); "
                                    "part of every bank key")

    @property
    def import_path(self) -> str:
        package = "infinigen.assets.objects" if self.origin == "infinigen" else PROCEDURAL_PACKAGE
        return f"{package}.{self.factory}"


PROCEDURAL_PACKAGE = "pipeline.render.factories"
_MANIFESTS = {"infinigen": "infinigen.yaml", "procedural": "procedural.yaml"}


def _factories(origin: str) -> dict[str, BankFactory]:
    """``assets_manifest/<origin>.yaml``, validated: known classes, mappings equal to the taxonomy's."""
    file = _MANIFESTS[origin]
    out = {name: f.model_copy(update={"origin": origin})
           for name, f in _load_entries(file, "factories", BankFactory, "factory").items()}
    taxonomy = load_taxonomy()
    for name, f in out.items():
        where = f"factory {name!r} in assets_manifest/{file}"
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
def infinigen_factories() -> dict[str, BankFactory]:
    """Infinigen's factories the families place (``assets_manifest/infinigen.yaml``)."""
    return _factories("infinigen")


@lru_cache(maxsize=1)
def procedural_factories() -> dict[str, BankFactory]:
    """Our own procedural factories (``assets_manifest/procedural.yaml``)."""
    return _factories("procedural")


@lru_cache(maxsize=1)
def bank_factories() -> dict[str, BankFactory]:
    """Every factory the bank can bake, Infinigen's first, then ours; names are unique across both."""
    inf, proc = infinigen_factories(), procedural_factories()
    clash = sorted(set(inf) & set(proc))
    if clash:
        raise AssetError(f"factories {clash} are named in both infinigen.yaml and procedural.yaml")
    return {**inf, **proc}


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
