"""What a user name and a password must be. Each rule fails with one line saying what to do."""

from __future__ import annotations

import functools
import re
from importlib import resources

from leadflow.errors import InputError

MIN_PASSWORD = 12
# Lower case, digits and . _ -: safe in URLs, logs and HTML without escaping surprises.
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def check_username(username: str) -> None:
    """InputError unless the name matches USERNAME (2-64 characters)."""
    if not USERNAME.fullmatch(username):
        raise InputError(f"user name {username!r}: 2-64 characters, lower-case letters, digits "
                         "and . _ - only, starting with a letter or digit")


def check_password(password: str, username: str = "") -> None:
    """InputError for a password that is short, blank, common or the user name."""
    if not password.strip():
        raise InputError("password: must not be blank")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password: at least {MIN_PASSWORD} characters (a few words work well)")
    squeezed = _squeeze(password)
    if squeezed in common_passwords():
        raise InputError("password: too common (it is on the list attackers try first); "
                         "choose another")
    # Short names would forbid too much (every password holding "ab"); 4+ is a real name.
    if len(username) >= 4 and _squeeze(username) in squeezed:
        raise InputError("password: must not contain the user name")


def _squeeze(text: str) -> str:
    return "".join(text.split()).lower()


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list (leadflow/web/common_passwords.txt), read once."""
    text = resources.files("leadflow.web").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))
