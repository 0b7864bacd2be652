"""pipeline.wds: plain webdataset reads 16-bit ids and float EXRs exactly with our handlers first."""

from __future__ import annotations

import numpy as np
import webdataset as wds

from pipeline.formats import exr_bytes, png_bytes
from pipeline.wds import DECODERS


def _write(tmp_path):
    ids = (np.arange(48 * 64, dtype=np.uint16).reshape(48, 64) * 17) % 4000  # ids up to 3999
    depth = np.linspace(0.5, 80.0, 48 * 64, dtype=np.float32).reshape(48, 64)
    depth[0, 0] = np.inf
    path = tmp_path / "views-000000.tar"
    with wds.TarWriter(str(path)) as sink:
        sink.write({"__key__": "v0", "instance.png": png_bytes(ids), "semantic.png": png_bytes(ids),
                    "depth.exr": exr_bytes(depth), "rgb.png": png_bytes(np.zeros((48, 64, 3), np.uint8)),
                    "json": b'{"key": "v0"}'})
    return path, ids, depth


def test_ids_above_255_and_float_depth_survive(tmp_path):
    path, ids, depth = _write(tmp_path)
    [sample] = list(wds.WebDataset(str(path), shardshuffle=False).decode(*DECODERS, "pil"))
    assert sample["instance.png"].dtype == np.uint16 and np.array_equal(sample["instance.png"], ids)
    assert np.array_equal(sample["semantic.png"], ids)
    assert sample["depth.exr"].dtype == np.float32 and np.array_equal(sample["depth.exr"], depth)
    assert sample["rgb.png"].size == (64, 48)  # everything else: the next handler (PIL here)
    assert sample["json"] == {"key": "v0"}


def test_plain_pil_decoding_loses_the_ids(tmp_path):
    """The trap the handlers avoid (README, "Read it with other tools")."""
    path, ids, _ = _write(tmp_path)
    [sample] = list(wds.WebDataset(str(path), shardshuffle=False).decode("pil"))
    assert not np.array_equal(np.asarray(sample["instance.png"]).astype(np.int64), ids)
