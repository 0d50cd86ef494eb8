"""The built-in actions, registered into a fresh Registry."""

from __future__ import annotations

from flows.spec.actions import (
    crm_actions,
    lead_actions,
    llm_actions,
    notify_actions,
    score_actions,
)
from flows.spec.registry import Registry


def builtin_registry() -> Registry:
    """A registry holding every built-in action."""
    registry = Registry()
    for module in (lead_actions, crm_actions, score_actions, notify_actions, llm_actions):
        module.register(registry)
    return registry
