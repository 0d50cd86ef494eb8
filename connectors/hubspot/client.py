"""HubSpotClient: authenticated JSON calls on an injected httpx.Client, rate limits honoured."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
from pydantic import SecretStr

from connectors.hubspot.errors import NAME, TOKEN_SETTING, error_for
from leadflow.errors import PermanentError, QuotaExhaustedError, TransientError

Sleep = Callable[[float], None]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RateLimits:
    """The last `X-HubSpot-RateLimit-*` headers seen (None: not sent, e.g. by search)."""

    daily: int | None = None
    daily_remaining: int | None = None
    interval_ms: int | None = None
    max: int | None = None
    remaining: int | None = None

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> RateLimits:
        def number(name: str) -> int | None:
            raw = headers.get(f"X-HubSpot-RateLimit-{name}")
            return int(raw) if raw is not None and raw.strip().isdigit() else None

        return cls(number("Daily"), number("Daily-Remaining"),
                   number("Interval-Milliseconds"), number("Max"), number("Remaining"))  # fmt: skip


class HubSpotClient:
    """Calls HubSpot under one API version; no I/O until the first call.

    `api_version` is a date version ("2026-03") or "v3" for the legacy paths. A daily-limit hit
    stops all further calls (QuotaExhaustedError) until the daily reset; an exhausted 10-second
    window is waited out (up to `max_wait_s`, with the injectable `sleep`) before calling again.
    """

    def __init__(
        self,
        http: httpx.Client,
        token: SecretStr | str | None,
        *,
        api_version: str = "2026-03",
        account_timezone: str = "UTC",
        max_wait_s: float = 10.0,
        sleep: Sleep = time.sleep,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._http = http
        self._token = SecretStr(token) if isinstance(token, str) else token
        self.api_version = api_version
        self._zone = ZoneInfo(account_timezone)
        self._max_wait_s = max_wait_s
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._window_until: datetime | None = None
        self._quota_until: datetime | None = None
        self.limits = RateLimits()

    @property
    def has_token(self) -> bool:
        """Whether a token is configured (its value is never shown)."""
        return bool(self._token and self._token.get_secret_value().strip())

    def objects(self, object_type: str, *parts: str) -> str:
        """The path of an object type's records (`/crm/objects/2026-03/contacts/...`)."""
        root = "/crm/v3/objects" if self.api_version == "v3" else f"/crm/objects/{self.api_version}"
        return "/".join([root, object_type, *(quote(part, safe="") for part in parts)])

    def properties(self, object_type: str, *parts: str) -> str:
        """The path of an object type's property definitions (or `groups`)."""
        root = "/crm/v3/properties" if self.api_version == "v3" else (
            f"/crm/properties/{self.api_version}")  # fmt: skip
        return "/".join([root, object_type, *(quote(part, safe="") for part in parts)])

    def association(self, from_type: str, from_id: str, to_type: str, to_id: str) -> str:
        """The path that associates two records with the default type (an idempotent PUT)."""
        root = "/crm/v4/objects" if self.api_version == "v3" else f"/crm/objects/{self.api_version}"
        return f"{root}/{from_type}/{quote(from_id, safe='')}/associations/default/{to_type}/" \
               f"{quote(to_id, safe='')}"  # fmt: skip

    def daily_reset_at(self) -> datetime:
        """The next midnight in the account's time zone, in UTC (when the daily limit resets)."""
        local = self._clock().astimezone(self._zone)
        midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(),
                                    tzinfo=self._zone)  # fmt: skip
        return midnight.astimezone(UTC)

    def call(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        """One request; the parsed JSON body (None when empty). Errors per errors.error_for."""
        if not self.has_token:
            raise PermanentError(
                f"no HubSpot token: set {TOKEN_SETTING} (a service key or private-app token)",
                connector=NAME, operation=operation,
            )  # fmt: skip
        self._wait_for_limits(operation)
        assert self._token is not None
        headers = {"Authorization": f"Bearer {self._token.get_secret_value()}"}
        try:
            response = self._http.request(method, path, json=json, params=params,
                                          headers=headers)  # fmt: skip
        except httpx.TimeoutException as exc:
            raise TransientError(f"HubSpot timed out: {type(exc).__name__}", connector=NAME,
                                 operation=operation) from exc  # fmt: skip
        except httpx.TransportError as exc:
            raise TransientError(f"HubSpot unreachable: {type(exc).__name__}: {exc}",
                                 connector=NAME, operation=operation) from exc  # fmt: skip
        self._note_limits(response)
        if response.status_code >= 400:
            error = error_for(response, operation=operation, daily_reset_at=self.daily_reset_at())
            if isinstance(error, QuotaExhaustedError):
                with self._lock:
                    self._quota_until = error.resets_at
            raise error
        return response.json() if response.content else None

    def _wait_for_limits(self, operation: str) -> None:
        now = self._clock()
        with self._lock:
            quota_until, window_until = self._quota_until, self._window_until
        if quota_until is not None and now < quota_until:
            raise QuotaExhaustedError(
                f"the HubSpot daily API limit is used up; not calling again before "
                f"{quota_until.isoformat()} (then `leadflow retry` resumes waiting leads)",
                connector=NAME, operation=operation, resets_at=quota_until,
            )  # fmt: skip
        if window_until is not None and now < window_until:
            wait = (window_until - now).total_seconds()
            if wait > self._max_wait_s:
                raise TransientError("HubSpot 10-second window used up", connector=NAME,
                                     operation=operation, retry_after_s=wait)  # fmt: skip
            self._sleep(wait)

    def _note_limits(self, response: httpx.Response) -> None:
        limits = RateLimits.from_headers(response.headers)
        now = self._clock()
        with self._lock:
            if limits != RateLimits():
                self.limits = limits
            # Search responses carry no headers: only a response that has them moves the window.
            if limits.remaining is not None:
                self._window_until = None if limits.remaining > 0 else (
                    now + timedelta(milliseconds=limits.interval_ms or 10_000))  # fmt: skip
            if limits.daily_remaining == 0:
                self._quota_until = self.daily_reset_at()
