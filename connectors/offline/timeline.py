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

from connectors.offline.cues import DEFERRAL, EVASIVE, clause_at, hedged
from connectors.offline.money import find_money
from connectors.offline.reading import Finding, Reading, Statement
from connectors.offline.when import When, find_when, fiscal_year_start
from scoring.bant import TimelineAnswer, TimelineKind
from scoring.extraction import Candidate, FieldStatus

_BUYING = re.compile(
    r"\b(?:buy\w*|purchas\w*|implement\w*|start\w*|launch\w*|decid\w*|decision|sign\w*"
    r"|roll\w* out|rollout|deploy\w*|go[- ]live|live|in place|up and running|onboard\w*"
    r"|switch\w*|migrat\w*|replac\w*|contract\w*|kick\w* off|begin|move forward|have (?:it|this"
    r"|something)|need (?:it|this|something)|get (?:it|this|started)|compr\w*|contrat\w*"
    r"|implement\w*|implant\w*|comecar|iniciar|decidir|decisao|fechar|assinar|lancar|rodar"
    r"|migrar|trocar|ter (?:isso|isto|a ferramenta|o sistema)|funcionando|empezar|comenzar"
    r"|implementacion|cerrar|firmar|lanzar|cambiar|tener\w*|ostaa|ottaa kayttoon|aloittaa"
    r"|paattaa|hankki\w*|kaufen|anschaff\w*|einfuhr\w*|live|starten|umsetz\w*|unterschreib\w*"
    r"|entscheid\w*|vertrag\w*|implementier\w*|ausroll\w*|loslegen|einsatz|laufen|produktiv"
    r"|acheter|signer|decision|deployer|lancer|demarr\w*|mettre en place|en production"
    r"|operationnel\w*|contrat|acquist\w*|firmare|decidere|decisione|partire|avvi\w*"
    r"|implementare|operativ\w*|in produzione|contratto|lanciare|kayttoon\w*|allekirjoit\w*"
    r"|sopimu\w*|tuotantoon|kaynnissa|running|ready|operational|rodando|pronto|listo|funzion\w*"
    r"|tourner|en place|bereit|einsatzbereit|valmis|want (?:it|this)|wollen (?:es|das)"
    r"|voulons|vogliamo|queremos|haluamme|get (?:it|this) in|on board|go with|partir"
    r"|umstell\w*|umsteig\w*|wechsel\w*|switch\w*|passer|basculer|passare|cambiar|mudar"
    r"|vaihta\w*|kayttoon|start using|starten|loslegen)\b"
)
# A deadline: "at the latest by the end of January" outranks "we could start in November".
_DEADLINE = re.compile(
    r"\b(?:at the latest|no later than|latest by|spatestens|au plus tard|al piu tardi"
    r"|a mas tardar|no maximo|viimeistaan|mennessa|by|bis|d'ici|entro|hasta|ate|deadline)\b"
)
# An event the plan is tied to: "our kickoff is in April, I want to show it there".
_EVENT = re.compile(
    r"\b(?:kick-?off\w*|convention|convencao|convencion|seminar\w*|seminaire|summit|conference"
    r"|fair|messe|salon|fiera|feria|tagung|offsite|launch|lancement|lancio|lanzamiento"
    r"|black friday|board meeting|season|saison|stagione|temporada|sesonki)\b"
)
_WHEN_QUESTION = re.compile(
    r"\b(?:when|timeline|timing|timeframe|time frame|time horizon|how soon|how long|by when"
    r"|deadline|schedule|quando|prazo|cronograma|previsao|cuando|plazo|fecha|tiempos|milloin"
    r"|aikataulu\w*|wann|zeitplan|zeitrahmen|zeithorizont|quand|calendrier|delai\w*|echeance"
    r"|horizon|tempistic\w*|scadenz\w*|tempi|how (?:fast|quickly)|wie schnell|a quelle vitesse"
    r"|quanto (?:prima|presto)|que tan pronto|quao rapido|kuinka nopeasti)\b"
)
# Money words: a time phrase beside them is the budget's period, not the buying date.
_MONEY_TALK = re.compile(
    r"\b(?:budget\w*|money|funding|funds|spend\w*|orcament\w*|verba\w*|dinheiro|presupuest\w*"
    r"|dinero|fondos|budjet\w*|geld|mittel|etat|argent|enveloppe|soldi|fondi|rahaa)\b"
)
_TOLERANCE_MONTHS = Decimal(1)


@dataclass(frozen=True)
class _Candidate:
    statement: Statement
    when: When
    strong: bool
    hedged: bool = False
    rank: int = 1  # 2: said with a buying word or a deferral, 1: only as the answer to "when?"

    @property
    def months(self) -> Decimal | None:
        answer = self.when.answer
        return None if answer is None else answer.months_from(None)


def _answers_when(reading: Reading, statement: Statement) -> bool:
    return reading.asked(statement.sentence, _WHEN_QUESTION)


def _candidates(reading: Reading, stated_on: date | None) -> list[_Candidate]:
    found: list[_Candidate] = []
    fiscal_start = fiscal_year_start(reading.folded)
    for statement in reading.statements:
        sentence = statement.sentence
        whens = find_when(sentence.folded, sentence.text, stated_on, fiscal_start)
        if not whens:
            continue
        money = bool(find_money(sentence.folded) or _MONEY_TALK.search(sentence.folded))
        # A short first sentence of the answer to "when?" is the plan even without a verb.
        earlier = reading.sentences[sentence.position - 1] if sentence.position else None
        first = earlier is None or earlier.segment_index != sentence.segment_index
        short_answer = (
            first and _answers_when(reading, statement) and len(sentence.folded.split()) <= 14
        )
        in_sentence: list[_Candidate] = []
        for when in whens:
            # The buying word must sit in the time phrase's own clause: in "not before the
            # holidays, half the team is off in August" August is no plan.
            clause = clause_at(sentence.folded, when.start, when.end)
            deferred = bool(DEFERRAL.search(clause))
            # A fronted "After the summer, when it is quieter, we want to switch" keeps its verb
            # in the next clause; a long clause of its own does not.
            near = clause if len(clause.split()) > 4 else sentence.folded
            buying = bool(_BUYING.search(near) or _EVENT.search(clause))
            if when.vague and len(sentence.folded.split()) <= 8:
                buying = True  # "As soon as possible." is a plan on its own
            if money and not (buying or deferred):
                continue  # "no budget this year": the budget's period
            strong = buying or deferred or short_answer
            rank = 3 if _DEADLINE.search(clause) else 2 if buying or deferred else 1
            if when.needs_context and not strong:
                continue
            in_sentence.append(
                _Candidate(
                    statement, when, strong, hedged(sentence.folded, when.start, when.end), rank
                )
            )
        # One sentence, one plan: its first phrase ("within 3 months, ideally by Q2"), the
        # first said for buying when the sentence also mentions other dates.
        in_sentence.sort(key=lambda c: (not c.strong, -c.rank, c.when.vague, c.when.start))
        found.extend(in_sentence[:1])
    return found


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


def _choices(pool: list[_Candidate], stated_on: date | None) -> tuple[Candidate, ...]:
    """Each different plan of `pool`, the latest said first, as a reviewer's choice."""
    choices: list[Candidate] = []
    kept: list[_Candidate] = []
    for candidate in sorted(pool, key=lambda c: -c.statement.sentence.position):
        answer = candidate.when.answer
        months = None if answer is None else answer.months_from(stated_on)
        if months is None or any(_same(candidate, other) for other in kept):
            continue
        kept.append(candidate)
        sentence = candidate.statement.sentence
        phrase = sentence.text[candidate.when.start : candidate.when.end]
        label = f"{phrase}: in {months.normalize():f} months"
        choices.append(Candidate(value=f"{months}", label=label, quote=sentence.text))
    return tuple(choices[:4])


def find_timeline(reading: Reading, stated_on: date | None) -> Finding:
    """When the lead plans to buy, with the sentences that say so: their most precise plan,
    the last one said when several are as precise."""
    candidates = _candidates(reading, stated_on)
    strong = [c for c in candidates if c.strong]
    if not strong:
        if not candidates:
            return _evasive(reading)
        evidence = [e for c in candidates[-3:] for e in c.statement.evidence()]
        note = "timeline: dates mentioned, none said to be when they buy"
        chosen = candidates[-1]
        answer = (chosen.when.answer or TimelineAnswer()).model_copy(update={"evidence": evidence})
        return Finding(
            answer, FieldStatus.AMBIGUOUS, 0.3, note, _choices(candidates, stated_on)
        )
    resolved = [c for c in strong if c.when.answer is not None]
    if not resolved:
        evidence = [e for c in strong[:3] for e in c.statement.evidence()]
        note = "timeline: a month or quarter without a year, and the call date is unknown"
        return Finding(TimelineAnswer(evidence=evidence), FieldStatus.AMBIGUOUS, 0.3, note)
    chosen = max(
        resolved,
        key=lambda c: (c.when.precision, c.rank, not c.hedged, c.statement.sentence.position),
    )
    others = [c for c in resolved if c is not chosen and not _same(c, chosen)]
    quotes = [chosen, *others[-2:]]
    evidence = list(
        {(e.quote, e.speaker): e for c in quotes for e in c.statement.evidence()}.values()
    )[:6]
    assert chosen.when.answer is not None
    answer = chosen.when.answer.model_copy(update={"evidence": evidence})
    choices = _choices(resolved, stated_on)
    if chosen.hedged:
        note = "timeline: hedged (“" + chosen.statement.sentence.text[:60] + "”)"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.4, note, choices)
    if EVASIVE.search(chosen.statement.sentence.folded):
        note = "timeline: not settled (“" + chosen.statement.sentence.text[:60] + "”)"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.4, note, choices)
    confidence = 0.8 * chosen.statement.strength
    if chosen.when.vague:
        confidence = min(confidence, 0.6)
    if answer.kind is TimelineKind.DATE and stated_on is None:
        confidence = min(confidence, 0.6)
    return Finding(answer, FieldStatus.FOUND, round(confidence, 2), None, choices)
