"""The Gong API v2 calls leadflow makes (CONNECTORS.md section 5), with cursor paging.

Gong answers 404 "No calls found" for an empty result; here that is an empty list. 429 waits
Retry-After (through the limiter's sleep) a few times, then becomes a TransientError.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
from pydantic import SecretStr

from connectors.base.retry_after import retry_after_s
from connectors.gong.limiter import RateLimiter
from leadflow.errors import PermanentError, QuotaExhaustedError, TransientError

log = logging.getLogger(__name__)
NAME = "gong"

PARTIES_SELECTOR = {"exposedFields": {"parties": True}}


class GongApi:
    """Basic-auth JSON calls to one Gong tenant, through a shared rate limiter."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        base_url: str,
        access_key: SecretStr,
        access_key_secret: SecretStr,
        limiter: RateLimiter,
        max_429_waits: int = 2,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        # httpx builds the Basic header; the secret never reaches a log line or message.
        self._auth = httpx.BasicAuth(access_key.get_secret_value(),
                                     access_key_secret.get_secret_value())
        self.limiter = limiter
        self._max_waits = max_429_waits

    def calls_extensive(self, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
        """Every call that started in [start, end), with parties; none is an empty iterator."""
        body = {"filter": {"fromDateTime": _z(start), "toDateTime": _z(end)},
                "contentSelector": PARTIES_SELECTOR}
        for page in self._pages("/v2/calls/extensive", body, "calls_extensive"):
            yield from page.get("calls", [])

    def transcripts(self, call_ids: list[str], start: datetime, end: datetime
                    ) -> list[dict[str, Any]]:
        """callTranscripts for these calls (the window must contain their start), or []."""
        body = {"filter": {"fromDateTime": _z(start), "toDateTime": _z(end), "callIds": call_ids}}
        found: list[dict[str, Any]] = []
        for page in self._pages("/v2/calls/transcript", body, "transcripts"):
            found += page.get("callTranscripts", [])
        return found

    def whoami(self) -> dict[str, Any]:
        """GET /v2/users first page: proves the keys work (used by doctor; read-only)."""
        return self._send("GET", "/v2/users", None, "users") or {}

    def _pages(self, path: str, body: dict[str, Any], operation: str
               ) -> Iterator[dict[str, Any]]:
        """Each page of a cursor-paged POST; the identical body is repeated with the cursor."""
        cursor: str | None = None
        while True:
            page = self._send("POST", path, body | ({"cursor": cursor} if cursor else {}),
                              operation)
            if page is None:
                return
            yield page
            cursor = page.get("records", {}).get("cursor")
            if not cursor:
                return

    def _send(self, method: str, path: str, body: dict[str, Any] | None, operation: str
              ) -> dict[str, Any] | None:
        """The JSON answer, or None for Gong's 404 "nothing found"."""
        waits = 0
        while True:
            self.limiter.acquire()
            try:
                response = self.http.request(method, self.base_url + path, json=body,
                                             auth=self._auth)
            except httpx.TimeoutException:
                raise TransientError("Gong timed out", connector=NAME,
                                     operation=operation) from None
            except httpx.TransportError as exc:
                raise TransientError(f"cannot reach Gong: {type(exc).__name__}",
                                     connector=NAME, operation=operation) from None
            if response.status_code != 429:
                return _decode(response, operation)
            retry_after = retry_after_s(response.headers)
            if waits >= self._max_waits:
                raise TransientError("Gong rate limit (429): 3 calls/s, 10,000/day per company",
                                     connector=NAME, operation=operation,
                                     retry_after_s=retry_after)
            log.warning("gong 429, waiting", extra={"operation": operation,
                                                    "retry_after_s": retry_after})
            self.limiter.pause(retry_after if retry_after is not None else 1.0)
            waits += 1


def _decode(response: httpx.Response, operation: str) -> dict[str, Any] | None:
    status = response.status_code
    if response.is_success:
        return response.json()
    errors = _errors(response)
    if status == 404:
        return None
    if status in (401, 403):
        raise PermanentError(
            f"Gong refused the access key ({status}: {errors}): check LEADFLOW_GONG__ACCESS_KEY "
            "and __ACCESS_KEY_SECRET (keys can expire, and may be limited to trusted IPs)",
            connector=NAME, operation=operation)
    if status >= 500:
        raise TransientError(f"Gong server error {status}: {errors}", connector=NAME,
                             operation=operation)
    if "daily" in errors.lower() and "limit" in errors.lower():
        raise QuotaExhaustedError(f"Gong daily limit reached: {errors}", connector=NAME,
                                  operation=operation)
    raise PermanentError(f"Gong answered {status}: {errors}", connector=NAME,
                         operation=operation)


def _errors(response: httpx.Response) -> str:
    try:
        return "; ".join(str(item) for item in response.json().get("errors", [])) or "-"
    except (ValueError, AttributeError):
        return response.text[:200]


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
