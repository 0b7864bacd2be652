"""The class table: unique ids, benchmark mappings that name real benchmark classes, full Cityscapes coverage."""

from __future__ import annotations

import pytest

from pipeline.taxonomy import benchmark_classes, class_id, class_name, load_taxonomy, mapping
from scenes.shared.assets import generators


def test_ids_unique_and_round_trip():
    table = load_taxonomy()
    ids = [c.id for c in table.values()]
    assert len(ids) == len(set(ids)) and min(ids) >= 1
    for name, cls in table.items():
        assert class_id(name) == cls.id and class_name(cls.id) == name
    with pytest.raises(KeyError, match="'unicorn' is not in"):
        class_id("unicorn")


def test_stable_ids_of_the_starter_table():
    assert [class_id(n) for n in ("floor", "wall", "ceiling", "table", "chair", "sky", "plane", "sphere", "box")] == \
        [1, 2, 3, 4, 5, 15, 16, 17, 18]


def test_benchmark_lists_have_official_sizes():
    lists = benchmark_classes()
    assert (len(lists["cityscapes"]), len(lists["nyu40"]), len(lists["ade20k"])) == (19, 40, 150)
    assert all(len(set(v)) == len(v) for v in lists.values())


def test_every_cityscapes_class_exists_by_name():
    table = load_taxonomy()
    for name in benchmark_classes()["cityscapes"]:
        assert name in table and table[name].cityscapes == name


def test_mappings_name_real_benchmark_classes():
    lists = benchmark_classes()
    for bench in ("cityscapes", "nyu40", "ade20k"):
        m = mapping(bench)
        assert m and set(m.values()) <= set(lists[bench])
    assert mapping("nyu40")["refrigerator"] == "refridgerator"  # NYU-40's own spelling
    with pytest.raises(KeyError, match="unknown benchmark"):
        mapping("coco")


def test_generated_classes_are_in_the_taxonomy():
    table = load_taxonomy()
    for name, g in generators().items():
        assert set(g.class_names) <= set(table), name
