"""Which views share a render call: equal resolutions together, capped, every view exactly once."""

import pytest

from pipeline.render.view_batches import view_batches
from pipeline.scene_spec import Camera

POSE = ((1.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 1.0))


def _cams(*sizes):
    return [Camera(POSE, 60.0, w, h) for w, h in sizes]


def test_views_of_one_resolution_go_together_in_order_of_first_appearance():
    cams = _cams((64, 48), (40, 56), (64, 48), (40, 56), (32, 32))
    assert view_batches(cams) == [[0, 2], [1, 3], [4]]


def test_a_batch_holds_at_most_max_views():
    assert view_batches(_cams(*[(64, 48)] * 7), max_views=3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert view_batches(_cams((8, 8)), max_views=1) == [[0]]
    assert view_batches([]) == []


def test_every_view_exactly_once_for_the_paper_buckets():
    sizes = [(1200, 896), (1264, 848), (992, 1072)] * 6
    batches = view_batches(_cams(*sizes), max_views=4)
    assert sorted(i for b in batches for i in b) == list(range(len(sizes)))
    assert all(len({sizes[i] for i in b}) == 1 and len(b) <= 4 for b in batches)


def test_a_cap_below_one_is_refused():
    with pytest.raises(ValueError, match="max_views"):
        view_batches(_cams((8, 8)), max_views=0)
