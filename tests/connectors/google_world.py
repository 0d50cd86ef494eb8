"""Building Google connectors against the local stubs: a user token or a real service account."""

from __future__ import annotations

from typing import Any

import httpx

from connectors.google import GoogleHttp, ServiceAccountTokens, StaticToken
from tests.stubs.google_oauth import Account, Identity, Tokens, service_account_key

ALL_SCOPES = frozenset({
    "https://www.googleapis.com/auth/calendar",
    "https://www.googleapis.com/auth/forms.responses.readonly",
    "https://www.googleapis.com/auth/forms.body.readonly",
})
USER_TOKEN = "ya29.user-token"


class Sleeps(list[float]):
    """An injectable sleep that records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def user_http(tokens: Tokens, base_url: str, *, connector: str, sleep: Sleeps | None = None,
              **options: Any) -> GoogleHttp:
    """GoogleHttp with a static token the stub knows as a Workspace user (no DWD limits)."""
    tokens.issued[USER_TOKEN] = Identity(email="scheduler@sales.example", scopes=ALL_SCOPES)
    return GoogleHttp(httpx.Client(timeout=10), StaticToken(USER_TOKEN), base_url,
                      connector=connector, sleep=Sleeps() if sleep is None else sleep,
                      jitter=lambda: 0.5, **options)


def service_account_http(
    tokens: Tokens, base_url: str, scopes: tuple[str, ...], *, connector: str,
    delegation: bool = False, subject: str | None = None, sleep: Sleeps | None = None,
) -> GoogleHttp:
    """GoogleHttp whose tokens come from google-auth's real flow against the stub's /token."""
    info, public_key = service_account_key(f"{base_url}/token")
    tokens.accounts[info["client_email"]] = Account(public_key, delegation=delegation)
    http = httpx.Client(timeout=10)
    source = ServiceAccountTokens(info, scopes, http, subject=subject, connector=connector)
    return GoogleHttp(http, source, base_url, connector=connector,
                      sleep=Sleeps() if sleep is None else sleep, jitter=lambda: 0.5)
