"""A task added in this test alone flows through pair writing (the unit runner and shard writers),
``pipeline validate`` and ``pipeline eval``: the registry is the only place that knows the tasks."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import tasks
from pipeline.config import parse_config
from pipeline.consumers.evaluate import evaluate
from pipeline.consumers.validate import validate_dataset
from pipeline.dataset_format import describe
from pipeline.plan import config_fingerprint, plan_units
from pipeline.shards.manifest import finalize
from pipeline.shards.storage import Output
from pipeline.tasks.base import Scorer, Task, sub_seed
from pipeline.unit_runner import run_unit
from pipeline.view import View


def _luma(rgb: np.ndarray) -> np.ndarray:
    return (rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])).round().astype(np.uint8)


class _AbsError(Scorer):
    def __init__(self):
        self.errors: list[float] = []

    def add(self, decoded, truth, meta):
        self.errors.append(float(np.abs(decoded.astype(float) - truth).mean()))

    def result(self):
        return {"mean_abs_err": float(np.mean(self.errors))}


class Luma(Task):
    """Toy task: draw the input's luminance as a grey image."""

    name = "luma"
    table = (("mean_abs_err", "abs err", 3),)
    json_fields = {"weights": "string"}
    roundtrip_fields = {"max_abs_err": "int64"}

    def pairs(self, view, graph, seed, options, limit=None):
        s = sub_seed(seed, self.name)
        grey = _luma(view.rgb)
        target = np.repeat(grey[..., None], 3, axis=-1)
        return [self.pair(view, "", seed, s, "Draw the brightness of this image.", target, {"weights": "bt601"}, options)]

    def decode(self, rgb, meta):
        return rgb[..., 0]

    def truth(self, view, meta):
        return _luma(view.rgb)

    def roundtrip(self, target, meta, view):
        return {"max_abs_err": int(np.abs(self.decode(target, meta).astype(int) - self.truth(view, meta)).max())}

    def problems(self, target, meta, view):
        err = self.roundtrip(target, meta, view)["max_abs_err"]
        return [f"luma: off by up to {err}"] if err else []

    def scorer(self, max_depth_m):
        return _AbsError()

    def panels(self, decoded, truth, view):
        return decoded, truth, "luma"


class _FlatRenderer:
    """Stands in for Blender: every camera sees the scene's first object at 2 m, facing the camera."""

    def render_scene(self, spec):
        obj = spec.objects[0]
        rng = np.random.default_rng(spec.seed)
        out = []
        for i, cam in enumerate(spec.cameras):
            h, w = cam.height, cam.width
            out.append(View(
                scene_id=spec.scene_id, view_index=i, rgb=rng.integers(0, 256, (h, w, 3), dtype=np.uint8),
                depth=np.full((h, w), 2.0, np.float32), normals=np.tile(np.float32([0, 0, 1]), (h, w, 1)),
                instance=np.full((h, w), obj.instance_id, np.uint16),
                semantic=np.full((h, w), tasks_class_id(obj.class_name), np.uint16),
                class_table={tasks_class_id(obj.class_name): obj.class_name},
                instance_classes={obj.instance_id: obj.class_name},
                intrinsics=cam.intrinsics(), cam2world=np.asarray(cam.cam2world)))
        return out


def tasks_class_id(name: str) -> int:
    from pipeline.taxonomy import class_id

    return class_id(name)


@pytest.fixture
def luma():
    task = tasks.register(Luma())
    yield task
    tasks.unregister(task.name)


def test_a_new_task_flows_through_writing_validation_and_eval(luma, tmp_path):
    config = parse_config({
        "name": "toy", "scenes": [{"family": "indoor_room", "count": 1,
                                   "params": {"content": "primitive", "views": 2, "resolutions": [[32, 24]]}}],
        "tasks": ["depth", "luma"], "validity": {"min_classes": 1, "min_non_sky_fraction": 0.0, "min_depth_m": 0.05},
    })
    out = str(tmp_path / "ds")
    fingerprint = config_fingerprint(config)
    units = plan_units(config)
    for unit in units:
        run_unit(unit, config, _FlatRenderer(), out, fingerprint)
    (tmp_path / "scratch").mkdir()
    manifest = finalize(Output(out), config.model_dump(mode="json"), fingerprint, [u.unit_id for u in units],
                        str(tmp_path / "scratch"), describe("png", ["depth", "luma"]))
    assert manifest["counts"]["pairs_per_task"] == {"depth": 2, "luma": 2}
    assert "- **luma**: " in Output(out).read_bytes("README.md").decode()  # the card follows the registry

    report = validate_dataset(out)
    assert report.ok, report.problems

    preds = tmp_path / "preds"
    preds.mkdir()
    from pipeline.consumers.dataset import open_dataset
    from PIL import Image

    for pair in open_dataset(out).filter(task="luma"):
        Image.fromarray(pair.target).save(preds / f"{pair.key}.png")
    scores = evaluate(str(preds), out)
    assert scores["tasks"]["luma"] == {"pairs": 2, "mean_abs_err": 0.0}

    with pytest.raises(ValueError, match="unknown task 'luma'"):
        tasks.unregister("luma")
        tasks.get("luma")
