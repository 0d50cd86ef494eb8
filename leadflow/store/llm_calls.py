"""The LLM call record: one row per attempt, inserted once and never updated (no update exists)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, col, select

from leadflow.store.models import LlmCall


def add_llm_call(
    session: Session,
    *,
    prompt_name: str,
    prompt_hash: str,
    model_requested: str,
    status: str,
    variables: dict[str, Any] | None = None,
    messages: Sequence[Any] = (),
    model_resolved: str | None = None,
    parameters: dict[str, Any] | None = None,
    schema_hash: str | None = None,
    request_id: str | None = None,
    attempt: int = 1,
    raw_response: str | None = None,
    parsed: dict[str, Any] | None = None,
    error: str | None = None,
    tokens_in: int | None = None,
    tokens_out: int | None = None,
    cost: Decimal | None = None,
    currency: str | None = None,
    latency_ms: int | None = None,
    evidence: Sequence[Any] | None = None,
    extraction_id: int | None = None,
    lead_id: int | None = None,
) -> LlmCall:
    """Append the record of one attempt (successful or not). Secrets must not be in `parameters`."""
    row = LlmCall(
        prompt_name=prompt_name,
        prompt_hash=prompt_hash,
        model_requested=model_requested,
        status=status,
        variables=to_jsonable_python(variables or {}),
        messages=to_jsonable_python(list(messages)),
        model_resolved=model_resolved,
        parameters=to_jsonable_python(parameters or {}),
        schema_hash=schema_hash,
        request_id=request_id,
        attempt=attempt,
        raw_response=raw_response,
        parsed=to_jsonable_python(parsed),
        error=error,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost=cost,
        currency=currency,
        latency_ms=latency_ms,
        evidence=to_jsonable_python(list(evidence)) if evidence is not None else None,
        extraction_id=extraction_id,
        lead_id=lead_id,
    )
    session.add(row)
    session.flush()
    return row


def get_llm_call(session: Session, call_id: int) -> LlmCall | None:
    """The call with this id, or None."""
    return session.get(LlmCall, call_id)


def list_llm_calls(
    session: Session, *, lead_id: int | None = None, extraction_id: int | None = None
) -> Sequence[LlmCall]:
    """Recorded attempts, oldest first, for a lead and/or an extraction."""
    query = select(LlmCall).order_by(col(LlmCall.id))
    if lead_id is not None:
        query = query.where(LlmCall.lead_id == lead_id)
    if extraction_id is not None:
        query = query.where(LlmCall.extraction_id == extraction_id)
    return session.exec(query).all()
