"""Codec benchmark on one core: encoding every target of one 512x512 view (goal <= 50 ms) and decoding a
1024x1024 arbitrary-RGB depth image (goal <= 150 ms), each next to its floor, a numpy copy of the same
bytes. Also reports the full ``make_pairs`` cost with round-trip figures and a few other decoders.

The view is the synthetic cluttered room of ``tests/codecs/codec_synth.py`` (floor, wall, sky and 24
overlapping objects of 6 classes): 14 pairs per view (depth, normals, semantic, one instance pair per
class, two single-object and one multi-object referring pair). Times are the median (and min) of
``--repeats`` runs; the process is pinned to one CPU and BLAS to one thread.

    .venv/bin/python benchmarks/codecs.py --repeats 15
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.codecs import (  # noqa: E402
    cluster_instances,
    decode_depth,
    decode_normals,
    decode_semantic,
    encode_depth,
    encode_instance,
    encode_normals,
    encode_semantic,
)
from pipeline.tasks import make_pairs, names  # noqa: E402

TASKS = names()
from pipeline.scene_graph import build_scene_graph  # noqa: E402


def _synth():
    spec = importlib.util.spec_from_file_location("codec_synth", ROOT / "tests" / "codecs" / "codec_synth.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def timed(fn, repeats: int) -> dict:
    fn()  # warm-up (imports, caches)
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return {"median_ms": round(statistics.median(ts) * 1e3, 2), "min_ms": round(min(ts) * 1e3, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    r = args.repeats
    synth = _synth()
    spec, view = synth.make_busy_view(512, 24, seed=0)
    graph = build_scene_graph(spec, view)
    pairs = make_pairs(view, graph, 1, TASKS, roundtrip=False)
    nbytes = sum(p.target.nbytes for p in pairs)
    src = np.random.default_rng(0).integers(0, 256, nbytes, dtype=np.uint8)

    rng = np.random.default_rng(1)
    rgb1k = rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8)
    _, big = synth.make_busy_view(1024, 24, seed=1)
    depth_out = encode_depth(big.depth)
    noisy = np.clip(depth_out.astype(np.int16) + rng.integers(-3, 4, depth_out.shape), 0, 255).astype(np.uint8)
    sem_t, _, sem_meta = encode_semantic(big.semantic, big.class_table, 0)
    inst_t, _, inst_meta = encode_instance(big.instance, big.instance_classes, "sphere", 0)
    inst_noisy = np.clip(inst_t.astype(np.int16) + rng.integers(-3, 4, inst_t.shape), 0, 255).astype(np.uint8)
    normals_t = encode_normals(big.normals)

    res = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs visible, pinned to 1, numpy {np.__version__}, "
                   f"Python {platform.python_version()}",
        "pairs_per_view": len(pairs),
        "target_bytes_per_view": nbytes,
        "encode_all_targets_512": timed(lambda: make_pairs(view, graph, 1, TASKS, roundtrip=False), r),
        "floor_copy_target_bytes_512": timed(lambda: src.copy(), r),
        "make_pairs_with_roundtrip_512": timed(lambda: make_pairs(view, graph, 1, TASKS), r),
        "scene_graph_512": timed(lambda: build_scene_graph(spec, view), r),
    }
    for task in TASKS:
        res[f"encode_{task}_512"] = timed(lambda t=task: make_pairs(view, graph, 1, [t], roundtrip=False), r)
    res.update({
        "decode_depth_random_rgb_1024": timed(lambda: decode_depth(rgb1k), r),
        "decode_depth_noisy_target_1024": timed(lambda: decode_depth(noisy), r),
        "floor_copy_rgb_1024": timed(lambda: rgb1k.copy(), r),
        "floor_copy_float32_depth_1024": timed(lambda: big.depth.copy(), r),
        "encode_depth_1024": timed(lambda: encode_depth(big.depth), r),
        "decode_normals_1024": timed(lambda: decode_normals(normals_t), r),
        "decode_semantic_1024": timed(lambda: decode_semantic(sem_t, sem_meta), r),
        "decode_instance_clean_1024": timed(lambda: cluster_instances(inst_t, inst_meta["background_rgb"]), r),
        "decode_instance_noisy_1024": timed(lambda: cluster_instances(inst_noisy, inst_meta["background_rgb"]), r),
        "decode_instance_random_rgb_1024": timed(lambda: cluster_instances(rgb1k, (0, 0, 0)), max(3, r // 5)),
    })
    for k, v in res.items():
        print(f"{k:40s} {v}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
