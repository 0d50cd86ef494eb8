"""Numbers as people say and write them in English, Portuguese and Spanish (folded text)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Digits with optional thousands groups ("80,000", "80.000", "80 000") or a decimal part.
# Indian grouping too: "18,00,000" is eighteen lakh.
NUMERAL = (
    r"\d{1,2}(?:,\d{2})+,\d{3}(?!\d)|\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\d{1,2})?(?!\d)"
    r"|\d+(?:[.,]\d+)?"
)

def _table(*lines: str) -> dict[str, int]:
    """`word=value` pairs, several per line."""
    return {
        word: int(value)
        for line in lines
        for word, value in (pair.split("=") for pair in line.split())
    }


# Number words that add their value ("fifty", "cinquenta", "funfzig", "cinquante", "viisi").
_UNITS = _table(
    "zero=0 one=1 two=2 three=3 four=4 five=5 six=6 seven=7 eight=8 nine=9 ten=10 eleven=11",
    "twelve=12 fifteen=15 twenty=20 thirty=30 forty=40 fifty=50 sixty=60 seventy=70 eighty=80",
    "ninety=90 a=1 an=1 couple=2 few=3 several=3",
    # pt
    "um=1 uma=1 dois=2 duas=2 tres=3 quatro=4 cinco=5 seis=6 sete=7 oito=8 nove=9 dez=10",
    "onze=11 doze=12 quinze=15 vinte=20 trinta=30 quarenta=40 cinquenta=50 sessenta=60",
    "setenta=70 oitenta=80 noventa=90 cem=100 duzentos=200 trezentos=300 quatrocentos=400",
    "quinhentos=500 seiscentos=600 setecentos=700 oitocentos=800 novecentos=900",
    # es
    "un=1 uno=1 una=1 dos=2 cuatro=4 siete=7 ocho=8 nueve=9 diez=10 once=11 doce=12",
    "veinte=20 treinta=30 cuarenta=40 cincuenta=50 sesenta=60 ochenta=80 cien=100 doscientos=200",
    "trescientos=300 cuatrocientos=400 quinientos=500 seiscientos=600 setecientos=700",
    "ochocientos=800 novecientos=900",
    # de (compounds are split into these: "funfundsiebzig", "zweihundert")
    "ein=1 eins=1 eine=1 einen=1 zwei=2 drei=3 vier=4 funf=5 sechs=6 sieben=7 acht=8 neun=9",
    "zehn=10 elf=11 zwolf=12 funfzehn=15 zwanzig=20 dreissig=30 dreißig=30 vierzig=40",
    "funfzig=50 sechzig=60 siebzig=70 achtzig=80 neunzig=90",
    # fr ("quatre-vingt" is handled where words are combined)
    "une=1 deux=2 trois=3 quatre=4 cinq=5 sept=7 huit=8 neuf=9 dix=10 douze=12 quinze=15",
    "vingt=20 vingts=20 trente=30 quarante=40 cinquante=50 soixante=60 septante=70 huitante=80",
    "octante=80 nonante=90",
    # it
    "due=2 quattro=4 cinque=5 sei=6 sette=7 otto=8 dieci=10 venti=20 trenta=30 quaranta=40",
    "tre=3 cinquanta=50 sessanta=60 settanta=70 ottanta=80 novanta=90 duecento=200 trecento=300",
    "quattrocento=400 cinquecento=500",
    # fi
    "yksi=1 kaksi=2 kolme=3 nelja=4 viisi=5 kuusi=6 seitseman=7 kahdeksan=8 yhdeksan=9",
    "kymmenen=10 yhden=1 kahden=2 kolmen=3 neljan=4 viiden=5 kuuden=6",
)
# Words that multiply what comes before them (or stand for themselves alone).
_HUNDREDS = frozenset(["hundred", "hundert", "cento", "cent", "cents", "ciento", "sata", "sataa"])
_TENS = frozenset(["kymmenta"])  # Finnish "viisikymmenta": five tens
_VAGUE = {"couple", "few", "several"}
_JOINERS = {"and", "e", "y", "et", "und", "of", "-", "ja"}
# Inside one written word: German, Italian and Finnish write numbers as compounds.
_MORPHEMES = sorted(
    {*_UNITS, *_HUNDREDS, *_TENS, "und"} - {"a", "an", "e", "y"}, key=len, reverse=True
)
_WORD = r"(?:" + "|".join(sorted(_UNITS.keys() | _HUNDREDS, key=len, reverse=True)) + r")\b"
_COMPOUND = (
    r"(?:" + "|".join(sorted(_UNITS.keys() - {"a", "an"} | _HUNDREDS, key=len, reverse=True))
    + r")(?:" + "|".join(_MORPHEMES) + r")*"
)
# A run of number words: "one hundred and fifty", "cento e cinquenta", "funfundsiebzig".
NUMBER_WORDS = (
    rf"\b(?:{_COMPOUND}|{_WORD})(?:(?:\s+|-)(?:(?:and|e|y|et|und|of)\s+)?(?:{_COMPOUND}"
    rf"|{_WORD}))*"
)
_WORD_SPLIT = re.compile(r"[\s-]+")


def _split_compound(word: str) -> list[str] | None:
    """A compound number word cut into known pieces ("achtzigtausend" is handled by the
    caller; "funfundsiebzig" -> funf, und, siebzig), or None."""
    if word in _UNITS or word in _HUNDREDS or word in _TENS:
        return [word]
    for piece in _MORPHEMES:
        if word.startswith(piece) and len(piece) < len(word):
            rest = _split_compound(word[len(piece) :])
            if rest is not None:
                return [piece, *rest]
    return None


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
    """(value, vague) of number words below a thousand: "fifty", "cento e cinquenta",
    "a couple of", "funfundsiebzig", "quatre-vingt", "kaksisataa"."""
    pieces: list[str] = []
    for word in _WORD_SPLIT.split(text.strip()):
        if not word or word in _JOINERS:
            continue
        split = _split_compound(word)
        if split is None:
            return None
        pieces.extend(p for p in split if p != "und")
    total, last, vague, seen = 0, 0, False, False
    for index, word in enumerate(pieces):
        if word in ("a", "an") and len(pieces) > 1:  # an article: "a couple", "a hundred"
            continue
        seen = True
        vague = vague or word in _VAGUE
        if word in _HUNDREDS and total >= 100 and last < 100 and total % 100:
            return None  # "three hundred and four hundred": two numbers, a range
        if word in _HUNDREDS:
            # "two hundred" multiplies the unit before it; "hundred and five" stands alone.
            if 10 <= total < 100 and total > last:  # "thirty-five hundred": 3,500
                total = total * 100
            else:
                total = total - last + max(last, 1) * 100 if last < 100 else total + 100
            last = 100
        elif word in _TENS:
            total, last = total - last + last * 10, last * 10
        elif word.startswith("vingt") and index and pieces[index - 1] == "quatre":
            total, last = total - 4 + 80, 80  # French "quatre-vingt": four twenties
        else:
            value = _UNITS[word]
            if last >= 10 and value >= 10 and last % 10 == 0 and value % 10 == 0 and last < 100:
                return None  # "thirty and forty" is two numbers (a range), not seventy
            total, last = total + value, value
    return (Decimal(total), vague) if seen and total > 0 else None
