"""Local scratch folders that a killed process cannot leave behind for good.

Every scratch folder is named ``pipeline-<what>-<pid>-<random>`` and holds a lock file, ``.owner``,
that its process keeps locked (``flock``) while the folder is in use. A process removes its own
folders with :func:`remove_scratch`; one that was killed (SIGKILL, a lost node, Ctrl-C during a write)
cannot, and the kernel drops its locks. So every render worker and job driver, when it starts, sweeps
the folders whose lock it can take: their owner is gone. A lock, unlike a process id, also holds
across PID namespaces (containers, ``unshare``) that share the folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "pipeline-"
LOCK = ".owner"
SHM = Path("/dev/shm")
_held: dict[str, int] = {}  # scratch folder -> the locked file descriptor of its .owner


def scratch_dir(what: str, in_memory: bool = False) -> str:
    """A new scratch folder owned by this process; ``in_memory`` puts it on /dev/shm where there is one."""
    where = str(SHM) if in_memory and SHM.is_dir() else None
    path = tempfile.mkdtemp(prefix=f"{PREFIX}{what}-{os.getpid()}-", dir=where)
    fd = os.open(os.path.join(path, LOCK + ".new"), os.O_CREAT | os.O_WRONLY, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.rename(os.path.join(path, LOCK + ".new"), os.path.join(path, LOCK))  # visible only once locked
    _held[path] = fd
    return path


def remove_scratch(path: str | Path) -> None:
    """Remove one of this process's scratch folders and drop its lock."""
    shutil.rmtree(path, ignore_errors=True)
    fd = _held.pop(str(path), None)
    if fd is not None:
        os.close(fd)


def sweep_stale_scratch(roots: tuple[Path, ...] | None = None) -> list[str]:
    """Remove scratch folders whose owner is gone (their ``.owner`` lock is free); returns their paths."""
    roots = roots or (Path(tempfile.gettempdir()), SHM)
    swept = []
    for root in roots:
        if not root.is_dir():
            continue
        for entry in root.glob(f"{PREFIX}*"):
            if str(entry) in _held or not (entry / LOCK).is_file():
                continue
            try:
                fd = os.open(entry / LOCK, os.O_RDONLY)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its owner still runs
            finally:
                os.close(fd)
            shutil.rmtree(entry, ignore_errors=True)
            swept.append(str(entry))
    return swept
