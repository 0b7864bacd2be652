"""Reading throughput (pairs/s, one core) of the clients a training job would use, on a finished dataset.

    .venv/bin/python benchmarks/read_throughput.py out/quickstart [--epochs 5]

- plain webdataset: ``wds.WebDataset(shards)`` with ``pipeline.loader.decode_sample`` (input and target
  PNGs to uint8 arrays, prompt, json), no project code in the reading itself;
- Hugging Face ``datasets`` streaming through the dataset card (``load_dataset(root, "pairs",
  streaming=True)``), images converted to numpy arrays;
- the floor: the same arrays already decoded in memory, only copied (``np.copy``), so the gap to it is
  what reading and decoding cost.
Each path reads every pair ``--epochs`` times; the best epoch counts (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402


def _best(fn, epochs: int) -> tuple[float, int]:
    rates, n = [], 0
    for _ in range(epochs):
        t0 = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - t0))
    return max(rates), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args()
    import webdataset as wds
    from datasets import load_dataset

    from pipeline.loader import decode_sample

    manifest = json.load(open(os.path.join(args.dataset, "manifest.json")))
    shards = [os.path.join(args.dataset, s["name"]) for s in manifest["series"]["pairs"]]

    def plain() -> int:
        n = 0
        for s in wds.WebDataset(shards, shardshuffle=False).map(decode_sample):
            n += int(s["target.png"].size > 0)
        return n

    def hf() -> int:
        n = 0
        for row in load_dataset(args.dataset, "pairs", split="train", streaming=True):
            n += int(np.asarray(row["target.png"].convert("RGB")).size > 0 and np.asarray(row["input.png"]).size > 0)
        return n

    arrays = [(s["input.png"], s["target.png"]) for s in wds.WebDataset(shards, shardshuffle=False).map(decode_sample)]

    def floor() -> int:
        for a, b in arrays:
            np.copy(a), np.copy(b)
        return len(arrays)

    out = {}
    for name, fn in (("numpy_copy_floor", floor), ("plain_webdataset", plain), ("hf_datasets_streaming", hf)):
        rate, n = _best(fn, args.epochs)
        out[name] = {"pairs_per_s": round(rate, 1), "pairs": n}
    h, w = arrays[0][0].shape[:2]
    print(json.dumps({"dataset": args.dataset, "image": f"{w}x{h}", **out}, indent=1))


if __name__ == "__main__":
    main()
