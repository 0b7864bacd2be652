"""Scene families: procedural generators that turn ``(params, seed)`` into a :class:`pipeline.scene_spec.SceneSpec`.

``generate(params, seed, scene_id, catalogue=None)``: ``catalogue`` is the asset bank's
:class:`scenes.shared.content.Catalogue`, which families with ``content: infinigen`` draw their assets from.

``FAMILIES`` registers every family explicitly: name -> ``(params model, generate)``.
``generate(params, seed, scene_id)`` is pure: the same inputs give an identical spec. Every family's
``generate`` is wrapped by :func:`scenes.shared.user_content.dress` (user materials, the HDRI pool and its
rotation), so that step has one home.
"""

from __future__ import annotations

from typing import Callable

from pydantic import BaseModel

from pipeline.scene_spec import SceneSpec
from scenes.calibration import family as calibration
from scenes.indoor import family as indoor
from scenes.nature import family as nature
from scenes.street import family as outdoor
from scenes.shared.user_content import dress

Generate = Callable[..., SceneSpec]
Family = tuple[type[BaseModel], Generate]


def _dressed(generate: Generate) -> Generate:
    def dressed_generate(params, seed: int, scene_id: str, catalogue=None) -> SceneSpec:
        return dress(generate(params, seed, scene_id, catalogue), catalogue)

    dressed_generate.__doc__ = generate.__doc__
    return dressed_generate


FAMILIES: dict[str, Family] = {
    "indoor_room": (indoor.IndoorParams, _dressed(indoor.generate)),
    "outdoor_street": (outdoor.OutdoorParams, _dressed(outdoor.generate)),
    "outdoor_nature": (nature.NatureParams, _dressed(nature.generate)),
    "calibration": (calibration.CalibrationParams, calibration.generate),
}


def get_family(name: str) -> Family:
    """``(params model, generate)`` of family ``name``; a clear error names unknown families."""
    try:
        return FAMILIES[name]
    except KeyError:
        raise KeyError(f"unknown scene family {name!r}; known families: {', '.join(sorted(FAMILIES))}") from None


def primitive_params(name: str) -> dict:
    """Params that select family ``name``'s fast primitive content (empty when it offers no choice)."""
    model, _ = get_family(name)
    return {"content": "primitive"} if "content" in model.model_fields else {}


def build(name: str, params: dict | BaseModel | None, seed: int, scene_id: str, catalogue=None) -> SceneSpec:
    """Validate ``params`` (a dict from a config, a model, or ``None`` for defaults) and generate one scene."""
    model, generate = get_family(name)
    p = params if isinstance(params, model) else model.model_validate(params or {})
    return generate(p, seed, scene_id, catalogue)
