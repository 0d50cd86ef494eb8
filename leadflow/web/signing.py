"""HMAC signatures: the intake webhook's `X-Leadflow-Signature` and the session cookie.

Intake (CONNECTORS.md section 7, Stripe style): `X-Leadflow-Signature: t=<unix s>,v2=<hex>`
where hex = HMAC-SHA256(secret, f"{t}.{source}.{raw body}") and source is the path's last part
(`/intake/google_forms` -> `google_forms`). The source is signed so a request captured for one
source cannot be replayed to another inside the time window. Several `v2=` are allowed (a
sender rolling its key signs with both); the timestamp may instead come in
`X-Leadflow-Timestamp` (the Apps Script sketch in CONNECTORS.md appendix B).

`v1=` (HMAC of f"{t}.{raw body}", without the source) is refused with a message saying what
to sign instead. The header is checked before the body is read, the HMAC on the raw bytes
before any parsing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

from pydantic import SecretStr


class SignatureError(Exception):
    """Why a request's signature was refused; the message never holds the body or a secret."""


def sign(secret: str, timestamp: int, body: bytes, *, source: str) -> str:
    """The hex v2 signature of a body sent to a source at a time."""
    message = f"{timestamp}.{source}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes, *, source: str) -> str:
    """A complete `X-Leadflow-Signature` value (for senders and tests)."""
    return f"t={timestamp},v2={sign(secret, timestamp, body, source=source)}"


# Anything else can never match (and compare_digest refuses non-ASCII text with a TypeError).
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _parse(header: str) -> tuple[str | None, list[str], bool]:
    timestamp: str | None = None
    signatures: list[str] = []
    legacy = False
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v2" and _HEX_SHA256.fullmatch(value):
            signatures.append(value.lower())
        elif key == "v1":
            legacy = True
    return timestamp, signatures, legacy


def check_header(
    header: str | None, secrets: Sequence[SecretStr], *, now: float, tolerance_s: int,
    timestamp_header: str | None = None,
) -> tuple[int, list[str]]:
    """(timestamp, v2 signatures) of a well-formed header inside the window; else raise.

    Needs no body: intake calls it before reading one, so an unsigned or stale request costs
    nothing but its headers.
    """
    if not secrets:
        raise SignatureError("no intake secret is configured (LEADFLOW_WEB__INTAKE_SECRETS)")
    if not header:
        raise SignatureError("missing X-Leadflow-Signature")
    stamp, signatures, legacy = _parse(header)
    stamp = stamp or timestamp_header
    if legacy and not signatures:
        raise SignatureError("v1 signatures (HMAC of t.body) are no longer accepted: send "
                             "v2=HMAC-SHA256(secret, t + '.' + source + '.' + body)")
    if not stamp or not signatures:
        raise SignatureError("malformed X-Leadflow-Signature (want t=<unix>,v2=<hex>)")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError("signature timestamp is not an integer") from None
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError(f"signature timestamp outside the {tolerance_s} s window")
    return timestamp, signatures


def check_body(
    timestamp: int, signatures: Sequence[str], body: bytes, secrets: Sequence[SecretStr], *,
    source: str,
) -> None:
    """Raise unless some v2 signature is some secret's HMAC of this body sent to `source`."""
    matched = False
    for secret in secrets:
        expected = sign(secret.get_secret_value(), timestamp, body, source=source)
        for candidate in signatures:
            # Every pair is compared (no early exit) so timing says nothing about which matched.
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise SignatureError("no v2 signature matches a configured secret for this source")


def verify(
    header: str | None, body: bytes, secrets: Sequence[SecretStr], *, source: str, now: float,
    tolerance_s: int, timestamp_header: str | None = None,
) -> int:
    """The signed timestamp when some v2 matches some secret within the window; else raise."""
    timestamp, signatures = check_header(header, secrets, now=now, tolerance_s=tolerance_s,
                                         timestamp_header=timestamp_header)
    check_body(timestamp, signatures, body, secrets, source=source)
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
