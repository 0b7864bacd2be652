"""What the pairs of a finished dataset teach (issue 13): task shares, and how readable the instance pairs
are to the paper's decoder.

    .venv/bin/python benchmarks/label_fidelity.py out/quickstart

For every instance pair, each instance of the prompted class in the view is matched against the decoded
target: below the decoder's minimum area, recovered (IoU >= 0.9), or not. A pair is unreadable when no
instance decodes back, and fully readable when every painted instance does. Works on datasets written
before instance pairs listed ``ignored`` instances too (then every instance of the class was painted).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import numpy as np

import pipeline
from pipeline.codecs.instance import MIN_AREA_FRACTION
from pipeline.codecs.metrics import match_masks
from pipeline.tasks import get

RECOVERED_IOU = 0.9


def instance_readability(ds) -> dict:
    task = get("instance")
    pairs = painted = small = recovered = ignored = unreadable = fully = low_mean = 0
    for s in ds.filter(task="instance"):
        inst = np.asarray(s.labels.instance)
        painted_ids = [o["instance_id"] for o in s.meta["instances"]]
        ignored += len(s.meta.get("ignored", ()))
        ious = match_masks([inst == i for i in painted_ids], task.decode(s.target, s.meta)) if painted_ids else []
        pairs += 1
        painted += len(painted_ids)
        small += sum(int((inst == i).sum() < MIN_AREA_FRACTION * inst.size) for i in painted_ids)
        ok = sum(v >= RECOVERED_IOU for v in ious)
        recovered += ok
        unreadable += int(not any(v >= 0.5 for v in ious))
        fully += int(ok == len(ious) and ious != [])
        low_mean += int(bool(ious) and float(np.mean(ious)) < 0.5)
    return {"instance_pairs": pairs, "painted_instances": painted, "painted_below_min_area": small,
            "recovered_iou_0.9": recovered, "ignored_instances": ignored,
            "pairs_without_a_decodable_instance": unreadable, "pairs_with_mean_iou_below_0.5": low_mean,
            "pairs_fully_recovered": fully,
            "share_fully_recovered": round(fully / pairs, 4) if pairs else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    args = ap.parse_args()
    ds = pipeline.open_dataset(args.dataset)
    counts = Counter(ds.pairs["task"].to_pylist())
    total = sum(counts.values())
    report = {"pairs": total, "task_shares": {t: round(n / total, 4) for t, n in sorted(counts.items())},
              "instance": instance_readability(ds)}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
