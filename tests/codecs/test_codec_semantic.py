"""Semantic codec: seeded mappings, separation, every prompt form parses back, nearest-colour decode."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pipeline.codecs import decode_semantic, encode_semantic, parse_semantic_prompt
from pipeline.codecs.colors import min_pairwise_distance
from pipeline.codecs.semantic import MAPPING_FORMS, MIN_COLOR_DISTANCE, expected_semantic

FORMS = [(m, c) for m, cs in MAPPING_FORMS.items() for c in cs]


@pytest.mark.parametrize("mapping_form,color_form", FORMS)
def test_every_form_parses_back_and_decodes_like_the_meta(view, mapping_form, color_form):
    target, prompt, meta = encode_semantic(view.semantic, view.class_table, 5, mapping_form=mapping_form,
                                           color_form=color_form)
    entries = parse_semantic_prompt(prompt)
    assert entries[-1][0] == "background" and tuple(meta["background_rgb"]) == entries[-1][1]
    assert [(c["name"], tuple(c["rgb"])) for c in meta["classes"]] == entries[:-1]
    assert np.array_equal(decode_semantic(target, prompt), decode_semantic(target, meta))
    assert np.array_equal(decode_semantic(target, meta), expected_semantic(view.semantic, meta))
    json.dumps(meta)


def test_paper_examples_parse():
    p = ('Generate a visualization image of semantic segmentation, using this color mapping: '
         '{"chair": <255,165,0>, "floor": <0,0,255>, "background": <125,0,125>}')
    assert parse_semantic_prompt(p) == [("chair", (255, 165, 0)), ("floor", (0, 0, 255)), ("background", (125, 0, 125))]
    assert parse_semantic_prompt("The chair is represented by (255, 255, 0).") == [("chair", (255, 255, 0))]
    assert parse_semantic_prompt('{"dining table": "#80C000"}') == [("dining table", (128, 192, 0))]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_seeded_mapping_properties(view, seed):
    t1, p1, m1 = encode_semantic(view.semantic, view.class_table, seed)
    t2, p2, m2 = encode_semantic(view.semantic, view.class_table, seed)
    assert p1 == p2 and np.array_equal(t1, t2) and m1 == m2
    colors = [c["rgb"] for c in m1["classes"]] + [m1["background_rgb"]]
    assert min_pairwise_distance(colors) >= m1["min_color_distance"] == MIN_COLOR_DISTANCE
    names = [c["name"] for c in m1["classes"]]
    assert len(names) == len(set(names)) and "background" not in names
    assert any(c["present"] for c in m1["classes"])
    assert np.array_equal(decode_semantic(t1, p1), expected_semantic(view.semantic, m1))


def test_listed_subsets_vary_and_include_absent_classes(view):
    metas = [encode_semantic(view.semantic, view.class_table, s)[2] for s in range(60)]
    assert any(not c["present"] for m in metas for c in m["classes"])
    assert any(m["unlisted_present"] for m in metas)
    assert len({tuple(sorted(c["name"] for c in m["classes"])) for m in metas}) > 10


@settings(max_examples=60, deadline=None)
@given(arrays(np.uint8, (6, 7, 3)), st.integers(0, 1000))
def test_decode_arbitrary_rgb(view, img, seed):
    _, prompt, meta = encode_semantic(view.semantic, view.class_table, seed)
    dec = decode_semantic(img, meta)
    assert dec.shape == (6, 7) and dec.dtype == np.uint16
    assert set(np.unique(dec)) <= {0} | {c["id"] for c in meta["classes"]}


def test_errors_name_the_problem(view):
    with pytest.raises(ValueError, match="not in class_table"):
        encode_semantic(view.semantic, {}, 0)
    with pytest.raises(ValueError, match="label map"):
        encode_semantic(np.zeros((2, 2, 3), np.uint16), view.class_table, 0)
    with pytest.raises(ValueError, match="no colour mapping"):
        decode_semantic(np.zeros((2, 2, 3), np.uint8), "Segment the image.")
    with pytest.raises(ValueError, match="has no id"):
        decode_semantic(np.zeros((2, 2, 3), np.uint8), '{"unicorn": <1,2,3>}')
    assert decode_semantic(np.zeros((2, 2, 3), np.uint8), '{"unicorn": <1,2,3>}', class_ids={"unicorn": 99}).max() == 99
    with pytest.raises(ValueError, match="channels"):
        decode_semantic(np.zeros((2, 2, 4), np.uint8), '{"chair": <1,2,3>}')


def test_many_classes_stay_separated_and_decodable():
    labels = np.arange(1, 61, dtype=np.uint16).reshape(6, 10).repeat(3, axis=0).repeat(3, axis=1)
    table = {i: f"class{i}" for i in range(1, 61)}
    vocab = {f"extra{i}": 100 + i for i in range(5)}
    for form in ("name", "hex"):
        target, prompt, meta = encode_semantic(labels, table, 1, mapping_form="json", color_form=form, vocabulary=vocab)
        colors = [c["rgb"] for c in meta["classes"]] + [meta["background_rgb"]]
        assert min_pairwise_distance(colors) >= meta["min_color_distance"] > 40
        assert meta["color_form"] == "hex"
        ids = {c["name"]: c["id"] for c in meta["classes"]}
        assert np.array_equal(decode_semantic(target, prompt, class_ids=ids), expected_semantic(labels, meta))


names = st.from_regex(r"[a-z][a-z0-9 _/'-]{0,14}[a-z]", fullmatch=True).filter(
    lambda n: n != "background" and "  " not in n)


@settings(max_examples=60, deadline=None)
@given(st.lists(names, min_size=1, max_size=8, unique=True), st.integers(0, 2**31), st.sampled_from(FORMS))
def test_arbitrary_class_names_parse_back(class_names, seed, form):
    labels = (np.arange(24, dtype=np.uint16) % len(class_names) + 1).reshape(4, 6)
    table = {i + 1: n for i, n in enumerate(class_names)}
    target, prompt, meta = encode_semantic(labels, table, seed, mapping_form=form[0], color_form=form[1], vocabulary={})
    ids = {c["name"]: c["id"] for c in meta["classes"]}
    assert parse_semantic_prompt(prompt)[:-1] == [(c["name"], tuple(c["rgb"])) for c in meta["classes"]]
    assert np.array_equal(decode_semantic(target, prompt, class_ids=ids), expected_semantic(labels, meta))


def test_unwritable_class_name():
    with pytest.raises(ValueError, match="cannot be written"):
        encode_semantic(np.ones((2, 2), np.uint16), {1: 'the "best" chair'}, 0)
