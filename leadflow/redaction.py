"""Redaction: configured secrets by value, credential-shaped text, emails and phone numbers.

Build one Redactor from the settings at the composition root and pass it down. Patterns alone
miss a provider's key that has no well-known shape (a Gong key, a session secret), so every
secret the settings hold is masked by value too. The store keeps personal data but never a
secret (`secrets`); text that leaves the process (logs, Prefect) loses both (`redact`).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import BaseModel, SecretStr

if TYPE_CHECKING:
    from leadflow.settings import Settings

SECRET = "[secret]"
# Shorter values would mask ordinary words and numbers; no real key is that short.
MIN_SECRET_LENGTH = 8

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A dotted quad is an address operators need to see (who probes the service), not a phone.
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}(?![\d.])"
_PHONE = re.compile(rf"(?<![\w.])(?!{_IPV4})\+?\(?\d[\d ().-]{{6,}}\d(?![\w.])")
# Lengths and case keep ordinary words out ("bearer of bad news", a company called
# SK-Innovation or pat-foods): the providers' prefixes are lower case.
_CREDENTIAL = re.compile(r"\b((?i:bearer)\s+[\w.~+/=-]{8,}|sk-[\w-]{8,}|xox[abpr]-[\w-]{8,}"
                         r"|pat-[a-z]{2}\d-[\w-]{8,})")


class Redactor:
    """Masks known secret values and credential shapes; `redact` also emails and phones.

    Immutable once built; safe to share between threads.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        variants = {variant for secret in secrets for variant in _variants(secret)}
        # Longest first, so a secret containing another is masked whole.
        ordered = sorted(variants, key=lambda value: (-len(value), value))
        self._known = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    @classmethod
    def from_settings(cls, settings: Settings) -> Redactor:
        """Every secret value the settings hold (each SecretStr field, the database password,
        the Google service account's private key, Gong's Basic credentials)."""
        return cls(_settings_secrets(settings))

    def known(self, text: str) -> str:
        """The text with the known secret values masked, nothing else."""
        return self._known.sub(SECRET, text) if self._known is not None else text

    def secrets(self, text: str) -> str:
        """The text with known secrets and credential-shaped tokens masked (for the store)."""
        return _CREDENTIAL.sub(SECRET, self.known(text))

    def redact(self, text: str) -> str:
        """The text with secrets, emails and phone numbers masked (for anything leaving us)."""
        text = _EMAIL.sub("[email]", self.secrets(text))
        return _PHONE.sub("[phone]", text)

    def secrets_in(self, value: Any) -> Any:
        """`secrets` applied to every string inside JSON-like data (dicts, lists)."""
        return _walk(value, self.secrets)

    def known_in(self, value: Any) -> Any:
        """`known` applied to every string inside JSON-like data (dicts, lists)."""
        return _walk(value, self.known)

    def redact_in(self, value: Any) -> Any:
        """`redact` applied to every string inside JSON-like data; other objects as text."""
        return _walk(value, self.redact, stringify=True)


def _walk(value: Any, clean: Any, *, stringify: bool = False) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _walk(item, clean, stringify=stringify) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(item, clean, stringify=stringify) for item in value]
    if value is None or isinstance(value, int | float | bool) or not stringify:
        return value
    return clean(str(value))


def _variants(secret: str) -> Iterator[str]:
    """The forms a secret takes in text: itself, each line of a PEM key, JSON- and URL-escaped."""
    secret = secret.strip()
    if len(secret) < MIN_SECRET_LENGTH:
        return
    yield secret
    yield json.dumps(secret)[1:-1]
    yield quote(secret, safe="")
    if "\n" in secret:
        for line in secret.splitlines():
            if len(line.strip()) >= MIN_SECRET_LENGTH:
                yield line.strip()


def _secret_values(value: Any) -> Iterator[str]:
    if isinstance(value, SecretStr):
        yield value.get_secret_value()
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _secret_values(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _secret_values(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _secret_values(item)


def _settings_secrets(settings: Settings) -> list[str]:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    found = list(_secret_values(settings))
    if settings.database_url:
        try:
            password = make_url(settings.database_url).password
        except ArgumentError:
            password = None
        if password:
            found.append(str(password))
    google = settings.google
    key_text = google.service_account_json.get_secret_value() \
        if google.service_account_json else _read(google.service_account_file)
    found += _service_account_secrets(key_text)
    gong = settings.gong
    if gong.access_key and gong.access_key_secret:
        pair = f"{gong.access_key.get_secret_value()}:{gong.access_key_secret.get_secret_value()}"
        found.append(base64.b64encode(pair.encode()).decode())
    return found


def _read(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # the connector reports an unreadable key file where it is used


def _service_account_secrets(key_text: str | None) -> list[str]:
    if not key_text:
        return []
    try:
        data = json.loads(key_text)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    return [str(data[name]) for name in ("private_key", "private_key_id") if data.get(name)]


_PATTERNS_ONLY = Redactor()


def redact(text: str) -> str:
    """`Redactor.redact` without known secrets: credential shapes, emails, phone numbers."""
    return _PATTERNS_ONLY.redact(text)
