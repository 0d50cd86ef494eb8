"""The flow spec: a trigger and ordered steps, each an action from the registry with parameters."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TriggerKind(StrEnum):
    """What starts a spec's run."""

    FORM = "form"
    SCHEDULE = "schedule"
    TRANSCRIPT_READY = "transcript_ready"
    MANUAL = "manual"


class Trigger(BaseModel):
    """`form` names its source; `schedule` gives an interval in minutes."""

    model_config = ConfigDict(extra="forbid")

    kind: TriggerKind
    source: str | None = None
    every_minutes: int | None = Field(default=None, ge=1)


class OnError(StrEnum):
    """fail: the lead stops, failed; review: it goes to a reviewer; skip: go on without it."""

    FAIL = "fail"
    REVIEW = "review"
    SKIP = "skip"


class StepRetries(BaseModel):
    """Attempts for transient errors (timeouts, 429, 5xx) of this step."""

    model_config = ConfigDict(extra="forbid")

    attempts: int = Field(default=4, ge=1, le=20)
    delay_s: float = Field(default=1.0, ge=0)
    max_delay_s: float = Field(default=60.0, ge=0)


class StepSpec(BaseModel):
    """One step: a unique name, an action, its parameters (may be templates) and policies."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    action: str
    description: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    when: str | None = None
    retries: StepRetries | None = None
    on_error: OnError = OnError.FAIL


class Scope(StrEnum):
    """lead: steps run for each lead; batch: steps run once over everything (rescoring)."""

    LEAD = "lead"
    BATCH = "batch"


class FlowSpec(BaseModel):
    """A named workflow; its version is the hash of the file it was read from."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    description: str = ""
    trigger: Trigger
    scope: Scope = Scope.LEAD
    steps: list[StepSpec] = Field(min_length=1)
    version: str = Field(default="", exclude=True)

    def step_names(self) -> list[str]:
        """Step names in order."""
        return [step.name for step in self.steps]


def content_version(text: str) -> str:
    """The version of a spec: a short hash of its file's content."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]
