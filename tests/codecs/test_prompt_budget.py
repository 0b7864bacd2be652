"""Prompt budget: CLIP token counts, and semantic mappings kept within the budget without losing a class."""

from __future__ import annotations


import numpy as np
import pytest

from codec_synth import make_view
from pipeline.codecs.clip_tokens import count_tokens
from pipeline.tasks import make_pairs
from pipeline.taxonomy import load_taxonomy


@pytest.mark.parametrize("text, n", [
    ("a photo of a cat", 5), ("Hello world!", 3), ("semantic segmentation", 4),
    ("(12, 200, 3)", 10),  # CLIP splits numbers into single digits
])
def test_clip_token_counts(text, n):
    assert count_tokens(text) == n


def _many_classes_view(n: int = 24):
    """A 96x96 view of ``n`` vertical stripes, each a different taxonomy class."""
    view = make_view(96, 96)
    names = sorted(load_taxonomy())[:n]
    ids = {name: c.id for name, c in load_taxonomy().items()}
    stripe = (np.arange(96) * n // 96)[None, :].repeat(96, axis=0)
    sem = np.array([ids[names[s]] for s in range(n)], np.uint16)[stripe]
    inst = (stripe + 1).astype(np.uint16)
    return view.replace(semantic=sem, instance=inst, class_table={ids[c]: c for c in names},
                   instance_classes={k + 1: names[k] for k in range(n)},
                   depth=np.full((96, 96), 3.0, np.float32))


def test_long_mappings_are_compacted_or_split_and_no_class_is_lost():
    view = _many_classes_view()
    budget = 75
    for seed in range(6):
        [full] = make_pairs(view, {}, seed, ["semantic"])
        assert full.meta["prompt_tokens"] > budget  # without a budget the prompt is too long for CLIP
        listed = {c["name"] for c in full.meta["classes"] if c["present"]}
        parts = make_pairs(view, {}, seed, ["semantic"], max_prompt_tokens=budget)
        assert parts and all(p.meta["prompt_tokens"] <= budget == budget for p in parts)
        assert all(p.meta["prompt_tokens"] == count_tokens(p.prompt) for p in parts)
        got = [c["name"] for p in parts for c in p.meta["classes"] if c["present"]]
        assert sorted(got) == sorted(listed)  # every listed class in exactly one part
        assert all(p.meta["roundtrip"]["wrong_pixels"] == 0 for p in parts)
        if len(parts) > 1:
            assert [p.meta["mapping_part"] for p in parts] == [[k, len(parts)] for k in range(len(parts))]
            assert len({p.key for p in parts}) == len(parts)


def test_short_prompts_are_left_alone_and_every_pair_records_its_tokens():
    view = make_view(64, 48)
    a = make_pairs(view, {}, 3, ["depth", "normals", "semantic", "instance"])
    b = make_pairs(view, {}, 3, ["depth", "normals", "semantic", "instance"], max_prompt_tokens=75)
    for p, q in zip(a, b):  # a prompt within the budget is kept as drawn
        assert (p.prompt == q.prompt) == (p.meta["prompt_tokens"] <= 75)
    assert all(0 < p.meta["prompt_tokens"] <= 75 for p in b)
