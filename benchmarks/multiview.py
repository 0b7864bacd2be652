"""Flow and disparity targets of a dataset against correspondence computed independently of the tasks.

For every flow and disparity pair the stored target is decoded with its task's decoder and compared with
a reprojection written here from the views' stored depth labels and poses alone, by another route than
``pipeline.correspondence``: each first-view pixel is lifted to a *world* point (``cam2world``), projected
through the inverse of the second view's pose, and called visible when the second view's depth at the
pixel holding the projection (nearest) or at the bilinear position agrees within 1 % + 2 mm. Disparity is
also checked against ``fx B / z`` from the rig's baseline. Reported per task: pixels compared, median and
max end-point error (px), the share of first-view pixels whose visible/hidden state agrees, and the
codec's bound at the median flow length.

    python benchmarks/multiview.py out/multiview [--json out/multiview_check.json]
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from pipeline.consumers.dataset import open_dataset


def independent_flow(first, second, rel_tol: float = 0.01, abs_tol_m: float = 0.002):
    """(flow HxWx2, visible HxW) from the first view to the second, through world coordinates."""
    depth, k = first.depth.astype(np.float64), first.intrinsics
    h, w = depth.shape
    ii, jj = np.mgrid[0:h, 0:w]
    x, y = jj + 0.5, ii + 0.5
    finite = np.isfinite(depth)
    z = np.where(finite, depth, 1.0)
    cam = np.stack([(x - k["cx"]) / k["fx"] * z, -(y - k["cy"]) / k["fy"] * z, -z, np.ones_like(z)], axis=-1)
    world = cam @ np.asarray(first.cam2world, dtype=np.float64).T
    in_b = world @ np.linalg.inv(np.asarray(second.cam2world, dtype=np.float64)).T
    kb = second.intrinsics
    zb = -in_b[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        xb = kb["cx"] + kb["fx"] * in_b[..., 0] / zb
        yb = kb["cy"] - kb["fy"] * in_b[..., 1] / zb
    db = second.depth.astype(np.float64)
    hb, wb = db.shape
    inside = finite & (zb > 0) & (xb >= 0) & (xb < wb) & (yb >= 0) & (yb < hb)
    tol = abs_tol_m + rel_tol * zb
    near = np.full(depth.shape, np.inf)
    near[inside] = db[yb[inside].astype(int), xb[inside].astype(int)]
    j0 = np.clip(np.floor(np.where(inside, xb, 0.5) - 0.5), 0, wb - 2).astype(int)
    i0 = np.clip(np.floor(np.where(inside, yb, 0.5) - 0.5), 0, hb - 2).astype(int)
    s, t = np.where(inside, xb, 0.5) - 0.5 - j0, np.where(inside, yb, 0.5) - 0.5 - i0
    inv = 1.0 / db
    bil = ((1 - s) * (1 - t) * inv[i0, j0] + s * (1 - t) * inv[i0, j0 + 1]
           + (1 - s) * t * inv[i0 + 1, j0] + s * t * inv[i0 + 1, j0 + 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        visible = inside & ((np.abs(near - zb) <= tol) | (np.abs(1.0 / bil - zb) <= tol))
    return np.stack([xb - x, yb - y], axis=-1), visible


def check(root: str) -> dict:
    ds = open_dataset(root)
    out = {}
    for task in ("flow", "disparity"):
        errs, states, saturated, n_pairs, rig = [], [], 0, 0, []
        for sample in ds.filter(task=task):
            first, second = sample.labels
            decoded, state = sample.decoded
            flow, visible = independent_flow(first, second)
            states.append(((state == 0) == visible).ravel())
            both = visible & (state == 0)
            if task == "flow":
                truth, dec = flow[both], decoded[both].astype(np.float64)
                saturated += int((np.hypot(*truth.T) > sample.meta["range_px"]).sum())
                errs.append(np.hypot(*(dec - truth).T))
            else:
                truth, dec = -flow[both][:, 0], decoded[both].astype(np.float64)
                errs.append(np.abs(dec - truth))
                fxbz = sample.meta["focal_px"] * sample.meta["baseline_m"] / first.depth[both].astype(np.float64)
                rig.append(np.abs(dec - fxbz))
            n_pairs += 1
        if not n_pairs:
            continue
        e, agree = np.concatenate(errs), np.concatenate(states)
        out[task] = {"pairs": n_pairs, "pixels_compared": int(e.size), "median_err_px": float(np.median(e)),
                     "p99_err_px": float(np.percentile(e, 99)), "max_err_px": float(e.max()),
                     "state_agreement": float(agree.mean()), "saturated_px": saturated}
        if rig:
            r = np.concatenate(rig)
            out[task].update({"rig_median_err_px": float(np.median(r)), "rig_max_err_px": float(r.max())})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root")
    ap.add_argument("--json")
    args = ap.parse_args()
    res = check(args.root)
    for task, r in res.items():
        print(f"{task:10s} " + " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
