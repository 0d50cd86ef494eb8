"""The BANT qualification chain's steps, read from flows/specs/bant_qualification.yaml.

The spec is the one source of truth; its steps are loaded on first use, not at import.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flows.chain import Chain
from leadflow.errors import InputError
from leadflow.intake import LeadForm, parse_submission
from leadflow.store.models import Lead
from leadflow.store.submissions import get_submission


def lead_form(chain: Chain, lead: Lead) -> LeadForm:
    """The validated form of a lead's submission, parsed again from the verbatim payload."""
    with chain.store.session(write=False) as session:
        submission = get_submission(session, lead.submission_id)
    if submission is None:
        raise InputError(f"lead {lead.id}: its submission {lead.submission_id} is missing")
    return parse_submission(submission.raw_payload, default_timezone=chain.default_timezone)


@lru_cache(maxsize=1)
def bant_steps() -> tuple[Any, ...]:
    """The compiled steps of the shipped BANT spec."""
    from flows.spec.engine import load_steps  # the engine's actions import this module

    return tuple(load_steps())
