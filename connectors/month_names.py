"""Month names in the languages leadflow reads, in one table for transcript headers and talk.

Names are folded (lower case, no accents: "marz" for März, "aout" for août), as the offline
extractor's folded text and `scoring.transcript.name_key` write them.
"""

from __future__ import annotations

from scoring.transcript import name_key

MONTH_NAMES = {
    1: "january janeiro enero januar janner janvier gennaio",
    2: "february fevereiro febrero februar fevrier febbraio",
    3: "march marco marzo marz mars",
    4: "april abril avril aprile",
    5: "may maio mayo mai maggio",
    6: "june junho junio juni juin giugno",
    7: "july julho julio juli juillet luglio",
    8: "august agosto aout",
    9: "september setembro septiembre setiembre septembre settembre",
    10: "october outubro octubre oktober octobre ottobre",
    11: "november novembro noviembre novembre",
    12: "december dezembro diciembre dezember decembre dicembre",
}
MONTH_NUMBER = {name: n for n, names in MONTH_NAMES.items() for name in names.split()}


def _abbreviations() -> dict[str, int]:
    # A name's first three letters, where they name one month only ("jui" is both juin and
    # juillet), and German's own "Mrz".
    months: dict[str, set[int]] = {}
    for name, number in MONTH_NUMBER.items():
        months.setdefault(name[:3], set()).add(number)
    found = {short: numbers.pop() for short, numbers in months.items() if len(numbers) == 1}
    return found | {"mrz": 3}


ABBREVIATIONS = _abbreviations()


def month_number(word: str) -> int | None:
    """The month a written word names ("February", "fev.", "März", "dic"), or None."""
    folded = name_key(word).rstrip(".")
    return MONTH_NUMBER.get(folded) or ABBREVIATIONS.get(folded[:3])
