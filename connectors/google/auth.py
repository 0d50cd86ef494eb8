"""Google access tokens: google-auth's service-account flow, sent over our own httpx client.

google-auth signs the JWT and parses the answer; the HTTP call goes through `HttpxRequest`, so
tests and proxies see one injected `httpx.Client` and `requests` is never needed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import httpx
from google.auth import exceptions as google_exceptions
from google.auth import transport
from google.oauth2 import service_account
from pydantic import SecretStr

from leadflow.errors import ConfigError, PermanentError, TransientError
from scoring import safe_json

CALENDAR_SCOPES = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
)
FORMS_SCOPES = ("https://www.googleapis.com/auth/forms.responses.readonly",
                "https://www.googleapis.com/auth/forms.body.readonly")


@runtime_checkable
class TokenSource(Protocol):
    """Bearer tokens for Google APIs, optionally acting as a Workspace user (DWD)."""

    def token(self, subject: str | None = None) -> str:
        """A valid access token, for `subject` when the source impersonates users."""
        ...

    def invalidate(self, subject: str | None = None) -> None:
        """Forget the cached token (Google said 401), so the next call fetches a new one."""
        ...

    @property
    def is_service_account(self) -> bool:
        """True for a service account (it needs DWD to invite attendees or create Meet links)."""
        ...


class StaticToken:
    """A fixed token (tests, or a token minted elsewhere); it never refreshes."""

    def __init__(self, token: str, *, service_account: bool = False) -> None:
        self._token = token
        self._service_account = service_account

    def token(self, subject: str | None = None) -> str:
        """The fixed token."""
        return self._token

    def invalidate(self, subject: str | None = None) -> None:
        """Nothing to forget."""

    @property
    def is_service_account(self) -> bool:
        """As told at construction."""
        return self._service_account


class HttpxRequest(transport.Request):
    """google-auth's transport interface on an httpx.Client."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def __call__(  # type: ignore[override]
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> transport.Response:
        try:
            response = self._http.request(method, url, content=body, headers=headers,
                                          timeout=timeout or httpx.USE_CLIENT_DEFAULT)
        except httpx.HTTPError as exc:
            raise google_exceptions.TransportError(f"{type(exc).__name__}: {exc}") from exc
        return _Response(response)


class _Response(transport.Response):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self._response.headers

    @property
    def data(self) -> bytes:
        return self._response.content


class ServiceAccountTokens:
    """Tokens of a service account; `subject` (or the caller's) impersonates a user via DWD."""

    def __init__(
        self,
        info: Mapping[str, Any],
        scopes: Sequence[str],
        http: httpx.Client,
        *,
        subject: str | None = None,
        connector: str = "google",
    ) -> None:
        # Only parsing here: google-auth does no I/O until refresh().
        self._base = service_account.Credentials.from_service_account_info(
            dict(info), scopes=list(scopes))
        self._request = HttpxRequest(http)
        self._subject = subject
        self._connector = connector
        self._cache: dict[str | None, service_account.Credentials] = {}
        self._lock = threading.Lock()

    @property
    def is_service_account(self) -> bool:
        """Always True."""
        return True

    @property
    def client_email(self) -> str:
        """The service account's address (shown by `leadflow doctor`)."""
        return str(self._base.service_account_email)

    def has_delegation(self, subject: str | None = None) -> bool:
        """True when tokens are minted for a user (domain-wide delegation is configured)."""
        return (subject or self._subject) is not None

    def token(self, subject: str | None = None) -> str:
        """A valid token for `subject` (else the configured subject, else the account itself)."""
        who = subject or self._subject
        with self._lock:
            credentials = self._cache.get(who)
            if credentials is None:
                credentials = self._base.with_subject(who) if who else self._base
                self._cache[who] = credentials
            if not credentials.valid:
                self._refresh(credentials, who)
            return str(credentials.token)

    def invalidate(self, subject: str | None = None) -> None:
        """Drop the cached token for `subject`."""
        with self._lock:
            self._cache.pop(subject or self._subject, None)

    def _refresh(self, credentials: service_account.Credentials, who: str | None) -> None:
        try:
            credentials.refresh(self._request)
        except google_exceptions.TransportError as exc:
            raise TransientError(f"cannot reach Google's token endpoint: {exc}",
                                 connector=self._connector, operation="token") from None
        except google_exceptions.RefreshError as exc:
            raise PermanentError(_refresh_advice(str(exc), who, self.client_email),
                                 connector=self._connector, operation="token") from None


def _refresh_advice(error: str, subject: str | None, client_email: str) -> str:
    """What to fix for a refused token request (google-auth's message carries no secret)."""
    if "unauthorized_client" in error and subject:
        return (f"Google refused to let {client_email} act as {subject}: a Workspace admin must "
                "grant this service account's client id domain-wide delegation for the calendar "
                "scopes (Admin console > Security > API controls), or unset the subject "
                f"({error})")
    return (f"Google refused the service account {client_email}'s token request: check that "
            "the key in LEADFLOW_GOOGLE__SERVICE_ACCOUNT_FILE/_JSON is current and not deleted "
            f"({error})")


def load_service_account_info(file: Path | None, json_secret: SecretStr | None) -> dict[str, Any]:
    """The service-account key, from a file path or a JSON secret; ConfigError says which."""
    if json_secret is not None:
        key, text = "LEADFLOW_GOOGLE__SERVICE_ACCOUNT_JSON", json_secret.get_secret_value()
    elif file is not None:
        key = "LEADFLOW_GOOGLE__SERVICE_ACCOUNT_FILE"
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read the service-account key: {exc.strerror}",
                              file=file, key=key) from None
    else:
        raise ConfigError("set a service-account key file (or _JSON) to use Google",
                          key="LEADFLOW_GOOGLE__SERVICE_ACCOUNT_FILE")
    try:
        info = safe_json.loads(text)
    except json.JSONDecodeError:
        # Never echo the text: it holds a private key.
        raise ConfigError("the service-account key is not valid JSON", key=key) from None
    missing = [name for name in ("client_email", "private_key", "token_uri")
               if not isinstance(info, dict) or not info.get(name)]
    if missing or info.get("type") != "service_account":
        raise ConfigError("not a service-account key (expected type service_account with "
                          f"client_email, private_key, token_uri; missing {missing})", key=key)
    return info
