"""HMAC signatures: the intake webhook's `X-Leadflow-Signature` and the session cookie.

Intake (CONNECTORS.md section 7, Stripe style): `X-Leadflow-Signature: t=<unix s>,v1=<hex>`
where hex = HMAC-SHA256(secret, f"{t}.{raw body}"). Several `v1=` are allowed (a sender rolling
its key signs with both); the timestamp may instead come in `X-Leadflow-Timestamp` (the Apps
Script sketch in CONNECTORS.md appendix B). Verified on the raw bytes, before any parsing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from pydantic import SecretStr


class SignatureError(Exception):
    """Why a request's signature was refused; the message never holds the body or a secret."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex v1 signature of a body at a time."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """A complete `X-Leadflow-Signature` value (for senders and tests)."""
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def _parse(header: str) -> tuple[str | None, list[str]]:
    timestamp: str | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1" and value:
            signatures.append(value.lower())
    return timestamp, signatures


def verify(
    header: str | None, body: bytes, secrets: Sequence[SecretStr], *, now: float,
    tolerance_s: int, timestamp_header: str | None = None,
) -> int:
    """The signed timestamp when some v1 matches some secret within the window; else raise."""
    if not secrets:
        raise SignatureError("no intake secret is configured (LEADFLOW_WEB__INTAKE_SECRETS)")
    if not header:
        raise SignatureError("missing X-Leadflow-Signature")
    stamp, signatures = _parse(header)
    stamp = stamp or timestamp_header
    if not stamp or not signatures:
        raise SignatureError("malformed X-Leadflow-Signature (want t=<unix>,v1=<hex>)")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError("signature timestamp is not an integer") from None
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError(f"signature timestamp outside the {tolerance_s} s window")
    matched = False
    for secret in secrets:
        expected = sign(secret.get_secret_value(), timestamp, body)
        for candidate in signatures:
            # Every pair is compared (no early exit) so timing says nothing about which matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureError("no v1 signature matches a configured secret")
    return timestamp


def sign_value(secret: bytes, value: str) -> str:
    """`value.mac` for a cookie (HMAC-SHA256, base16)."""
    mac = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
    return f"{value}.{mac}"


def unsign_value(secret: bytes, signed: str | None) -> str | None:
    """The value of a `value.mac` cookie whose MAC is right, else None."""
    if not signed or "." not in signed:
        return None
    value, _, mac = signed.rpartition(".")
    expected = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
    return value if hmac.compare_digest(expected, mac) else None
