"""``pipeline eval PREDICTIONS DATASET``: decode a model's RGB outputs with the codecs and score them
against the dataset's exact raw labels.

Predictions are RGB PNGs named ``<pair key>.png`` (any subset of the dataset's pairs). Each is decoded
with the codec named by its pair's metadata (the colour mapping of that pair's prompt) and compared with
the view's raw labels; see :mod:`pipeline.tasks.scoring` for the definitions. A prediction whose size
differs from its view's is resized to it with nearest-neighbour sampling (colour codes must not blend).
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from PIL import Image

from pipeline import tasks as task_registry
from pipeline.consumers.dataset import Dataset, open_dataset
from pipeline.shards.storage import Output
from pipeline.errors import BadInput


def _read_prediction(data: bytes, name: str, shape: tuple[int, int]) -> tuple[np.ndarray, bool]:
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a bad input, named
        raise BadInput(f"prediction {name}: not a readable PNG ({exc})") from None
    if img.mode not in ("RGB", "RGBA", "P", "L"):
        raise BadInput(f"prediction {name}: expected an 8-bit RGB PNG, got mode {img.mode}")
    img = img.convert("RGB")
    resized = img.size != (shape[1], shape[0])
    if resized:
        img = img.resize((shape[1], shape[0]), Image.NEAREST)
    return np.asarray(img), resized


def _prediction_rows(ds: Dataset, keys: list[str]) -> list[dict]:
    rows = ds.pairs.filter(pc.is_in(ds.pairs["key"], value_set=pa.array(keys)))
    found = rows.select([c for c in ("key", "shard", "task", "view_key", "meta") if c in rows.column_names]).to_pylist()
    unknown = sorted(set(keys) - {r["key"] for r in found})
    if unknown:
        shown = ", ".join(unknown[:10]) + (f" ... ({len(unknown)} in all)" if len(unknown) > 10 else "")
        raise BadInput(f"predictions name pairs that are not in the dataset: {shown}")
    return sorted(found, key=lambda r: (r["view_key"], r["key"]))


def evaluate(predictions: str, dataset: str) -> dict:
    """Score every ``<key>.png`` under ``predictions`` against ``dataset``; returns the JSON-ready report."""
    from pipeline.codecs.depth import MAX_FINITE_DEPTH_M

    pred = Output(str(predictions))
    if not pred.exists(""):
        raise BadInput(f"{predictions}: no such predictions folder")
    names = [n for n in pred.list("") if n.endswith(".png")]
    if not names:
        raise BadInput(f"{predictions}: no <pair key>.png predictions in it")
    ds = open_dataset(dataset)
    rows = _prediction_rows(ds, [n[: -len(".png")] for n in names])
    scores: dict[str, task_registry.Scorer] = {}
    per_task: dict[str, int] = {}
    resized = 0
    for row in rows:
        meta = ds.pair_meta(row)
        views = [ds.view_labels(k) for k in (meta.get("view_keys") or [row["view_key"]])]
        image, was_resized = _read_prediction(pred.read_bytes(f"{row['key']}.png"), f"{row['key']}.png",
                                              views[0].depth.shape)
        resized += was_resized
        task = task_registry.get(row["task"])
        scorer = scores.setdefault(task.name, task.scorer(MAX_FINITE_DEPTH_M))
        scorer.add(task.decode(image, meta), task.truth(task.given(views), meta), meta)
        per_task[task.name] = per_task.get(task.name, 0) + 1
    tasks = {t: {"pairs": n, **scores[t].result()} for t, n in sorted(per_task.items())}
    return {"dataset": str(dataset), "predictions": str(predictions), "scored": len(rows),
            "dataset_pairs": len(ds), "resized": resized, "tasks": tasks}


def table(report: dict) -> str:
    """The report as a plain-text table, one line per task and metric."""
    lines = [f"eval {report['predictions']} against {report['dataset']}: {report['scored']} of "
             f"{report['dataset_pairs']} pairs scored, {report['resized']} resized",
             f"{'task':<10} {'pairs':>6}  {'metric':<11} {'value':>10}"]
    for task in task_registry.names():
        fields = task_registry.get(task).table
        res = report["tasks"].get(task)
        if not res:
            continue
        for i, (field, label, digits) in enumerate(fields):
            value = res.get(field)
            shown = "n/a" if value is None else f"{value:.{digits}f}"
            lines.append(f"{task if i == 0 else '':<10} {res['pairs'] if i == 0 else '':>6}  {label:<11} {shown:>10}")
    return "\n".join(lines)
