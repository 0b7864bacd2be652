"""What a dataset's series hold, assembled from the declarations: the view channels
(:mod:`pipeline.channels`), the view json (:mod:`pipeline.view`), the pair format
(:mod:`pipeline.tasks.pair`) and the registered tasks. The shard code (card, manifest, index) is handed
this description instead of knowing any task or channel itself.
"""

from __future__ import annotations

from pipeline import channels, tasks
from pipeline.codecs.version import CODEC_VERSION
from pipeline.shards import layout
from pipeline.shards.card import DatasetFormat
from pipeline.tasks.pair import PROMPT, TARGET, input_member
from pipeline.view import VIEW_JSON


def pair_members(input_format: str, inputs: int) -> dict[str, str]:
    """HF feature per pair member: the input image(s), prompt and target."""
    images = {input_member(i, input_format): "image" for i in range(inputs)}
    return {**images, PROMPT: "string", TARGET: "image"}


def _task_doc(task) -> str:
    """The card's line for a task: what its target shows, what it is made from, and its inputs."""
    made_from = ", ".join(channels.get(c).member for c in task.channels) or "the view"
    if task.inputs == 2:
        made_from += " and both views' intrinsics and poses"
    inputs = "two images (`input.*`, `input2.*`: two views of a group)" if task.inputs == 2 else "one image"
    return f"{task.card_text} Made from {made_from}; input: {inputs}."


def describe(input_format: str = "png", task_names=None) -> DatasetFormat:
    """The dataset format of a job writing ``task_names`` (default: every registered task) with
    ``input_format`` pair inputs."""
    chosen = [tasks.get(n) for n in (task_names if task_names is not None else tasks.names())]
    inputs = max((t.inputs for t in chosen), default=1)
    return DatasetFormat(
        members={layout.PAIRS: pair_members(input_format, inputs),
                 layout.VIEWS: {c.member: c.format.hf_feature for c in channels.CHANNELS}},
        json={layout.PAIRS: tasks.pair_schema(), layout.VIEWS: VIEW_JSON},
        task_docs={t.name: _task_doc(t) for t in chosen},
        channel_docs={c.member: f"{c.shape} {c.format.dtype}: {c.doc}" for c in channels.CHANNELS},
        codec_version=CODEC_VERSION,
        group_tasks={t.name: t.group_kinds for t in chosen if t.inputs > 1},
    )
