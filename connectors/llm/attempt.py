"""One request to the model: the parsed answer or the failure, with all the audit record needs."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openai
from openai import OpenAI
from pydantic import BaseModel

from connectors.llm.client import classify, finish_error
from connectors.llm.pricing import call_cost
from connectors.llm.schema import BantExtraction
from leadflow.errors import ConnectorError, TransientError
from leadflow.settings import LLMSettings
from scoring import safe_json

# Audit statuses: ok, invalid (failed validation: re-asked once), transient (retried),
# permanent (not retried: 4xx, refusal, finish_reason length or content_filter).
OK, INVALID, TRANSIENT, PERMANENT = "ok", "invalid", "transient", "permanent"


@dataclass
class Attempt:
    """What one request sent and got back; `status` is one of the audit statuses above."""

    messages: list[dict[str, str]]
    parameters: dict[str, Any]
    status: str = OK
    parsed: BaseModel | None = None
    error: ConnectorError | None = None
    invalid_reason: str | None = None
    raw_response: str | None = None
    content: str | None = None
    request_id: str | None = None
    model_resolved: str | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost: Decimal | None = None
    latency_ms: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str | None:
        """The error text for the audit record."""
        if self.error is not None:
            return str(self.error)
        return self.invalid_reason


def parameters(settings: LLMSettings) -> dict[str, Any]:
    """The request parameters besides model and messages (no secrets: this is audited)."""
    params: dict[str, Any] = {}
    if settings.temperature is not None:
        params["temperature"] = settings.temperature
    return params


def send(
    client: OpenAI,
    settings: LLMSettings,
    model: str,
    messages: list[dict[str, str]],
    schema: type[BaseModel] = BantExtraction,
) -> Attempt:
    """Ask once via `chat.completions.parse`; never raises for the model's or server's faults."""
    params = parameters(settings)
    attempt = Attempt(messages=list(messages), parameters={
        **params, "response_format": schema.__name__, "timeout_s": settings.timeout_s})
    started = time.perf_counter()
    try:
        raw = client.chat.completions.with_raw_response.parse(
            model=model, messages=messages, response_format=schema, **params)  # type: ignore[arg-type]
    except openai.OpenAIError as exc:
        attempt.latency_ms = round((time.perf_counter() - started) * 1000)
        attempt.error = classify(exc, settings)
        attempt.status = TRANSIENT if isinstance(attempt.error, TransientError) else PERMANENT
        response = getattr(exc, "response", None)
        attempt.raw_response = response.text if response is not None else None
        attempt.request_id = getattr(exc, "request_id", None)
        return attempt
    attempt.latency_ms = round((time.perf_counter() - started) * 1000)
    attempt.raw_response = raw.http_response.text
    attempt.request_id = raw.request_id
    _read_body(attempt, settings, model)
    try:
        completion = raw.parse()
    except openai.LengthFinishReasonError:
        attempt.status, attempt.error = PERMANENT, finish_error("length", settings)
        return attempt
    except openai.ContentFilterFinishReasonError:
        attempt.status, attempt.error = PERMANENT, finish_error("content_filter", settings)
        return attempt
    except ValueError as exc:  # pydantic ValidationError (bad JSON or schema) is a ValueError
        attempt.status, attempt.invalid_reason = INVALID, _short(exc)
        return attempt
    message = completion.choices[0].message if completion.choices else None
    if message is not None and message.refusal:
        attempt.status, attempt.error = PERMANENT, finish_error(message.refusal, settings)
    elif message is None or message.parsed is None:
        attempt.status, attempt.invalid_reason = INVALID, "the answer held no JSON content"
    else:
        attempt.parsed = message.parsed
    return attempt


def _read_body(attempt: Attempt, settings: LLMSettings, model: str) -> None:
    """Usage, resolved model and content from the raw body (present even when parsing fails)."""
    try:
        body = safe_json.loads(attempt.raw_response or "")
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    attempt.model_resolved = body.get("model")
    usage = body.get("usage") or {}
    attempt.tokens_in = usage.get("prompt_tokens")
    attempt.tokens_out = usage.get("completion_tokens")
    attempt.cost = call_cost(settings.prices, attempt.tokens_in, attempt.tokens_out,
                             attempt.model_resolved, model)
    choices = body.get("choices") or [{}]
    attempt.content = ((choices[0] or {}).get("message") or {}).get("content")


def _short(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        lines = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}"
                 for e in errors()[:10]]
        return "; ".join(lines)
    return str(exc)[:500]
