"""Step runs: the store's idempotency record, one row per (submission or lead, step) key."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from leadflow.store.models import StepRun
from leadflow.store.types import utc_now
from leadflow.store.unique import insert_once


class StepStatus(StrEnum):
    """Where a step run is: started, done, or failed (retried by recording again)."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


def step_key(subject_id: int | str, step: str) -> str:
    """The idempotency key of a step for a submission (or lead): f"{subject_id}:{step}"."""
    return f"{subject_id}:{step}"


def get_step_run(session: Session, key: str) -> StepRun | None:
    """The recorded run of this key, or None if the step never ran."""
    return session.exec(select(StepRun).where(StepRun.key == key)).first()


def list_step_runs(session: Session, lead_id: int) -> Sequence[StepRun]:
    """A lead's step runs in the order they were first recorded."""
    return session.exec(select(StepRun).where(StepRun.lead_id == lead_id)
                        .order_by(col(StepRun.id))).all()


def record_step_run(
    session: Session,
    *,
    key: str,
    step: str,
    status: StepStatus | str,
    lead_id: int | None = None,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> StepRun:
    """Record a step's outcome under `key`; a repeat counts one more attempt on the same row."""
    status = StepStatus(status)
    finished_at = None if status is StepStatus.RUNNING else utc_now()
    row = StepRun(
        key=key,
        step=step,
        status=status.value,
        lead_id=lead_id,
        result=to_jsonable_python(result),
        error=error,
        finished_at=finished_at,
    )
    run, created = insert_once(session, row, lambda: get_step_run(session, key))
    if not created:
        # A run that finishes what it started is the same attempt; anything else is a new one.
        if not (run.status == StepStatus.RUNNING and status is not StepStatus.RUNNING):
            run.attempts += 1
        run.status = status.value
        run.result = to_jsonable_python(result)
        run.error = error
        run.finished_at = finished_at
        if lead_id is not None:
            run.lead_id = lead_id
        session.add(run)
        session.flush()
    return run
