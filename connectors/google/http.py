"""One authorised JSON call to a Google API, with Google's error envelope mapped to ours.

Retries mirror googleapiclient (`execute(num_retries=N)`): 429, 5xx and 403 rate-limit reasons,
sleeping rand() * 2**n seconds; after that a TransientError lets the flow retry later.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from connectors.base.retry_after import retry_after_s
from connectors.google.auth import TokenSource
from leadflow.errors import PermanentError, QuotaExhaustedError, TransientError

log = logging.getLogger(__name__)

RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})


class GoogleApiError(PermanentError):
    """A Google answer the caller may want to inspect (404, 409, 410); carries status, reason."""

    def __init__(self, message: str, *, status: int, reason: str, connector: str,
                 operation: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(message, connector=connector, operation=operation)


def error_reason(response: httpx.Response) -> tuple[str, str]:
    """(reason, message) from Google's envelope `{"error": {"errors": [{reason}], message}}`."""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        return "", response.text[:200]
    if not isinstance(error, dict):
        return "", str(error)[:200]
    items = error.get("errors") or [{}]
    reason = str(items[0].get("reason") or error.get("status") or "")
    return reason, str(error.get("message") or items[0].get("message") or "")


class GoogleHttp:
    """Sends requests with a bearer token and turns failures into leadflow errors."""

    def __init__(
        self,
        http: httpx.Client,
        tokens: TokenSource,
        base_url: str,
        *,
        connector: str,
        max_retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.http = http
        self.tokens = tokens
        self.base_url = base_url.rstrip("/") + "/"
        self.connector = connector
        self.max_retries = max_retries
        self._sleep = sleep
        self._jitter = jitter

    def call(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        subject: str | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """The decoded JSON answer (None for 204); raises by what the caller should do next."""
        url = self.base_url + path.lstrip("/")
        attempt, reauthorised = 0, False
        while True:
            headers = {"Authorization": f"Bearer {self.tokens.token(subject)}"}
            try:
                response = self.http.request(method, url, params=params, json=json,
                                             headers=headers)
            except httpx.TimeoutException as exc:
                failure: TransientError = TransientError(
                    f"timed out: {type(exc).__name__}", connector=self.connector,
                    operation=operation)
            except httpx.TransportError as exc:
                failure = TransientError(f"cannot reach Google: {type(exc).__name__}",
                                         connector=self.connector, operation=operation)
            else:
                if response.status_code == 401 and not reauthorised:
                    # A token revoked or expired early: fetch a fresh one once.
                    self.tokens.invalidate(subject)
                    reauthorised = True
                    continue
                if response.is_success:
                    return response.json() if response.content else None
                failure = self._error(response, operation)
            if attempt >= self.max_retries:
                raise failure
            delay = failure.retry_after_s or self._jitter() * 2 ** attempt
            log.warning("google transient error, retrying", extra={
                "connector": self.connector, "operation": operation, "delay_s": delay})
            self._sleep(delay)
            attempt += 1

    def _error(self, response: httpx.Response, operation: str) -> TransientError:
        """The TransientError to retry, or raises the permanent one."""
        status = response.status_code
        reason, message = error_reason(response)
        retry_after = retry_after_s(response.headers)
        where = {"connector": self.connector, "operation": operation}
        if status == 429 or status >= 500 or (status == 403 and reason in RATE_REASONS):
            return TransientError(f"HTTP {status} {reason}: {message}",
                                  retry_after_s=retry_after, **where)
        if status == 403 and reason in QUOTA_REASONS:
            raise QuotaExhaustedError(
                f"the Google project's quota is used up ({reason}): wait for the reset or raise "
                "it in the Cloud console (APIs & Services > Quotas)", **where)
        if status == 401:
            raise PermanentError(
                "Google rejected the credentials (401 authError): check the service-account key "
                "(LEADFLOW_GOOGLE__SERVICE_ACCOUNT_FILE/_JSON) and that the API is enabled",
                **where)
        if status == 403 and reason in SCOPE_REASONS:
            raise PermanentError(
                f"the token lacks a scope ({message}); grant the scopes listed in the README "
                "(for delegation: in the Workspace admin console)", **where)
        raise GoogleApiError(f"HTTP {status} {reason}: {message}", status=status,
                             reason=reason, **where)


