"""What Google connectors share: service-account tokens and the authorised JSON call."""

from connectors.google.auth import (
    CALENDAR_SCOPES,
    FORMS_SCOPES,
    ServiceAccountTokens,
    StaticToken,
    TokenSource,
    load_service_account_info,
)
from connectors.google.http import GoogleApiError, GoogleHttp

__all__ = [
    "CALENDAR_SCOPES",
    "FORMS_SCOPES",
    "GoogleApiError",
    "GoogleHttp",
    "ServiceAccountTokens",
    "StaticToken",
    "TokenSource",
    "load_service_account_info",
]
