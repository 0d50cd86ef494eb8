"""The action registry: what a spec step can do, with a parameter model per action.

A Python developer adds an action with the `@registry.action(...)` decorator; `leadflow flows
list` shows every action with its parameter schema.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from flows.chain import Apply, Chain
from leadflow.store.models import Lead


class NoParams(BaseModel):
    """An action that takes no parameters."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class ActionContext:
    """What an action sees: the chain, the lead (None in batch specs) and earlier outputs."""

    chain: Chain
    lead: Lead | None
    spec_name: str
    step_name: str
    outputs: dict[str, Any]

    def key(self, suffix: str = "") -> str:
        """An idempotency key for an outside write of this step for this lead."""
        subject = self.lead.submission_id if self.lead else "batch"
        return f"{subject}:{self.spec_name}:{self.step_name}{':' + suffix if suffix else ''}"


Handler = Callable[[ActionContext, Any], dict[str, Any]]

def no_apply(session: Session, lead: Lead, result: dict[str, Any]) -> None:
    """Actions whose outcome lives in their result only."""


@dataclass(frozen=True)
class Action:
    """A registered action: its name, parameter model, handler and what it is for."""

    name: str
    params: type[BaseModel]
    handler: Handler
    summary: str
    batch: bool = False
    apply: Apply = no_apply


@dataclass
class Registry:
    """Actions by name."""

    actions: dict[str, Action] = field(default_factory=dict)

    def action(
        self,
        name: str,
        params: type[BaseModel] = NoParams,
        *,
        batch: bool = False,
        apply: Apply = no_apply,
    ) -> Callable[[Handler], Handler]:
        """Register `handler` as action `name` taking `params`; `apply` records it on the lead."""

        def register(handler: Handler) -> Handler:
            if name in self.actions:
                raise ValueError(f"action {name!r} is registered twice")
            summary = (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else ""
            self.actions[name] = Action(name, params, handler, summary, batch, apply)
            return handler

        return register

    def get(self, name: str) -> Action | None:
        """The action called `name`, or None."""
        return self.actions.get(name)

    def suggest(self, name: str) -> str | None:
        """The closest registered name, for `did you mean` messages."""
        close = difflib.get_close_matches(name, self.actions, n=1, cutoff=0.6)
        return close[0] if close else None
