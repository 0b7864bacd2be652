"""Calibration family ``calibration``: primitives at known poses, so labels can be checked analytically.

Three bounded planes (a floor, a tilted panel, an upright panel), two UV spheres (flat and smooth
shaded) and a rotated box, under an open sky, seen by cameras of which one looks at the back of the tilted panel. The seed jitters every pose
a little; ``SceneSpec.extra["analytic"]`` lists each primitive's exact parameters (instance id, kind,
centre, size or radius, XYZ Euler rotation, and for the sphere its tessellation) so a test can cast the
pixel-centre rays itself, without Blender or the pipeline's own geometry code.

The sphere is a tessellated mesh, and the exact surface is that mesh, not the ideal sphere: a UV sphere with
``sphere_segments`` (a multiple of 4) meridians and ``sphere_rings`` (even) bands. Its
vertices lie on the sphere, at polar angles ``pi * k / rings`` and azimuths ``2 * pi * s / segments``
(before rotation), and its faces are planar, so it is the convex polyhedron bounded by those facet planes;
intersecting rays with it gives the exact depth and, for the flat-shaded sphere, the exact normal (the
facet's). The ideal sphere would be off by up to ``r * (1 - cos(pi / rings))`` in depth and ``180 / rings``
degrees in normal, far beyond label tolerances. The smooth-shaded sphere's normal label is its
interpolated shading normal, which follows the ideal sphere: its analytic entry has ``smooth: true``, and
its normals are checked against the ideal sphere's (within 0.5 degrees at the default tessellation).
"""

from __future__ import annotations

import random

from pydantic import Field, field_validator

from pipeline.scene_spec import Camera, Light, Material, Part, SceneObject, SceneSpec, World, look_at
from scenes.shared.common import GroupedViews
from scenes.shared.groups import expand_groups, group_rng

FAMILY = "calibration"


class CalibrationParams(GroupedViews):
    """Image size, field of view and sphere tessellation of the calibration scene."""

    views: int = Field(2, ge=1, le=2, description="1: the front view; 2: also the view of the panel's back "
                                                  "(each a group of view_groups' size)")
    width: int = Field(96, ge=8, le=8192)
    height: int = Field(72, ge=8, le=8192)
    hfov_deg: float = Field(55.0, ge=10.0, le=120.0)
    sphere_segments: int = Field(64, ge=8, le=1024)
    sphere_rings: int = Field(32, ge=4, le=512)
    jitter: float = Field(1.0, ge=0.0, le=1.0, description="scale of the seeded pose jitter (0 = nominal poses)")

    @field_validator("sphere_segments")
    @classmethod
    def _segments(cls, v: int) -> int:
        if v % 4:
            raise ValueError("sphere_segments must be a multiple of 4 (vertices on the sphere's extremes)")
        return v

    @field_validator("sphere_rings")
    @classmethod
    def _rings(cls, v: int) -> int:
        if v % 2:
            raise ValueError("sphere_rings must be even")
        return v


def _mat(kind: str, rgb: tuple[float, float, float], name: str, **kw) -> Material:
    return Material(kind, rgb, name, **kw)


def generate(params: CalibrationParams, seed: int, scene_id: str, catalogue=None) -> SceneSpec:
    """The calibration scene for ``seed``; a pure function of its inputs."""
    rng = random.Random(f"{FAMILY}:{seed}")

    def j(value: float, amount: float) -> float:
        return value + params.jitter * rng.uniform(-amount, amount)

    def jv(values: tuple[float, ...], amount: float) -> tuple[float, ...]:
        return tuple(j(v, amount) for v in values)

    grey = _mat("concrete", (0.45, 0.45, 0.45), "grey", roughness=0.9)
    prims = [
        (1, "plane", "plane", {"center": (0.0, 1.0, 0.0), "size": (5.0, 6.0), "rotation": (0.0, 0.0, j(0.0, 0.05))},
         grey),
        (2, "plane", "plane", {"center": jv((1.4, 1.3, 1.1), 0.1), "size": (1.2, 0.9),
                               "rotation": jv((1.0, 0.25, 0.6), 0.1)},
         _mat("plastic", (0.1, 0.5, 0.2), "green", roughness=0.4)),
        (3, "plane", "plane", {"center": jv((-1.5, 1.6, 0.8), 0.1), "size": (1.0, 1.4),
                               "rotation": jv((1.5708, 0.0, 0.5), 0.1)},
         _mat("plaster", (0.8, 0.75, 0.6), "beige", roughness=0.7)),
        (4, "sphere", "uv_sphere", {"center": jv((0.1, 0.6, 0.65), 0.1), "radius": j(0.5, 0.05),
                                    "rotation": jv((0.0, 0.0, 0.0), 0.3),
                                    "segments": params.sphere_segments, "rings": params.sphere_rings,
                                    "smooth": False},
         _mat("plastic", (0.7, 0.1, 0.1), "red", roughness=0.3)),
        (6, "sphere", "uv_sphere", {"center": jv((-0.75, -0.85, 0.4), 0.05), "radius": j(0.35, 0.03),
                                    "rotation": jv((0.0, 0.0, 0.0), 0.3),
                                    "segments": params.sphere_segments, "rings": params.sphere_rings,
                                    "smooth": True},
         _mat("plastic", (0.9, 0.8, 0.1), "yellow", roughness=0.3)),
        (5, "box", "box", {"center": jv((1.1, -0.6, 0.36), 0.1), "size": jv((0.6, 0.5, 0.7), 0.05),
                           "rotation": jv((0.0, 0.0, 0.6), 0.2)},
         _mat("wood", (0.55, 0.35, 0.15), "brown", roughness=0.6)),
    ]
    objects = []
    for iid, cls, kind, geo, mat in prims:
        if kind == "plane":
            part = Part("plane", geo["center"], (*geo["size"], 0.0), mat, rotation=geo["rotation"])
        elif kind == "box":
            part = Part("cube", geo["center"], geo["size"], mat, rotation=geo["rotation"])
        else:
            d = 2.0 * geo["radius"]
            part = Part("uv_sphere", geo["center"], (d, d, d), mat, rotation=geo["rotation"],
                        segments=geo["segments"], rings=geo["rings"], smooth=geo["smooth"])
        objects.append(SceneObject(iid, cls, (part,), supported_by=1 if iid in (4, 5) else None))

    eyes = [(jv((0.4, -4.2, 1.7), 0.2), jv((0.3, 0.6, 0.6), 0.1), j(0.0, 0.05)),
            (jv((0.8, 4.2, 2.4), 0.2), jv((0.6, 0.6, 0.6), 0.1), j(0.15, 0.05))]
    cameras = expand_groups([Camera(look_at(eye, target, roll), params.hfov_deg, params.width, params.height)
                             for eye, target, roll in eyes[:params.views]], params, group_rng(FAMILY, seed))
    analytic = [{"instance_id": iid, "class_name": cls, "kind": kind, **geo} for iid, cls, kind, geo, _ in prims]
    return SceneSpec(
        scene_id=scene_id,
        seed=seed,
        family=FAMILY,
        kind="calibration",
        objects=tuple(objects),
        lights=(Light("sun", (0.0, 0.0, 10.0), 3.0, rotation=(0.6, 0.3, 0.8), size=0.02),
                Light("point", (-2.0, -2.0, 3.0), 300.0, size=0.2)),
        world=World(kind="color", color=(0.4, 0.55, 0.8), strength=0.5),
        cameras=cameras,
        extra={"analytic": analytic,
               "surface": "sphere = convex polyhedron of its flat UV facets (see scenes.calibration.family)"},
    )
