"""The calibration scene through the ordinary pipeline: local Ray, shards, and back out of the tars.

The labels read back from the views shards must meet the same analytic bounds as the renderer's own
output (tests/test_calibration.py computes the analytic side), and each view's json must carry what
an outside checker needs: intrinsics, pose and every primitive's parameters.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from pipeline.config import parse_config
from pipeline.plan import plan_units
from pipeline.formats import read_exr, read_png
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import iter_samples
from scenes.calibration.family import generate
from test_calibration import SMOOTH_SPHERE, _analytic_view, _angle_deg, _interior

pytestmark = [pytest.mark.blender, pytest.mark.ray, pytest.mark.xdist_group("render")]


def test_calibration_job_labels_in_shards_match_the_analytic_scene(tmp_path):
    import ray

    from pipeline.job import render_job

    raw = yaml.safe_load(open("configs/calibration.yaml"))
    raw["scenes"][0]["count"] = 1
    raw["render"] = {"quality": "draft", "samples": 2, "denoise": False, "device": "cpu"}
    raw["ray"] = {"num_workers": 1, "cpus_per_worker": 1, "scenes_per_unit": 1}
    config = parse_config(raw, "calibration-test")
    try:
        manifest = render_job(config, str(tmp_path / "calib"), progress=False)
    finally:
        ray.shutdown()
    (task,) = plan_units(config)[0].scenes
    spec = generate(task.params, task.seed, task.scene_id)
    output = Output(str(tmp_path / "calib"))
    seen = 0
    for shard in manifest["series"]["views"]:
        for sample in iter_samples(output, shard["name"]):
            meta = json.loads(sample["json"])
            i = meta["view_index"]
            cam = spec.cameras[i]
            assert meta["intrinsics"] == pytest.approx(cam.intrinsics())
            np.testing.assert_allclose(meta["cam2world"], np.asarray(cam.cam2world), atol=1e-12)
            assert json.loads(meta["extra"])["analytic"] == json.loads(json.dumps(spec.extra["analytic"]))
            depth, normals = read_exr(sample["depth.exr"]), read_exr(sample["normal.exr"])
            instance = read_png(sample["instance.png"])
            centre, *_ = ana = _analytic_view(spec, i)
            interior = _interior(centre["id"]) & np.all([a["id"] == centre["id"] for a in ana], axis=0)
            assert interior.sum() > 0.3 * depth.size
            np.testing.assert_array_equal(instance[interior], centre["id"][interior])
            rel = np.abs(depth[interior].astype(np.float64) - centre["depth"][interior]) / centre["depth"][interior]
            assert rel.max() <= 1e-5
            angle = np.stack([_angle_deg(normals.astype(np.float64), a["normal"]) for a in ana]).min(axis=0)
            smooth = centre["id"] == SMOOTH_SPHERE  # its normals follow the ideal sphere (test_calibration)
            assert angle[interior & ~smooth].max() <= 0.05
            assert angle[interior & smooth].max() <= 0.5
            hit = np.isfinite(depth)
            assert np.all(np.abs(np.linalg.norm(normals[hit], axis=-1) - 1) <= 1e-4)
            seen += 1
    assert seen == len(spec.cameras) == 2
