"""What intake accepts at most: JSON depth, field lengths, characters, dates and time zones.

Why here and not later: a submission intake accepts is stored and run through the chain, so
every value must fit where it goes (the store's columns, the CRM's fields). A value that would
fail there is refused at intake, where it becomes a dead letter with a reason, instead of a lead
whose steps fail on every pass. tests/web/test_intake_limits.py checks the limits against
the store and the CRM contact.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from leadflow.errors import InputError

MAX_JSON_DEPTH = 64
MAX_PROPOSED_TIMES = 20
# Dates outside these years are typing mistakes (or attacks); inside them converting a wall
# time to UTC can never overflow datetime's range (year 1 to 9999).
FIRST_YEAR, LAST_YEAR = 2000, 2099

# Longest text of each mapped field, in characters.
FIELD_MAX_CHARS: dict[str, int] = {
    "email": 254,  # RFC 5321's longest address; the CRM contact's limit (the lead column: 320)
    "name": 255,  # leads.name, the CRM's first/last name
    "company": 255,  # leads.company, crm_companies.name
    "title": 255,
    "phone": 50,
    "language": 20,  # leads.language
    "timezone": 64,  # the longest IANA name is 32
    "budget": 1_000,
    "needs": 20_000,
    "proposed_times": 2_000,
}
RESPONSE_ID_MAX_CHARS = 255  # submissions.source_submission_id
SOURCE_MAX_CHARS = 100  # submissions.source, dead_letters.source

# C0 controls but tab and line breaks, DEL, and lone surrogates: a database text column
# (PostgreSQL refuses NUL) or the UTF-8 encoder (surrogates) would fail on them.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def shown(value: str, limit: int = 40) -> str:
    """A value quoted for an error message, cut short: errors are stored and answered."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def body_text(body: bytes) -> str:
    """A request body as text; InputError when it is not UTF-8 or holds a NUL (no text column
    stores one), so the caller keeps the bytes themselves."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _input(f"body: not UTF-8 text (byte {exc.start}); kept in base64") from None
    if "\x00" in text:
        raise _input("body: contains a NUL character; kept in base64")
    return text


def load_json(raw: str | bytes) -> Any:
    """Parse a body as JSON no deeper than MAX_JSON_DEPTH; InputError says why it is not."""
    try:
        payload = json.loads(raw)
    except RecursionError:
        # json.loads recurses per level: a deep enough body exhausts the stack before we look.
        raise _input(f"body: JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except json.JSONDecodeError as exc:
        raise _input(f"body: not valid JSON: {exc}") from None
    except UnicodeDecodeError:
        raise _input("body: not UTF-8 text") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise _input("body: a number in it has more than 4,300 digits") from None
    if _nested_deeper_than(payload, MAX_JSON_DEPTH):
        raise _input(f"body: JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return payload


def _input(error: str) -> InputError:
    return InputError(f"submission is malformed: {error}", errors=[error])


def _nested_deeper_than(payload: Any, limit: int) -> bool:
    # An explicit stack: the check itself must not recurse.
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def text_error(field: str, text: str) -> str | None:
    """Why a field's text cannot be stored (too long, control characters), or None."""
    limit = FIELD_MAX_CHARS.get(field)
    if limit is not None and len(text) > limit:
        return f"{field}: {len(text)} characters, at most {limit}"
    if _UNSTORABLE.search(text):
        return f"{field}: contains control characters or invalid Unicode"
    return None


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone of that name, or None (never an OSError for `Europe` or a long name).

    ZoneInfo reads the name as a file path: a folder (`Europe`) or an over-long name raises
    OSError, so names are looked up in the list of zones first.
    """
    if len(name) > FIELD_MAX_CHARS["timezone"] or name not in _zone_names():
        return None
    return ZoneInfo(name)


def year_error(field: str, text: str, year: int) -> str | None:
    """An error for a date outside FIRST_YEAR..LAST_YEAR, or None."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return f"{field}: {shown(text)} is not between {FIRST_YEAR} and {LAST_YEAR}"
