"""slack-sdk's 429 retry handler with an injectable sleep and a longest wait."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.state import RetryState

from connectors.base.retry_after import retry_after_s


class WaitingRateLimitHandler(RateLimitErrorRetryHandler):
    """Retries HTTP 429 after Retry-After; a wait above `max_wait_s` is left to the caller."""

    def __init__(
        self, max_retry_count: int = 2, *, max_wait_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:  # fmt: skip
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s
        self._sleep = sleep

    def _can_retry(self, *, state: RetryState, request: Any, response: Any = None,
                   error: Any = None) -> bool:  # fmt: skip
        return (response is not None and response.status_code == 429
                and _retry_after(response) <= self.max_wait_s)  # fmt: skip

    def prepare_for_next_attempt(self, *, state: RetryState, request: Any, response: Any = None,
                                 error: Any = None) -> None:  # fmt: skip
        # As the SDK's handler, without its time.sleep, so tests never wait.
        state.next_attempt_requested = True
        self._sleep(_retry_after(response))
        state.increment_current_attempt()


def _retry_after(response: Any) -> float:
    # The SDK's own handler waits 1 s when the server does not say.
    asked = retry_after_s(response.headers)
    return 1.0 if asked is None else asked
