"""What a person sees in the terminal: one progress bar per stage, the log folder named once, and the
workers' real warnings summarised at the end.

Workers (render and bank actors) run Blender and Infinigen, which print a great deal that is no
concern of the user (font lookups, Blender's exit report, device selection). Their output goes to
Ray's per-worker log files, not the terminal, unless ``--verbose``; known harmless library warnings are
silenced where they are raised (:func:`quiet_libraries`); every other warning a worker logs is counted
(:class:`WarningTally`) and comes back with its results, so the driver can print one summary line per
kind at the end (:func:`warning_summary`).
"""

from __future__ import annotations

import logging
import sys
from collections import Counter

from tqdm import tqdm

# Library loggers whose warnings are known noise here, each with why.
HARMLESS_LOGGERS = {
    "matplotlib.font_manager": "findfont: Infinigen's text materials ask for font families by name",
    "infinigen.core.nodes.utils": "socket defaults Infinigen's node helpers cannot set, on unused sockets",
    "infinigen.core.nodes.compatibility": "'Subsurface Color no longer in use': materials written for Blender 3",
    "infinigen.assets.objects.trees.generate": "twigs baked outside Infinigen's coarse pass, as our bank does",
}
MAX_KINDS = 5  # warning kinds the end-of-job summary lists

_verbose = False


def set_verbose(verbose: bool) -> None:
    """``--verbose``: the workers' raw output streams to the terminal again."""
    global _verbose
    _verbose = verbose


def verbose() -> bool:
    return _verbose


def stage_bar(stage: str, total: int, initial: int = 0, unit: str = "item", enabled: bool = True) -> tqdm:
    """The progress bar of one stage (bank, render, finalize): count, rate and time left. Redrawn at
    most every 10 s when stderr is a file (a log keeps a line per redraw)."""
    return tqdm(total=total, initial=initial, desc=f"{stage:8s}", unit=unit, disable=not enabled, dynamic_ncols=True,
                mininterval=0.1 if sys.stderr.isatty() else 10.0,
                bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit}s "
                           "[{elapsed}<{remaining}, {rate_fmt}{postfix}]")


def note(message: str) -> None:
    """One line on stderr that does not break an active progress bar."""
    tqdm.write(message, file=sys.stderr)


def quiet_libraries() -> None:
    """Silence the library loggers of :data:`HARMLESS_LOGGERS` (in this process)."""
    for name in HARMLESS_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


class WarningTally(logging.Handler):
    """Counts the warnings (and errors) logged in a worker process, by logger and first message line."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            first = record.getMessage().strip().splitlines()[0][:160] if record.getMessage().strip() else ""
        except Exception:  # a record whose arguments do not format: count it under its template
            first = str(record.msg)[:160]
        self.counts[f"{record.name}: {first}"] += 1

    def take(self) -> dict[str, int]:
        """The counts since the last call, cleared."""
        out, self.counts = dict(self.counts), Counter()
        return out


_tally: WarningTally | None = None


def capture_worker_warnings() -> WarningTally:
    """In a worker process: quiet the harmless libraries and count every other warning (idempotent)."""
    global _tally
    quiet_libraries()
    if _tally is None:
        _tally = WarningTally()
        root = logging.getLogger()
        root.addHandler(_tally)
        if root.level > logging.WARNING or root.level == logging.NOTSET:
            root.setLevel(logging.WARNING)
    return _tally


def take_worker_warnings() -> dict[str, int]:
    return _tally.take() if _tally is not None else {}


def warning_summary(counts: Counter, logs: str | None) -> str | None:
    """One paragraph: how many warnings the workers logged, the commonest kinds, and where the logs are."""
    total = sum(counts.values())
    if not total:
        return None
    lines = [f"{total} warning{'s' if total != 1 else ''} from the workers ({len(counts)} kind{'s' if len(counts) != 1 else ''}):"]
    lines += [f"  {n} x {what}" for what, n in counts.most_common(MAX_KINDS)]
    if len(counts) > MAX_KINDS:
        lines.append(f"  ... and {len(counts) - MAX_KINDS} more kinds")
    if logs:
        lines.append(f"  full worker output: {logs}")
    return "\n".join(lines)
