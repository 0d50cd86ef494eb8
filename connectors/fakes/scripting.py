"""Call recording and failure scripting shared by every in-memory fake."""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def synchronized(method: F) -> F:
    """Run a fake's method under its lock: the chain calls connectors from worker threads."""

    @functools.wraps(method)
    def locked(self: Scripted, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked  # type: ignore[return-value]


class Scripted:
    """Records each call in `.calls` as (method, args) and raises the failures a test scripted."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._next: dict[str, deque[Exception]] = {}
        self._always: dict[str, Exception] = {}

    def fail_next(self, method: str, error: Exception, times: int = 1) -> None:
        """Make the next `times` calls of `method` raise `error` (a transient fault)."""
        self._check(method)
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        self._next.setdefault(method, deque()).extend([error] * times)

    def fail_always(self, method: str, error: Exception) -> None:
        """Make every call of `method` raise `error` until clear_failures() (a permanent fault)."""
        self._check(method)
        self._always[method] = error

    def clear_failures(self) -> None:
        """Forget every scripted failure; recorded calls are kept."""
        self._next.clear()
        self._always.clear()

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The arguments of each recorded call of `method`, in order."""
        return [args for name, args in self.calls if name == method]

    def _call(self, method: str, **args: Any) -> None:
        """Record a call, then raise its scripted failure if there is one."""
        self.calls.append((method, args))
        pending = self._next.get(method)
        if pending:
            raise pending.popleft()
        if method in self._always:
            raise self._always[method]

    def _check(self, method: str) -> None:
        if method.startswith("_") or not callable(getattr(self, method, None)):
            raise ValueError(f"{type(self).__name__} has no method {method!r} to fail")
