"""What a pair's target means in label space, per task: decode a target (or a model's RGB output) with the
codecs' public decoders, and derive the same quantity from the view's raw labels, so that inspection,
validation and evaluation all compare like with like.

Per task, both sides return:
- depth: HxW float32 metres, +inf = no surface;
- normals: HxWx3 float32 unit camera-frame normals, zero = no normal;
- semantic: HxW uint16 class ids of the listed classes, 0 = background (unlisted classes included);
- instance: list of HxW bool masks, one per instance of the prompted class;
- referring: {phrase: HxW bool mask}, one per referred object (several in the multi-object form).
"""

from __future__ import annotations

import numpy as np

from pipeline.consumers.labels import ViewLabels

TASKS = ("depth", "normals", "semantic", "instance", "referring")


def _unknown(task: str) -> ValueError:
    return ValueError(f"task {task!r} is not one of {TASKS}")


def decode(task: str, rgb: np.ndarray, meta: dict):
    """Decode an HxWx3 uint8 image of ``task`` using the pair's codec metadata."""
    if task == "depth":
        from pipeline.codecs import decode_depth_task

        return decode_depth_task(rgb, meta)
    if task == "normals":
        from pipeline.codecs import decode_normals_task

        return decode_normals_task(rgb, meta)
    if task == "semantic":
        from pipeline.codecs import decode_semantic

        return decode_semantic(rgb, meta)
    if task == "instance":
        from pipeline.codecs.instance import decode_instance

        return decode_instance(rgb, meta)
    if task == "referring":
        from pipeline.codecs.referring import decode_referring

        return decode_referring(rgb, meta)
    raise _unknown(task)


def truth(task: str, labels: ViewLabels, meta: dict):
    """The exact answer to a pair's prompt, from the view's raw labels."""
    if task == "depth":
        return labels.depth
    if task == "normals":
        return labels.normals
    if task == "semantic":
        from pipeline.codecs.semantic import expected_semantic

        return expected_semantic(labels.semantic, meta)
    if task == "instance":
        classes = labels.instance_classes
        ids = [int(i) for i in np.unique(labels.instance) if i and classes.get(int(i)) == meta["class_name"]]
        return [labels.instance == i for i in ids]
    if task == "referring":
        return {o["phrase"]: labels.instance == o["instance_id"] for o in meta["objects"]}
    raise _unknown(task)
