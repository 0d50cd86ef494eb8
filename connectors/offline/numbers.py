"""Numbers as people say and write them in English, Portuguese and Spanish (folded text)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Digits with optional thousands groups ("80,000", "80.000", "80 000") or a decimal part.
NUMERAL = r"\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?"

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "um": 1,
    "uma": 1,
    "dois": 2,
    "duas": 2,
    "tres": 3,
    "quatro": 4,
    "cinco": 5,
    "seis": 6,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
    "onze": 11,
    "doze": 12,
    "quinze": 15,
    "vinte": 20,
    "trinta": 30,
    "quarenta": 40,
    "cinquenta": 50,
    "sessenta": 60,
    "setenta": 70,
    "oitenta": 80,
    "noventa": 90,
    "cem": 100,
    "cento": 100,
    "duzentos": 200,
    "trezentos": 300,
    "quatrocentos": 400,
    "quinhentos": 500,
    "seiscentos": 600,
    "setecentos": 700,
    "oitocentos": 800,
    "novecentos": 900,
    "un": 1,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "cuatro": 4,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "veinte": 20,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "ochenta": 80,
    "cien": 100,
    "ciento": 100,
    "doscientos": 200,
    "trescientos": 300,
    "cuatrocientos": 400,
    "quinientos": 500,
    "seiscientos": 600,
    "setecientos": 700,
    "ochocientos": 800,
    "novecientos": 900,
    "a": 1,
    "an": 1,
    "couple": 2,
    "few": 3,
    "several": 3,
}
_VAGUE = {"couple", "few", "several"}
_JOINERS = {"and", "e", "y", "of", "-"}
_WORD = r"(?:" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b"
# A run of number words: "one hundred and fifty", "cento e cinquenta", "a couple of".
NUMBER_WORDS = rf"\b{_WORD}(?:(?:\s+|-)(?:(?:and|e|y|of)\s+)?{_WORD})*"
_WORD_SPLIT = re.compile(r"[\s-]+")


def parse_numeral(text: str) -> Decimal | None:
    """The value of digits written in en/pt/es style: "80,000", "80.000", "1,5", "1.5"."""
    digits = re.sub(r"[ ']", "", text)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        digits = digits.replace(thousands, "").replace(decimal_mark, ".")
    elif dots or commas:
        mark = "." if dots else ","
        head, _, tail = digits.rpartition(mark)
        # "80.000" and "1,500" are thousands; "1.5" and "1,25" are decimals.
        is_thousands = (dots + commas) > 1 or len(tail) == 3
        digits = digits.replace(mark, "") if is_thousands else f"{head}.{tail}"
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def parse_number_words(text: str) -> tuple[Decimal, bool] | None:
    """(value, vague) of number words: "fifty", "cento e cinquenta", "a couple of"."""
    current = 0
    vague = False
    seen = False
    words = [word for word in _WORD_SPLIT.split(text.strip()) if word and word not in _JOINERS]
    for word in words:
        if word in ("a", "an") and len(words) > 1:  # an article: "a couple", "a hundred"
            continue
        value = _UNITS.get(word)
        if value is None:
            return None
        seen = True
        vague = vague or word in _VAGUE
        if value == 100 and word in ("hundred",):
            current = max(current, 1) * 100
        else:
            current += value
    return (Decimal(current), vague) if seen and current > 0 else None
