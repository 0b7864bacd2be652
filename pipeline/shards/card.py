"""The dataset card: ``README.md`` at the dataset root, written with the manifest.

Its YAML front matter is what Hugging Face ``datasets`` reads: two configs, ``pairs`` and ``views``
(data files: the shard globs), each with explicit ``features`` for every member and every json field
(:mod:`pipeline.schema`), so ``load_dataset(root, "pairs")`` (also with ``streaming=True``)
returns every field of every sample instead of the columns it would infer from the first few. The
text carries the config, the counts, the licences and how each task's target encodes its answer.
What the series hold is handed in as a :class:`DatasetFormat` (built by :mod:`pipeline.dataset_format`
from the channels and the registered tasks), so the card knows no task.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from pipeline.schema import Schema, hf_features
from pipeline.shards import layout


@dataclass(frozen=True)
class DatasetFormat:
    """What the card says about the series: per series its members (name -> HF feature: "image",
    "string", "binary") and json schema; one line per task (what the target shows, how it decodes);
    one line per view channel."""

    members: dict[str, dict[str, str]]
    json: dict[str, Schema]
    task_docs: dict[str, str]
    channel_docs: dict[str, str]
    codec_version: str
    group_tasks: dict[str, tuple[str, ...]]  # two-view tasks -> the view-group kinds they make pairs from

LICENCES = (
    "Images and labels are renders of procedural scenes. Their content comes from: Infinigen 1.15.5 "
    "asset and material generators (BSD-3-Clause; its `infinigen_gpl` materials are GPL-3.0-derived), "
    "this project's own procedural generators, and the HDRIs shipped with Blender (CC0, Poly Haven). "
    "Rendering used Blender 4.2 (GPL-2.0-or-later) and BlenderProc 2.8 (GPL-3.0); the GPL covers that "
    "software, not its renders."
)


def front_matter(manifest: dict, fmt: DatasetFormat) -> dict:
    info = []
    for series in (layout.PAIRS, layout.VIEWS):
        schema = fmt.json[series]
        key = {"__key__": "string", "__url__": "string"}
        members = [{"name": n, "dtype": t} for n, t in {**key, **fmt.members[series]}.items()]
        info.append({"config_name": series, "features": members + hf_features({"json": schema})})
    return {
        "pretty_name": manifest["name"],
        "license": "other",
        "task_categories": ["image-to-image", "depth-estimation", "image-segmentation"],
        "configs": [{"config_name": s, "data_files": [{"split": "train", "path": f"{s}/*.tar"}],
                     **({"default": True} if s == layout.PAIRS else {})} for s in (layout.PAIRS, layout.VIEWS)],
        "dataset_info": info,
    }


def card_text(manifest: dict, fmt: DatasetFormat) -> str:
    """The whole ``README.md``: front matter and text."""
    c = manifest["counts"]
    lines = [
        "---", yaml.safe_dump(front_matter(manifest, fmt), sort_keys=False).rstrip(), "---", "",
        f"# {manifest['name']}", "",
        "Synthetic vision-task pairs for instruction-tuning an image generator to *draw* answers: each pair",
        "is an input render, a text prompt and an RGB target that decodes back to exact numbers. The `views`",
        "config holds the raw labels (metric depth, camera-frame normals, 16-bit instance and class ids).",
        "",
        "```python",
        "from datasets import load_dataset",
        'pairs = load_dataset("<this folder>", "pairs", split="train")  # or streaming=True',
        'views = load_dataset("<this folder>", "views", split="train")  # depth.exr / normal.exr: bytes, read with OpenEXR',
        'index = load_dataset("parquet", data_files="<this folder>/index/pairs/*.parquet", split="train")  # no tar opened',
        "```",
        "",
        "Every json field is present in every sample (null where it does not apply); ids are lists of",
        "records. The 16-bit `instance.png` and `semantic.png` decode exactly with `datasets`' Image",
        "feature (PIL mode I;16); with plain webdataset use `pipeline.wds.DECODERS` first, since",
        '`.decode("pil")` truncates them to 8 bits.',
        "",
        "## Counts", "",
        f"{c['scenes']} scenes, {c['views']} views ({c['rejected_views']} rejected), {c['pairs']} pairs; "
        f"code {manifest['code_version']}, codec {manifest['codec_version']}.", "",
        "| task | pairs | share |", "| --- | --- | --- |",
        *[f"| {t} | {c['pairs_per_task'].get(t, 0)} | {b.get('share')} |"
          for t, b in manifest.get("task_balance", {}).items()],
        "",
        "## Tasks", "",
        *[f"- **{name}**: {doc}" for name, doc in fmt.task_docs.items()
          if name in (manifest["config"].get("tasks") or {})],
        "",
        "## View channels", "",
        *[f"- `{member}`: {doc}" for member, doc in fmt.channel_docs.items()],
        "",
        "The full format (members, label conventions, codec formulas, index columns) is the pipeline's",
        "`docs/FORMAT.md`.",
        "",
        "## Licences", "",
        LICENCES,
        "",
        "## Config", "",
        "```yaml",
        yaml.safe_dump(manifest["config"], sort_keys=False).rstrip(),
        "```",
        "",
    ]
    return "\n".join(lines)
