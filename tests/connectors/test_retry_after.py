"""One reading of Retry-After for every vendor connector: seconds, HTTP dates, milliseconds."""

from __future__ import annotations

import email.utils
import importlib
from pathlib import Path

import httpx
import pytest

from connectors.base.retry_after import retry_after_s

NOW = 1_780_000_000.0  # a fixed "now" for HTTP dates


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Retry-After": "7"}, 7.0),
    ({"retry-after": "2.5"}, 2.5),
    ({"Retry-After": ["30"]}, 30.0),  # an SDK's list of values
    ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),  # milliseconds win
    ({"Retry-After": "-3"}, 0.0),
    ({"Retry-After": "soon"}, None),
    ({"Retry-After": "nan"}, None),
    ({"Retry-After": ""}, None),
    ({}, None),
    (None, None),
])
def test_seconds_and_milliseconds(headers: object, expected: float | None) -> None:
    assert retry_after_s(headers, now=lambda: NOW) == expected


def test_an_http_date_counts_from_now_and_a_past_one_is_no_wait() -> None:
    later = httpx.Headers({"Retry-After": "Fri, 15 May 2026 12:00:40 GMT"})
    base = email.utils.parsedate_to_datetime("Fri, 15 May 2026 12:00:00 GMT").timestamp()
    assert retry_after_s(later, now=lambda: base) == 40.0
    assert retry_after_s(later, now=lambda: base + 100) == 0.0


@pytest.mark.parametrize("module", ["connectors.hubspot.errors", "connectors.google.http",
                                    "connectors.gong.api", "connectors.slack.errors",
                                    "connectors.slack.retry", "connectors.llm.client"])
def test_every_vendor_connector_reads_it_here(module: str) -> None:
    text = Path(importlib.import_module(module).__file__ or "").read_text(encoding="utf-8")
    assert "from connectors.base.retry_after import retry_after_s" in text
    assert 'headers.get("Retry-After")' not in text
