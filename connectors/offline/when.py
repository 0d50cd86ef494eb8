"""Time phrases in folded en/pt/es text, resolved to months from the day they were said.

Durations ("within 3 months", "em 6 semanas", "en 90 días") are months whatever the date.
Calendar phrases ("this quarter", "by March", "end of Q2", "antes de fin de año") mean the end
of the period named; with `stated_on` they become months from that day. Without it, "this/next
month, quarter, half, year" fall back to their length (upper bounds), a full date stays a date,
and a month or quarter without a year cannot be resolved (`months` and `by_date` both None).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from connectors.offline.numbers import NUMBER_WORDS, parse_number_words, parse_numeral
from scoring.bant import TimelineAnswer, TimelineKind

_MONTH_NAMES = {
    1: "january janeiro enero",
    2: "february fevereiro febrero",
    3: "march marco marzo",
    4: "april abril",
    5: "may maio mayo",
    6: "june junho junio",
    7: "july julho julio",
    8: "august agosto",
    9: "september setembro septiembre setiembre",
    10: "october outubro octubre",
    11: "november novembro noviembre",
    12: "december dezembro diciembre",
}
_MONTH_NUMBER = {name: n for n, names in _MONTH_NAMES.items() for name in names.split()}
_FI_MONTHS = (
    "tammi",
    "helmi",
    "maalis",
    "huhti",
    "touko",
    "kesa",
    "heina",
    "elo",
    "syys",
    "loka",
    "marras",
    "joulu",
)
_MONTH = "(?P<month>" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\b"
_UNIT_MONTHS = {
    "d": Decimal(1) / Decimal("30.44"),
    "w": Decimal(7) / Decimal("30.44"),
    "m": Decimal(1),
    "q": Decimal(3),
    "h": Decimal(6),
    "y": Decimal(12),
}
_UNIT = (
    r"(?P<unit>days?|weeks?|months?|quarters?|years?|dias?|semanas?|mes(?:es)?|trimestres?"
    r"|semestres?|anos?|paiva\w*|viiko\w*|kuukau\w*|vuo\w*)\b"
)
_N = rf"(?P<n>\d+(?:[.,]5)?|half(?: a)?|meio|medio|{NUMBER_WORDS})"
_DURATIONS = [
    re.compile(
        r"\b(?:within|in|over|during|em|dentro de|daqui a|en|de aqui a)\s+(?:the\s+|os\s+|as\s+"
        r"|los\s+|las\s+)?(?:next\s+|proximos\s+|proximas\s+|coming\s+)?(?:about\s+|around\s+"
        rf"|roughly\s+|cerca de\s+|uns\s+|umas\s+|unos\s+|unas\s+)?{_N}(?:\s+of)?\s+{_UNIT}"
    ),
    re.compile(rf"\b(?:next|proximos|proximas)\s+{_N}\s+{_UNIT}"),
    re.compile(rf"\b{_N}\s+{_UNIT}\s+(?:from now|time|sisalla|paasta)\b"),
]
_PERIOD = r"(?P<period>month|mes|quarter|trimestre|half|semestre|fiscal year|year|ano|fy)\b"
_CALENDAR = [
    re.compile(
        r"\b(?:(?P<this>this|the current|current|este|esta|neste|nesta|deste|desta|esse|nesse"
        r"|desse|essa|nessa)|(?P<next>next|the coming|coming|proximo|proxima|ensi))\s+" + _PERIOD
    ),
    re.compile(rf"\b{_PERIOD}\s+que\s+(?P<next>vem|viene)\b"),
    re.compile(
        r"\b(?:end|fim|final|fin|finales|finais)\s+(?:of|do|da|de|del|deste|desta)\s+(?:the\s+"
        r"|this\s+|o\s+|el\s+|este\s+|esta\s+)?(?:(?P<next>next|proximo|proxima)\s+)?" + _PERIOD
    ),
    re.compile(r"\b(?P<period>year|fiscal year)[- ]end\b"),
]
_FI_CALENDAR = re.compile(
    r"\b(?:(?P<this>tana|talla|tassa)|(?P<next>ensi))\s+(?P<period>vuonna|neljannekse\w*"
    r"|kuussa)|\bvuoden loppuun\b"
)
_QUARTER = re.compile(
    r"\b(?:q(?P<q>[1-4])|(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th|primeiro|segundo"
    r"|terceiro|quarto|primer|tercer|cuarto)\s+(?:quarter|trimestre)|h(?P<h>[12])|(?P<hw>first"
    r"|second|primeiro|segundo|primer)\s+(?:half|semestre))"
    r"(?:\s+(?:of\s+|de\s+|del\s+)?(?:fy\s?)?(?P<year>20\d\d))?\b"
)
_ORDINAL = {
    "first": 1,
    "1st": 1,
    "primeiro": 1,
    "primer": 1,
    "second": 2,
    "2nd": 2,
    "segundo": 2,
    "third": 3,
    "3rd": 3,
    "terceiro": 3,
    "tercer": 3,
    "fourth": 4,
    "4th": 4,
    "quarto": 4,
    "cuarto": 4,
}
_BY_MONTH = re.compile(
    r"\b(?:by|until|till|before|in|for|ate|antes de|em|para|en|hasta|antes del?|end of|fim de"
    r"|final de|finales de|fines de)\s+(?:(?:o |a |el )?(?:mes de\s+)?)"
    + _MONTH
    + r"(?:\s+(?:de\s+|of\s+)?(?P<year>20\d\d))?"
)
_FI_MONTH = re.compile(r"\b(?P<fi>" + "|".join(_FI_MONTHS) + r")kuu\w*")
_DATES = [
    re.compile(r"\b(?P<year>20\d\d)-(?P<mon>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>20\d\d)\b"),
    re.compile(
        r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:de\s+|of\s+)?"
        + _MONTH
        + r",?\s+(?:de\s+)?(?P<year>20\d\d)\b"
    ),
]
_BY_YEAR = re.compile(
    r"\b(?:by|until|before|in|ate|em|en|hasta|para|antes de)\s+(?P<year>20\d\d)\b"
)
_SOON = re.compile(
    r"\b(?:asap|as soon as possible|right away|immediately|urgent(?:ly)?|o quanto antes"
    r"|o mais rapido possivel|imediatamente|urgente|lo antes posible|cuanto antes|de inmediato"
    r"|inmediatamente|lo mas pronto posible|heti|mahdollisimman pian)\b"
)
# "not this year" is no timeline, but "not until next year" is a later one (see cues.DEFERRAL).
_NEGATED = re.compile(
    r"\b(?:not|never|nao|nunca|jamas|won'?t|isn'?t|aren'?t|ei)\s+"
    r"(?:(?!until\b|till\b|before\b|antes\b|hasta\b|ate\b)\w+\s+)?$"
)
_DEFERRING = re.compile(r"(?:until|till|before|antes|hasta|ate)\b")
_PERIOD_MONTHS = {"m": 1, "q": 3, "h": 6, "y": 12}


@dataclass(frozen=True)
class When:
    """One time phrase: its span in the sentence and what it resolves to."""

    start: int
    end: int
    answer: TimelineAnswer | None  # None: needs the date it was said, which is unknown
    vague: bool = False
    needs_context: bool = False  # a year alone or "asap": only next to buying words


def _period_key(word: str) -> str:
    word = word.removeprefix("fiscal ")
    return {
        "mes": "m",
        "kuussa": "m",
        "trimestre": "q",
        "semestre": "h",
        "ano": "y",
        "fy": "y",
        "vuonna": "y",
    }.get(word, "q" if word.startswith("neljannes") else word[0])


def _end_of(period: str, day: date, ahead: int) -> date:
    """The last day of the period (m/q/h/y) containing `day`, `ahead` periods later."""
    length = _PERIOD_MONTHS[period]
    index = (day.year * 12 + day.month - 1) // length + ahead
    last_month = index * length + length - 1
    year, month = divmod(last_month, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _months(value: Decimal) -> TimelineAnswer:
    return TimelineAnswer(kind=TimelineKind.MONTHS, months=value.quantize(Decimal("0.01")))


def _by(target: date, stated_on: date | None) -> TimelineAnswer:
    if stated_on is None:
        return TimelineAnswer(kind=TimelineKind.DATE, by_date=target)
    months = TimelineAnswer(kind=TimelineKind.DATE, by_date=target).months_from(stated_on)
    return _months(months or Decimal(0))


def _next_end(month: int, year: str | None, stated_on: date | None) -> TimelineAnswer | None:
    """End of `month` in `year`, or its next occurrence after `stated_on`."""
    if year is None and stated_on is None:
        return None
    chosen = int(year) if year else stated_on.year + (month < stated_on.month)
    return _by(date(chosen, month, calendar.monthrange(chosen, month)[1]), stated_on)


def _duration(match: re.Match[str]) -> tuple[TimelineAnswer, bool] | None:
    number, unit = match["n"], match["unit"]
    if number[0].isdigit():
        value, vague = parse_numeral(number), False
    elif number.startswith(("half", "meio", "medio")):
        value, vague = Decimal("0.5"), False
    else:
        value, vague = parse_number_words(number) or (None, False)
    if not value:
        return None
    key = {
        "mes": "m",
        "meses": "m",
        "semestre": "h",
        "semestres": "h",
        "ano": "y",
        "anos": "y",
        "dia": "d",
        "dias": "d",
        "semana": "w",
        "semanas": "w",
        "trimestre": "q",
        "trimestres": "q",
    }.get(unit)
    key = key or {"p": "d", "v": "y" if unit.startswith("vuo") else "w", "k": "m"}.get(
        unit[0], unit[0]
    )
    return _months(value * _UNIT_MONTHS[key]), vague


def find_when(folded: str, original: str, stated_on: date | None) -> list[When]:
    """Every time phrase in a sentence (folded and original text of the same length)."""
    found: list[When] = []

    def add(match: re.Match[str], answer: TimelineAnswer | None, **flags: bool) -> None:
        deferred = _DEFERRING.match(folded, match.start())  # "not [until March]"
        if _NEGATED.search(folded[: match.start()]) and not deferred:
            return
        if any(w.start < match.end() and match.start() < w.end for w in found):
            return  # already read as part of a longer phrase
        found.append(When(match.start(), match.end(), answer, **flags))

    for pattern in _DATES:
        for m in pattern.finditer(folded):
            month = int(m["mon"]) if "mon" in m.groupdict() else _MONTH_NUMBER[m["month"]]
            try:
                add(m, _by(date(int(m["year"]), month, int(m["day"])), stated_on))
            except ValueError:
                continue
    for m in _QUARTER.finditer(folded):
        if m["q"] or m["qw"]:
            month = 3 * (int(m["q"]) if m["q"] else _ORDINAL[m["qw"]])
        else:
            month = 6 * (int(m["h"]) if m["h"] else _ORDINAL[m["hw"]])
        add(m, _next_end(month, m["year"], stated_on))
    for m in _BY_MONTH.finditer(folded):
        word = original[m.start("month") : m.end("month")]
        if (m["month"] == "may" and not word[0].isupper()) or (
            m["month"] == "marco" and word[0].isupper()  # "Marco" is a name; "março" a month
        ):
            continue
        add(m, _next_end(_MONTH_NUMBER[m["month"]], m["year"], stated_on))
    for m in _FI_MONTH.finditer(folded):
        add(m, _next_end(_FI_MONTHS.index(m["fi"]) + 1, None, stated_on))
    for pattern in [*_CALENDAR, _FI_CALENDAR]:
        for m in pattern.finditer(folded):
            period = _period_key(m["period"]) if m["period"] else "y"
            ahead = 1 if m.groupdict().get("next") else 0
            if stated_on is not None:
                add(m, _by(_end_of(period, stated_on, ahead), stated_on))
            else:
                add(m, _months(Decimal(_PERIOD_MONTHS[period] * (ahead + 1))))
    for pattern in _DURATIONS:
        for m in pattern.finditer(folded):
            resolved = _duration(m)
            if resolved is not None:
                add(m, resolved[0], vague=resolved[1])
    for m in _BY_YEAR.finditer(folded):
        year = int(m["year"])
        if stated_on is None or year >= stated_on.year:
            add(m, _by(date(year, 12, 31), stated_on), needs_context=True)
    for m in _SOON.finditer(folded):
        add(m, _months(Decimal(1)), vague=True, needs_context=True)
    return found
