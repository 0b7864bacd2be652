"""PyTorch training feed over pair shards or a mix spec, built from plain webdataset stages.

Needs the ``torch`` extra (``pip install -e '.[torch]'``). Shards are split across nodes (``RANK`` /
``WORLD_SIZE`` or torch.distributed) and across DataLoader workers, so without resampling every sample
arrives exactly once per epoch as long as there are at least nodes x workers shards. With resampling each
worker draws shards at random for ever and ``epoch_samples`` sets how many samples an epoch has.

Members are decoded explicitly by :func:`decode_sample`: images to uint8 arrays, text, JSON, class
labels; pickle members (``.pyd``/``.pkl``, which webdataset's default decoders would unpickle) raise.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import webdataset as wds
from PIL import Image

from pipeline.shards import layout
from pipeline.shards.storage import Output
from pipeline.shards.tar_reader import FORBIDDEN_SUFFIXES
from pipeline.errors import NotADataset

IMAGE_EXTS = ("png", "jpg", "jpeg", "webp")


def decode_sample(sample: dict) -> dict:
    """Decode every member by its extension: images -> HxWx3 uint8 arrays, ``txt`` -> str, ``json`` -> object,
    ``cls`` -> int; other members stay bytes. A pickle member raises ValueError."""
    out = {}
    for name, value in sample.items():
        if name.startswith("__"):
            out[name] = value
            continue
        ext = name.rsplit(".", 1)[-1].lower()
        if name.endswith(FORBIDDEN_SUFFIXES) or ext in ("pyd", "pkl", "pickle"):
            raise ValueError(f"{sample.get('__key__')}: pickle member {name!r} refused")
        if ext in IMAGE_EXTS:
            out[name] = np.array(Image.open(io.BytesIO(value)).convert("RGB"))
        elif ext == "txt":
            out[name] = value.decode("utf-8")
        elif ext == "json":
            out[name] = json.loads(value)
        elif ext == "cls":
            out[name] = int(value)
        else:
            out[name] = value
    return out


def _as_is(sample):
    """DataLoader collate function that leaves samples alone (the default would turn arrays into tensors)."""
    return sample


def _to_tensors(sample: dict) -> dict:
    import torch

    return {k: torch.from_numpy(np.ascontiguousarray(v.transpose(2, 0, 1))) if isinstance(v, np.ndarray) else v
            for k, v in sample.items()}


def _sources(source) -> list[dict]:
    """Normalise ``source`` to mix-spec sources: a dataset root, a mix spec (path or dict) or shard URLs."""
    if isinstance(source, dict):
        return source["sources"]
    if isinstance(source, (list, tuple)):
        return [{"name": "shards", "weight": 1.0, "urls": [str(u) for u in source]}]
    text = str(source)
    if text.endswith(".json"):
        return json.loads(Path(text).read_text())["sources"]
    output = Output(text)
    if not output.exists(layout.MANIFEST):
        raise NotADataset(f"{text}: neither a mix spec (.json) nor a dataset root with manifest.json")
    shards = output.read_json(layout.MANIFEST)["series"]["pairs"]
    return [{"name": "pairs", "weight": 1.0, "urls": [output.url(s["name"]) for s in shards]}]


def _stream(src: dict, resampled: bool, shuffle_shards: bool, seed: int):
    shardshuffle = 100 if shuffle_shards and not resampled else False
    ds = wds.WebDataset(src["urls"], resampled=resampled, shardshuffle=shardshuffle, seed=seed, empty_check=False,
                        nodesplitter=wds.split_by_node, workersplitter=wds.split_by_worker)
    if src.get("key_regex"):
        pattern = re.compile(src["key_regex"])
        ds = ds.select(lambda s: pattern.search(s["__key__"]) is not None)
    return ds


def make_loader(source, *, batch_size: int | None = None, num_workers: int = 2, resampled: bool = False,
                shuffle: int = 0, epoch_samples: int | None = None, seed: int = 0, to_tensor: bool = True):
    """A ``wds.WebLoader`` (a torch DataLoader) over ``source``: a dataset root (its pair shards), a mix
    spec from ``pipeline mix`` (path or dict; sources drawn by weight with ``RandomMix``) or shard URLs.

    ``shuffle``: sample shuffle buffer (0 = keep shard order, and shards are then not shuffled either).
    ``resampled``: draw shards with replacement for ever; ``epoch_samples`` then bounds an epoch (per node).
    ``batch_size``: None yields single samples, otherwise lists of samples (image sizes may differ).
    ``to_tensor``: images become uint8 CxHxW torch tensors instead of HxWx3 numpy arrays."""
    sources = _sources(source)
    streams = [_stream(s, resampled, shuffle > 0, seed) for s in sources]
    if len(streams) == 1:
        stages = [streams[0]]
    else:
        stages = [wds.RandomMix(streams, [float(s["weight"]) for s in sources], longest=not resampled)]
    stages.append(wds.map(decode_sample))
    if shuffle:
        stages.append(wds.shuffle(shuffle, seed=seed))
    if to_tensor:
        stages.append(wds.map(_to_tensors))
    if batch_size:
        stages.append(wds.batched(batch_size, collation_fn=list))
    data = wds.DataPipeline(*stages)
    if epoch_samples:
        data = data.with_epoch(max(1, epoch_samples // max(num_workers, 1) // (batch_size or 1)))
    return wds.WebLoader(data, batch_size=None, num_workers=num_workers, collate_fn=_as_is)
