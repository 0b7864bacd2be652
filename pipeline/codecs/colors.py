"""Colours for task targets: a table of plain colour names, seeded sampling of well-separated colours, and
the textual colour forms prompts use (``<r,g,b>``, ``(r, g, b)``, ``#RRGGBB``, names) with their parser."""

from __future__ import annotations

import re

import numpy as np

RGB = tuple[int, int, int]

# Common English names with their CSS values; names a prompt reader is likely to know.
NAMED_COLORS: dict[str, RGB] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "gray": (128, 128, 128),
    "silver": (192, 192, 192),
    "red": (255, 0, 0),
    "maroon": (128, 0, 0),
    "crimson": (220, 20, 60),
    "salmon": (250, 128, 114),
    "orange": (255, 165, 0),
    "gold": (255, 215, 0),
    "yellow": (255, 255, 0),
    "khaki": (240, 230, 140),
    "olive": (128, 128, 0),
    "lime": (0, 255, 0),
    "green": (0, 128, 0),
    "dark green": (0, 100, 0),
    "teal": (0, 128, 128),
    "cyan": (0, 255, 255),
    "turquoise": (64, 224, 208),
    "sky blue": (135, 206, 235),
    "blue": (0, 0, 255),
    "navy": (0, 0, 128),
    "indigo": (75, 0, 130),
    "purple": (128, 0, 128),
    "violet": (238, 130, 238),
    "magenta": (255, 0, 255),
    "pink": (255, 192, 203),
    "brown": (139, 69, 19),
    "beige": (245, 245, 220),
    "tan": (210, 180, 140),
}
_NAME_BY_RGB = {v: k for k, v in NAMED_COLORS.items()}

COLOR_FORMS = ("angle", "tuple", "hex", "name")


def rgb_distance(a, b) -> float:
    """Euclidean distance of two RGB triples on the 0..255 scale."""
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def min_pairwise_distance(colors) -> float:
    """Smallest Euclidean distance between any two of ``colors`` (inf for fewer than two)."""
    c = np.asarray(list(colors), dtype=np.float64).reshape(-1, 3)
    if len(c) < 2:
        return float("inf")
    d = np.linalg.norm(c[:, None] - c[None], axis=2)
    return float(d[np.triu_indices(len(c), 1)].min())


def sample_colors(
    rng: np.random.Generator,
    n: int,
    min_dist: float,
    exclude: tuple[RGB, ...] | list[RGB] = (),
    named: bool = False,
    max_tries: int = 4096,
) -> list[RGB]:
    """``n`` colours, each at least ``min_dist`` from the others and from ``exclude``.

    ``named`` draws from :data:`NAMED_COLORS` (so a prompt can name them); otherwise uniformly from the cube
    (candidates in batches, checked against the accepted set at once). Raises ``ValueError`` when the
    constraint cannot be met (callers lower ``min_dist`` or switch forms)."""
    if n <= 0:
        return []
    taken = np.array([tuple(int(v) for v in c) for c in exclude], dtype=np.float64).reshape(-1, 3)
    chosen: list[RGB] = []
    limit2 = float(min_dist) ** 2
    if named:
        pool = np.array(list(NAMED_COLORS.values()), dtype=np.float64)
        batches = [pool[rng.permutation(len(pool))]]
    else:
        batches = (rng.integers(0, 256, size=(256, 3)).astype(np.float64) for _ in range(max(1, max_tries // 256)))
    for cand in batches:
        if len(taken):
            d2 = ((cand[:, None, :] - taken[None]) ** 2).sum(axis=2).min(axis=1)
            cand = cand[d2 >= limit2]
        for c in cand:
            if len(taken) > len(exclude) and ((taken[len(exclude):] - c) ** 2).sum(axis=1).min() < limit2:
                continue
            taken = np.vstack([taken, c])
            chosen.append((int(c[0]), int(c[1]), int(c[2])))
            if len(chosen) == n:
                return chosen
    kind = "named colours" if named else "colours"
    raise ValueError(f"cannot draw {n} {kind} {min_dist:.1f} apart (got {len(chosen)})")


def sample_separated(rng: np.random.Generator, n: int, min_dist: float, exclude=(), named: bool = False):
    """Like :func:`sample_colors`, lowering ``min_dist`` by 10% steps until it succeeds; returns (colours, distance used)."""
    d = float(min_dist)
    while True:
        try:
            return sample_colors(rng, n, d, exclude=exclude, named=named), d
        except ValueError:
            if d < 1.0:
                raise
            d *= 0.9


def color_name(rgb: RGB) -> str | None:
    """The name of an exact :data:`NAMED_COLORS` value, else None."""
    return _NAME_BY_RGB.get(tuple(int(v) for v in rgb))


def format_color(rgb: RGB, form: str) -> str:
    """Write a colour as ``<r,g,b>`` (angle), ``(r, g, b)`` (tuple), ``#RRGGBB`` (hex) or its name."""
    r, g, b = (int(v) for v in rgb)
    if form == "angle":
        return f"<{r},{g},{b}>"
    if form == "tuple":
        return f"({r}, {g}, {b})"
    if form == "hex":
        return f"#{r:02X}{g:02X}{b:02X}"
    if form == "name":
        name = color_name((r, g, b))
        if name is None:
            raise ValueError(f"colour {(r, g, b)} has no name in NAMED_COLORS")
        return name
    raise ValueError(f"unknown colour form {form!r}; expected one of {COLOR_FORMS}")


_TRIPLE = re.compile(r"^[<(\[]\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*[>)\]]$")
_HEX = re.compile(r"^#([0-9A-Fa-f]{6})$")


def parse_color(text: str) -> RGB:
    """Inverse of :func:`format_color` for every form (also ``[r,g,b]``); ValueError if unreadable."""
    t = text.strip().strip('"').strip()
    m = _TRIPLE.match(t)
    if m:
        rgb = tuple(int(v) for v in m.groups())
        if max(rgb) > 255:
            raise ValueError(f"colour {text!r}: channels must be 0..255")
        return rgb  # type: ignore[return-value]
    m = _HEX.match(t)
    if m:
        h = m.group(1)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    name = t.lower()
    if name in NAMED_COLORS:
        return NAMED_COLORS[name]
    raise ValueError(f"cannot read colour {text!r}")


def nearest_color_index(rgb: np.ndarray, colors) -> np.ndarray:
    """HxWx3 uint8 -> HxW int index of the nearest of ``colors`` (Euclidean RGB, first wins ties).

    Uses argmin(|c|^2 - 2 x.c), exact in float32 for 8-bit values, as one matrix product."""
    palette = np.asarray(colors, dtype=np.float32).reshape(-1, 3)
    x = rgb.reshape(-1, 3).astype(np.float32)
    score = x @ (-2.0 * palette.T)
    score += (palette**2).sum(axis=1)
    return score.argmin(axis=1).reshape(rgb.shape[:2])
