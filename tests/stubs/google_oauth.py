"""Google's OAuth token endpoint for service accounts, and Google's error envelope.

`POST /token` takes google-auth's signed JWT (grant jwt-bearer), verifies its RS256 signature
with the account's registered public key, its audience and expiry, and refuses a `sub`
(domain-wide delegation) the account was not granted, as Google does.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


@dataclass(frozen=True)
class Identity:
    """Who a token belongs to: a user, or a service account (acting as `subject` with DWD)."""

    email: str
    service_account: bool = False
    subject: str | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def without_delegation(self) -> bool:
        """A service account acting as itself: no attendees, no Meet."""
        return self.service_account and self.subject is None


@dataclass
class Account:
    """A service account the stub knows: its public key and whether an admin granted DWD."""

    public_key: rsa.RSAPublicKey
    delegation: bool = False


@dataclass
class Tokens:
    """Issued access tokens and the accounts allowed to get them."""

    accounts: dict[str, Account] = field(default_factory=dict)
    issued: dict[str, Identity] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def identity(self, request: Request) -> Identity | None:
        """The identity behind a request's bearer token, or None."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return self.issued.get(token) if scheme.lower() == "bearer" else None


def google_error(
    code: int, reason: str, message: str, status: str = "", headers: dict[str, str] | None = None
) -> JSONResponse:
    """Google's v1 error envelope (`errors[].reason`; `status` as newer APIs send it)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if reason:
        error["errors"] = [{"domain": "global", "reason": reason, "message": message}]
    if status:
        error["status"] = status
    return JSONResponse({"error": error}, status_code=code, headers=headers)


UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access "
    "token, login cookie or other valid authentication credential."
)


@functools.cache
def _private_key() -> rsa.RSAPrivateKey:
    # One throwaway key per test session: generating RSA keys is the slow part.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account_key(
    token_uri: str, email: str = "leadflow@proj.iam.gserviceaccount.com"
) -> tuple[dict[str, Any], rsa.RSAPublicKey]:
    """A throwaway service-account key file (as JSON info) and its public key."""
    key = _private_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "proj",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": email,
        "client_id": "1234567890",
        "token_uri": token_uri,
    }
    return info, key.public_key()


def token_router(tokens: Tokens) -> APIRouter:
    """`POST /token`: google-auth's service-account flow."""
    router = APIRouter()

    @router.post("/token")
    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        if form.get("grant_type") != JWT_BEARER:
            return _oauth_error(400, "unsupported_grant_type", "Invalid grant_type.")
        try:
            claims, account = _verify(str(form.get("assertion", "")), tokens)
        except ValueError as exc:
            return _oauth_error(400, "invalid_grant", str(exc))
        # google-auth signs for Google's own token URI even when token_uri points elsewhere.
        if claims.get("aud") not in {str(request.url), GOOGLE_TOKEN_URI}:
            return _oauth_error(400, "invalid_grant", "Invalid JWT: audience mismatch.")
        if claims.get("sub") and not account.delegation:
            return _oauth_error(
                401,
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this "
                "method, or client not authorized for any of the scopes requested.",
            )
        access = f"ya29.stub-{next(tokens.counter)}"
        tokens.issued[access] = Identity(
            email=claims["iss"],
            service_account=True,
            subject=claims.get("sub"),
            scopes=frozenset(str(claims.get("scope", "")).split()),
        )
        return JSONResponse({"access_token": access, "expires_in": 3599, "token_type": "Bearer"})

    return router


def _oauth_error(code: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=code)


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _verify(assertion: str, tokens: Tokens) -> tuple[dict[str, Any], Account]:
    try:
        header_part, claims_part, signature = assertion.split(".")
        header, claims = json.loads(_b64(header_part)), json.loads(_b64(claims_part))
    except ValueError:
        raise ValueError("Invalid JWT.") from None
    account = tokens.accounts.get(claims.get("iss", ""))
    if header.get("alg") != "RS256" or account is None:
        raise ValueError("Invalid JWT Signature.")
    try:
        account.public_key.verify(
            _b64(signature),
            f"{header_part}.{claims_part}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        raise ValueError("Invalid JWT Signature.") from None
    if claims.get("exp", 0) < time.time():
        raise ValueError("Invalid JWT: Token must be a short-lived token.")
    return claims, account
