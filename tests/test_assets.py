"""Asset manifest: generators, bundled HDRIs, and user assets checked before rendering (no Blender)."""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import pkgutil
import random
import struct

import pytest

import scenes
from scenes import build, sizes
from tiny_job import primitive_params
from scenes.assets import (AssetError, check_hdris, check_user_assets, generators, hdris, hdris_for,
                           load_user_assets)

BUNDLED = {"city", "courtyard", "forest", "interior", "night", "studio", "sunrise", "sunset"}


def write_gltf(folder, name="tri", external_bin=False):
    """A one-triangle glTF 2.0 file (embedded or external buffer); returns its path."""
    positions = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)
    buffer = {"byteLength": len(positions)}
    if external_bin:
        (folder / f"{name}.bin").write_bytes(positions)
        buffer["uri"] = f"{name}.bin"
    else:
        buffer["uri"] = "data:application/octet-stream;base64," + base64.b64encode(positions).decode()
    doc = {
        "asset": {"version": "2.0"},
        "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "buffers": [buffer],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(positions)}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
                       "min": [0, 0, 0], "max": [1, 1, 0]}],
    }
    path = folder / f"{name}.gltf"
    path.write_text(json.dumps(doc))
    return path


def manifest(tmp_path, entries):
    lines = ["assets:"]
    for e in entries:
        lines.append(f"  - name: {e['name']}")
        for k in ("path", "class", "scale", "licence", "sha256"):
            lines.append(f"    {k}: {json.dumps(e[k])}")
    path = tmp_path / "user_assets.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def entry(name, rel, digest, cls="chair"):
    return {"name": name, "path": rel, "class": cls, "scale": 1.0, "licence": "CC0", "sha256": digest}


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "assets"
    (r / "models").mkdir(parents=True)
    return r


def test_valid_gltf_passes_and_resolves(root, tmp_path):
    path = write_gltf(root / "models")
    ext = write_gltf(root / "models", "ext", external_bin=True)
    assets = load_user_assets(manifest(tmp_path, [entry("tri", "models/tri.gltf", sha(path)),
                                                  entry("ext", "models/ext.gltf", sha(ext), "box")]))
    resolved = check_user_assets(assets, root)
    assert resolved == {"tri": path.resolve(), "ext": ext.resolve()}
    assert assets[0].format == "gltf" and assets[0].class_name == "chair"


def test_missing_file_names_the_asset(root, tmp_path):
    assets = load_user_assets(manifest(tmp_path, [entry("ghost_chair", "models/nope.gltf", "0" * 64)]))
    with pytest.raises(AssetError, match="'ghost_chair': file not found"):
        check_user_assets(assets, root)


def test_wrong_checksum_names_the_asset(root, tmp_path):
    path = write_gltf(root / "models")
    assets = load_user_assets(manifest(tmp_path, [entry("tampered", "models/tri.gltf", "a" * 64)]))
    with pytest.raises(AssetError, match=f"'tampered': sha256 mismatch .*file {sha(path)}"):
        check_user_assets(assets, root)


@pytest.mark.parametrize("rel", ["../outside.gltf", "/etc/passwd.gltf", "models/../../outside.gltf"])
def test_path_outside_root_names_the_asset(root, tmp_path, rel):
    outside = write_gltf(tmp_path, "outside")
    assets = load_user_assets(manifest(tmp_path, [entry("escapee", rel, sha(outside))]))
    with pytest.raises(AssetError, match="'escapee': path .* is outside the asset root"):
        check_user_assets(assets, root)


def test_symlink_out_of_root_is_refused(root, tmp_path):
    outside = write_gltf(tmp_path, "outside")
    (root / "models" / "link.gltf").symlink_to(outside)
    assets = load_user_assets(manifest(tmp_path, [entry("linked", "models/link.gltf", sha(outside))]))
    with pytest.raises(AssetError, match="'linked': path .* is outside the asset root"):
        check_user_assets(assets, root)


def test_gltf_missing_buffer_names_the_asset(root, tmp_path):
    path = write_gltf(root / "models", "ext", external_bin=True)
    (root / "models" / "ext.bin").unlink()
    assets = load_user_assets(manifest(tmp_path, [entry("no_bin", "models/ext.gltf", sha(path))]))
    with pytest.raises(AssetError, match="'no_bin': referenced buffer 'ext.bin' not found"):
        check_user_assets(assets, root)


def test_bad_entries_are_rejected_by_name(root, tmp_path):
    path = write_gltf(root / "models")
    with pytest.raises(AssetError, match="'unknown_class': class 'spaceship'"):
        check_user_assets(load_user_assets(manifest(tmp_path, [entry("unknown_class", "models/tri.gltf", sha(path),
                                                                     "spaceship")])), root)
    with pytest.raises(AssetError, match="'texture'.*not a glTF"):
        check_user_assets(load_user_assets(manifest(tmp_path, [entry("texture", "models/tri.png", sha(path))])), root)
    with pytest.raises(AssetError, match="'twice' appears twice"):
        load_user_assets(manifest(tmp_path, [entry("twice", "a.obj", "0" * 64), entry("twice", "b.obj", "0" * 64)]))
    bad = manifest(tmp_path, [entry("short_sum", "a.obj", "abc")])
    with pytest.raises(AssetError, match="'short_sum'"):
        load_user_assets(bad)


def test_shipped_user_manifest_is_empty_and_valid(root):
    assert check_user_assets(load_user_assets(), root) == {}


def test_hdris_are_the_bundled_eight():
    assert set(hdris()) == BUNDLED
    assert hdris_for("outdoor") and hdris_for("night") == ("night",)
    status = check_hdris()
    pytest.importorskip("bpy")  # present in the project venv; the manifest checksums are bpy 4.2's
    assert set(status.values()) <= {"ok", "checksum differs"}


def test_generator_manifest_is_valid_and_sourced():
    gens = generators()
    assert len(gens) >= 40
    for name, g in gens.items():
        assert g.source and g.module.startswith("scenes."), name


def test_every_manifest_generator_is_used(monkeypatch):
    """Generating scenes draws sizes from every manifest entry: the table documents what the code does."""
    used = set()
    real = sizes.sample

    def spy(rng, name):
        used.add(name)
        return real(rng, name)

    for info in pkgutil.iter_modules(scenes.__path__):
        if info.name == "calibration":  # owned by the render side; it may need Blender
            continue
        module = importlib.import_module(f"scenes.{info.name}")
        if getattr(module, "sample", None) is real:
            monkeypatch.setattr(module, "sample", spy)
    for fam in ("indoor_room", "outdoor_street", "outdoor_nature"):
        for seed in range(40):
            build(fam, {"views": 1, **primitive_params(fam)}, seed, "u")
    assert set(generators()) - used == set()


def test_sampled_sizes_stay_in_range():
    rng = random.Random(0)
    for name in generators():
        for _ in range(20):
            got = sizes.sample(rng, name)
            for key, (lo, hi) in sizes.ranges(name).items():
                assert lo <= got[key] <= hi
    with pytest.raises(KeyError, match="'nope' has no entry"):
        sizes.sample(rng, "nope")
