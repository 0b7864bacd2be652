"""Turn raw label passes (world space, Blender's conventions) into the exact labels of a View.

Pure numpy, so it is tested without Blender. Inputs are what the label render writes for one pixel-centred
camera ray per pixel: planar z-depth (Cycles writes 1e10 where the ray escapes), the shading normal without bump in world
space (:mod:`pipeline.render.materials`), and the instance id (0 where the ray escapes).
"""

from __future__ import annotations

import numpy as np

_MISS_DEPTH = 1e9  # Cycles' background depth is 1e10; any real hit is far below (camera clip_end is 1e5)
FACING_EPS = 1e-4  # a normal leaning away from the ray is tilted until its cosine with the ray is -FACING_EPS


def pixel_rays(intrinsics: dict[str, float]) -> np.ndarray:
    """HxWx3 float64 camera-frame ray directions through pixel centres (z = -1; +x right, +y up, +z back)."""
    w, h = int(intrinsics["width"]), int(intrinsics["height"])
    u = (np.arange(w) + 0.5 - intrinsics["cx"]) / intrinsics["fx"]
    v = (np.arange(h) + 0.5 - intrinsics["cy"]) / intrinsics["fy"]
    uu, vv = np.meshgrid(u, v)
    return np.stack([uu, -vv, -np.ones_like(uu)], axis=-1)


def camera_labels(
    depth_raw: np.ndarray,
    normal_world: np.ndarray,
    instance_raw: np.ndarray,
    cam2world: np.ndarray,
    intrinsics: dict[str, float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(depth float32 with +inf on misses, camera-frame unit normals facing the camera, uint16 instance ids).

    A pixel is a hit when the ray found a surface: its instance id is >= 1 and its depth is finite; both
    passes come from the same ray, and a disagreement means the label render is broken, so it raises.
    Normals are rotated into the camera frame and renormalised in float64 (the pass is float32). The
    render has already turned them to the side the ray came from; a smooth (interpolated) normal can
    still lean away from the ray near a silhouette, and is then tilted onto the plane facing the ray
    (the smallest change that makes it face the camera). Misses get 0.
    """
    instance = np.rint(instance_raw).astype(np.int64)
    hit = instance > 0
    if not np.array_equal(hit, depth_raw < _MISS_DEPTH):
        bad = int(np.count_nonzero(hit != (depth_raw < _MISS_DEPTH)))
        raise RuntimeError(f"label passes disagree on which pixels hit a surface ({bad} pixels)")
    if instance.max(initial=0) > 65535 or not np.array_equal(instance, instance_raw):
        raise RuntimeError("instance pass holds values that are not ids in 0..65535")

    depth = np.where(hit, depth_raw, np.inf).astype(np.float32)

    rot = np.asarray(cam2world, dtype=np.float64)[:3, :3]
    n = normal_world.astype(np.float64) @ rot  # row vectors: (R^T n)^T = n^T R
    norm = np.linalg.norm(n, axis=-1, keepdims=True)
    n = np.divide(n, norm, out=np.zeros_like(n), where=norm > 0)
    rays = pixel_rays(intrinsics)
    rays = rays / np.linalg.norm(rays, axis=-1, keepdims=True)
    lean = np.einsum("hwc,hwc->hw", n, rays)
    away = lean > -FACING_EPS
    n[away] -= (lean[away] + FACING_EPS)[:, None] * rays[away]
    n[away] /= np.linalg.norm(n[away], axis=-1, keepdims=True)
    if np.any(norm[hit, 0] < 0.5):
        raise RuntimeError("normal pass has no normal on some hit pixels")
    normals = np.where(hit[..., None], n, 0.0).astype(np.float32)
    return depth, normals, instance.astype(np.uint16)
