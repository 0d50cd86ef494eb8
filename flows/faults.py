"""Fault injection for the recovery campaign: kill the process at a chosen step boundary.

Off unless LEADFLOW_FAULT_KILL_AT is set ("meeting:after"): then the first time that step
reaches that boundary the process exits at once, as `kill -9` would leave it (no cleanup, no
lease released, no step recorded). Tests then restart and check nothing was lost or doubled.
"""

from __future__ import annotations

import os
from collections.abc import Callable

# Where a step can be cut off: before its outside call, or after it and before it is recorded.
Boundary = Callable[[str, str], None]
KILLED_EXIT_CODE = 137  # what a shell reports for a process killed by SIGKILL


def kill_at(spec: str | None) -> Boundary | None:
    """A boundary hook that kills the process at `spec` ("STEP:before|after"), or None."""
    if not spec:
        return None
    step, moment = spec.rsplit(":", 1)

    def boundary(current: str, at: str) -> None:
        if current == step and at == moment:
            os._exit(KILLED_EXIT_CODE)

    return boundary
