"""Nature terrain: one pure height function ``z = height(terrain, x, y)`` and the mesh grid it is sampled on.

Scene generation (:mod:`scenes.nature.family`) and the renderer (:mod:`pipeline.render.terrain`) both import
this module (numpy only), so trees, rocks and cameras are placed on exactly the surface that is rendered:
a scene spec carries only the :class:`Terrain` parameters (``Heightfield.params``), never the samples.

The height is a sum of band-limited layers (gradient noise, so every layer is smooth):
- rolling hills: fBm with wavelengths ``hills_wavelength_m`` down to 1/8 of it, domain-warped;
- undulation: two octaves at about 15 m, a few decimetres high;
- cliffs: a step of ``cliff_m`` along a contour of a low-frequency noise, ``cliff_width_m`` wide, so
  rock bands and outcrops run across the hills;
- a lake basin (optional): the hills are flattened towards the lowest height around the lake and a smooth
  bowl is cut there, its radius varying with the direction by up to 28% (an irregular shore); the water
  level is chosen by the generator (:func:`lake_level`);
- the mountain ring: ridged fBm rising from ``mountain_r_m`` outwards, its height varying with azimuth.
Finer relief (clods, stones) belongs to the materials' bump and to the ground cover, not to the mesh.

The grid is polar (:func:`rings`): rings ``cell_m`` apart out to ``fine_r_m``, where the cameras and the
placed objects are, then cells growing by ``growth`` of their distance beyond it, out to ``far_r_m``. Each
ring has ``6 * 2**k`` vertices with the cell about as wide as it is deep; consecutive rings differ by at
most a factor two and are stitched with triangles, so the mesh is watertight and any range of rings
(:func:`grid_mesh`) meets the neighbouring range on exactly the same vertices (terrain and mountain
ring are two objects, seamless).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from functools import lru_cache

import numpy as np

BASE_SEGMENTS = 6  # vertices of the innermost ring; each ring has BASE_SEGMENTS * 2**k
# Infinigen's mountain shader colours in layers over the heights of the mesh it is on, so the renderer
# builds it per mesh (pipeline.render.terrain) rather than through the material library
MOUNTAIN_SHADER = "infinigen:terrain.mountain.shader_MOUNTAIN"


@dataclass(frozen=True)
class Terrain:
    """Parameters of one scene's terrain (metres); plain numbers, so a spec stores them as pairs."""

    seed: int
    hills_m: float = 4.0  # peak-to-mean amplitude of the rolling hills
    hills_wavelength_m: float = 80.0
    undulation_m: float = 0.3
    cliff_m: float = 0.0  # height of the cliff step (0: no cliffs)
    cliff_wavelength_m: float = 120.0
    cliff_level: float = 0.0  # contour of the cliff noise (about -0.4..0.4) the step follows
    cliff_width_m: float = 3.0
    mountain_m: float = 0.0  # relief of the far ring (0: none)
    mountain_r_m: float = 600.0  # where the ring starts rising
    mountain_wavelength_m: float = 900.0
    lake_x: float = 0.0
    lake_y: float = 0.0
    lake_r_m: float = 0.0  # 0: no lake basin
    lake_depth_m: float = 2.5
    cell_m: float = 0.75  # grid cell near the centre
    fine_r_m: float = 100.0  # radius of the fine part of the grid
    growth: float = 0.03  # beyond it, cells grow by this fraction of the distance
    far_r_m: float = 4000.0

    def pairs(self) -> tuple[tuple[str, float], ...]:
        """The parameters as sorted ``(name, value)`` pairs (``Heightfield.params``)."""
        return tuple(sorted((k, float(v)) for k, v in asdict(self).items()))

    @classmethod
    def from_pairs(cls, pairs) -> Terrain:
        known = {f.name: f.type for f in fields(cls)}
        values = {k: (int(v) if k == "seed" else float(v)) for k, v in pairs if k in known}
        return cls(**values)

    def bound(self) -> tuple[float, float]:
        """Lower and upper bounds of the height anywhere: every noise layer lies within -1..1 (ridges 0..1),
        so a bounding box needs no samples of the mesh."""
        relief = self.hills_m + self.undulation_m
        low = -(relief + (self.lake_depth_m if self.lake_r_m > 0 else 0.0))
        return low * 1.01 - 0.01, (relief + self.cliff_m + self.mountain_m) * 1.01 + 0.01


# ------------------------------------------------------------------ noise


_GRADIENTS = np.array([(math.cos(a), math.sin(a)) for a in np.arange(16) * (2 * math.pi / 16)])
_MASK = np.uint64(0xFFFFFFFF)


def _hash(ix: np.ndarray, iy: np.ndarray, seed: int) -> np.ndarray:
    """A 32-bit integer hash of lattice points (wrapping uint64 arithmetic, identical on every machine)."""
    with np.errstate(over="ignore"):
        h = (ix.astype(np.uint64) * np.uint64(0x27D4EB2D)) ^ (iy.astype(np.uint64) * np.uint64(0x165667B1))
        h = (h ^ np.uint64((seed * 0x9E3779B1) & 0xFFFFFFFF)) & _MASK
        h = ((h ^ (h >> np.uint64(15))) * np.uint64(0x2C1B3C6D)) & _MASK
        h = ((h ^ (h >> np.uint64(12))) * np.uint64(0x297A2D39)) & _MASK
        return h ^ (h >> np.uint64(15))


@lru_cache(maxsize=1024)
def _permutation(seed: int) -> np.ndarray:
    """Perlin's permutation table for ``seed`` (256 entries, repeated once), from the integer hash."""
    order = np.argsort(_hash(np.arange(256), np.zeros(256, dtype=np.int64), seed), kind="stable")
    return np.concatenate([order, order]).astype(np.intp)


def noise(x: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    """2D gradient (Perlin) noise with a unit lattice (period 256), about -1..1, smooth (quintic fade)."""
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = x - x0, y - y0
    ix, iy = x0.astype(np.intp) & 255, y0.astype(np.intp) & 255
    u = fx * fx * fx * (fx * (fx * 6 - 15) + 10)
    v = fy * fy * fy * (fy * (fy * 6 - 15) + 10)
    p = _permutation(seed)
    a, b = p[ix], p[ix + 1]

    def corner(cell: np.ndarray, dx: int, dy: int) -> np.ndarray:
        g = _GRADIENTS[p[cell] & 15]
        return g[..., 0] * (fx - dx) + g[..., 1] * (fy - dy)

    n00, n10 = corner(a + iy, 0, 0), corner(b + iy, 1, 0)
    n01, n11 = corner(a + iy + 1, 0, 1), corner(b + iy + 1, 1, 1)
    bottom = n00 + u * (n10 - n00)
    top = n01 + u * (n11 - n01)
    return 1.4142135623730951 * (bottom + v * (top - bottom))


def fbm(x: np.ndarray, y: np.ndarray, seed: int, octaves: int, gain: float = 0.5) -> np.ndarray:
    """Fractal sum of ``octaves`` noises, each twice the frequency (and turned) of the last; about -1..1."""
    total = np.zeros_like(x)
    amp, norm = 1.0, 0.0
    for k in range(octaves):
        c, s = math.cos(0.5 * k), math.sin(0.5 * k)  # turn each octave so lattice axes do not line up
        total += amp * noise(c * x - s * y, s * x + c * y, seed + 101 * k)
        norm += amp
        x, y, amp = x * 2.0, y * 2.0, amp * gain
    return total / norm


def ridged(x: np.ndarray, y: np.ndarray, seed: int, octaves: int) -> np.ndarray:
    """Ridged fBm in 0..1: sharp crests where the noise crosses zero, as on eroded mountain ranges."""
    total = np.zeros_like(x)
    amp, norm, weight = 1.0, 0.0, np.ones_like(x)
    for k in range(octaves):
        c, s = math.cos(0.7 * k), math.sin(0.7 * k)
        n = (1.0 - np.abs(noise(c * x - s * y, s * x + c * y, seed + 211 * k))) ** 2
        total += amp * n * weight
        weight = np.clip(n * 1.5, 0.0, 1.0)
        norm += amp
        x, y, amp = x * 2.0, y * 2.0, amp * 0.5
    return total / norm


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


# ------------------------------------------------------------------ height


def _hills(t: Terrain, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rolling hills, undulation and cliff steps: the terrain without lake and mountains."""
    inv = 1.0 / t.hills_wavelength_m
    wx = x + 0.25 * t.hills_wavelength_m * noise(x * inv * 0.5, y * inv * 0.5, t.seed + 7)
    wy = y + 0.25 * t.hills_wavelength_m * noise(x * inv * 0.5 + 31.7, y * inv * 0.5, t.seed + 8)
    h = t.hills_m * fbm(wx * inv, wy * inv, t.seed + 1, 4)
    if t.undulation_m:
        h += t.undulation_m * fbm(x / 15.0, y / 15.0, t.seed + 2, 2)
    if t.cliff_m:
        c = fbm(wx / t.cliff_wavelength_m, wy / t.cliff_wavelength_m, t.seed + 3, 2)
        # the noise changes by about 2.5 / wavelength per metre across its contours
        half = 0.5 * t.cliff_width_m * 2.5 / t.cliff_wavelength_m
        h += t.cliff_m * smoothstep(t.cliff_level - half, t.cliff_level + half, c)
    return h


def _lake_weights(t: Terrain, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(flattening weight, bowl depth factor) of the lake basin at each point."""
    dx, dy = x - t.lake_x, y - t.lake_y
    a = np.arctan2(dy, dx)
    shore = 1.0 + 0.28 * noise(1.3 * np.cos(a), 1.3 * np.sin(a), t.seed + 9)  # an irregular shoreline
    rho = np.hypot(dx, dy) / (t.lake_r_m * shore)
    flat = 1.0 - smoothstep(1.0, 2.2, rho)
    bowl = np.clip(1.0 - rho * rho, 0.0, None) ** 2
    return flat, bowl


@lru_cache(maxsize=64)
def _lake_floor(t: Terrain) -> float:
    """The level the basin is flattened to: the lowest height of the hills within its blending radius,
    so the ground rises from the shore on every side (a lake on a slope is cut into it as a terrace)."""
    a = np.arange(24) * (2 * math.pi / 24)
    r = np.array([0.0, 0.5, 1.0, 1.5, 2.2])[:, None] * t.lake_r_m
    xs = t.lake_x + (r * np.cos(a)).ravel()
    ys = t.lake_y + (r * np.sin(a)).ravel()
    return float(_hills(t, xs, ys).min())


def height(t: Terrain, x, y) -> np.ndarray:
    """Terrain height (metres) at world ``x``, ``y`` (arrays or scalars, broadcast)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    x, y = np.broadcast_arrays(x, y)
    h = _hills(t, x, y)
    if t.lake_r_m > 0:
        flat, bowl = _lake_weights(t, x, y)
        h = h + flat * (_lake_floor(t) - h) - t.lake_depth_m * bowl
    if t.mountain_m > 0:
        r = np.hypot(x, y)
        far = r > t.mountain_r_m
        if far.any():
            xf, yf = x[far], y[far]
            ramp = smoothstep(t.mountain_r_m, t.mountain_r_m * 1.8, r[far])
            az = np.arctan2(yf, xf)
            swell = 0.6 + 0.4 * noise(np.cos(az) * 2.0, np.sin(az) * 2.0, t.seed + 5)
            inv = 1.0 / t.mountain_wavelength_m
            ridge = ridged(xf * inv, yf * inv, t.seed + 4, 6)
            h = h.copy()
            h[far] += t.mountain_m * ramp * swell * ridge
    return h


def slope_deg(t: Terrain, x, y, step: float = 0.5) -> np.ndarray:
    """Slope of the terrain in degrees from horizontal (central differences over ``step`` metres)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    gx = (height(t, x + step, y) - height(t, x - step, y)) / (2 * step)
    gy = (height(t, x, y + step) - height(t, x, y - step)) / (2 * step)
    return np.degrees(np.arctan(np.hypot(gx, gy)))


def footprint(t: Terrain, x: float, y: float, rx: float, ry: float, yaw: float = 0.0, n: int = 12
              ) -> tuple[float, float]:
    """Lowest and highest terrain height over an elliptic footprint (centre, rim and a middle ring)."""
    a = np.arange(n) * (2 * math.pi / n)
    u = np.concatenate([[0.0], 0.5 * np.cos(a), np.cos(a)])
    v = np.concatenate([[0.0], 0.5 * np.sin(a), np.sin(a)])
    c, s = math.cos(yaw), math.sin(yaw)
    px, py = x + c * rx * u - s * ry * v, y + s * rx * u + c * ry * v
    h = height(t, px, py)
    return float(h.min()), float(h.max())


def lake_level(t: Terrain, half: float, margin: float = 0.3) -> float:
    """Water level of the lake basin: ``margin`` below the lowest point of the square of half-side ``half``
    around the lake centre, so a water plane of that size never shows an edge above the ground."""
    k = np.linspace(-1.0, 1.0, 65)
    one = np.ones_like(k)
    xs = t.lake_x + half * np.concatenate([k, k, -one, one])
    ys = t.lake_y + half * np.concatenate([-one, one, k, k])
    return float(height(t, xs, ys).min()) - margin


# ------------------------------------------------------------------ grid


def rings(t: Terrain) -> tuple[np.ndarray, np.ndarray]:
    """Radii of the grid's rings (from 0, the centre vertex) and each ring's vertex count."""
    radii = [0.0]
    r = 0.0
    while r < t.far_r_m:
        step = t.cell_m if r < t.fine_r_m else t.cell_m + t.growth * (r - t.fine_r_m)
        r = min(r + step, t.far_r_m) if t.far_r_m - (r + step) > 0.5 * step else t.far_r_m
        radii.append(r)
    radii = np.asarray(radii)
    counts = [1]
    for k, r in enumerate(radii[1:], start=1):
        step = radii[k] - radii[k - 1]
        want = max(0, round(math.log2(2 * math.pi * r / (step * BASE_SEGMENTS))))
        prev = 0 if counts[-1] == 1 else int(round(math.log2(counts[-1] / BASE_SEGMENTS)))
        level = want if counts[-1] == 1 else min(max(want, prev - 1), prev + 1)
        counts.append(BASE_SEGMENTS * 2 ** level)
    return radii, np.asarray(counts, dtype=np.int64)


def ring_index(t: Terrain, r: float) -> int:
    """Index of the first ring at radius >= ``r`` (0 for r <= 0)."""
    radii, _ = rings(t)
    return int(np.searchsorted(radii, r - 1e-9))


def _band(a0: int, na: int, b0: int, nb: int) -> list[np.ndarray]:
    """Triangles (counter-clockwise from above) between ring a (na vertices from index a0) and the next
    ring b outwards (nb vertices from b0), for nb = na, 2 na or na / 2."""
    if na == 1:
        j = np.arange(nb)
        return [np.stack([np.full(nb, a0), b0 + j, b0 + (j + 1) % nb], axis=1)]
    if nb == na:
        i = np.arange(na)
        a, a1, b, b1 = a0 + i, a0 + (i + 1) % na, b0 + i, b0 + (i + 1) % nb
        return [np.stack([a, b, b1], axis=1), np.stack([a, b1, a1], axis=1)]
    if nb == 2 * na:
        i = np.arange(na)
        a, a1 = a0 + i, a0 + (i + 1) % na
        b, bm, b1 = b0 + 2 * i, b0 + 2 * i + 1, b0 + (2 * i + 2) % nb
        return [np.stack([a, b, bm], axis=1), np.stack([a, bm, a1], axis=1), np.stack([a1, bm, b1], axis=1)]
    if 2 * nb == na:
        j = np.arange(nb)
        a, am, a1 = a0 + 2 * j, a0 + 2 * j + 1, a0 + (2 * j + 2) % na
        b, b1 = b0 + j, b0 + (j + 1) % nb
        return [np.stack([a, b, am], axis=1), np.stack([am, b, b1], axis=1), np.stack([am, b1, a1], axis=1)]
    raise ValueError(f"rings of {na} and {nb} vertices cannot be stitched")


def grid_xy(t: Terrain, r_inner: float = 0.0, r_outer: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal vertex positions (N x 2) and triangles (M x 3) of the rings between the first ring at
    radius >= ``r_inner`` and the last at radius <= ``r_outer``."""
    radii, counts = rings(t)
    k0 = int(np.searchsorted(radii, r_inner - 1e-9))
    k1 = int(np.searchsorted(radii, r_outer + 1e-9)) - 1
    if k1 <= k0:
        raise ValueError(f"no two rings between {r_inner} and {r_outer} m")
    starts = np.concatenate([[0], np.cumsum(counts[k0:k1 + 1])])
    xy = np.empty((int(starts[-1]), 2))
    for k in range(k0, k1 + 1):
        n, s = int(counts[k]), int(starts[k - k0])
        a = np.arange(n) * (2 * math.pi / n)
        xy[s:s + n, 0] = radii[k] * np.cos(a)
        xy[s:s + n, 1] = radii[k] * np.sin(a)
    tris = [tri for k in range(k0, k1)
            for tri in _band(int(starts[k - k0]), int(counts[k]), int(starts[k - k0 + 1]), int(counts[k + 1]))]
    return xy, np.concatenate(tris).astype(np.int64)


def grid_mesh(t: Terrain, r_inner: float = 0.0, r_outer: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
    """World-space vertices (N x 3) and triangles of the terrain surface between the two radii."""
    xy, tris = grid_xy(t, r_inner, r_outer)
    return np.column_stack([xy, height(t, xy[:, 0], xy[:, 1])]), tris
