"""Task balance: pairs per view per task from the config, with sampled instance classes and referring
expressions; counts are predictable from the config."""

from __future__ import annotations

from collections import Counter

import numpy as np

from codec_synth import make_busy_view
from pipeline.tasks import make_pairs, pairs_wanted


def test_fractional_rates_give_that_many_pairs_per_view_on_average():
    for rate in (0.25, 1.0, 1.5, 2.7):
        counts = [pairs_wanted("instance", rate, seed) for seed in range(4000)]
        assert set(counts) <= {int(np.floor(rate)), int(np.floor(rate)) + 1}
        assert abs(np.mean(counts) - rate) < 0.03
    assert [pairs_wanted("depth", 0.5, s) for s in range(50)] == [pairs_wanted("depth", 0.5, s) for s in range(50)]


def test_rates_set_the_pairs_of_each_task_and_sample_instance_classes():
    spec, view = make_busy_view(256, 30, seed=4)
    every = Counter(p.task for p in make_pairs(view, {}, 3, ["depth", "instance"]))
    assert every["instance"] >= 4  # one per readable class when no rate is given
    chosen = set()
    for seed in range(12):
        pairs = make_pairs(view, {}, seed, {"depth": 1.0, "normals": 0.0, "instance": 1.0})
        tally = Counter(p.task for p in pairs)
        assert tally == {"depth": 1, "instance": 1}
        chosen |= {p.meta["class_name"] for p in pairs if p.task == "instance"}
    assert len(chosen) >= 3  # the class is drawn per view, not always the first


def test_referring_rate_picks_from_the_plan():
    from pipeline.scene_graph import build_scene_graph

    spec, view = make_busy_view(256, 30, seed=4)
    graph = build_scene_graph(spec, view)
    full = [p for p in make_pairs(view, graph, 1, ["referring"])]
    assert len(full) == 3
    for rate in (1.0, 2.0):
        got = make_pairs(view, graph, 1, {"referring": rate})
        assert len(got) == rate and {p.key for p in got} <= {p.key for p in full}
