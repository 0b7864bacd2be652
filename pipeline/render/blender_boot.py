"""Import BlenderProc 2.8.0 into an ordinary Python process that uses the pip ``bpy`` module.

Why this exists: BlenderProc 2.8.0 expects to be started by ``blenderproc run``, which downloads a Blender
release and re-launches the script inside Blender's own Python. Here Blender is the ``bpy`` wheel in our
venv, so we import BlenderProc in-process instead, getting around four obstacles without editing
installed files (see ``/work/shared/notes/blenderproc-with-pip-bpy.md``):

1. ``blenderproc/__init__`` refuses to import unless ``INSIDE_OF_THE_INTERNAL_BLENDER_PYTHON_ENVIRONMENT``
   is set; we set it only for the duration of the import.
2. With that set, it calls ``SetupUtility.setup()``, which would pip-install packages into a Blender
   install and rewrite ``sys.argv``; we replace that method (on the class, at runtime) with one that only
   sets BlenderProc's temp dir. The dependencies come from the project's own requirements.
3. It removes its parent folder (our site-packages) from ``sys.path``; we put a duplicate entry in first
   so the removal takes the duplicate, and restore ``sys.path`` and ``PYTHONPATH`` afterwards.
4. ``bproc.init()`` sets ``preferences.view.language = "en_US"``, which the bpy module rejects; we run
   the rest of ``init()`` ourselves, from BlenderProc's own functions, in the same order.

A fifth, found here: the bpy module shuts Blender down when Python deallocates it at interpreter exit,
but in some processes (e.g. after a pydantic model has been serialised) it is never deallocated, and
C++ static destructors then hand Python-registered UI classes back to a finalised interpreter:
a segfault (exit status 139) after all work is done. An ``atexit`` hook unregisters those classes
(add-ons, then Blender's startup scripts) while Python is still alive, which makes exit clean either way.

Everything that imports bpy or blenderproc lives in ``pipeline.render``; this module is the only place
that knows how they are brought up. :func:`init_blender` is idempotent per process.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import sys
import threading
from types import ModuleType

from pipeline.scratch import remove_scratch, scratch_dir

_GUARD_INSIDE = "INSIDE_OF_THE_INTERNAL_BLENDER_PYTHON_ENVIRONMENT"
_GUARD_OUTSIDE = "OUTSIDE_OF_THE_INTERNAL_BLENDER_PYTHON_ENVIRONMENT_BUT_IN_RUN_SCRIPT"

log = logging.getLogger(__name__)
_lock = threading.Lock()
_bproc: ModuleType | None = None


def _import_blenderproc() -> ModuleType:
    """Import ``blenderproc`` with its full API, leaving sys.path, sys.argv and the environment as they were."""
    import bpy  # noqa: F401  first, so the script paths it adds to sys.path are kept

    saved_env = {k: os.environ.get(k) for k in (_GUARD_INSIDE, _GUARD_OUTSIDE, "PYTHONPATH")}
    saved_path = list(sys.path)
    saved_argv = list(sys.argv)
    try:
        # First pass: the guard's "outside" branch is a no-op, so the package (and SetupUtility) can load.
        os.environ[_GUARD_OUTSIDE] = "1"
        import blenderproc
        from blenderproc.python.utility.SetupUtility import SetupUtility

        temp_dir = scratch_dir("blenderproc")
        atexit.register(remove_scratch, temp_dir)

        def _setup(*_args, **_kwargs) -> list[str]:
            SetupUtility.setup_utility_paths(temp_dir)
            return sys.argv

        SetupUtility.setup = staticmethod(_setup)
        # Second pass: the "inside" branch imports the API; the path it removes is a duplicate we add.
        parent = os.path.abspath(os.path.join(os.path.dirname(blenderproc.__file__), ".."))
        sys.path.insert(0, parent)
        os.environ[_GUARD_INSIDE] = "1"
        return importlib.reload(blenderproc)
    finally:
        sys.path[:] = saved_path
        sys.argv[:] = saved_argv
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _init_scene() -> None:
    """``bproc.init()`` minus the language preference the bpy module rejects."""
    import bpy
    from blenderproc.python.renderer import RendererUtility
    from blenderproc.python.utility.GlobalStorage import GlobalStorage
    from blenderproc.python.utility.Initializer import _Initializer, clean_up

    clean_up(clean_up_camera=True)
    bpy.context.scene.render.engine = "CYCLES"
    RendererUtility.set_render_devices(use_only_cpu=True)
    _Initializer.set_default_parameters()
    GlobalStorage.add("bproc_init_complete", True)


def _unregister_python_classes() -> None:
    """Unregister the classes Python registered in Blender (see the module docstring, obstacle 5)."""
    try:
        import addon_utils
        import bpy.utils

        addon_utils.disable_all()
        for name in reversed(bpy.utils._global_loaded_modules):
            unregister = getattr(sys.modules.get(name), "unregister", None)
            if unregister is not None:
                unregister()
    except Exception:  # exit must go on whatever happens here
        log.exception("unregistering Blender's Python classes at exit failed")


def init_blender() -> ModuleType:
    """Import and initialise BlenderProc once per process; return the ``blenderproc`` module."""
    global _bproc
    with _lock:
        if _bproc is None:
            bproc = _import_blenderproc()
            _init_scene()
            atexit.register(_unregister_python_classes)
            _bproc = bproc
        return _bproc
