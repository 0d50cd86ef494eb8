"""How long a server asked us to wait: one reading of Retry-After for every vendor connector.

`retry-after-ms` (OpenAI-compatible servers) wins, then `Retry-After` as seconds or as an HTTP
date (RFC 9110 allows both). Header names are matched in any case, and a value that is a list
(as some SDKs hand headers over) counts by its first item.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any


def _header(headers: Any, name: str) -> str | None:
    items = getattr(headers, "items", None)
    if items is None:
        return None
    for key, value in items():
        if str(key).lower() == name:
            value = value[0] if isinstance(value, list | tuple) and value else value
            return str(value).strip() if value is not None else None
    return None


def retry_after_s(headers: Any, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait (never negative), or None when the server did not say or said nonsense."""
    millis = _header(headers, "retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = _header(headers, "retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if moment is None or moment.tzinfo is None:
            return None
        return max(moment.timestamp() - now(), 0.0)
    return max(seconds, 0.0) if seconds == seconds and seconds != float("inf") else None
