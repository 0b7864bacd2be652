"""Job configuration: one YAML file, validated in full before anything renders.

Unknown keys and bad values are rejected with a :class:`ConfigError` whose message names the field
(``scenes[1].params.views: ...``), so a typo never silently falls back to a default on a cluster.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from pipeline import tasks
from pipeline.errors import BadInput
from pipeline.render.settings import RenderSettings
from scenes.shared.validity import ViewRules


def _known_task(name: str) -> str:
    if name not in tasks.names():
        raise ValueError(f"unknown task {name!r}; known: {list(tasks.names())}")
    return name


TaskName = Annotated[str, AfterValidator(_known_task)]


class ConfigError(BadInput):
    """A job config that cannot be used; the message names the file and the offending field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SceneSource(_Strict):
    """``count`` scenes of one procedural family, with that family's own parameters."""

    family: str
    count: int = Field(ge=1)
    params: dict[str, Any] = Field(default_factory=dict)
    _parsed: BaseModel | None = PrivateAttr(default=None)

    def parsed_params(self) -> BaseModel:
        """The params as the family's typed model, validated once (by :func:`parse_config`) and kept."""
        if self._parsed is None:
            from scenes import get_family

            params_model, _ = get_family(self.family)
            self._parsed = params_model.model_validate(self.params)
        return self._parsed


class ShardSettings(_Strict):
    """Caps per shard; a shard closes at whichever comes first."""

    max_samples: int = Field(default=1000, ge=1)
    max_bytes: int = Field(default=2_000_000_000, ge=1_000_000)
    input_format: Literal["png", "jpg"] = "png"
    jpeg_quality: int = Field(default=95, ge=50, le=100)


class AssetSettings(_Strict):
    """The user's own models, HDRIs and PBR materials (:mod:`scenes.shared.user_assets`): the manifest listing
    them, the root their paths are relative to, and how often scenes use them.

    ``use_prob``: the chance that a scene places user models (then ``per_scene`` of them, drawn from those
    its family may place), and that a surface class or an HDRI-lit world takes a user material or HDRI
    from the pool it joins."""

    root: str
    manifest: str | None = None  # default: assets_manifest/user_assets.yaml
    use_prob: float = Field(default=0.5, ge=0.0, le=1.0)
    per_scene: tuple[int, int] = (1, 3)

    @field_validator("per_scene")
    @classmethod
    def _count(cls, v: tuple[int, int]) -> tuple[int, int]:
        if not 0 <= v[0] <= v[1]:
            raise ValueError(f"per_scene {list(v)}: expected [low, high] with 0 <= low <= high")
        return v


class BankSettings(_Strict):
    """The asset bank of baked Infinigen assets (``pipeline.bank``).

    ``uri``: where it lives (a path or fsspec URI); ``null`` puts it in ``<out>/bank``, which
    ``--overwrite`` keeps, so a rerun reuses it. ``variants``: baked variants per factory;
    ``per_factory``: that number for named factories (names from assets_manifest/infinigen.yaml).
    """

    uri: str | None = None
    variants: int = Field(default=3, ge=1, le=1000)
    per_factory: dict[str, int] = Field(default_factory=dict)

    @field_validator("per_factory")
    @classmethod
    def _known_factories(cls, v: dict[str, int]) -> dict[str, int]:
        from scenes.shared.assets import bank_factories

        unknown = sorted(set(v) - set(bank_factories()))
        if unknown:
            raise ValueError(f"unknown factories {unknown}; known: {sorted(bank_factories())}")
        if any(n < 0 for n in v.values()):
            raise ValueError("variant counts must be >= 0")
        return v


class RaySettings(_Strict):
    """Where and how wide to run. ``address: null`` starts a private local Ray instance; "auto" joins a running one."""

    address: str | None = None
    num_workers: int = Field(default=2, ge=1)
    cpus_per_worker: float = Field(default=1, gt=0)
    gpus_per_worker: float = Field(default=0, ge=0)
    scenes_per_unit: int = Field(default=4, ge=1)
    max_unit_retries: int = Field(default=3, ge=0)


class PromptSettings(_Strict):
    """``max_tokens``: CLIP's context of 77 tokens (start and end markers included), which the text
    encoders of Stable Diffusion and InstructPix2Pix truncate to; ``null``: no budget."""

    max_tokens: int | None = Field(default=77, ge=8)

    @property
    def text_budget(self) -> int | None:
        return None if self.max_tokens is None else self.max_tokens - 2


class JobConfig(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    seed: int = Field(default=0, ge=0)
    scenes: list[SceneSource] = Field(min_length=1)
    tasks: dict[TaskName, float] = Field(
        default_factory=lambda: dict.fromkeys(tasks.names(inputs=1), tasks.DEFAULT_PAIRS_PER_VIEW), min_length=1,
        description="pairs per view of each task (registry names, pipeline.tasks), e.g. {depth: 1, instance: 0.5}; "
                    "a fraction is drawn per view with a seeded coin; a list of names means 1 of each. Two-view "
                    "tasks (flow, disparity) count pairs per view group and need scenes with view_groups; the "
                    "default is every one-view task")
    prompts: PromptSettings = Field(default_factory=PromptSettings)
    render: RenderSettings = Field(default_factory=RenderSettings)
    shards: ShardSettings = Field(default_factory=ShardSettings)
    validity: ViewRules = Field(default_factory=ViewRules)  # views failing these are counted, not written
    ray: RaySettings = Field(default_factory=RaySettings)
    assets: AssetSettings | None = None
    bank: BankSettings = Field(default_factory=BankSettings)

    @field_validator("tasks", mode="before")
    @classmethod
    def _tasks_as_rates(cls, v):
        if isinstance(v, (list, tuple)):
            if len(set(v)) != len(v):
                raise ValueError("tasks must not repeat")
            return dict.fromkeys(v, tasks.DEFAULT_PAIRS_PER_VIEW)
        return v

    @field_validator("tasks")
    @classmethod
    def _rates_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        for name, rate in v.items():
            most = tasks.get(name).max_pairs_per_view
            if rate < 0 or (most is not None and rate > most):
                raise ValueError(f"tasks.{name}: {rate} pairs per view is outside 0..{most if most is not None else 'inf'}")
        if not any(v.values()):
            raise ValueError("every task has 0 pairs per view")
        return v

    @model_validator(mode="after")
    def _groups_for_two_view_tasks(self):
        """A two-view task needs scenes that render the view groups it uses."""
        for name, rate in self.tasks.items():
            task = tasks.get(name)
            if task.inputs < 2 or not rate:
                continue
            kinds = {getattr(s.parsed_params(), "view_groups", None) for s in self.scenes}
            if not any(k is not None and k.kind in task.group_kinds for k in kinds):
                raise ValueError(f"tasks.{name}: needs view groups of kind {' or '.join(task.group_kinds)}; "
                                 f"set scenes[].params.view_groups.kind on at least one scene source")
        return self

    def total_scenes(self) -> int:
        return sum(s.count for s in self.scenes)


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "<root>"


def parse_config(raw: Any, source: str = "<config>") -> JobConfig:
    """Validate a decoded config mapping; errors name ``source`` and every bad field."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: top level must be a mapping, got {type(raw).__name__}")
    errors: list[str] = []
    try:
        cfg = JobConfig.model_validate(raw)
    except ValidationError as exc:
        errors += [f"{_field_path(e['loc'])}: {e['msg']}" for e in exc.errors()]
        cfg = None
    if cfg is not None:
        sources = list(enumerate(cfg.scenes))
    else:  # report the family params' errors too, from the raw mapping
        sources = [(i, SceneSource.model_construct(family=scene["family"], params=scene.get("params") or {}))
                   for i, scene in enumerate(raw.get("scenes") or [])
                   if isinstance(scene, dict) and isinstance(scene.get("family"), str)]
    for i, scene in sources:
        errors += _family_param_errors(i, scene)
    if errors:
        raise ConfigError("\n".join([f"{source}: invalid config"] + [f"  {e}" for e in errors]))
    return cfg


def _family_param_errors(index: int, source: SceneSource) -> list[str]:
    """Validate one scene source's params against its family's own model (kept on the source)."""
    where = f"scenes[{index}]"
    try:
        source.parsed_params()
    except KeyError as exc:
        return [f"{where}.family: {exc.args[0]}"]
    except ValidationError as exc:
        return [f"{where}.params.{_field_path(e['loc'])}: {e['msg']}" for e in exc.errors()]
    return []


def load_config(path: str | Path) -> JobConfig:
    """Read and validate a YAML job config."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: config file not found")
    try:
        raw = yaml.safe_load(p.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: not valid YAML: {exc}") from None
    return parse_config(raw, str(p))
