"""Local scratch folders that a killed process cannot leave behind for good.

Every scratch folder is named ``pipeline-<what>-<pid>-<random>``. A process removes its own when it is
done; a process that was killed (SIGKILL, a lost node, Ctrl-C during a write) cannot, so every render
worker and job driver sweeps, when it starts, the folders whose owning process no longer runs.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "pipeline-"
SHM = Path("/dev/shm")
_NAME = re.compile(rf"^{PREFIX}.+-(\d+)-[^-]+$")


def scratch_dir(what: str, in_memory: bool = False) -> str:
    """A new scratch folder owned by this process; ``in_memory`` puts it on /dev/shm where there is one."""
    where = str(SHM) if in_memory and SHM.is_dir() else None
    return tempfile.mkdtemp(prefix=f"{PREFIX}{what}-{os.getpid()}-", dir=where)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep_stale_scratch(roots: tuple[Path, ...] | None = None) -> list[str]:
    """Remove scratch folders whose owning process is gone; returns their paths."""
    roots = roots or (Path(tempfile.gettempdir()), SHM)
    swept = []
    for root in roots:
        if not root.is_dir():
            continue
        for entry in root.iterdir():
            m = _NAME.match(entry.name)
            if m and entry.is_dir() and not _alive(int(m.group(1))):
                shutil.rmtree(entry, ignore_errors=True)
                swept.append(str(entry))
    return swept
