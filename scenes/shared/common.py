"""Shared pieces of the scene families: view parameters, object/id bookkeeping, camera poses, sun and sky.

Every family's params model derives from :class:`ViewParams` (the calibration family from its base
:class:`GroupedViews`), so views, view groups, image sizes, field of view and camera height/pitch/roll are
configured the same way everywhere.
"""

from __future__ import annotations

import math
import random
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pipeline.scene_spec import Camera, Light, SceneObject, Vec3, World, look_at
from pipeline.taxonomy import class_id
from scenes.shared.geometry import AABB, part_aabb, parts_aabb
from scenes.shared.piece import Piece

# The paper's ~1 MP aspect-ratio buckets (width, height).
PAPER_BUCKETS: tuple[tuple[int, int], ...] = ((1200, 896), (1264, 848), (992, 1072))


SKY_STRENGTH = (0.05, 0.12)  # Nishita sky strength range, see sun_and_sky


def _ordered(v: tuple[float, float]) -> tuple[float, float]:
    if v[0] > v[1]:
        raise ValueError(f"range {list(v)} must be [low, high] with low <= high")
    return v


Range = Annotated[tuple[float, float], AfterValidator(_ordered)]
IntRange = Annotated[tuple[int, int], AfterValidator(_ordered)]


MAX_VIEWS_RENDERED = 64  # views one scene may render, groups expanded


def _within(v: tuple[float, float], lo: float, hi: float, name: str, open_low: bool = False) -> tuple[float, float]:
    if v[0] < lo or (open_low and v[0] == lo) or v[1] > hi:
        raise ValueError(f"{name} {list(v)} must lie within {'(' if open_low else '['}{lo:g}, {hi:g}]")
    return v


class ViewGroups(BaseModel):
    """How each camera a family draws becomes a group of views with known relative poses (see
    :mod:`scenes.shared.groups`): ``single`` keeps it alone, ``stereo`` adds a rectified right eye,
    ``motion`` a few frames of a smooth camera move. Scenes are static, so views of a group correspond exactly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["single", "stereo", "motion"] = Field(
        "single", description="single: one view per camera; stereo: a rectified left/right pair; "
                              "motion: `frames` views along a short smooth camera path")
    baseline_m: Range = Field(
        (0.1, 0.3), description="stereo: distance from the left to the right eye along the left camera's +X "
                                "(its right), metres; drawn once per group")
    frames: int = Field(3, ge=2, le=8, description="motion: views per group (frame 0 is the drawn camera)")
    step_m: Range = Field(
        (0.05, 0.2), description="motion: camera travel between consecutive frames, metres; drawn once per group")
    turn_deg: Range = Field(
        (-2.0, 2.0), description="motion: yaw change between consecutive frames, degrees (positive turns left); "
                                 "drawn once per group")
    drift_deg: Range = Field(
        (-10.0, 10.0), description="motion: direction of travel relative to the view direction on the ground "
                                   "(lateral drift), degrees; drawn once per group")
    bob_m: float = Field(0.0, ge=0.0, le=0.1, description="motion: amplitude of a vertical bob (a sine of period "
                                                          "6 frames, random phase), metres")

    @field_validator("baseline_m")
    @classmethod
    def _baseline(cls, v):
        return _within(v, 0.0, 2.0, "baseline_m", open_low=True)

    @field_validator("step_m")
    @classmethod
    def _step(cls, v):
        return _within(v, 0.0, 2.0, "step_m")

    @field_validator("turn_deg", "drift_deg")
    @classmethod
    def _angle(cls, v, info: ValidationInfo):
        return _within(v, -45.0, 45.0, info.field_name)

    @property
    def size(self) -> int:
        """Views per group: 1 (single), 2 (stereo) or ``frames`` (motion)."""
        return {"single": 1, "stereo": 2, "motion": self.frames}[self.kind]


class GroupedViews(BaseModel):
    """How many camera groups a scene draws and what each group is: the base of every family's params."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    views: int = Field(4, ge=1, le=MAX_VIEWS_RENDERED,
                       description="cameras drawn per scene; each renders a group of view_groups' size "
                                   "(one view when single)")
    view_groups: ViewGroups = Field(ViewGroups(), description="each drawn camera as a single view, a stereo pair or "
                                                              "a short camera move")

    @field_validator("view_groups")
    @classmethod
    def _cap(cls, v: ViewGroups, info: ValidationInfo) -> ViewGroups:
        views = info.data.get("views")  # absent when views itself failed
        if views is not None and views * v.size > MAX_VIEWS_RENDERED:
            raise ValueError(f"views_rendered = views ({views}) x {v.size} views per {v.kind} group = "
                             f"{views * v.size} exceeds {MAX_VIEWS_RENDERED}; lower views or the group size")
        return v

    @property
    def views_rendered(self) -> int:
        """Views one scene renders: ``views`` groups of ``view_groups.size``."""
        return self.views * self.view_groups.size


class ViewParams(GroupedViews):
    """How a family samples its views; families subclass this and override defaults."""

    resolutions: tuple[tuple[int, int], ...] = Field(
        PAPER_BUCKETS, min_length=1,
        description="(width, height) buckets; each drawn camera draws one (its group shares it)")
    hfov_deg: Range = Field((40.0, 100.0), description="horizontal field of view, degrees")
    camera_height_m: Range = Field((0.8, 1.9), description="eye height above the ground/floor, metres")
    pitch_deg: Range = Field((-20.0, 10.0), description="camera pitch, degrees (negative looks down)")
    roll_deg: Range = Field((-4.0, 4.0), description="camera roll, degrees")

    @field_validator("resolutions")
    @classmethod
    def _sizes(cls, v):
        for w, h in v:
            if not (8 <= w <= 8192 and 8 <= h <= 8192):
                raise ValueError(f"resolution {w}x{h} is outside 8..8192 pixels")
        return v

    @field_validator("hfov_deg")
    @classmethod
    def _fov(cls, v):
        if not (1.0 <= v[0] and v[1] <= 170.0):
            raise ValueError(f"hfov_deg {list(v)} must lie within [1, 170] degrees")
        return v


class ObjectSet:
    """Collects scene objects, hands out instance ids 1..65535 and checks class names against the taxonomy."""

    def __init__(self, family: str) -> None:
        self.family = family
        self.objects: list[SceneObject] = []
        self.boxes: dict[int, AABB] = {}

    def add(self, class_name: str, parts, supported_by: int | None = None, source: str = "") -> int:
        class_id(class_name)
        iid = len(self.objects) + 1
        if iid > 65535:
            raise ValueError("more than 65535 objects in one scene")
        parts = tuple(parts)
        self.objects.append(SceneObject(iid, class_name, parts, supported_by=supported_by, source=source or f"primitive:{self.family}"))
        self.boxes[iid] = parts_aabb(parts)
        return iid


class Occupancy:
    """Placed objects and their boxes; refuses anything overlapping an earlier box.

    Ground surfaces (road, curbs, sidewalks, terrain) only need touching-free placement; other objects
    keep a horizontal ``gap`` from each other. Used by the outdoor families.
    """

    def __init__(self, family: str) -> None:
        self.objs = ObjectSet(family)
        self.ground: list[AABB] = []
        self.boxes: list[AABB] = []

    def free(self, pieces: list[Piece], gap: float = 0.05) -> bool:
        for p in pieces:
            b = p.bbox
            g = AABB((b.lo[0] - gap, b.lo[1] - gap, b.lo[2]), (b.hi[0] + gap, b.hi[1] + gap, b.hi[2]))
            if any(b.overlaps(o) for o in self.ground) or any(g.overlaps(o) for o in self.boxes):
                return False
        return True

    def add(self, piece: Piece, ground: bool = False) -> int:
        """Add an object; a ground object blocks with each of its parts' boxes (hills, markings) separately."""
        iid = self.objs.add(piece.class_name, piece.parts, source=piece.source)
        if ground:
            self.ground.extend(part_aabb(p) for p in piece.parts)
        else:
            self.boxes.append(self.objs.boxes[iid])
        return iid

    def try_add(self, pieces: list[Piece], gap: float = 0.05) -> list[int] | None:
        if not self.free(pieces, gap):
            return None
        return [self.add(p) for p in pieces]


def uniform(rng: random.Random, r: tuple[float, float]) -> float:
    return rng.uniform(r[0], r[1])


def camera(rng: random.Random, params: ViewParams, eye: Vec3, yaw: float, pitch: float | None = None) -> Camera:
    """A camera at ``eye`` facing ``yaw`` (radians from +X), pitch/roll/hfov/resolution drawn from ``params``."""
    if pitch is None:
        pitch = math.radians(uniform(rng, params.pitch_deg))
    roll = math.radians(uniform(rng, params.roll_deg))
    hfov = uniform(rng, params.hfov_deg)
    w, h = rng.choice(params.resolutions)
    cp = math.cos(pitch)
    target = (eye[0] + cp * math.cos(yaw), eye[1] + cp * math.sin(yaw), eye[2] + math.sin(pitch))
    return Camera(cam2world=look_at(eye, target, roll), hfov_deg=round(hfov, 4), width=int(w), height=int(h))


def pitch_towards(eye: Vec3, target: Vec3, limits_deg: tuple[float, float], rng: random.Random) -> float:
    """Pitch (radians) that points at ``target`` with a little jitter, clamped to ``limits_deg``."""
    dist = math.hypot(target[0] - eye[0], target[1] - eye[1])
    p = math.degrees(math.atan2(target[2] - eye[2], max(dist, 1e-6))) + rng.uniform(-5.0, 5.0)
    return math.radians(min(max(p, limits_deg[0]), limits_deg[1]))


def sun_and_sky(rng: random.Random, elevation_deg: tuple[float, float], hdri_prob: float,
                hdris: tuple[str, ...]) -> tuple[World, Light | None, dict]:
    """Sample the time of day: a sun light with a physical (Nishita) sky, or a bundled HDRI that lights alone.

    The sun light's rotation is ``(pi/2 - elevation, 0, azimuth)``, so it shines along
    ``(-sin az cos el, cos az cos el, -sin el)``; ``facts['sun_direction']`` points from the scene to the sun.
    Cycles' Nishita sky puts its sun at ``(-sin r cos el, cos r cos el, sin el)`` for ``sun_rotation`` r, so
    ``r = azimuth + pi`` makes the sky's sun disc and the light agree. An HDRI carries its own sun, so
    it gets no extra light (a second sun would cast contradicting shadows).

    Exposure: the Nishita sky is in physical units and, at strength 1, blows out a render with the default
    view transform; strength 0.05-0.12 plus a 1.5-4 W/m2 sun lamp exposes like the HDRIs at strength ~1
    (measured on street and nature scenes at 8-65 degrees elevation).
    """
    if hdris and rng.random() < hdri_prob:
        world = World(kind="hdri", hdri=rng.choice(hdris), strength=round(rng.uniform(0.6, 1.4), 3))
        return world, None, {"lighting": f"hdri:{world.hdri}"}
    el = math.radians(uniform(rng, elevation_deg))
    az = rng.uniform(0.0, 2.0 * math.pi)
    warm = max(0.0, 1.0 - el / math.radians(25.0))  # low sun is warmer and weaker
    color = (1.0, 1.0 - 0.25 * warm, 1.0 - 0.5 * warm)
    energy = round(1.5 + 2.5 * math.sin(el), 4)
    light = Light("sun", (0.0, 0.0, 50.0), energy, rotation=(math.pi / 2 - el, 0.0, az), color=color, size=0.0093)
    world = World(kind="sky", strength=round(rng.uniform(*SKY_STRENGTH), 4), sun_elevation=el,
                  sun_rotation=(az + math.pi) % (2.0 * math.pi))
    facts = {"lighting": "sun+sky", "sun_elevation_deg": round(math.degrees(el), 3),
             "sun_azimuth_deg": round(math.degrees(az), 3),
             "sun_direction": (math.sin(az) * math.cos(el), -math.cos(az) * math.cos(el), math.sin(el))}
    return world, light, facts
