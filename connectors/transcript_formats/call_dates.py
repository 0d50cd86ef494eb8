"""Call dates as transcript headers write them.

`2026-02-10`, `2026-02-10T15:00:00Z`, `2026/02/10`, `10.02.2026` (day first, as in Europe),
`10 Feb 2026`, `10. Februar 2026`, `10 de fevereiro de 2026`, `February 10, 2026` and
`Tue, Feb 10th 2026`. Slashed day/month dates (`02/10/2026`) are refused: the order is a guess.
"""

from __future__ import annotations

import re
from datetime import date

from connectors.month_names import month_number

_YMD = re.compile(r"\b(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?!\d)")
_DMY_DOTTED = re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b")
_DAY_MONTH = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<month>[^\W\d_]{3,})\.?,?\s+"
    r"(?:de\s+)?(?P<y>\d{4})\b"
)
_MONTH_DAY = re.compile(
    r"\b(?P<month>[^\W\d_]{3,})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b"
)

EXAMPLES = "2026-02-10, 10.02.2026, 10 Feb 2026 or February 10, 2026"


def _valid(year: str, month: int | str | None, day: str) -> date | None:
    if month is None:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_call_date(value: str) -> date | None:
    """The date written in `value`, or None when it holds no date in a known form."""
    for pattern in (_YMD, _DMY_DOTTED):
        match = pattern.search(value)
        if match is not None:
            return _valid(match["y"], match["m"], match["d"])
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for match in pattern.finditer(value):
            found = _valid(match["y"], month_number(match["month"]), match["d"])
            if found is not None:
                return found
    return None
