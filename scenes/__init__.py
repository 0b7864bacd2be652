"""Scene families: procedural generators that turn ``(params, seed)`` into a :class:`pipeline.scene_spec.SceneSpec`.

``generate(params, seed, scene_id, catalogue=None)``: ``catalogue`` is the asset bank's
:class:`scenes.content.Catalogue`, which families with ``content: infinigen`` draw their assets from.

``FAMILIES`` maps a family name to ``(params model, generate)`` or, for families that live in modules
owned elsewhere, to the module path that defines ``Params`` (or ``<Name>Params``) and ``generate``;
:func:`get_family` resolves either form. ``generate(params, seed, scene_id)`` is pure: the same inputs
give an identical spec.
"""

from __future__ import annotations

import importlib
from typing import Callable

from pydantic import BaseModel

from pipeline.scene_spec import SceneSpec
from scenes import indoor, nature, outdoor

Generate = Callable[..., SceneSpec]
Family = tuple[type[BaseModel], Generate]

FAMILIES: dict[str, Family | str] = {
    "indoor_room": (indoor.IndoorParams, indoor.generate),
    "outdoor_street": (outdoor.OutdoorParams, outdoor.generate),
    "outdoor_nature": (nature.NatureParams, nature.generate),
    "calibration": "scenes.calibration",
}


def get_family(name: str) -> Family:
    """``(params model, generate)`` of family ``name``; a clear error names unknown or unavailable families."""
    try:
        entry = FAMILIES[name]
    except KeyError:
        raise KeyError(f"unknown scene family {name!r}; known families: {', '.join(sorted(FAMILIES))}") from None
    if not isinstance(entry, str):
        return entry
    try:
        module = importlib.import_module(entry)
    except ImportError as exc:
        raise KeyError(f"scene family {name!r} is registered as module {entry!r}, "
                       f"which cannot be imported: {exc}") from exc
    params = _params_model(module)
    if params is None or not callable(getattr(module, "generate", None)):
        raise KeyError(f"scene family {name!r}: module {entry!r} must define a pydantic params model and generate()")
    return params, module.generate


def _params_model(module) -> type[BaseModel] | None:
    """``Params`` if defined, else the one ``*Params`` pydantic model the module itself defines."""
    own = [getattr(module, a) for a in sorted(dir(module)) if a == "Params" or a.endswith("Params")]
    own = [o for o in own if isinstance(o, type) and issubclass(o, BaseModel) and o.__module__ == module.__name__]
    named = [o for o in own if o.__name__ == "Params"]
    return (named or own or [None])[0]


def primitive_params(name: str) -> dict:
    """Params that select family ``name``'s fast primitive content (empty when it offers no choice)."""
    model, _ = get_family(name)
    return {"content": "primitive"} if "content" in model.model_fields else {}


def build(name: str, params: dict | BaseModel | None, seed: int, scene_id: str, catalogue=None) -> SceneSpec:
    """Validate ``params`` (a dict from a config, a model, or ``None`` for defaults) and generate one scene."""
    model, generate = get_family(name)
    p = params if isinstance(params, model) else model.model_validate(params or {})
    return generate(p, seed, scene_id, catalogue)
