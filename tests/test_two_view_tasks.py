"""The two-view tasks (flow, disparity) end to end: pairs from view groups with two input images,
written, validated, read back, scored; a corrupted target is caught; a real stereo render and camera
move decode within the codecs' bounds and agree with the rig computed independently."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import tasks
from pipeline.config import ConfigError, parse_config
from pipeline.consumers.dataset import open_dataset
from pipeline.consumers.evaluate import evaluate
from pipeline.consumers.validate import validate_dataset
from pipeline.correspondence import OCCLUDED, VISIBLE
from pipeline.dataset_format import describe
from pipeline.plan import config_fingerprint, plan_units
from pipeline.shards.manifest import finalize
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples
from pipeline.taxonomy import class_id
from pipeline.unit_runner import run_unit
from pipeline.view import View


class _PlaneRenderer:
    """Stands in for Blender: every camera of a scene sees one tilted plane 3 m in front of the first
    camera, with exact planar depth per pixel centre (so the views of a group correspond exactly)."""

    def render_scene(self, spec):
        obj = spec.objects[0]
        first = np.asarray(spec.cameras[0].cam2world, dtype=np.float64)
        forward, up = -first[:3, 2], first[:3, 1]
        normal = (forward + 0.4 * up) / np.linalg.norm(forward + 0.4 * up)
        offset = normal @ (first[:3, 3] + 3.0 * forward)
        rng = np.random.default_rng(spec.seed)
        out = []
        for i, cam in enumerate(spec.cameras):
            pose = np.asarray(cam.cam2world, dtype=np.float64)
            k = cam.intrinsics()
            jj, ii = np.meshgrid(np.arange(cam.width) + 0.5, np.arange(cam.height) + 0.5)
            rays = np.stack([(jj - k["cx"]) / k["fx"], -(ii - k["cy"]) / k["fy"], -np.ones_like(jj)], axis=-1)
            with np.errstate(divide="ignore"):
                t = (offset - normal @ pose[:3, 3]) / (rays @ (pose[:3, :3].T @ normal))
            depth = np.where(t > 0, t, np.inf).astype(np.float32)
            hit = np.isfinite(depth)
            sky = class_id("sky")
            out.append(View(
                scene_id=spec.scene_id, view_index=i, rgb=rng.integers(0, 256, depth.shape + (3,), dtype=np.uint8),
                depth=depth, normals=np.where(hit[..., None], np.float32([0, 0, 1]), 0).astype(np.float32),
                instance=np.where(hit, obj.instance_id, 0).astype(np.uint16),
                semantic=np.where(hit, class_id(obj.class_name), sky).astype(np.uint16),
                class_table={class_id(obj.class_name): obj.class_name, sky: "sky"},
                instance_classes={obj.instance_id: obj.class_name},
                intrinsics=k, cam2world=pose))
        return out


def _job(tmp_path, groups: dict, task_rates: dict, views: int = 1):
    config = parse_config({
        "name": "twoview", "scenes": [{"family": "indoor_room", "count": 2, "params": {
            "content": "primitive", "views": views, "resolutions": [[48, 32]], "view_groups": groups}}],
        "tasks": task_rates, "validity": {"min_classes": 1, "min_non_sky_fraction": 0.0, "min_depth_m": 0.05},
    })
    out = str(tmp_path / "ds")
    fingerprint = config_fingerprint(config)
    units = plan_units(config)
    for unit in units:
        run_unit(unit, config, _PlaneRenderer(), out, fingerprint)
    (tmp_path / "scratch").mkdir(exist_ok=True)
    manifest = finalize(Output(out), config.model_dump(mode="json"), fingerprint, [u.unit_id for u in units],
                        str(tmp_path / "scratch"), describe("png", list(config.tasks)))
    return out, manifest


def test_stereo_pairs_carry_two_images_validate_and_score(tmp_path):
    out, manifest = _job(tmp_path, {"kind": "stereo", "baseline_m": [0.2, 0.2]}, {"depth": 1, "flow": 1, "disparity": 1})
    assert manifest["counts"]["pairs_per_task"] == {"depth": 4, "flow": 2, "disparity": 2}
    assert manifest["task_balance"]["flow"] == {"pairs_per_group_config": 1.0, "groups": 2, "pairs_per_group": 1.0,
                                                "share": 0.25}
    assert manifest["task_balance"]["depth"]["pairs_per_view"] == 1.0
    report = validate_dataset(out)
    assert report.ok, report.problems

    pairs = {s["__key__"]: s for shard in manifest["series"]["pairs"] for s in iter_samples(Output(out), shard["name"])}
    flow_key = next(k for k in pairs if k.endswith("_flow_v01"))
    assert {"input.png", "input2.png", "prompt.txt", "target.png", "json"} <= set(pairs[flow_key])
    assert "input2.png" not in pairs[flow_key.replace("_flow_v01", "_depth")]

    ds = open_dataset(out)
    for sample in ds.filter(task="disparity"):
        left, right = sample.labels
        assert sample.meta["view_keys"] == [left.key, right.key] and right.view_index == left.view_index + 1
        assert len(sample.inputs) == 2 and sample.inputs[1].shape == sample.inputs[0].shape
        (dec, state), (truth, tstate) = sample.decoded, sample.truth
        np.testing.assert_array_equal(state, tstate)
        visible = tstate == VISIBLE
        assert visible.mean() > 0.5
        fx, b = left.intrinsics["fx"], 0.2
        np.testing.assert_allclose(dec[visible], fx * b / left.depth[visible], atol=0.05)  # the rig, directly
    card = Output(out).read_bytes("README.md").decode()
    assert "input2.png" in card and "- **flow**: " in card and "- **disparity**: " in card

    preds = tmp_path / "preds"
    preds.mkdir()
    from PIL import Image

    for sample in ds.filter(task=["flow", "disparity"]):
        Image.fromarray(sample.target).save(preds / f"{sample.key}.png")
    scores = evaluate(str(preds), out)["tasks"]
    assert scores["disparity"]["bad_1px"] == 0 and scores["disparity"]["state_acc"] == 1.0
    assert scores["flow"]["bad_1px"] == 0 and scores["flow"]["epe"] < 0.2 and scores["flow"]["missing"] == 0


def test_contact_sheet_draws_two_view_pairs(tmp_path):
    from PIL import Image

    from pipeline.consumers.contact_sheet import contact_sheet

    out, _ = _job(tmp_path, {"kind": "stereo"}, {"depth": 1, "normals": 1, "semantic": 1, "flow": 1, "disparity": 1})
    views, pairs = contact_sheet(out, str(tmp_path / "sheet.png"), max_rows=4, cell=64)
    img = np.asarray(Image.open(tmp_path / "sheet.png").convert("RGB"))
    assert views == 4 and pairs == 2  # a flow and a disparity row below the view rows
    assert img.shape[0] == 16 + 4 * 64 + 16 + 2 * 64
    bottom = img[-2 * 64:, 2 * 64:3 * 64]  # the targets' column of the pair rows
    assert bottom.std() > 10


def test_a_corrupted_flow_target_is_caught(tmp_path):
    out, _ = _job(tmp_path, {"kind": "motion", "frames": 3, "step_m": [0.2, 0.2]}, {"depth": 1, "flow": 2})
    ds = open_dataset(out)
    flows = list(ds.filter(task="flow"))
    assert len(flows) == 4  # two per 3-frame group: frames 0->1 and 1->2
    sample = flows[0]
    task = tasks.get("flow")
    assert task.problems(sample.target, sample.meta, sample.labels) == []
    bad = sample.target.copy()
    bad[:4, :4] = (255, 0, 0)  # a fast rightward motion painted where the truth differs
    found = task.problems(bad, sample.meta, sample.labels)
    assert found and "flow:" in found[0]
    hidden = sample.target.copy()
    hidden[5:9, 5:9] = (128, 128, 128)  # marked occluded where the second view sees the plane
    assert any("wrong state" in p for p in task.problems(hidden, sample.meta, sample.labels))


def test_two_view_tasks_need_view_groups():
    with pytest.raises(ConfigError, match=r"tasks\.flow: needs view groups"):
        parse_config({"name": "x", "scenes": [{"family": "calibration", "count": 1}], "tasks": ["depth", "flow"]})
    with pytest.raises(ConfigError, match=r"tasks\.disparity: needs view groups of kind stereo"):
        parse_config({"name": "x", "scenes": [{"family": "calibration", "count": 1,
                                               "params": {"view_groups": {"kind": "motion"}}}],
                      "tasks": ["disparity"]})
    assert "flow" not in parse_config({"name": "x", "scenes": [{"family": "calibration", "count": 1}]}).tasks


@pytest.mark.blender
@pytest.mark.xdist_group("blender")
def test_rendered_groups_decode_within_bounds_and_agree_with_the_rig():
    """Real renders of the calibration scene: a stereo pair and a 3-frame move. Every target decodes within
    its codec's bound and to the right states; the disparity agrees with fx B / z from the left depth at
    the pixels it calls visible, where the right view sees the same depth, and the pixels it calls
    occluded are those where the right view's pixel shows another surface (nearer, or past a silhouette)."""
    from pipeline.render.settings import RenderSettings
    from pipeline.render.worker import RenderWorker
    from pipeline.unit_runner import camera_group, group_views
    from scenes import build
    from scenes.calibration.family import CalibrationParams

    specs = [build("calibration", CalibrationParams(views=1, width=64, height=48, view_groups=groups), 5, f"g{i}")
             for i, groups in enumerate(({"kind": "stereo", "baseline_m": [0.3, 0.3]},
                                         {"kind": "motion", "frames": 3, "step_m": [0.15, 0.15]}))]
    made, rendered = [], {}
    with RenderWorker(RenderSettings(quality="draft", samples=1, denoise=False, threads=1)) as worker:
        for spec in specs:
            views = worker.render_scene(spec)
            for view in views:
                view.group = camera_group(spec, view.view_index)
                rendered[view.key] = view
            [group] = group_views(views)
            made += tasks.make_group_pairs(group, 7, {"flow": 2, "disparity": 1})
    assert sorted(p.task for p in made) == ["disparity", "flow", "flow", "flow"]
    for pair in made:
        task = tasks.get(pair.task)
        views = task.given([rendered[k] for k in pair.meta["view_keys"]])
        assert task.problems(pair.target, pair.meta, views) == [], pair.key
        rt = pair.meta["roundtrip"]
        assert rt[f"{pair.task}_state_wrong"] == 0 and rt[f"{pair.task}_max_err_ratio"] <= 1.0
        assert rt[f"{pair.task}_visible_share"] > 0.4
    disparity = next(p for p in made if p.task == "disparity")
    left, right = (rendered[k] for k in disparity.meta["view_keys"])
    dec, state = tasks.get("disparity").decode(disparity.target, disparity.meta)
    visible = state == VISIBLE
    z = left.depth[visible].astype(np.float64)
    np.testing.assert_allclose(dec[visible], left.intrinsics["fx"] * 0.3 / z, rtol=0.01, atol=0.02)
    ii, jj = np.nonzero(np.isin(state, (VISIBLE, OCCLUDED)))
    zl = left.depth[ii, jj].astype(np.float64)
    col = np.floor(jj + 0.5 - left.intrinsics["fx"] * 0.3 / zl).astype(int)  # the right pixel holding the point
    same = np.abs(right.depth[ii, col] - zl) <= 0.01 * zl + 0.002
    seen = state[ii, jj] == VISIBLE
    assert same[seen].mean() > 0.97 and not same[~seen].any()
    assert (~seen).sum() > 0  # the sphere and box hide some of the floor from the right eye



def test_clients_read_the_second_input(tmp_path, monkeypatch):
    """Hugging Face datasets (through the card's features) and the diffusers rename carry ``input2.png``:
    the second image in two-view pairs, None in the others; the torch feed decodes it like the first."""
    from datasets import load_dataset

    from pipeline.consumers.hf import instruct_pix2pix
    from pipeline.loader import decode_sample

    for var in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE"):
        monkeypatch.setenv(var, "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    out, manifest = _job(tmp_path, {"kind": "stereo"}, {"depth": 1, "disparity": 1})
    rows = list(load_dataset(out, "pairs", split="train"))
    assert len(rows) == manifest["counts"]["pairs"] == 6  # 2 stereo scenes: 4 depth pairs, 2 disparity pairs
    for row in rows:
        two = row["json"]["task"] == "disparity"
        assert (row["input2.png"] is not None) == two and len(row["json"]["view_keys"]) == (2 if two else 1)
        if two:
            assert np.asarray(row["input2.png"]).shape == np.asarray(row["input.png"]).shape
    train = instruct_pix2pix(load_dataset(out, "pairs", split="train"))
    assert {"input_image", "input_image_2", "edit_prompt", "edited_image"} <= set(train.column_names)
    shard = manifest["series"]["pairs"][0]["name"]
    sample = next(s for s in iter_samples(Output(out), shard) if "input2.png" in s)
    decoded = decode_sample(sample)
    assert decoded["input2.png"].shape == decoded["input.png"].shape and decoded["input2.png"].dtype == np.uint8
