"""HubSpot error bodies mapped to leadflow's errors, each naming what to fix."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
from pydantic import ValidationError

from connectors.base.retry_after import retry_after_s as wait_asked
from connectors.hubspot.models import ErrorBody
from leadflow.errors import ConnectorError, PermanentError, QuotaExhaustedError, TransientError

NAME = "hubspot"
TOKEN_SETTING = "LEADFLOW_HUBSPOT__ACCESS_TOKEN"
DAILY_POLICY = "DAILY"
_EXISTING_ID = re.compile(r"Existing ID: (\d+)")


class HubSpotConflict(PermanentError):
    """A 409: the record or property exists already; `existing_id` when HubSpot names it."""

    def __init__(self, message: str, *, operation: str, existing_id: str | None) -> None:
        self.existing_id = existing_id
        super().__init__(message, connector=NAME, operation=operation)


class HubSpotNotFound(PermanentError):
    """A 404: the record (or the path) does not exist."""


class HubSpotForbidden(PermanentError):
    """A 403: the token lacks `scopes` (as HubSpot's MISSING_SCOPES body names them)."""

    def __init__(self, message: str, *, operation: str, scopes: list[str]) -> None:
        self.scopes = scopes
        super().__init__(message, connector=NAME, operation=operation)


def error_body(response: httpx.Response) -> ErrorBody:
    """The parsed error body; a non-JSON body becomes its text as the message."""
    try:
        return ErrorBody.model_validate(response.json())
    except (ValueError, ValidationError):
        return ErrorBody(message=response.text[:300])


def retry_after_s(response: httpx.Response) -> float | None:
    """Retry-After if sent, else the rate-limit window from HubSpot's headers."""
    asked = wait_asked(response.headers)
    if asked is not None:
        return asked
    raw = response.headers.get("X-HubSpot-RateLimit-Interval-Milliseconds")
    return float(raw) / 1000 if raw and raw.strip().isdigit() else None


def error_for(
    response: httpx.Response, *, operation: str, daily_reset_at: datetime
) -> ConnectorError:
    """The leadflow error for a failed HubSpot response (status >= 400)."""
    body = error_body(response)
    status = response.status_code
    ref = f" (HTTP {status} {body.category or ''}, correlationId {body.correlation_id})"
    message = body.message or response.reason_phrase
    if status == 429:
        if (body.policy_name or "").upper() == DAILY_POLICY:
            return QuotaExhaustedError(
                f"the HubSpot daily API limit is used up; calls resume after "
                f"{daily_reset_at.isoformat()} (run `leadflow retry` for waiting leads then){ref}",
                connector=NAME, operation=operation, resets_at=daily_reset_at,
            )  # fmt: skip
        return TransientError(
            f"HubSpot rate limit {body.policy_name or 'unknown policy'}: {message}{ref}",
            connector=NAME, operation=operation, retry_after_s=retry_after_s(response) or 10.0,
        )  # fmt: skip
    if status >= 500:
        return TransientError(
            f"HubSpot server error: {message}{ref}",
            connector=NAME,
            operation=operation,
            retry_after_s=retry_after_s(response),
        )
    if status == 401:
        return PermanentError(
            f"HubSpot rejected the access token: {message}. Set {TOKEN_SETTING} to a valid "
            f"service key or private-app token (it may have been rotated or revoked){ref}",
            connector=NAME, operation=operation,
        )  # fmt: skip
    if status == 403:
        scopes = body.required_scopes()
        need = f"grant the scope(s) {', '.join(scopes)}" if scopes else "grant the missing scopes"
        return HubSpotForbidden(
            f"the HubSpot token is not allowed to do this: {message}. In HubSpot, {need} to "
            f"the service key or app behind {TOKEN_SETTING} (see README: Connect your tools){ref}",
            operation=operation, scopes=scopes,
        )  # fmt: skip
    if status == 404:
        return HubSpotNotFound(f"{message}{ref}", connector=NAME, operation=operation)
    if status == 409:
        found = _EXISTING_ID.search(message)
        return HubSpotConflict(
            f"{message}{ref}", operation=operation, existing_id=found.group(1) if found else None
        )
    hint = ""
    if "PROPERTY_DOESNT_EXIST" in message or "does not exist" in message:
        hint = "; run `leadflow hubspot provision` to create leadflow's properties"
    return PermanentError(
        f"HubSpot refused the request: {message}{hint}{ref}", connector=NAME, operation=operation
    )
