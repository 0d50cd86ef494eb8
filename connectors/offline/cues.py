"""Small cues shared by the criteria: hedges, evasive answers, deferrals, and clause scoping.

Hedges are scoped to the clause they sit in, because one sentence often carries two facts:
in "Maybe $10,000 at most, and realistically not until next year" the "maybe" hedges the
money, not the timing.
"""

from __future__ import annotations

import re

# Words that make a statement a guess: the answer stays, marked ambiguous for review.
HEDGE = re.compile(
    r"\b(?:maybe|possibly|perhaps|sometime|hard to say|not sure|who knows|i guess|might|could be"
    r"|may be|may only|may not|don'?t quote me|nao me cite|no me cites"
    r"|talvez|quem sabe|possivelmente|nao tenho certeza|quizas?|tal vez|a lo mejor|posiblemente"
    r"|no estoy segur[oa]|ehka|kenties|vielleicht|eventuell|moglicherweise|ungefahr vielleicht"
    r"|weiss nicht genau|peut-etre|peut etre|je ne sais pas trop|pas sur|forse|magari"
    r"|non sono sicur[oa]|chissa)\b"
)
# Answers that say the thing is not known or not decided: discussed, but no value.
EVASIVE = re.compile(
    r"\b(?:no rush|sometime|eventually|at some point|not sure|don'?t know|no idea|depends"
    r"|not decided|haven'?t decided|no timeline|no date|can'?t (?:say|share|tell)|couldn'?t say"
    r"|not (?:yet )?(?:defined|set|final)|tbd|to be determined|sem pressa|algum dia|nao sei"
    r"|depende|ainda nao (?:sabemos|definimos|decidimos)|nao (?:posso|podemos) (?:dizer"
    r"|compartilhar)|sin prisa|algun dia|no se|en algun momento|todavia no (?:sabemos"
    r"|definimos|decidimos)|no (?:puedo|podemos) (?:decir|compartir)|ei kiire|en tieda"
    r"|joskus|ei ole (?:viela )?(?:paatetty|paatetty|selva)|irgendwann|keine eile|weiss nicht"
    r"|noch nicht (?:festgelegt|klar|entschieden|definiert|freigegeben)|steht noch nicht"
    r"|kommt darauf an|hangt davon ab|un jour|pas (?:encore )?(?:defini|fixe|decide|arrete)"
    r"|ca depend|cela depend|pas presse|on verra|je ne sais pas|prima o poi|non (?:ancora )?"
    r"(?:definito|deciso|fissato|stabilito)|dipende|nessuna fretta|non so|non lo so)\b"
)
# "Not until next year", "only from March": a later timeline, not a negated one.
DEFERRAL = re.compile(
    r"\b(?:not|no|nao|never|won'?t|isn'?t|aren'?t)\s+(?:\w+\s+)?(?:until|till|before|antes"
    r"|hasta|ate)\b|\b(?:only|so|solo|solamente|apenas|somente)\s+(?:in|from|after|em|no|na"
    r"|a partir|en|despues|depois|ate)\b|\bearliest\b|\bno antes\b|\bnot before\b"
    r"|\bnicht (?:vor|bevor)\b|\bfruhestens\b|\berst (?:ab|im|nach|in)\b|\bpas avant\b"
    r"|\bau plus tot\b|\bseulement (?:a partir|en|apres)\b|\bnon prima\b|\bnon prima di\b"
    r"|\bsolo (?:da|dopo|a partire)\b|\baikaisintaan\b"
)
# Where clauses meet: commas and the conjunctions that join two statements.
_CLAUSE_BREAK = re.compile(
    r",\s+|;\s+|\s+(?:and|but|e|mas|y|pero|though|although|und|aber|et|mais|ma|ja|mutta)\s+"
)


def clause_at(text: str, start: int, end: int) -> str:
    """The clause of `text` around text[start:end]."""
    bounds = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text)]
    begin = max([b for _, b in bounds if b <= start], default=0)
    return text[begin : min([a for a, _ in bounds if a >= end], default=len(text))]


def hedged(text: str, start: int, end: int) -> bool:
    """True when the clause around text[start:end] is hedged ("possibly next year")."""
    return bool(HEDGE.search(clause_at(text, start, end)))
