"""Prompt library: ids and versions, seeded choice, every template parses back what it renders."""

import numpy as np
import pytest

from pipeline.codecs import prompts

FAMILIES = ["depth", "normals", "semantic", "instance", "referring", "referring_multi"]
VALUES = {"cmap": "plasma", "near": "0", "far": "20", "mapping": '{"chair": <1,2,3>}', "cls": "dining table",
          "background": "black", "phrase": "the red chair on the left", "color": "sky blue",
          "assignments": "the chair is rendered cyan, the lamp is rendered yellow"}


@pytest.mark.parametrize("family", FAMILIES)
def test_templates_render_and_parse(family):
    ts = prompts.templates(family)
    assert len(ts) >= 3 and len({t.id for t in ts}) == len(ts) and len({t.text for t in ts}) == len(ts)
    for t in ts:
        assert t.version >= 1 and prompts.by_id(t.id) == t
        fields = {f: VALUES[f] for f in t.fields}
        text = t.render(**fields)
        found, parsed = prompts.parse(family, text)
        assert found == t and parsed == fields


def test_choice_is_seeded_and_varied():
    picks = [prompts.choose("semantic", np.random.default_rng(s)).id for s in range(40)]
    assert picks == [prompts.choose("semantic", np.random.default_rng(s)).id for s in range(40)]
    assert len(set(picks)) == len(prompts.templates("semantic"))


def test_unknown_family_and_prompt():
    with pytest.raises(ValueError, match="unknown prompt family"):
        prompts.templates("optical_flow")
    with pytest.raises(ValueError, match="does not match"):
        prompts.parse("instance", "Hello")
    with pytest.raises(ValueError, match="str"):
        prompts.parse("instance", None)
