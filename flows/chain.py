"""The qualification chain as plain, idempotent steps; flows/ wraps each in a Prefect task.

A step does its outside calls first (each with an idempotency key derived from the submission
and the step), then records its outcome and the lead's new state in one transaction. A step
that already succeeded returns its stored result without calling anything again, so re-running
a flow, re-delivering a submission or `leadflow retry` never duplicates a contact, deal,
meeting or message. Only TransientError is retried; anything else leaves the lead `failed`.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from connectors.base.bundle import Connectors
from connectors.base.llm import StructuredLLM
from flows.retrying import call_with_retries
from flows.run_slots import RunSlots
from leadflow.config_in_force import Configured, InForce, in_force
from leadflow.errors import ConnectorError, ExtractionError, InputError, LeadflowError
from leadflow.redaction import Redactor
from leadflow.settings import RetrySettings
from leadflow.store import Store
from leadflow.store.leads import get_lead, set_lead_state
from leadflow.store.models import Lead, LeadState
from leadflow.store.steps import StepStatus, get_step_run, record_step_run, step_key
from leadflow.store.types import utc_now

# Names this process in the leases it takes (host, pid, and a nonce for a reused pid).
PROCESS_OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class Chain:
    """Everything a step needs: the store, the connectors, the scoring config and a clock."""

    store: Store
    connectors: Connectors
    # The file or default config and env capabilities; a config saved in the store wins.
    configured: Configured
    retry: RetrySettings = field(default_factory=RetrySettings)
    default_timezone: str = "UTC"
    max_concurrency: int = 4
    # The model behind generic LLM steps; None when no endpoint is configured.
    llm: StructuredLLM | None = None
    # A learned model (scoring.predictive.artifact.SavedModel) scored beside BANT, if configured.
    predictive: Any = None
    # Caps concurrent flow runs on the embedded SQLite Prefect server; None: no cap.
    run_slots: RunSlots | None = None
    clock: Callable[[], datetime] = utc_now
    sleep: Callable[[float], None] = time.sleep
    # Masks the settings' secrets in failure reasons before they reach Prefect or the store.
    redactor: Redactor = field(default_factory=Redactor)
    # Who this process is when it takes a lead's lease, and how long a lease lasts.
    owner: str = PROCESS_OWNER
    lease: timedelta = timedelta(minutes=3)
    max_attempts: int = 3
    # Called at each step boundary (step, "before" | "after"); the fault campaign's kill switch.
    boundary: Callable[[str, str], None] | None = None

    def in_force(self) -> InForce:
        """The scoring config and capabilities in force now (read at each use: a config ops
        save while a server runs applies to the next lead without a restart)."""
        return in_force(self.store, self.configured)


class Outcome(StrEnum):
    """What running a step did; WAITING and STOPPED end the lead's run for now."""

    DONE = "done"
    ALREADY_DONE = "already_done"
    # `when:` was false, or the step failed with on_error: skip; the lead goes on.
    SKIPPED = "skipped"
    # Its input is not ready (e.g. no transcript yet); a later run resumes here.
    WAITING = "waiting"
    # The lead must not run (a duplicate of a lead in progress).
    STOPPED = "stopped"


class StepFailed(LeadflowError):
    """A step failed for good (permanent error, or transient retries exhausted); lead is failed.

    `reason` is the cause's text without secrets (callers show it to operators); the message
    also loses personal data: it travels to Prefect's task run state and logs.
    """

    def __init__(self, lead_id: int, step: str, cause: Exception, redactor: Redactor):
        self.lead_id = lead_id
        self.step = step
        self.cause = cause
        self.reason = redactor.secrets(str(cause))
        super().__init__(f"lead {lead_id}: step {step} failed: {redactor.redact(str(cause))}")


class Waiting(Exception):
    """Raised by a step body when its input is not ready yet (e.g. no transcript)."""


# A step body returns its result (stored); Apply records it on the lead (ids, state) in the
# step's own transaction.
Apply = Callable[[Session, Lead, dict[str, Any]], None]
Body = Callable[[Chain, Lead], dict[str, Any]]

# Errors that end a step for good, besides TransientError after the last retry.
_STEP_ERRORS = (ConnectorError, InputError, ExtractionError)


def snapshot(lead: Lead) -> Lead:
    """A detached copy of a lead row, safe to read outside its session."""
    return Lead.model_validate(lead.model_dump())


def run_step(
    chain: Chain,
    lead_id: int,
    step: str,
    body: Body,
    apply: Apply,
    *,
    retry: RetrySettings | None = None,
    on_error: str = "fail",
    record_as: str | None = None,
) -> Outcome:
    """Run one step for one lead, exactly once: skip if done, retry transient errors, record.

    on_error: "fail" leaves the lead failed, "review" sends it to a reviewer (both stop the
    lead), "skip" records the failure and lets the lead go on. A step that succeeds after an
    earlier failure puts the lead back in the state it had before that failure. The outcome is
    recorded under `record_as` (default: `step`), the lead's failed step is `step`.
    """
    # Reading only: a write session would take SQLite's write lock from the other leads' steps.
    with chain.store.session(write=False) as session:
        lead = get_lead(session, lead_id)
        if lead is None:
            raise InputError(f"no lead with id {lead_id}")
        key = step_key(lead.submission_id, record_as or step)
        previous = get_step_run(session, key)
        if previous is not None and previous.status == StepStatus.SUCCEEDED:
            return Outcome.ALREADY_DONE
        if lead.state == LeadState.DUPLICATE:
            return Outcome.STOPPED
        lead = snapshot(lead)
    state_before = (previous.result or {}).get("state_before") if previous else None
    if chain.boundary is not None:
        chain.boundary(step, "before")
    try:
        result = call_with_retries(
            lambda: body(chain, lead), retry or chain.retry, what=step, sleep=chain.sleep
        )
    except Waiting:
        return Outcome.WAITING
    except _STEP_ERRORS as exc:
        reason = chain.redactor.secrets(f"{type(exc).__name__}: {exc}")
        with chain.store.session() as session:
            record_step_run(session, key=key, step=step, status=StepStatus.FAILED,
                            lead_id=lead_id, error=reason,
                            result={"state_before": state_before or lead.state})
            if on_error == "skip":
                return Outcome.SKIPPED
            state = LeadState.NEEDS_REVIEW if on_error == "review" else LeadState.FAILED
            set_lead_state(session, lead_id, state, step=step, reason=reason)
        raise StepFailed(lead_id, step, exc, chain.redactor) from exc
    if chain.boundary is not None:
        chain.boundary(step, "after")
    with chain.store.session() as session:
        record_step_run(session, key=key, step=step, status=StepStatus.SUCCEEDED,
                        lead_id=lead_id, result=result)
        current = get_lead(session, lead_id)
        assert current is not None  # it existed above and leads are never deleted
        if state_before and current.failed_step == step and current.state in _STOPPED_STATES:
            current = set_lead_state(session, lead_id, state_before, step=step,
                                     reason="retried successfully")
        apply(session, current, result)
    return Outcome.DONE


_STOPPED_STATES = {LeadState.FAILED.value, LeadState.NEEDS_REVIEW.value}
