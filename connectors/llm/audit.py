"""The LLM call record: one llm_calls row per attempt, written at once, never updated."""

from __future__ import annotations

from typing import Any

from connectors.llm.attempt import Attempt
from leadflow.store import Store
from leadflow.store.llm_calls import add_llm_call
from scoring.bant import Criterion
from scoring.extraction import Extraction
from scoring.verify import TranscriptIndex


def verified_evidence(extraction: Extraction, index: TranscriptIndex) -> list[dict[str, Any]]:
    """Every quote of an answer with its verification against the whole transcript."""
    rows = []
    for criterion in Criterion:
        for evidence in getattr(extraction.answers, criterion.value).evidence:
            checked = index.verify(evidence)
            rows.append({"criterion": criterion.value, **checked.model_dump(mode="json")})
    return rows


def record(
    store: Store,
    attempt: Attempt,
    *,
    number: int,
    prompt_name: str,
    prompt_version: str,
    variables: dict[str, Any],
    model: str,
    schema_hash: str,
    currency: str,
    lead_id: int | None,
    evidence: list[dict[str, Any]] | None = None,
) -> int | None:
    """Insert the row for one attempt; returns its id."""
    with store.session() as session:
        row = add_llm_call(
            session,
            prompt_name=prompt_name,
            prompt_hash=prompt_version,
            variables=variables,
            messages=attempt.messages,
            model_requested=model,
            model_resolved=attempt.model_resolved,
            parameters={**attempt.parameters, **attempt.extra},
            schema_hash=schema_hash,
            request_id=attempt.request_id,
            attempt=number,
            raw_response=attempt.raw_response,
            parsed=attempt.parsed.model_dump(mode="json") if attempt.parsed else None,
            status=attempt.status,
            error=attempt.message,
            tokens_in=attempt.tokens_in,
            tokens_out=attempt.tokens_out,
            cost=attempt.cost,
            currency=currency if attempt.cost is not None else None,
            latency_ms=attempt.latency_ms,
            evidence=evidence,
            lead_id=lead_id,
        )
        return row.id
