"""The user's asset library, checked before anything renders (no Blender): every refusal names the
entry; the dressing step (materials, the HDRI pool) is a pure function of the spec and the catalogue.
Baking and rendering with user assets: tests/test_user_assets_render.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from asset_kit import sha, write_exr, write_glb, write_obj, write_pbr
from pipeline.cli import main
from scenes import build
from scenes.shared.assets import AssetError, hdris_for
from scenes.shared.content import Catalogue, UserContent, UserRef, Variant
from scenes.shared.user_assets import check_library, folder_sha256, load_user_library, material_maps, plausible_size
from scenes.shared.user_content import dress, models_for


@pytest.fixture
def root(tmp_path) -> Path:
    r = tmp_path / "assets"
    (r / "models").mkdir(parents=True)
    write_glb(r / "models" / "chair.glb", (0.5, 0.5, 0.9))
    write_obj(r / "models" / "cabinet.obj", (0.8, 0.4, 1.6))
    (r / "hdri").mkdir()
    write_exr(r / "hdri" / "red.exr")
    write_pbr(r / "materials" / "Green001", layout="ambientcg")
    write_pbr(r / "materials" / "grass_field", layout="polyhaven", dx=True)
    return r


def model(name="chair", path="models/chair.glb", root=None, **kw):
    entry = {"name": name, "path": path, "class": "chair", "target_size": 0.9, "placement": "floor",
             "licence": "CC0 (test)", "sha256": sha(root / path) if root and (root / path).is_file() else "0" * 64}
    return {**entry, **kw}


def hdri(root, name="red", path="hdri/red.exr", **kw):
    return {"name": name, "path": path, "use": ["outdoor", "nature"], "licence": "CC0 (test)",
            "sha256": sha(root / path) if (root / path).is_file() else "0" * 64, **kw}


def material(root, name="green", path="materials/Green001", **kw):
    folder = root / path
    return {"name": name, "path": path, "applies_to": ["floor"], "size_m": 1.0, "licence": "CC0 (test)",
            "sha256": folder_sha256(folder) if folder.is_dir() else "0" * 64, **kw}


def write_manifest(tmp_path, models=(), hdris=(), materials=()) -> Path:
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump({"models": list(models), "hdris": list(hdris), "materials": list(materials)}))
    return path


def check(tmp_path, root, **sections):
    return check_library(load_user_library(write_manifest(tmp_path, **sections)), root)


def test_a_valid_library_passes_with_every_kind(root, tmp_path):
    checked = check(tmp_path, root,
                    models=[model(root=root), model("cabinet", "models/cabinet.obj", root, **{"class": "cabinet",
                                                                                             "placement": "wall"})],
                    hdris=[hdri(root)],
                    materials=[material(root), material(root, "grass", "materials/grass_field", applies_to=["terrain"])])
    assert set(checked.files) == {"chair", "cabinet", "red", "green", "grass"}
    assert set(checked.maps["green"]) == {"color", "roughness", "normal_gl"}  # ambientCG names
    assert set(checked.maps["grass"]) == {"color", "roughness", "normal_dx"}  # Poly Haven names, DX normals
    lib = checked.library
    assert lib.models[0].allowed_families == ("indoor_room",) and lib.licences()["red"]["kind"] == "hdri"


@pytest.mark.parametrize("case, message", [
    ("missing file", "user model 'chair': file not found"),
    ("wrong sha256", "user model 'chair': sha256 mismatch"),
    ("outside the root", "user model 'chair': path '../outside.glb' is outside the asset root"),
    ("symlink out of the root", "user model 'chair': path 'models/link.glb' is outside the asset root"),
    ("unknown class", "user model 'chair': class 'spaceship' is not in the taxonomy"),
    ("draco", "user model 'chair': .* is Draco-compressed"),
    ("40 m chair", "user model 'chair': 40 m across after scaling .* implausible for a chair"),
    ("placement the family lacks", "user model 'chair': family 'outdoor_nature' offers placements \\['terrain'\\]"),
    ("not a model", "user model 'chair': 'models/chair.png' is not a model file"),
])
def test_bad_models_are_refused_by_name(root, tmp_path, case, message):
    entry = model(root=root)
    if case == "missing file":
        entry["path"] = "models/nope.glb"
    elif case == "wrong sha256":
        entry["sha256"] = "a" * 64
    elif case == "outside the root":
        write_glb(tmp_path / "outside.glb")
        entry.update(path="../outside.glb", sha256=sha(tmp_path / "outside.glb"))
    elif case == "symlink out of the root":
        (root / "models" / "link.glb").symlink_to(write_glb(tmp_path / "outside.glb"))
        entry.update(path="models/link.glb", sha256=sha(tmp_path / "outside.glb"))
    elif case == "unknown class":
        entry["class"] = "spaceship"
    elif case == "draco":
        write_glb(root / "models" / "chair.glb", draco=True)
        entry["sha256"] = sha(root / "models" / "chair.glb")
    elif case == "40 m chair":
        entry["target_size"] = 40.0
    elif case == "placement the family lacks":
        entry["families"] = ["outdoor_nature"]
    elif case == "not a model":
        entry["path"] = "models/chair.png"
    with pytest.raises(AssetError, match=message):
        check(tmp_path, root, models=[entry])


def test_a_radiance_hdr_is_a_float_map(root, tmp_path):
    hdr = root / "hdri" / "sky.hdr"
    hdr.write_bytes(b"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 1 +X 1\n" + bytes([128, 128, 255, 129]))
    assert set(check(tmp_path, root, hdris=[hdri(root, "sky", "hdri/sky.hdr")]).files) == {"sky"}


def test_bad_hdris_and_materials_are_refused_by_name(root, tmp_path):
    write_exr(root / "hdri" / "ints.exr", uint=True)
    with pytest.raises(AssetError, match="user HDRI 'ints': .* is not a float image \\(channels .* hold integers\\)"):
        check(tmp_path, root, hdris=[hdri(root, "ints", "hdri/ints.exr")])
    shutil.copy(root / "materials" / "Green001" / "Green001_1K_Color.png", root / "hdri" / "photo.exr")
    with pytest.raises(AssetError, match="user HDRI 'photo': .* not a float image \\(neither OpenEXR nor Radiance"):
        check(tmp_path, root, hdris=[hdri(root, "photo", "hdri/photo.exr")])
    write_pbr(root / "materials" / "NoColour", colour_map=False)
    with pytest.raises(AssetError, match="user material 'bare': no colour map"):
        check(tmp_path, root, materials=[material(root, "bare", "materials/NoColour")])
    with pytest.raises(AssetError, match="user material 'green': sha256 mismatch"):
        check(tmp_path, root, materials=[material(root, sha256="b" * 64)])
    with pytest.raises(AssetError, match="user material 'green': applies_to classes \\['lava'\\]"):
        check(tmp_path, root, materials=[material(root, applies_to=["lava"])])


def test_manifest_level_mistakes_name_the_entry(root, tmp_path):
    with pytest.raises(AssetError, match="user model 'both'.*exactly one of scale"):
        load_user_library(write_manifest(tmp_path, models=[model("both", root=root, scale=1.0)]))
    with pytest.raises(AssetError, match="'twice' appears twice"):
        load_user_library(write_manifest(tmp_path, models=[model("twice", root=root)], hdris=[hdri(root, "twice")]))
    with pytest.raises(AssetError, match="user model 'shelfless'.*placement"):
        load_user_library(write_manifest(tmp_path, models=[model("shelfless", root=root, placement="ceiling")]))


def test_shipped_manifest_is_empty_and_valid(root):
    assert not check_library(load_user_library(), root).library


def test_plausible_sizes_come_from_the_generators():
    assert plausible_size("chair")[1] < 2.0 < plausible_size("table")[1] < 40.0
    assert plausible_size("building")[1] == 50.0  # no generator sizes it: the general bound


def test_cli_checks_a_config_and_prints_digests(root, tmp_path, capsys):
    good = write_manifest(tmp_path, models=[model(root=root)], materials=[material(root)])
    config = tmp_path / "job.yaml"
    config.write_text(yaml.safe_dump({"name": "t", "scenes": [{"family": "indoor_room", "count": 1}],
                                      "assets": {"root": str(root), "manifest": str(good)}}))
    assert main(["assets", "check", str(config)]) == 0
    assert "1 models, 0 HDRIs, 1 materials" in capsys.readouterr().out
    assert main(["assets", "sha256", str(root / "materials" / "Green001")]) == 0
    assert capsys.readouterr().out.split()[0] == folder_sha256(root / "materials" / "Green001")
    bad = write_manifest(tmp_path, models=[model(root=root, sha256="c" * 64)])
    config.write_text(config.read_text().replace(str(good), str(bad)))
    out = tmp_path / "out"
    assert main(["render", str(config), "--out", str(out)]) == 2
    assert "user model 'chair': sha256 mismatch" in capsys.readouterr().err and not out.exists()


def _catalogue(use_prob=1.0, hdri_uses=("nature",), materials=("terrain",)) -> Catalogue:
    chair = Variant("k-chair", "chair", "chair", (), (0.5, 0.5, 0.9), origin="user", placement="floor",
                    families=("indoor_room",))
    rock = Variant("k-rock", "rock", "rock", (), (0.6, 0.5, 0.4), origin="user", placement="terrain",
                   families=("outdoor_nature",))
    user = UserContent((chair, rock), (UserRef("red", "k-red", hdri_uses, (0.5, 0.5)),),
                       (UserRef("green", "k-green", materials),), use_prob, (2, 2))
    return Catalogue((), user)


def test_models_for_draws_only_what_the_family_may_place():
    cat = _catalogue()
    drawn = models_for(cat, "outdoor_nature", 3)
    assert [p.source for p, _ in drawn] == ["user:rock", "user:rock"] and {pl for _, pl in drawn} == {"terrain"}
    assert models_for(cat, "outdoor_street", 3) == []  # no street models
    assert models_for(_catalogue(use_prob=0.0), "outdoor_nature", 3) == []


def test_a_nature_scene_places_user_models_and_dresses_its_terrain():
    spec = build("outdoor_nature", {"content": "primitive", "hdri_prob": 1.0}, 5, "s", _catalogue())
    rocks = [o for o in spec.objects if o.source == "user:rock"]
    assert rocks and all(o.class_name == "rock" and o.parts[0].asset == "k-rock" for o in rocks)
    terrain = next(o for o in spec.objects if o.class_name == "terrain")
    assert {p.material.kind for p in terrain.parts} == {"user:green"} and spec.extra["user_materials"] == {"terrain": "green"}


def test_user_hdris_join_the_bundled_pool_turned_at_random():
    """An HDRI-lit world takes a user map about as often as each bundled one, at a random rotation, and the
    scene records which map lit it; a job without user content makes the same scenes as before, only turned."""
    cat = _catalogue()
    pool = len(hdris_for("nature")) + 1
    lit = [build("outdoor_nature", {"content": "primitive", "hdri_prob": 1.0}, s, "s", cat) for s in range(60)]
    mine = [s for s in lit if s.world.hdri == "user:red"]
    assert 0.3 / pool < len(mine) / len(lit) < 2.5 / pool
    assert all(s.world.asset == "k-red" and s.world.strength == 0.5 and s.extra["lighting"] == "hdri:user:red"
               for s in mine)
    assert len({s.extra["hdri_rotation_deg"] for s in lit}) == len(lit)
    plain = build("outdoor_nature", {"content": "primitive", "hdri_prob": 1.0}, 7, "s")
    undressed = dress(plain, None)
    assert undressed.objects == plain.objects and plain.world.hdri in hdris_for("nature")
    assert json.dumps(plain.extra["lighting"]) == json.dumps(f"hdri:{plain.world.hdri}")


def test_material_folders_are_recognised_in_both_layouts(tmp_path):
    a = material_maps(write_pbr(tmp_path / "Bricks076", layout="ambientcg", dx=True))
    b = material_maps(write_pbr(tmp_path / "red_brick", layout="polyhaven"))
    assert a["color"].name == "Bricks076_1K_Color.png" and a["normal_dx"].name == "Bricks076_1K_NormalDX.png"
    assert b["color"].name == "red_brick_diff_1k.png" and b["normal_gl"].name == "red_brick_nor_gl_1k.png"
