"""Faults injected into Ray workers through Ray's ``worker_process_setup_hook`` (tests only).

``install`` runs in every worker process when it starts and wraps ``pipeline.unit_runner.run_unit``:
- units named in ``$FAULT_POISON_UNITS`` raise on every try (a poison unit, to be quarantined);
- units named in ``$FAULT_FLAKY_UNITS`` raise ``ConnectionResetError`` on their first try only (a
  transient failure); the first try is remembered in ``$FAULT_STATE_DIR``, shared by all workers.
"""

from __future__ import annotations

import os
from pathlib import Path


def _names(var: str) -> set[str]:
    return {u for u in os.environ.get(var, "").split(",") if u}


def install() -> None:
    import pipeline.unit_runner as unit_runner

    real = unit_runner.run_unit

    def run_unit(unit, *args, **kwargs):
        if unit.unit_id in _names("FAULT_POISON_UNITS"):
            raise RuntimeError(f"poisoned unit {unit.unit_id}")
        if unit.unit_id in _names("FAULT_FLAKY_UNITS"):
            marker = Path(os.environ["FAULT_STATE_DIR"]) / f"{unit.unit_id}.tried"
            if not marker.exists():
                marker.touch()
                raise ConnectionResetError(104, "Connection reset by peer (injected)")
        return real(unit, *args, **kwargs)

    unit_runner.run_unit = run_unit
