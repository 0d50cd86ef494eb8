"""Timeline: when the lead means to buy, from time phrases near buying words.

A time phrase counts strongly when its sentence talks about buying, starting or deciding,
defers ("not until next year": a later timeline, not none), or answers a "when / timing"
question, however short the answer ("This quarter."); otherwise weakly (low confidence). A time
phrase in a sentence about money is the budget's period ("no budget this year", "$30k for this
year"), not a timeline. A hedged phrase ("possibly next year") or an evasive answer to a timing
question ("no rush, sometime") is ambiguous. Conflicting timelines make the answer ambiguous and
keep the latest one (the cautious reading) with every quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from connectors.offline.cues import DEFERRAL, EVASIVE, hedged
from connectors.offline.money import find_money
from connectors.offline.reading import Finding, Reading, Statement
from connectors.offline.when import When, find_when
from scoring.bant import TimelineAnswer, TimelineKind
from scoring.extraction import FieldStatus

_BUYING = re.compile(
    r"\b(?:buy\w*|purchas\w*|implement\w*|start\w*|launch\w*|decid\w*|decision|sign\w*"
    r"|roll\w* out|rollout|deploy\w*|go[- ]live|live|in place|up and running|onboard\w*"
    r"|switch\w*|migrat\w*|replac\w*|contract\w*|kick\w* off|begin|move forward|have (?:it|this"
    r"|something)|need (?:it|this|something)|get (?:it|this|started)|compr\w*|contrat\w*"
    r"|implement\w*|implant\w*|comecar|iniciar|decidir|decisao|fechar|assinar|lancar|rodar"
    r"|migrar|trocar|ter (?:isso|isto|a ferramenta|o sistema)|funcionando|empezar|comenzar"
    r"|implementacion|cerrar|firmar|lanzar|cambiar|tener\w*|ostaa|ottaa kayttoon|aloittaa"
    r"|paattaa|hankki\w*)\b"
)
_WHEN_QUESTION = re.compile(
    r"\b(?:when|timeline|timing|timeframe|time frame|time horizon|how soon|how long|by when"
    r"|deadline|schedule|quando|prazo|cronograma|previsao|cuando|plazo|fecha|tiempos|milloin"
    r"|aikataulu\w*)\b"
)
# Money words: a time phrase beside them is the budget's period, not the buying date.
_MONEY_TALK = re.compile(
    r"\b(?:budget\w*|money|funding|funds|spend\w*|orcament\w*|verba\w*|dinheiro|presupuest\w*"
    r"|dinero|fondos|budjet\w*)\b"
)
_TOLERANCE_MONTHS = Decimal(1)


@dataclass(frozen=True)
class _Candidate:
    statement: Statement
    when: When
    strong: bool
    hedged: bool = False

    @property
    def months(self) -> Decimal | None:
        answer = self.when.answer
        return None if answer is None else answer.months_from(None)

    @property
    def key(self) -> tuple[Decimal, date]:
        answer = self.when.answer
        assert answer is not None
        return (self.months or Decimal(-1), answer.by_date or date.min)


def _answers_when(reading: Reading, statement: Statement) -> bool:
    return any(
        s.is_question and _WHEN_QUESTION.search(s.folded)
        for s in reading.previous_turn(statement.sentence)
    )


def _candidates(reading: Reading, stated_on: date | None) -> list[_Candidate]:
    found: list[_Candidate] = []
    for statement in reading.statements:
        sentence = statement.sentence
        whens = find_when(sentence.folded, sentence.text, stated_on)
        if not whens:
            continue
        deferred = bool(DEFERRAL.search(sentence.folded))
        buying = bool(_BUYING.search(sentence.folded))
        money = bool(find_money(sentence.folded) or _MONEY_TALK.search(sentence.folded))
        if money and not (buying or deferred):
            continue  # "no budget this year": the budget's period
        strong = buying or deferred or _answers_when(reading, statement)
        usable = [w for w in whens if strong or not w.needs_context]
        # One sentence, one plan: its first precise phrase ("within 3 months, ideally by Q2").
        usable.sort(key=lambda w: (w.vague, w.answer is None, w.start))
        found.extend(
            _Candidate(statement, when, strong, hedged(sentence.folded, when.start, when.end))
            for when in usable[:1]
        )
    # "asap" or "a few months" only when nothing more precise was said.
    return [c for c in found if not c.when.vague] or found


def _evasive(reading: Reading) -> Finding:
    """An answer to a timing question that gives no time ("no rush, sometime"): ambiguous."""
    for statement in reading.statements:
        if EVASIVE.search(statement.sentence.folded) and _answers_when(reading, statement):
            note = "timeline: discussed, but no time was given"
            answer = TimelineAnswer(evidence=statement.evidence())
            return Finding(answer, FieldStatus.AMBIGUOUS, 0.3, note)
    return Finding(TimelineAnswer())


def _same(a: _Candidate, b: _Candidate) -> bool:
    if a.months is not None and b.months is not None:
        return abs(a.months - b.months) <= _TOLERANCE_MONTHS
    return a.when.answer == b.when.answer


def find_timeline(reading: Reading, stated_on: date | None) -> Finding:
    """When the lead plans to buy, with the sentences that say so."""
    candidates = _candidates(reading, stated_on)
    pool = [c for c in candidates if c.strong] or candidates
    if not pool:
        return _evasive(reading)
    resolved = [c for c in pool if c.when.answer is not None]
    if not resolved:
        evidence = [e for c in pool[:3] for e in c.statement.evidence()]
        note = "timeline: a month or quarter without a year, and the call date is unknown"
        return Finding(TimelineAnswer(evidence=evidence), FieldStatus.AMBIGUOUS, 0.3, note)
    groups: list[list[_Candidate]] = []
    for candidate in resolved:
        group = next((g for g in groups if _same(g[0], candidate)), None)
        if group is None:
            groups.append([candidate])
        else:
            group.append(candidate)
    # The latest group is the cautious reading; within it, the latest phrase.
    groups.sort(key=lambda g: max(c.key for c in g), reverse=True)
    chosen = max(groups[0], key=lambda c: c.key)
    quotes = [e for g in groups for c in g[:2] for e in c.statement.evidence()]
    evidence = list({(e.quote, e.speaker): e for e in quotes}.values())[:6]
    answer = chosen.when.answer.model_copy(update={"evidence": evidence})
    if len(groups) > 1:
        phrases = "; ".join(
            g[0].statement.sentence.text[g[0].when.start : g[0].when.end] for g in groups[:4]
        )
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, f"timeline: conflicting ({phrases})")
    if chosen.hedged:
        note = "timeline: hedged (“" + chosen.statement.sentence.text[:60] + "”)"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.4, note)
    confidence = (0.8 if chosen.strong else 0.4) * chosen.statement.strength
    if chosen.when.vague:
        confidence = min(confidence, 0.45)
    if answer.kind is TimelineKind.DATE and stated_on is None:
        confidence = min(confidence, 0.7)
    return Finding(answer, FieldStatus.FOUND, round(confidence, 2))
