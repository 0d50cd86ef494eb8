"""Money mentions in folded text: "$120k", "USD 80,000", "R$ 200 mil", "50-80k", "1.5 million".

Percentages, years and counts of things ("500 employees") are not money. A bare number (no
currency, no "k"/"mil"/"million") is kept only when it is large and marked `bare`, so the caller
can require budget words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from connectors.offline.numbers import NUMBER_WORDS, NUMERAL, parse_number_words, parse_numeral

_MULTIPLIERS = (
    (
        r"mil millones|mil milhoes|billions?|bilhao|bilhoes|milliarden?|milliards?|miliardi"
        r"|mrd|bn",
        Decimal(10) ** 9,
    ),
    (
        r"millions?|milhao|milhoes|millon(?:es)?|millionen|milioni|milione|miljoonaa?|mio"
        r"|mln|mm|mn|m",
        Decimal(10) ** 6,
    ),
    (r"crores?", Decimal(10) ** 7),
    (r"lakhs?|lacs?", Decimal(10) ** 5),
    (r"thousand|grand|mil|mila|mille|tausend|tsd|tuhatta|tuhat|tonnia|tonni|k", Decimal(10) ** 3),
)
_MULTIPLIER = "|".join(f"(?:{words})" for words, _ in _MULTIPLIERS)
_CODES = r"usd|eur|brl|gbp|mxn|ars|cop|clp|pen|cad|aud|chf|sek|nok|dkk|inr|zar"
_PREFIX = rf"us\$|r\$|ca?\$|au?\$|mx\$|\$|€|£|₹|rs\.?|(?:{_CODES})\b"
_SUFFIX = (
    r"(?:(?:canadian|australian) dollars?|dollars? (?:canadiens|australiens)|kanadische dollar"
    rf"|dollars?|dolares|dolar|dollari|bucks|euros?|euroa|reais|pounds?|pfund|sterline?|libras?"
    rf"|pesos?|franken|francs?(?: suisses?)?|franchi svizzeri|rand|rupees?|soles|{_CODES})\b|€|\$|₹"
)
# Number words count only before a multiplier: "fifty thousand", never "fifty".
_AMOUNT = (
    rf"{NUMERAL}|(?:half(?: a)?|meio|medio|{NUMBER_WORDS})(?=\s?(?:{_MULTIPLIER})\b)"
    # "thirty-five hundred": thousands said in hundreds
    r"|(?:ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))? hundred(?! (?:thousand|k)\b)"
)


def _one(n: int) -> str:
    """One amount with its optional currency before and multiplier after (groups end in n)."""
    return (
        rf"(?P<pre{n}>{_PREFIX})?\s?(?P<num{n}>{_AMOUNT})"
        rf"(?:\s?(?P<mul{n}>{_MULTIPLIER})(?![a-z])\.?)?"
    )


_MONEY = re.compile(
    rf"(?<![\w.,$€£]){_one(1)}"
    rf"(?:\s?(?P<sep>-|–|to|a|ate|hasta|or|ou|o|and|e|y|et|und|bis|ed)\s?"
    rf"(?:(?:i|le|les|los|las|os|as|die)\s)?{_one(2)})?"
    rf"(?:\s?(?:de\s)?(?P<post>{_SUFFIX}))?(?!\d)"
)
_BETWEEN = re.compile(
    r"\b(between|entre|tra|fra|zwischen|valilla)\s+(?:(?:i|le|les|los|las|os|as|den)\s+)?\S*\s*$"
)
_PERCENT = re.compile(
    r"\s?(%|percent|per cent|por cento|por ciento|prosent|prozent|pour ?cent|per cento)"
)
_COUNTED = re.compile(
    r"\s(?:of\s|de\s)?(?:people|employees|staff|users|seats|licen[sc]es?|customers|clients|leads"
    r"|reps|agents|units|hours|days|weeks|months|years|calls|emails|pessoas|funcionarios"
    r"|colaboradores|usuarios|licencas|clientes|horas|dias|semanas|meses|anos|personas"
    r"|empleados|licencias|vendedores|lojas|tiendas|stores|locations|mitarbeiter\w*|kunden"
    r"|nutzer\w*|lizenzen|vertriebler\w*|leute|personen|stunden|tage|wochen|monate|jahre"
    r"|employes|salaries|utilisateurs|licences|commerciaux|personnes|heures|jours|mois|ans"
    r"|dipendenti|clienti|utenti|licenze|venditori|persone|ore|giorni|settimane|mesi|anni"
    r"|tyontekija\w*|asiakas\w*|kayttaja\w*|lisenssi\w*|myyja\w*|henkilo\w*|tuntia|paivaa"
    r"|viikkoa|kuukautta|vuotta)\b"
)
_CURRENCIES = {
    "us$": "USD",
    "$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "dolar": "USD",
    "dolares": "USD",
    "bucks": "USD",
    "r$": "BRL",
    "reais": "BRL",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "euroa": "EUR",
    "rand": "ZAR",
    "rupee": "INR",
    "rupees": "INR",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "soles": "PEN",
    "pfund": "GBP",
    "sterlina": "GBP",
    "sterline": "GBP",
    "dollari": "USD",
    "franken": "CHF",
    "canadian dollar": "CAD",
    "canadian dollars": "CAD",
    "dollars canadiens": "CAD",
    "dollar canadiens": "CAD",
    "kanadische dollar": "CAD",
    "australian dollar": "AUD",
    "australian dollars": "AUD",
    "dollars australiens": "AUD",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "libra": "GBP",
    "libras": "GBP",
    "c$": "CAD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "mx$": "MXN",
}


@dataclass(frozen=True)
class Money:
    """One amount or range found in a sentence (offsets into the sentence)."""

    start: int
    end: int
    low: Decimal
    high: Decimal | None
    currency: str | None  # None when not said ("pesos" alone says no country either)
    bare: bool  # no currency and no multiplier: only a number
    vague: bool


def _currency(symbol: str | None) -> str | None:
    if not symbol:
        return None
    symbol = " ".join(symbol.split())
    if symbol in ("peso", "pesos"):
        return None
    if symbol.startswith(("franc", "franchi")):
        return "CHF"
    return _CURRENCIES.get(symbol, symbol.upper() if symbol.isalpha() else None)


def _multiplier(word: str | None) -> Decimal:
    if not word:
        return Decimal(1)
    return next(value for words, value in _MULTIPLIERS if re.fullmatch(words, word))


def _value(number: str, multiplier: str | None) -> tuple[Decimal, bool] | None:
    """(value, vague) of one amount, or None when it is not an amount."""
    if number[0].isdigit():
        parsed = parse_numeral(number)
        return None if parsed is None else (parsed * _multiplier(multiplier), False)
    if not multiplier and not number.endswith("hundred"):  # "fifty" alone is not money
        return None
    if number.startswith(("half", "meio", "medio")):
        return Decimal("0.5") * _multiplier(multiplier), False
    words = parse_number_words(number)
    return None if words is None else (words[0] * _multiplier(multiplier), words[1])


def _single(
    match: re.Match[str], n: int, currency: str | None, start: int, end: int
) -> Money | None:
    parsed = _value(match[f"num{n}"], match[f"mul{n}"])
    if parsed is None:
        return None
    value, vague = parsed
    bare = currency is None and not match[f"mul{n}"]
    if bare and (value < 1000 or (value == value.to_integral() and 1900 <= value <= 2100)):
        return None  # small counts and years
    return Money(start, end, value, None, currency, bare, vague)


_WORDS_RANGE = re.compile(r"(?P<low>.+?)\s+(?:and|e|y|et|und|ed|to|a|bis)\s+(?P<high>.+)")


def _spoken_range(match: re.Match[str], currency: str | None) -> Money | None:
    """ "trinta e quarenta mil": two number words joined under one multiplier are a range."""
    number, multiplier = match["num1"], match["mul1"]
    if number[0].isdigit() or not multiplier or _value(number, multiplier) is not None:
        return None
    parts = _WORDS_RANGE.fullmatch(number)
    if parts is None:
        return None
    low, high = _value(parts["low"], multiplier), _value(parts["high"], multiplier)
    if low is None or high is None or low[0] >= high[0]:
        return None
    return Money(match.start(), match.end(), low[0], high[0], currency, False, low[1] or high[1])


def find_money(text: str) -> list[Money]:
    """Amounts and ranges in folded `text`, left to right."""
    found: list[Money] = []
    for match in _MONEY.finditer(text):
        after = text[match.end() :]
        if _PERCENT.match(after):
            continue
        currency = _currency(match["pre1"] or match["pre2"] or match["post"])
        if currency is None and _COUNTED.match(after):
            continue
        is_range = match["num2"] is not None and (
            match["sep"] not in ("and", "e", "y", "a", "o", "ou", "or", "et", "und", "ed")
            or _BETWEEN.search(text[: match.start()])
            or (
                match["sep"] in ("a", "o", "ou", "or")
                and (match["mul1"] or match["pre1"] or match["mul2"])
            )
        )
        if match["num2"] is None:
            spoken = _spoken_range(match, currency)
            if spoken is not None:
                found.append(spoken)
                continue
            single = _single(match, 1, currency, match.start(), match.end())
            found.extend([single] if single else [])
            continue
        if not is_range:
            for n in (1, 2):
                own = (
                    _currency(match["pre1"])
                    if n == 1
                    else _currency(match["pre2"] or match["post"])
                )
                single = _single(match, n, own, match.start(f"num{n}"), match.end(f"num{n}"))
                if single is not None:
                    found.append(single)
            continue
        high = _value(match["num2"], match["mul2"])
        low = _value(match["num1"], match["mul1"] or match["mul2"])
        if low is None or high is None or low[0] > high[0]:
            continue
        bare = currency is None and not (match["mul1"] or match["mul2"])
        if bare and low[0] < 1000:
            continue
        found.append(
            Money(match.start(), match.end(), low[0], high[0], currency, bare, low[1] or high[1])
        )
    return found
