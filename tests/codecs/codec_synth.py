"""A synthetic scene and rendered view built from numpy arrays (no Blender) for codec tests and benchmarks.

Layout (image coordinates): sky at the top (depth +inf, no normal), a wall band, a floor at the bottom,
a table with a lamp on it, two chairs of different size/colour/position and a small box.
"""

from __future__ import annotations

import numpy as np

from pipeline.view import View
from pipeline.scene_spec import Camera, Material, Part, SceneObject, SceneSpec, World, look_at

CLASS_IDS = {"floor": 1, "wall": 2, "table": 4, "chair": 5, "box": 18, "lamp": 6}


def _mat(name: str, rgb) -> Material:
    return Material(kind="plastic", base_color=rgb, color_name=name)


def make_spec(width: int = 64, height: int = 48) -> SceneSpec:
    objs = (
        SceneObject(1, "floor", (Part("plane", (0, 0, 0), (10, 10, 0), _mat("gray", (0.5, 0.5, 0.5))),)),
        SceneObject(2, "wall", (Part("plane", (0, 5, 1.5), (10, 0, 3), _mat("white", (0.9, 0.9, 0.9))),)),
        SceneObject(3, "table", (
            Part("cube", (0, 2, 0.74), (1.2, 0.8, 0.04), _mat("brown", (0.4, 0.2, 0.1))),
            Part("cube", (0.5, 2.3, 0.36), (0.05, 0.05, 0.72), _mat("black", (0, 0, 0))),
        ), supported_by=1),
        SceneObject(4, "chair", (Part("cube", (-1, 1.5, 0.45), (0.5, 0.5, 0.9), _mat("red", (0.8, 0.1, 0.1))),),
                    supported_by=1),
        SceneObject(5, "chair", (Part("cube", (1.2, 2.5, 0.4), (0.4, 0.4, 0.8), _mat("blue", (0.1, 0.1, 0.8))),),
                    supported_by=1),
        SceneObject(6, "lamp", (Part("cylinder", (0.1, 2, 0.82), (0.08, 0.08, 0.12), _mat("yellow", (0.9, 0.9, 0.1))),),
                    supported_by=3),
        SceneObject(7, "box", (Part("cube", (2, 3, 0.2), (0.4, 0.4, 0.4), _mat("green", (0.1, 0.7, 0.1))),),
                    supported_by=1),
        SceneObject(8, "box", (Part("cube", (9, 9, 0.2), (0.4, 0.4, 0.4), _mat("green", (0.1, 0.7, 0.1))),),
                    supported_by=1),  # outside the view
    )
    cam = Camera(look_at((0, -2, 1.5), (0, 2, 0.7)), 60.0, width, height)
    return SceneSpec("scn000001", 1, "test_room", "indoor", objs, (), World(), (cam,))


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def make_view(width: int = 64, height: int = 48, seed: int = 0) -> View:
    """A view of :func:`make_spec` drawn with rectangles; object boxes scale with the image size."""
    rng = np.random.default_rng(seed)
    h, w = height, width
    inst = np.zeros((h, w), np.uint16)
    depth = np.full((h, w), np.inf, np.float32)
    normals = np.zeros((h, w, 3), np.float32)

    def box(iid, y0, y1, x0, x1, d, n):
        ys, ye, xs, xe = int(y0 * h), int(y1 * h), int(x0 * w), int(x1 * w)
        inst[ys:ye, xs:xe] = iid
        depth[ys:ye, xs:xe] = d
        normals[ys:ye, xs:xe] = _unit(n)

    box(2, 0.2, 0.5, 0.0, 1.0, 7.0, (0, 0, 1))
    box(1, 0.5, 1.0, 0.0, 1.0, 3.0, (0, 1, 0.2))
    depth[int(0.5 * h):] = np.linspace(6.0, 1.0, h - int(0.5 * h), dtype=np.float32)[:, None]
    box(3, 0.45, 0.7, 0.3, 0.7, 4.0, (0, 0.3, 1))
    box(6, 0.38, 0.45, 0.45, 0.52, 4.1, (0.3, 0, 1))
    box(4, 0.4, 0.85, 0.05, 0.28, 3.0, (-0.5, 0, 1))
    box(5, 0.45, 0.7, 0.75, 0.9, 5.0, (0.4, 0.1, 1))
    box(7, 0.55, 0.65, 0.92, 0.99, 6.0, (0, 0, 1))
    depth[inst > 0] *= 1.0 + 0.01 * rng.standard_normal(int((inst > 0).sum())).astype(np.float32)
    classes = {1: "floor", 2: "wall", 3: "table", 4: "chair", 5: "chair", 6: "lamp", 7: "box"}
    sem = np.zeros((h, w), np.uint16)
    for iid, cls in classes.items():
        sem[inst == iid] = CLASS_IDS[cls]
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    cam = np.eye(4)
    return View(
        scene_id="scn000001", view_index=0, rgb=rgb, depth=depth, normals=normals, instance=inst, semantic=sem,
        class_table={v: k for k, v in CLASS_IDS.items()}, instance_classes=classes,
        intrinsics={"fx": w / 1.15, "fy": w / 1.15, "cx": w / 2, "cy": h / 2, "width": w, "height": h},
        cam2world=cam,
    )


BUSY_CLASSES = ("table", "chair", "lamp", "cabinet", "box", "sphere")
_BUSY_COLOURS = ("red", "blue", "green", "yellow", "white", "black", "brown", "gray")


def make_busy_view(size: int = 512, n_objects: int = 24, seed: int = 0) -> tuple[SceneSpec, View]:
    """A cluttered room: floor, wall and ``n_objects`` overlapping ellipses of 6 classes, with smooth depth
    and per-object normals, for benchmarks and stress tests. Returns (spec, view)."""
    rng = np.random.default_rng(seed)
    h = w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) / size
    inst = np.where(yy < 0.45, 2, 1).astype(np.uint16)
    depth = np.where(yy < 0.45, 8.0, 1.0 + 7.0 * (1.0 - yy)).astype(np.float32)
    normals = np.zeros((h, w, 3), np.float32)
    normals[yy < 0.45] = (0, 0, 1)
    normals[yy >= 0.45] = _unit((0, 1, 0.3))
    depth[yy < 0.05] = np.inf
    inst[yy < 0.05] = 0
    normals[yy < 0.05] = 0
    objs = [SceneObject(1, "floor", (Part("plane", (0, 0, 0), (10, 10, 0), _mat("gray", (0.5,) * 3)),)),
            SceneObject(2, "wall", (Part("plane", (0, 5, 1.5), (10, 0, 3), _mat("white", (0.9,) * 3)),))]
    classes = {1: "floor", 2: "wall"}
    dists = np.sort(rng.uniform(1.5, 7.5, n_objects))[::-1]  # paint far to near
    for k, d in zip(range(n_objects), dists):
        iid = 3 + k
        cls = BUSY_CLASSES[int(rng.integers(len(BUSY_CLASSES)))]
        colour = _BUSY_COLOURS[int(rng.integers(len(_BUSY_COLOURS)))]
        dims = tuple(float(v) for v in rng.uniform(0.1, 1.2, 3))
        cy, cx = rng.uniform(0.2, 0.95), rng.uniform(0.05, 0.95)
        ry, rx = rng.uniform(0.02, 0.12, 2) * 3.0 / d
        m = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1.0
        inst[m] = iid
        depth[m] = d * (1.0 + 0.05 * (xx[m] - cx))
        normals[m] = _unit(rng.normal(size=3) * (1, 1, 0.3) + (0, 0, 1.5))
        classes[iid] = cls
        objs.append(SceneObject(iid, cls, (Part("cube", (float(cx), float(d), dims[2] / 2), dims,
                                                _mat(colour, (0.5,) * 3)),), supported_by=1))
    ids = {**CLASS_IDS, "cabinet": 7, "sphere": 17}
    lut = np.zeros(int(inst.max()) + 1, np.uint16)
    for iid, cls in classes.items():
        lut[iid] = ids[cls]
    sem = lut[inst]
    table = {ids[c]: c for c in set(classes.values())}
    spec = SceneSpec("scnbusy", seed, "test_room", "indoor", tuple(objs), (), World(),
                     (Camera(look_at((0, -2, 1.5), (0, 2, 0.7)), 60.0, w, h),))
    view = View(
        scene_id="scnbusy", view_index=0, rgb=rng.integers(0, 256, (h, w, 3), dtype=np.uint8), depth=depth,
        normals=normals, instance=inst, semantic=sem, class_table=table, instance_classes=classes,
        intrinsics={"fx": w / 1.15, "fy": w / 1.15, "cx": w / 2, "cy": h / 2, "width": w, "height": h},
        cam2world=np.eye(4),
    )
    return spec, view
