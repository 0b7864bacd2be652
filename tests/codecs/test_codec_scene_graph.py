"""Per-view scene graph: visible objects only, spec facts, image statistics, ranks, JSON-serialisable."""

import json

import numpy as np

from pipeline.scene_graph import build_scene_graph, object_size


def test_visible_objects_and_facts(spec, view, graph):
    json.dumps(graph)
    objs = {o["instance_id"]: o for o in graph["objects"]}
    assert set(objs) == set(np.unique(view.instance)) - {0}
    assert 8 not in objs  # the box outside the view
    assert objs[6]["class_name"] == "lamp" and objs[6]["supported_by"] == 3 and objs[6]["supported_by_class"] == "table"
    assert objs[3]["color_name"] == "brown"  # the top, not the thin leg
    assert objs[4]["color_name"] == "red" and objs[5]["color_name"] == "blue"
    assert abs(objs[3]["size_m"] - 1.2) < 1e-6
    for o in graph["objects"]:
        mask = view.instance == o["instance_id"]
        assert o["pixel_count"] == mask.sum()
        rows, cols = np.nonzero(mask)
        assert o["bbox"] == [cols.min(), rows.min(), cols.max(), rows.max()]
        assert np.isclose(o["centroid"][0], (cols.mean() + 0.5) / view.rgb.shape[1], atol=1e-4)
        assert np.isclose(o["median_depth_m"], np.median(view.depth[mask]), atol=1e-3)


def test_ranks(graph):
    objs = graph["objects"]
    by_depth = sorted(objs, key=lambda o: o["depth_rank"])
    depths = [o["median_depth_m"] for o in by_depth]
    assert depths == sorted(depths) and sorted(o["depth_rank"] for o in objs) == list(range(len(objs)))
    chairs = {o["instance_id"]: o for o in objs if o["class_name"] == "chair"}
    assert chairs[4]["size_rank_in_class"] == 0 and chairs[5]["size_rank_in_class"] == 1
    assert chairs[4]["depth_rank_in_class"] == 0


def test_rotated_part_size(spec):
    from dataclasses import replace

    obj = spec.objects[3]
    part = replace(obj.parts[0], dimensions=(2.0, 0.1, 0.1), rotation=(0.0, 0.0, np.pi / 2))
    assert abs(object_size(replace(obj, parts=(part,))) - 2.0) < 1e-9


def test_empty_view(spec, view):

    empty = view.replace(instance=np.zeros_like(view.instance))
    assert build_scene_graph(spec, empty)["objects"] == []


def test_random_label_maps(spec, view):

    from hypothesis import given, settings
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    @settings(max_examples=40, deadline=None)
    @given(arrays(np.uint16, (7, 9), elements=st.integers(0, 9)))
    def check(inst):
        v = view.replace(instance=inst, depth=np.full(inst.shape, 2.0, np.float32))
        g = build_scene_graph(spec, v)
        json.dumps(g)
        assert sum(o["pixel_count"] for o in g["objects"]) == int((inst > 0).sum())
        assert sorted(o["depth_rank"] for o in g["objects"]) == list(range(len(g["objects"])))
        assert all(0 < o["centroid"][0] < 1 and 0 < o["centroid"][1] < 1 for o in g["objects"])

    check()
