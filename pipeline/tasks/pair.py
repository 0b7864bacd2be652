"""The pair format: one training sample (input images, prompt, target, json), its members and common json.

A pair's input is one image, or two for tasks over two views of a group (flow, stereo disparity): the
first is ``input.png`` (``input.jpg`` with JPEG inputs), the second ``input2.png``. Everything that
writes or reads pairs (the unit runner, ``validate``, the loaders, the dataset card) takes member names
from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.formats import jpg_bytes, json_bytes, png_bytes

INPUT_STEMS = ("input", "input2")  # first and second input image
INPUT_FORMATS = ("png", "jpg")
PROMPT, TARGET, JSON = "prompt.txt", "target.png", "json"
PAIR_MEMBERS = (PROMPT, TARGET, JSON)  # besides the input images

PAIR_COMMON = {
    "task": "string", "key": "string", "view_key": "string", "view_keys": ["string"], "scene_id": "string",
    "view_index": "int64", "codec_version": "string", "view_seed": "int64", "seed": "int64",
    "image_size": ["int64"], "template_id": "string", "template_version": "int64", "prompt_tokens": "int64",
}  # the json fields of every pair; tasks add theirs (pipeline.tasks.base.Task.json_fields)


def input_member(index: int, input_format: str = "png") -> str:
    """Member name of input image ``index`` (0: ``input.png``, 1: ``input2.png``)."""
    return f"{INPUT_STEMS[index]}.{input_format}"


def input_members(sample) -> list[str]:
    """The input-image member names a sample holds, in input order (one format per stem)."""
    out = []
    for stem in INPUT_STEMS:
        found = [f"{stem}.{fmt}" for fmt in INPUT_FORMATS if f"{stem}.{fmt}" in sample]
        if len(found) != 1:
            break
        out.append(found[0])
    return out


@dataclass
class Pair:
    """One training sample. ``key`` is ``f"{view.key}_{task}"`` plus a suffix when a task yields several
    pairs per view (``_c05`` instance class 5, ``_r0`` referring expression 0, ``_v01`` the second view
    of a two-view pair); only [A-Za-z0-9_-]. ``inputs``: one image, or two for two-view tasks."""

    task: str
    key: str
    inputs: tuple[np.ndarray, ...]
    prompt: str
    target: np.ndarray
    meta: dict
    target_classes: tuple[str, ...] = ()  # class names the prompt mentions (pairs index column)

    @property
    def input_rgb(self) -> np.ndarray:
        return self.inputs[0]

    def members(self, input_format: str = "png", jpeg_quality: int = 95) -> dict:
        """The pairs-series sample: input image(s), prompt, target and json."""
        encode = png_bytes if input_format == "png" else (lambda a: jpg_bytes(a, jpeg_quality))
        out = {"__key__": self.key}
        for i, image in enumerate(self.inputs):
            out[input_member(i, input_format)] = encode(image)
        out[PROMPT] = self.prompt.encode("utf-8")
        out[TARGET] = png_bytes(self.target)
        out[JSON] = json_bytes(self.meta)
        return out
