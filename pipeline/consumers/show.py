"""Draw one pair side by side: input | target | decoded target | raw label, with the prompt as the title.

The decoded target and the raw label are drawn the same way (same colour scale, same id colours), so
they look identical exactly when the target decodes back to the labels.
"""

from __future__ import annotations

import io
import textwrap

import numpy as np
from matplotlib.figure import Figure

from pipeline.tasks.panels import depth_colors, id_colors, mask_ids, normal_colors  # noqa: F401  (re-exported for notebooks)

def pair_figure(key: str, prompt: str, input_rgb, target: np.ndarray, decoded_img: np.ndarray,
                raw_img: np.ndarray, caption: str, width_in: float = 12.0) -> Figure:
    """The panels in a row (input image(s), target, decoded target, raw label) with the key and the
    wrapped prompt above them. ``input_rgb``: one image, or a tuple of the inputs of a two-view pair."""
    inputs = tuple(input_rgb) if isinstance(input_rgb, (tuple, list)) else (input_rgb,)
    n = len(inputs) + 3
    fig = Figure(figsize=(width_in, width_in / n * inputs[0].shape[0] / inputs[0].shape[1] + 1.1))
    axes = fig.subplots(1, n)
    titles = ("input", "second input")[:len(inputs)] + ("target", "decoded target", "raw label")
    for ax, img, title in zip(axes, (*inputs, target, decoded_img, raw_img), titles):
        ax.imshow(img, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        ax.set_axis_off()
    axes[-2].text(0.5, -0.04, caption, transform=axes[-2].transAxes, ha="center", va="top", fontsize=7)
    fig.suptitle(key + "\n" + "\n".join(textwrap.wrap(prompt, 140)[:4]), fontsize=8)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.05, top=0.78, wspace=0.04)
    return fig


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
