"""Retry only transient errors, with capped exponential backoff that honours Retry-After."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from leadflow.errors import TransientError
from leadflow.settings import RetrySettings

T = TypeVar("T")
log = logging.getLogger(__name__)


def backoff_delay(attempt: int, policy: RetrySettings, retry_after_s: float | None) -> float:
    """Seconds before retry `attempt` (1-based): the service's hint, else 2^n with jitter."""
    if retry_after_s is not None:
        return min(max(retry_after_s, 0.0), policy.max_delay_s)
    exponential = policy.base_delay_s * 2 ** (attempt - 1)
    # Full jitter keeps many leads that failed together from retrying in lockstep.
    return min(random.uniform(0, exponential), policy.max_delay_s)


def call_with_retries(
    operation: Callable[[], T],
    policy: RetrySettings,
    *,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `operation`; on TransientError wait and try again up to policy.max_attempts times."""
    attempt = 1
    while True:
        try:
            return operation()
        except TransientError as exc:
            if attempt >= policy.max_attempts:
                raise
            delay = backoff_delay(attempt, policy, exc.retry_after_s)
            log.warning("transient error, retrying", extra={
                "step": what, "attempt": attempt, "delay_s": round(delay, 3), "error": str(exc)})
            sleep(delay)
            attempt += 1
