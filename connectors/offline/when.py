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
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from connectors.month_names import MONTH_NUMBER
from connectors.offline.numbers import NUMBER_WORDS, parse_number_words, parse_numeral
from scoring.bant import TimelineAnswer, TimelineKind

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
_MONTH = "(?P<month>" + "|".join(sorted(MONTH_NUMBER, key=len, reverse=True)) + r")\b"
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
    r"|semestres?|anos?|paiva\w*|viiko\w*|kuukau\w*|vuo\w*|monat\w*|woche\w*|tag(?:e|en)?"
    r"|jahr\w*|quartal\w*|mois|semaines?|jours?|ans|annees?|mes[ei]|settiman[ae]|giorn[oi]"
    r"|ann[oi]|trimestr[ei])\b"
)
_N = rf"(?P<n>\d+(?:[.,]5)?|half(?: a)?|meio|medio|{NUMBER_WORDS})"
_DURATIONS = [
    re.compile(
        r"\b(?:within|in|over|during|em|dentro de|daqui a|en|de aqui a|innerhalb (?:von|der"
        r" nachsten)|binnen|dans|d'ici|sous|entro|tra|fra|nel giro di)\s+(?:the\s+|os\s+|as\s+"
        r"|los\s+|las\s+|den\s+|les\s+|i\s+|le\s+)?(?:next\s+|proximos\s+|proximas\s+"
        r"|coming\s+|nachsten\s+|prochains\s+|prossimi\s+)?(?:about\s+|around\s+"
        r"|roughly\s+|cerca de\s+|uns\s+|umas\s+|unos\s+|unas\s+|etwa\s+|ungefahr\s+"
        rf"|environ\s+|circa\s+)?{_N}(?:\s+of)?\s+{_UNIT}"
    ),
    re.compile(rf"\b(?:next|proximos|proximas|nachsten|prochains|prossimi)\s+{_N}\s+{_UNIT}"),
    re.compile(rf"\b{_N}\s+{_UNIT}\s+(?:from now|time|sisalla|paasta|kuluessa|aikana)\b"),
]
_PERIOD = (
    r"(?P<period>month|mes|quarter|trimestre|half|semestre|fiscal year|year|ano|fy|monat|monats"
    r"|quartal|quartals|halbjahr|halbjahres|geschaftsjahr|geschaftsjahres|jahr|jahres|mois"
    r"|annee|an|exercice|mese|anno|esercizio|anno fiscale)\b"
)
_CALENDAR = [
    re.compile(
        r"\b(?:(?P<this>this|the current|current|este|esta|neste|nesta|deste|desta|esse|nesse"
        r"|desse|essa|nessa|dieses|diesem|diesen|laufenden|cette|ce|cet|quest'|questo|questa"
        r"|quest)|(?P<next>next|the coming|coming|proximo|proxima|ensi|nachste[snm]?|kommende[snm]?"
        r"|prochaine?|prossim[oa]))\s*" + _PERIOD
    ),
    re.compile(rf"\b{_PERIOD}\s+(?:que\s+(?P<next>vem|viene)|(?P<next2>prochaine?|prossim[oa]))\b"),
    re.compile(
        r"\b(?:end|fim|final|fin|finales|finais|ende|fine)\s+(?:of|do|da|de|del|deste|desta|des"
        r"|dieses|de l'|d'|de la|du|dell'|del|della|di)\s*(?:the\s+|this\s+|o\s+|el\s+"
        r"|este\s+|esta\s+|cette\s+|ce\s+|questo\s+|quest'|l')?(?:(?P<next>next|proximo"
        r"|proxima|nachsten|prochaine?|prossimo)\s+)?" + _PERIOD
    ),
    re.compile(r"\b(?P<period>year|fiscal year)[- ]end\b"),
    re.compile(r"\b(?P<period>jahr|quartal|geschaftsjahr)es?ende\b"),
    re.compile(r"\bfine (?P<period>anno|mese|trimestre)\b"),
    re.compile(r"\bfin (?P<period>mois|annee|trimestre)\b"),
]
_FI_CALENDAR = re.compile(
    r"\b(?:(?P<this>tana|talla|tassa)|(?P<next>ensi))\s+(?P<period>vuonna|neljannekse\w*"
    r"|kuussa)|\bvuoden loppuun\b"
)
_QUARTER = re.compile(
    r"\b(?:[qt](?P<q>[1-4])|(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th|primeiro|segundo"
    r"|terceiro|quarto|primer|tercer|cuarto|ersten?|zweiten?|dritten?|vierten?|premier"
    r"|deuxieme|troisieme|quatrieme|primo|terzo|ensimmaise\w*|toise\w*|kolmanne\w*"
    r"|neljanne\w*)\s+(?:quarter|trimestre|quartal|neljannekse\w*|kvartaal\w*)|h(?P<h>[12])"
    r"|(?P<hw>first"
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
    "erste": 1,
    "ersten": 1,
    "zweite": 2,
    "zweiten": 2,
    "dritte": 3,
    "dritten": 3,
    "vierte": 4,
    "vierten": 4,
    "premier": 1,
    "deuxieme": 2,
    "troisieme": 3,
    "quatrieme": 4,
    "primo": 1,
    "terzo": 3,
}
_FI_ORDINALS = (("ensimm", 1), ("toise", 2), ("kolmanne", 3), ("neljanne", 4))


def _ordinal(word: str) -> int:
    """1-4 for "first", "segundo", "dritten", "kolmannella" (Finnish inflects the ending)."""
    if word in _ORDINAL:
        return _ORDINAL[word]
    return next(n for stem, n in _FI_ORDINALS if word.startswith(stem))


_BY_MONTH = re.compile(
    r"\b(?P<prep>by|until|till|before|in|for|ate|antes de|em|para|en|hasta|antes del?|end of"
    r"|fim de|final de|finales de|fines de|early|beginning of|start of|bis|vor|im|zum|ab|ende"
    r"|anfang|mitte|avant|fin|debut|d'ici|jusqu'en|entro|prima di|a|ad|per|fine|inizio|da"
    r"|mennessa|ennen)\s+(?:(?:o |a |el |de |di |d')?(?:mes de\s+|mese di\s+|mois de\s+)?)"
    + _MONTH
    + r"(?:\s+(?:de\s+|of\s+)?(?P<year>20\d\d))?"
)
_FI_MONTH_START = re.compile(r"\b(?:ennen|alussa|alkuun|alusta)\b")
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
# "the first of April", "1. April", "April 1st", "1er avril": the next such day.
_DAY_MONTH = re.compile(
    r"\b(?:(?P<word>first|1st) of|(?P<day>\d{1,2})(?:st|nd|rd|th|er|°|\.)?(?:\s+of|\s+de)?)\s+"
    + _MONTH
    + r"(?!\s+(?:de\s+|of\s+)?20\d\d)"
    r"|\b(?P<month2>january|february|march|april|june|july|august|september|october|november"
    r"|december)\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s+20\d\d)"
)
_BY_YEAR = re.compile(
    r"\b(?:by|until|before|in|ate|em|en|hasta|para|antes de|bis|vor|im jahr|avant|d'ici|entro"
    r"|nel|prima del|vuonna)\s+(?P<year>20\d\d)\b"
)
_SOON = re.compile(
    r"\b(?:asap|as soon as possible|right away|immediately|urgent(?:ly)?|o quanto antes"
    r"|o mais rapido possivel|imediatamente|urgente|lo antes posible|cuanto antes|de inmediato"
    r"|inmediatamente|lo mas pronto posible|heti|mahdollisimman pian|so schnell wie moglich"
    r"|schnellstmoglich|sofort|umgehend|des que possible|au plus vite|le plus tot possible"
    r"|tout de suite|il prima possibile|al piu presto|subito|quanto prima|pikaisesti"
    r"|viipymatta|le plus vite possible|plus vite possible|pour hier|for yesterday|gestern"
    r"|per ieri|para ayer|para ontem|eilen|moglichst (?:bald|schnell)|am liebsten gestern)\b"
)
# "not this year" is no timeline, but "not until next year" is a later one (see cues.DEFERRAL).
_DEFERRING_WORDS = r"until|till|before|antes|hasta|ate|vor|bevor|avant|prima|ennen"
_NEGATED = re.compile(
    r"\b(?:not|never|nao|nunca|jamas|won'?t|isn'?t|aren'?t|ei|nicht|kein|pas|non)\s+"
    rf"(?:(?!(?:{_DEFERRING_WORDS})\b)\w+\s+)?$"
)
_DEFERRING = re.compile(rf"(?:{_DEFERRING_WORDS})\b")
_NOT_BEFORE = re.compile(
    r"\b(?:not (?:before|until|till)|no antes d?e?l?|no hasta|nicht vor|pas avant|non prima d?\w*"
    r"|so|solo|solamente|apenas|somente|sin"
    r"|ei ennen|nao antes d?\w*|earliest|fruhestens|au plus tot|aikaisintaan|only (?:from|in)"
    r"|erst (?:ab|im|in|nach)|seulement (?:a partir|en)|solo (?:da|dal|dall'|a partire))"
    r"\W*(?:\w+\W+){0,2}$"
)
# "Before our kickoff in March", "Anfang März": the month's first day, not its last.
_MONTH_START = re.compile(
    r"\b(?:before|vor|bevor|avant|prima|antes|ennen|early|beginning|start|anfang|debut|inizio"
    r"|alussa|inicio|comeco|principio)\b"
)
_MID_MONTH = re.compile(r"\b(?:mid|mitte|mi|meta|puolivali\w*|meados|mediados)\W*$")
# "After the summer": the usual return in mid-September.
_AFTER_SUMMER = re.compile(
    r"\b(?:after the summer(?: holidays| break)?|nach (?:dem sommer|den sommerferien)"
    r"|apres l'ete|a la rentree|dopo l'estate|dopo le vacanze estive|kesan jalkeen"
    r"|depois do verao|despues del verano|after summer)\b"
)
_FISCAL = re.compile(
    r"\b(?:fiscal|fy|geschaftsjahr\w*|exercice|esercizio|anno fiscale|tilikau\w*"
    r"|financial year)\b"
)
# "Start of the new fiscal year", "Beginn des neuen Geschäftsjahres".
_MONTH_AFTER = re.compile(r"\W{1,3}(?:in |im |en |a |em |(?:the )?first of )?" + _MONTH)
_FISCAL_START = re.compile(
    r"\b(?:start|beginning|begin|beginn|anfang|debut|inizio|alku\w*|inicio|comeco|principio)"
    r"\s+(?:\w+\s+){0,3}?(?:new|next|neue[ns]?|nachste[ns]?|nouvel|nouveau|prochain|nuovo"
    r"|prossimo|uuden|seuraavan|novo|proximo|nuevo)\s+(?:fiscal year|fy|financial year"
    r"|geschaftsjahr\w*|exercice|esercizio|anno fiscale|tilikau\w*|ano fiscal)"
    r"|\b(?:new|next|neue[ns]?|nachste[ns]?|nouvel|nouveau|prochain|nuovo|prossimo|uuden"
    r"|seuraavan|novo|proximo|nuevo)\s+(?:fiscal year|fy|financial year|geschaftsjahr\w*"
    r"|exercice|esercizio|anno fiscale|tilikau\w*|ano fiscal)"
)
_PERIOD_MONTHS = {"m": 1, "q": 3, "h": 6, "y": 12}
# A duration's unit word, by how it starts, in every language read: d/w/m/q/h/y.
_UNIT_KEYS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("semest", "halbj"), "h"),
    (("sema", "semai", "sett", "week", "woch", "viik"), "w"),
    (("day", "dia", "tag", "jour", "giorn", "paiv"), "d"),
    (("trimes", "quart", "neljan"), "q"),
    (("year", "ano", "jahr", "an", "vuo"), "y"),
    (("mon", "mes", "moi", "kuu"), "m"),
)


@dataclass(frozen=True)
class When:
    """One time phrase: its span in the sentence and what it resolves to."""

    start: int
    end: int
    answer: TimelineAnswer | None  # None: needs the date it was said, which is unknown
    vague: bool = False
    needs_context: bool = False  # a year alone or "asap": only next to buying words
    # How precise the phrase is: 4 a date, 3 a month, quarter or named moment, 2 a duration,
    # 1 "this/next year", 0 "asap". A precise phrase outranks a rough one for the same plan.
    precision: int = 2


_PERIOD_KEYS = {
    "month": "m",
    "mes": "m",
    "mese": "m",
    "mois": "m",
    "monat": "m",
    "monats": "m",
    "kuussa": "m",
    "trimestre": "q",
    "quartal": "q",
    "quartals": "q",
    "semestre": "h",
    "halbjahr": "h",
    "halbjahres": "h",
}


def _period_key(word: str) -> str:
    word = word.removeprefix("fiscal ")
    if word in _PERIOD_KEYS:
        return _PERIOD_KEYS[word]
    if word.startswith(("neljannes", "quart")):
        return "q"
    return {"m": "m", "h": "h"}.get(word[0], "y")


def _end_of(period: str, day: date, ahead: int, fiscal_start: int = 1) -> date:
    """The last day of the period (m/q/h/y) containing `day`, `ahead` periods later; years,
    halves and quarters of a fiscal year that starts in month `fiscal_start`."""
    length = _PERIOD_MONTHS[period]
    shift = (fiscal_start - 1) if period != "m" else 0
    index = (day.year * 12 + day.month - 1 - shift) // length + ahead
    last_month = index * length + length - 1 + shift
    year, month = divmod(last_month, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _months(value: Decimal) -> TimelineAnswer:
    return TimelineAnswer(kind=TimelineKind.MONTHS, months=value.quantize(Decimal("0.01")))


def _by(target: date, stated_on: date | None) -> TimelineAnswer:
    if stated_on is None:
        return TimelineAnswer(kind=TimelineKind.DATE, by_date=target)
    months = TimelineAnswer(kind=TimelineKind.DATE, by_date=target).months_from(stated_on)
    return _months(months or Decimal(0))


def _next_end(
    month: int, year: str | None, stated_on: date | None, day: int | None = None
) -> TimelineAnswer | None:
    """`day` (default: the last day) of `month` in `year`, or of its next occurrence after
    `stated_on`."""
    if year is None and stated_on is None:
        return None
    chosen = int(year) if year else stated_on.year + (month < stated_on.month)
    return _by(date(chosen, month, day or calendar.monthrange(chosen, month)[1]), stated_on)


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
    key = next(key for prefixes, key in _UNIT_KEYS if unit.startswith(prefixes))
    return _months(value * _UNIT_MONTHS[key]), vague


_FISCAL_BEGINS = re.compile(
    r"\b(?:fiscal year|fy|financial year|geschaftsjahr\w*|exercice(?: fiscal)?|esercizio"
    r"|anno fiscale|tilikau\w*|ano fiscal)\s+(?:\w+\s+){0,4}?(?P<verb>starts?|begins?|beginnt"
    r"|startet|commence|debute|inizia|parte|alkaa|comeca|empieza|runs from|lauft von|va d[e']"
    r"|va da|runs|lauft|ends?|endet|termine|finisce|chiude|paattyy|termina)\s+(?:[\w.]+\s+){0,2}?"
    + _MONTH
)


_FI_FISCAL_BEGINS = re.compile(
    r"\btilikau\w*\s+(?:\w+\s+)?alkaa\s+(?P<fi>" + "|".join(_FI_MONTHS) + ")"
)


_FISCAL_NEAR_MONTH = re.compile(
    r"\b(?:fiscal year|financial year|geschaftsjahr\w*|exercice|esercizio|anno fiscale"
    r"|ano fiscal)\W+(?:\w+\W+){0,12}?(?:first of |1st of |1 |1er |primo |1\. )?" + _MONTH
)
_FISCAL_END_WORDS = re.compile(r"\b(?:end|ends|ende|endet|fin|finit|fine|finisce|termina|closes)\b")


def fiscal_year_start(folded: str) -> int:
    """The month a fiscal year starts in, from "our fiscal year starts in April" (else 1)."""
    finnish = _FI_FISCAL_BEGINS.search(folded)
    if finnish is not None:
        return _FI_MONTHS.index(finnish["fi"]) + 1
    match = _FISCAL_BEGINS.search(folded)
    if match is None:
        # "New financial year. We reset targets on the first of July": the month said next.
        loose = _FISCAL_NEAR_MONTH.search(folded)
        if loose is None or _FISCAL_END_WORDS.search(loose.group()):
            return 1
        return MONTH_NUMBER[loose["month"]]
    month = MONTH_NUMBER[match["month"]]
    ends = match["verb"].startswith(("end", "termin", "finisce", "chiude", "paatty"))
    return month % 12 + 1 if ends else month


def find_when(
    folded: str, original: str, stated_on: date | None, fiscal_start: int = 1
) -> list[When]:
    """Every time phrase in a sentence (folded and original text of the same length);
    fiscal years start in month `fiscal_start`."""
    fiscal = bool(_FISCAL.search(folded))
    found: list[When] = []

    def add(match: re.Match[str], answer: TimelineAnswer | None, **flags: Any) -> None:
        deferred = _DEFERRING.match(folded, match.start())  # "not [until March]"
        if _NEGATED.search(folded[: match.start()]) and not deferred:
            return
        if any(w.start < match.end() and match.start() < w.end for w in found):
            return  # already read as part of a longer phrase
        found.append(When(match.start(), match.end(), answer, **flags))

    for pattern in _DATES:
        for m in pattern.finditer(folded):
            month = int(m["mon"]) if "mon" in m.groupdict() else MONTH_NUMBER[m["month"]]
            try:
                add(m, _by(date(int(m["year"]), month, int(m["day"])), stated_on), precision=4)
            except ValueError:
                continue
    for m in _DAY_MONTH.finditer(folded):
        name = m["month"] or m["month2"]
        day = 1 if m["word"] else int(m["day"] or m["day2"])
        try:
            add(m, _next_end(MONTH_NUMBER[name], None, stated_on, day=day), precision=4)
        except ValueError:
            continue
    for m in _QUARTER.finditer(folded):
        if m["q"] or m["qw"]:
            month = 3 * (int(m["q"]) if m["q"] else _ordinal(m["qw"]))
        else:
            month = 6 * (int(m["h"]) if m["h"] else _ordinal(m["hw"]))
        if fiscal and fiscal_start != 1:  # "Q2 of our fiscal year" that starts in April
            month = (month + fiscal_start - 2) % 12 + 1
            add(m, _next_end(month, None, stated_on), precision=3)
            continue
        add(m, _next_end(month, m["year"], stated_on), precision=3)
    for m in _FISCAL_START.finditer(folded):
        named = _MONTH_AFTER.match(folded, m.end())  # "the next financial year, April"
        start = MONTH_NUMBER[named["month"]] if named else fiscal_start
        add(m, _next_end(start, None, stated_on, day=1), precision=3)
    for m in _AFTER_SUMMER.finditer(folded):
        add(m, _next_end(9, None, stated_on, day=15), precision=3)
    for m in _BY_MONTH.finditer(folded):
        word = original[m.start("month") : m.end("month")]
        if (m["month"] == "may" and not word[0].isupper()) or (
            m["month"] == "marco" and word[0].isupper()  # "Marco" is a name; "março" a month
        ):
            continue
        month = MONTH_NUMBER[m["month"]]
        before = folded[max(0, m.start() - 50) : m.end("prep")]
        day = 15 if _MID_MONTH.search(folded[: m.start("month")]) else None
        ends = m["prep"].startswith(("end", "fin", "ende", "fine", "fim"))
        day = 1 if _MONTH_START.search(before) and not ends else day
        add(m, _next_end(month, m["year"], stated_on, day=day), precision=3)
    for m in _FI_MONTH.finditer(folded):
        near = folded[max(0, m.start() - 30) : m.end() + 30]
        day = 1 if _FI_MONTH_START.search(near) else None
        add(m, _next_end(_FI_MONTHS.index(m["fi"]) + 1, None, stated_on, day=day), precision=3)
    for pattern in [*_CALENDAR, _FI_CALENDAR]:
        for m in pattern.finditer(folded):
            period = _period_key(m["period"]) if m["period"] else "y"
            groups = m.groupdict()
            ahead = 1 if groups.get("next") or groups.get("next2") else 0
            start = fiscal_start if _FISCAL.search(m.group()) else 1
            precision = 1 if period == "y" else 3
            if stated_on is not None and _NOT_BEFORE.search(folded[: m.start()]):
                # "Not before next year": soon after that period starts, not at its end.
                begins = _end_of(period, stated_on, ahead - 1, start) + timedelta(days=15)
                add(m, _by(begins, stated_on), precision=precision)
            elif stated_on is not None:
                ends = _end_of(period, stated_on, ahead, start)
                add(m, _by(ends, stated_on), precision=precision)
            else:
                length = Decimal(_PERIOD_MONTHS[period] * (ahead + 1))
                add(m, _months(length), precision=precision)
    for pattern in _DURATIONS:
        for m in pattern.finditer(folded):
            resolved = _duration(m)
            if resolved is not None:
                add(m, resolved[0], vague=resolved[1])
    for m in _BY_YEAR.finditer(folded):
        year = int(m["year"])
        if stated_on is None or year >= stated_on.year:
            add(m, _by(date(year, 12, 31), stated_on), needs_context=True, precision=1)
    for m in _SOON.finditer(folded):
        add(m, _months(Decimal(1)), vague=True, needs_context=True, precision=0)
    return found
