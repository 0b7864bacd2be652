"""What can go wrong, by what to do about it: the error classes, how a failure is classified, exit codes.

A long job meets four kinds of failure, and each gets its own treatment (README, "Running large jobs"):

- bad input (:class:`BadInput`): a config, asset or output folder that cannot be used. Refused before
  anything renders; exit 2.
- a scene the seed cannot make (:class:`SceneRejected`): recorded as rejected, like a rejected view,
  and never retried, since the same seed fails the same way every time.
- the environment (:class:`EnvironmentFailure`): disk full, permission denied, missing credentials or
  bucket. Nothing is retried, since every unit would fail the same way; the job stops at once; exit 4.
- anything else: transient errors (a dead actor or node, a dropped connection, a timed-out PUT) are
  retried with backoff, and a unit that keeps failing is quarantined (:class:`UnitsQuarantined`):
  the job finishes every other unit and writes a failure report; exit 3.
"""

from __future__ import annotations

import contextlib
import errno
import signal
import threading
import traceback

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug: the traceback is shown
EXIT_BAD_INPUT = 2
EXIT_QUARANTINED = 3
EXIT_ENVIRONMENT = 4
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM (the shell's 128 + SIGINT)

ENVIRONMENT = "environment"
TRANSIENT = "transient"
ERROR = "error"

_ENV_ERRNOS = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
               errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
               errno.EPERM: "operation not permitted"}
_CREDENTIAL_ERRORS = {"NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError",
                      "NoAuthTokenError", "DefaultCredentialsError", "InvalidAccessKeyId", "SignatureDoesNotMatch"}
_TRANSIENT_ERRORS = {"EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError",
                     "ServerDisconnectedError", "ClientConnectorError", "ClientOSError", "IncompleteReadError",
                     "ObjectStoreFullError", "ObjectLostError", "OwnerDiedError", "ObjectFetchTimedOutError",
                     "GetTimeoutError", "RaySystemError"}
_TRANSIENT_ERRNOS = {errno.ECONNRESET, errno.ECONNREFUSED, errno.ECONNABORTED, errno.ETIMEDOUT, errno.EPIPE,
                     errno.EHOSTUNREACH, errno.ENETUNREACH}


class BadInput(ValueError):
    """Input the user can fix (a config field, an asset entry, an output folder, a CLI argument); exit 2."""


class NotADataset(BadInput, FileNotFoundError):
    """A path that should be a finished dataset root and is not."""


class SceneRejected(RuntimeError):
    """The seed's scene cannot be made (no room for the cameras, nothing to look at): a deterministic
    failure, recorded as a rejected scene and never retried."""


class EnvironmentFailure(RuntimeError):
    """Storage or credentials the job cannot work without; the job stopped at once; exit 4."""


class JobInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM stopped the job; every committed unit is kept and a rerun resumes."""


class UnitsQuarantined(RuntimeError):
    """Some units failed on every try; every other unit committed and a failure report was written."""

    def __init__(self, message: str, report_uri: str, units: list[str]):
        super().__init__(message)
        self.report_uri, self.units = report_uri, units


def _chain(exc: BaseException):
    """``exc`` and what it came from: ``__cause__``/``__context__``, and the ``cause`` a Ray task error
    carries (the exception raised in the worker)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        inner = getattr(exc, "cause", None)
        exc = inner if isinstance(inner, BaseException) else (exc.__cause__ or exc.__context__)


def environment_cause(exc: BaseException) -> str | None:
    """Why ``exc`` (or an exception it came from) means the storage or credentials are unusable, or None."""
    for e in _chain(exc):
        name = type(e).__name__
        if name in _CREDENTIAL_ERRORS:
            return f"missing or rejected credentials ({name}: {e})"
        if isinstance(e, OSError) and e.errno in _ENV_ERRNOS:
            path = e.filename2 or e.filename  # a move names its destination second
            return f"{_ENV_ERRNOS[e.errno]} at {path}" if path else f"{_ENV_ERRNOS[e.errno]} ({name}: {e})"
        if isinstance(e, PermissionError):
            return f"permission denied ({name}: {e})"
        if isinstance(e, FileNotFoundError) and "bucket" in str(e).lower():
            return f"the bucket does not exist ({name}: {e})"
    return None


def is_transient(exc: BaseException) -> bool:
    """A failure a retry may well not meet again: a dropped connection, a timeout, an object-store hiccup."""
    for e in _chain(exc):
        if type(e).__name__ in _TRANSIENT_ERRORS or isinstance(e, (ConnectionError, TimeoutError)):
            return True
        if isinstance(e, OSError) and e.errno in _TRANSIENT_ERRNOS:
            return True
    return False


def classify(exc: BaseException) -> str:
    """``environment``, ``transient`` or ``error`` (see the module docstring)."""
    if environment_cause(exc):
        return ENVIRONMENT
    return TRANSIENT if is_transient(exc) else ERROR


def describe(exc: BaseException) -> dict:
    """A failure as plain data for the driver and the failure report (crosses process boundaries)."""
    return {"kind": classify(exc), "exception": type(exc).__name__, "message": str(exc).strip(),
            "cause": environment_cause(exc), "traceback": "".join(traceback.format_exception(exc))}


@contextlib.contextmanager
def sigterm_as_interrupt():
    """Treat SIGTERM (``kill``, a scheduler's stop) like Ctrl-C while the job runs, so both stop the
    workers and leave only committed units (Ray's own handler would just exit)."""
    def _raise(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
