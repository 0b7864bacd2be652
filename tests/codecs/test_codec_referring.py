"""Referring expressions: phrases are unique in the scene graph, targets paint exactly that object."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.codecs import decode_referring, encode_referring, parse_referring_prompt
from pipeline.codecs.referring import Descriptor, matches, referable_objects


def test_every_emitted_descriptor_is_unique(graph):
    objs = graph["objects"]
    cands = referable_objects(graph)
    assert set(cands) == {3, 4, 5, 6, 7}  # floor and wall are stuff; box 8 is not visible
    for iid, descs in cands.items():
        for d in descs:
            assert matches(d, objs) == {iid}


def test_ambiguous_phrases_are_never_emitted(graph):
    objs = graph["objects"]
    assert matches(Descriptor("chair"), objs) == {4, 5}
    assert matches(Descriptor("chair", selector="largest"), objs) == {4, 5}  # 0.9 m vs 0.8 m: inside the margin
    assert matches(Descriptor("lamp", selector="largest"), objs) == set()  # a superlative needs two lamps
    phrases = {d.phrase() for ds in referable_objects(graph).values() for d in ds}
    assert "the chair" not in phrases and "the largest chair" not in phrases
    assert {"the red chair", "the leftmost chair", "the lamp on the table", "the chair on the right"} <= phrases


@pytest.mark.parametrize("seed", range(8))
def test_single_object_roundtrip(view, graph, seed):
    target, prompt, meta = encode_referring(view.instance, graph, seed)
    json.dumps(meta)
    (obj,) = meta["objects"]
    assert obj["phrase"] in prompt and obj["color_name"] in prompt and meta["background_name"] in prompt
    truth = view.instance == obj["instance_id"]
    assert (target[truth] == obj["rgb"]).all() and (target[~truth] == meta["background_rgb"]).all()
    for dec in (decode_referring(target, prompt), decode_referring(target, meta)):
        assert list(dec) == [obj["phrase"]] and np.array_equal(dec[obj["phrase"]], truth)


@pytest.mark.parametrize("seed", range(4))
def test_multi_object_form(view, graph, seed):
    target, prompt, meta = encode_referring(view.instance, graph, seed, n_objects=3)
    assert meta["form"] == "multi" and "is rendered" in prompt
    parsed, bg = parse_referring_prompt(prompt)
    assert [p for p, _ in parsed] == [o["phrase"] for o in meta["objects"]] and list(bg) == meta["background_rgb"]
    dec = decode_referring(target, prompt)
    for o in meta["objects"]:
        assert np.array_equal(dec[o["phrase"]], view.instance == o["instance_id"])
    assert len({o["instance_id"] for o in meta["objects"]}) == 3


def test_paper_multi_object_sentence():
    parsed, bg = parse_referring_prompt(
        "Segment the following objects: the chair is rendered cyan, the lamp is rendered yellow. Everything else is black.")
    assert parsed == [("the chair", (0, 255, 255)), ("the lamp", (255, 255, 0))] and bg == (0, 0, 0)


def test_exclude_and_shortage(view, graph):
    ids = {encode_referring(view.instance, graph, s, exclude=(3, 4, 5))[2]["objects"][0]["instance_id"] for s in range(20)}
    assert ids <= {6, 7}
    with pytest.raises(ValueError, match="only 5 objects"):
        encode_referring(view.instance, graph, 0, n_objects=6)


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, (5, 9, 3)), st.integers(0, 50))
def test_decode_arbitrary_rgb(view, graph, img, seed):
    _, prompt, _ = encode_referring(view.instance, graph, seed, n_objects=1 + seed % 3)
    dec = decode_referring(img, prompt)
    assert all(m.shape == (5, 9) and m.dtype == bool for m in dec.values())
    assert sum(m.astype(int) for m in dec.values()).max() <= 1


def test_errors_name_the_problem(view, graph):
    with pytest.raises(ValueError, match="integer label map"):
        encode_referring(view.depth, graph, 0)
    with pytest.raises(ValueError, match="template"):
        decode_referring(view.rgb, "Paint something nice.")
    with pytest.raises(ValueError, match="shape"):
        decode_referring(view.rgb[..., 0], encode_referring(view.instance, graph, 0)[1])
