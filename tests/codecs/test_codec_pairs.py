"""make_pairs: keys, determinism, JSON metadata with template, codec version and round-trip figures."""

import json

import numpy as np
import pytest

from pipeline.codecs import CODEC_VERSION
from pipeline.tasks import Pair, make_pairs, names

TASKS = names()

BASIC = ["depth", "normals", "semantic"]


def test_pairs_are_deterministic_and_complete(view, graph):
    a = make_pairs(view, graph, 42, TASKS)
    b = make_pairs(view, graph, 42, TASKS)
    assert [p.key for p in a] == [p.key for p in b]
    for p, q in zip(a, b):
        assert isinstance(p, Pair) and p.prompt == q.prompt and np.array_equal(p.target, q.target) and p.meta == q.meta
        assert p.target.dtype == np.uint8 and p.target.shape == view.rgb.shape
        assert p.input_rgb is view.rgb
        assert "." not in p.key and p.key.startswith(view.key + "_" + p.task)
        m = json.loads(json.dumps(p.meta))
        assert m["codec_version"] == CODEC_VERSION and m["task"] == p.task and m["view_key"] == view.key
        assert m["template_id"].startswith(p.task) and m["template_version"] >= 1
        assert m["roundtrip"]


def test_seed_changes_prompts(view, graph):
    prompts = {make_pairs(view, graph, s, ["semantic"])[0].prompt for s in range(10)}
    assert len(prompts) > 5


def test_roundtrip_figures(view, graph):
    pairs = {p.task: p for p in make_pairs(view, graph, 1, BASIC)}
    rt = pairs["depth"].meta["roundtrip"]
    assert rt["depth_max_f_err"] <= rt["depth_f_bound"] and rt["depth_max_rel_err"] < 0.003
    assert rt["depth_inf_preserved"] and rt["depth_finite_as_inf"] == 0
    assert pairs["normals"].meta["roundtrip"]["normal_max_angle_deg"] <= 0.39
    assert pairs["normals"].meta["roundtrip"]["normal_valid_match"]
    assert pairs["semantic"].meta["roundtrip"]["mask_iou_min"] == 1.0


def test_bad_arguments(view, graph):

    with pytest.raises(ValueError, match="view.depth"):
        make_pairs(view.replace(depth=view.depth[:-1]), graph, 0, ["depth"])
    with pytest.raises(ValueError, match="view.rgb"):
        make_pairs(view.replace(rgb=view.rgb.astype(np.float32)), graph, 0, ["depth"])
    with pytest.raises(ValueError, match="unknown"):
        make_pairs(view, graph, 0, ["optical_flow"])
    with pytest.raises(ValueError, match="seed"):
        make_pairs(view, graph, -1, ["depth"])
    assert set(BASIC) <= set(TASKS)


def test_instance_and_referring_pairs(view, graph):
    pairs = make_pairs(view, graph, 7, ["instance", "referring"])
    keys = [p.key for p in pairs]
    assert len(keys) == len(set(keys))
    inst = [p for p in pairs if p.task == "instance"]
    assert sorted(p.key.rsplit("_", 1)[1] for p in inst) == ["c01", "c02", "c04", "c05", "c06", "c18"]
    for p in inst:
        assert p.meta["roundtrip"]["mask_iou_min"] == 1.0 and p.meta["class_name"] in p.prompt
    ref = [p for p in pairs if p.task == "referring"]
    assert [p.key[-3:] for p in ref] == ["_r0", "_r1", "_r2"]
    assert [p.meta["form"] for p in ref] == ["single", "single", "multi"]
    assert ref[0].meta["objects"][0]["instance_id"] != ref[1].meta["objects"][0]["instance_id"]
    assert all(p.meta["roundtrip"]["mask_iou_min"] == 1.0 for p in ref)


def test_tasks_are_independent(view, graph):
    alone = make_pairs(view, graph, 3, ["semantic"])[0]
    together = [p for p in make_pairs(view, graph, 3, TASKS) if p.task == "semantic"][0]
    assert alone.prompt == together.prompt and alone.meta == together.meta


def test_roundtrip_can_be_skipped(view, graph):
    fast = make_pairs(view, graph, 3, TASKS, roundtrip=False)
    full = make_pairs(view, graph, 3, TASKS)
    assert all(p.meta["roundtrip"] is None for p in fast)
    assert [p.prompt for p in fast] == [p.prompt for p in full]


def test_empty_view(view, graph):

    from pipeline.scene_graph import build_scene_graph
    from codec_synth import make_spec

    empty = view.replace(instance=np.zeros_like(view.instance), semantic=np.zeros_like(view.semantic),
                    depth=np.full_like(view.depth, np.inf), normals=np.zeros_like(view.normals))
    g = build_scene_graph(make_spec(), empty)
    pairs = make_pairs(empty, g, 0, TASKS)
    assert [p.task for p in pairs] == ["depth", "normals", "semantic"]
    assert (pairs[0].target == 255).all() and (pairs[1].target == 0).all()
    assert all(not c["present"] for c in pairs[2].meta["classes"])
    json.dumps([p.meta for p in pairs])
