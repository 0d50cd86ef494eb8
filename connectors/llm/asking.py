"""The ask loop shared by every structured call: re-ask once when invalid, retry transient faults.

Every attempt is handed to `on_attempt` (the audit record, usage) before anything else happens,
so failures are recorded too.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from openai import OpenAI
from pydantic import BaseModel

from connectors.llm import attempt as attempts
from leadflow.errors import InvalidOutputError, TransientError
from leadflow.settings import LLMSettings

# Like the SDK: never wait longer than this for one retry; a longer retry-after is passed up.
MAX_RETRY_WAIT_S = 120.0
REASK = ("Your answer did not match the required JSON schema: {error}\n"
         "Reply again with only the corrected JSON object.")


def backoff(retry: int, retry_after_s: float | None) -> float | None:
    """Seconds before retry number `retry`; None when the server wants more than the cap."""
    if retry_after_s is not None:
        return retry_after_s if retry_after_s <= MAX_RETRY_WAIT_S else None
    # Like the SDK: 0.5 s doubling to 8 s, minus up to 25% jitter so workers spread out.
    return min(0.5 * 2 ** (retry - 1), 8.0) * (1 - 0.25 * random.random())


def ask(
    client: OpenAI,
    settings: LLMSettings,
    messages: list[dict[str, str]],
    schema: type[BaseModel],
    *,
    on_attempt: Callable[[attempts.Attempt, bool], None],
    slots: threading.BoundedSemaphore,
    sleep: Callable[[float], None],
) -> BaseModel:
    """The parsed answer; InvalidOutputError after a failed re-ask, else the typed error."""
    prompt = list(messages)
    invalid: list[dict[str, Any]] = []
    retries = 0
    while True:
        with slots:
            attempt = attempts.send(client, settings, settings.model, messages, schema)
        on_attempt(attempt, bool(invalid))
        if attempt.parsed is not None:
            return attempt.parsed
        if attempt.status == attempts.INVALID:
            invalid.append({"raw_response": attempt.raw_response,
                            "error": attempt.invalid_reason})
            if len(invalid) > 1:
                raise InvalidOutputError(
                    f"{settings.model} gave invalid output twice (last: "
                    f"{attempt.invalid_reason}); see `leadflow llm-calls show`",
                    attempts=invalid)
            messages = [*prompt, {"role": "assistant", "content": attempt.content or ""},
                        {"role": "user", "content": REASK.format(error=attempt.invalid_reason)}]
            continue
        assert attempt.error is not None
        if not isinstance(attempt.error, TransientError):
            raise attempt.error
        retries += 1
        wait = backoff(retries, attempt.error.retry_after_s)
        if retries > settings.max_retries or wait is None:
            raise attempt.error
        sleep(wait)
