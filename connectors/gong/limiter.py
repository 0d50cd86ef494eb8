"""A client-side rate limiter: at most N calls per second, with an injectable clock and sleep."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Sliding one-second window: a call waits until fewer than `per_second` happened in it.

    Gong's 3 calls/s is per company, so one limiter is shared by every client in the process.
    """

    def __init__(
        self,
        per_second: float = 3.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait (via `sleep`) until a call is allowed, then count it."""
        with self._lock:
            while True:
                now = self._clock()
                window = 1.0 if self.per_second >= 1 else 1.0 / self.per_second
                allowed = max(1, int(self.per_second)) if self.per_second >= 1 else 1
                while self._calls and self._calls[0] <= now - window:
                    self._calls.popleft()
                if len(self._calls) < allowed:
                    self._calls.append(now)
                    return
                self._sleep(self._calls[0] + window - now)

    def pause(self, seconds: float) -> None:
        """Wait `seconds` (a server's Retry-After) through the injected sleep."""
        self._sleep(seconds)


_SHARED: dict[str, RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(key: str, per_second: float) -> RateLimiter:
    """The process-wide limiter for one Gong tenant (its base URL), created on first use."""
    with _SHARED_LOCK:
        limiter = _SHARED.get(key)
        if limiter is None or limiter.per_second != per_second:
            limiter = _SHARED[key] = RateLimiter(per_second)
        return limiter
