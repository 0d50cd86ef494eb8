"""Budget: the amount, range or "no budget" the lead states, near budget words.

A money mention counts strongly when its sentence (or the question it answers) talks about a
budget or spending; a stated amount without budget words counts weakly (low confidence). Money
that is clearly something else (revenue, salaries, our own prices said by the rep) is ignored.
A later, firm figure replaces earlier hedged ones ("I think 40k, not sure ... sorry, confirmed:
60k"); otherwise conflicting figures are ambiguous. A budget question answered without a figure
("it depends", "I can't share numbers yet") is ambiguous, not absent: it was discussed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from connectors.offline.cues import CORRECTION, EVASIVE, HEDGE
from connectors.offline.language import detect_language
from connectors.offline.money import Money, find_money
from connectors.offline.reading import Finding, Reading, Statement
from scoring.bant import BudgetAnswer, BudgetKind
from scoring.extraction import FieldStatus

_BUDGET_WORDS = re.compile(
    r"\b(budget\w*|spend\w*|spent|invest\w*|allocat\w*|set aside|earmark\w*|afford|pay|paying"
    r"|price range|ceiling|funding|funds|orcament\w*|verba\w*|investi\w*|gast\w*|disponi\w*"
    r"|reservad\w*|pagar|teto|presupuest\w*|inversion\w*|invertir|asignad\w*|tope|budjet\w*"
    r"|investoi\w*)\b"
)
_NOT_BUDGET = re.compile(
    r"\b(revenue|turnover|arr|mrr|valuation|raised|salar\w*|sueldo\w*|faturamento|faturam\w*"
    r"|receita|facturacion|factura\w*|ingresos|lost|loss|perd\w*|fine|multa|worth|liikevaihto)\b"
)
_NO_BUDGET = re.compile(
    r"\bno budget(?! (issues?|constraints?|problems?|limits?|cap|concerns?))"
    r"|\b(don'?t|do not|doesn'?t|does not|haven'?t|have not|didn'?t) (yet )?(have|got|get) "
    r"(a |any )?budget"
    r"|\bbudget (hasn'?t|has not|isn'?t|is not|wasn'?t) (been |yet )*(approved|allocated|set"
    r"|defined)|\bzero budget"
    r"|\bsem (nenhum )?(orcamento|verba)|\bnao (temos|tem|ha|existe|tenho) (nenhum |nenhuma )?"
    r"(orcamento|verba)"
    r"|\bnothing (?:is )?(?:allocated|set aside|budgeted|approved)|\bno money (?:allocated"
    r"|set aside|for (?:this|it|that))"
    r"|\bsin presupuesto|\bno (tenemos|tiene|hay|existe|tengo) (ningun )?presupuesto"
    r"|\bei (ole )?budjettia"
)
# A question about money even without budget words: "and on the commercial side?"
_MONEY_QUESTION = re.compile(
    r"\b(?:money|cost\w*|pric\w*|numbers|commercial\w*|financ\w*|dinheiro|custo\w*|preco"
    r"|comercial|dinero|costo\w*|precio|finanz\w*)\b"
)
# A statement that names the budget itself, evasive or not: "finance hasn't finished the plan".
_BUDGET_TOPIC = re.compile(
    r"\b(?:budget\w*|numbers|figures|financ\w*|orcament\w*|verba|numeros|presupuest\w*"
    r"|cifras|finanz\w*|budjet\w*)\b"
)
# Money already spent is history, not budget: it counts only when nothing else is said.
_PAST = re.compile(
    r"\b(last (?:year|quarter|month)|previous(?:ly)?|in the past|used to|ano passado|no passado"
    r"|el ano pasado|en el pasado|viime vuonna)\b"
)
# When the currency is not said: the transcript's commonest, else the language's usual one.
_LANGUAGE_CURRENCY = {"en": "USD", "pt": "BRL", "fi": "EUR"}
_TOLERANCE = Decimal("0.1")


@dataclass(frozen=True)
class _Candidate:
    statement: Statement
    money: Money | None  # None: "no budget"
    strong: bool

    @property
    def hedged(self) -> bool:
        return bool(HEDGE.search(self.statement.sentence.folded))

    @property
    def comparable(self) -> Decimal:
        return Decimal(0) if self.money is None else self.money.low


def _talks_budget(reading: Reading, statement: Statement) -> bool:
    if _BUDGET_WORDS.search(statement.sentence.folded):
        return True
    return any(
        s.is_question and _BUDGET_WORDS.search(s.folded)
        for s in reading.previous_turn(statement.sentence)
    )


def _candidates(reading: Reading) -> list[_Candidate]:
    found: list[_Candidate] = []
    for statement in reading.statements:
        folded = statement.sentence.folded
        context = _talks_budget(reading, statement) and not _PAST.search(folded)
        if _NO_BUDGET.search(folded):
            found.append(_Candidate(statement, None, True))
            continue
        if _NOT_BUDGET.search(folded) and not _BUDGET_WORDS.search(folded):
            continue
        for money in find_money(folded):
            if money.bare and not context:
                continue
            found.append(_Candidate(statement, money, context))
    return found


def _plain(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def _answer(candidate: _Candidate, currency: str | None, evidence: list) -> BudgetAnswer:
    money = candidate.money
    if money is None:
        return BudgetAnswer(kind=BudgetKind.NO_BUDGET, evidence=evidence)
    if currency is None:
        return BudgetAnswer(evidence=evidence)
    if money.high is None:
        return BudgetAnswer(
            kind=BudgetKind.AMOUNT, amount=_plain(money.low), currency=currency, evidence=evidence
        )
    return BudgetAnswer(
        kind=BudgetKind.RANGE,
        minimum=_plain(money.low),
        maximum=_plain(money.high),
        currency=currency,
        evidence=evidence,
    )


def _default_currency(reading: Reading, language: str | None) -> str | None:
    said = Counter(
        money.currency
        for sentence in reading.sentences
        for money in find_money(sentence.folded)
        if money.currency
    )
    if said:
        return said.most_common(1)[0][0]
    # Too little text to name the language for sure still hints at the currency.
    text = " ".join(sentence.folded for sentence in reading.sentences)
    return _LANGUAGE_CURRENCY.get(language or detect_language(text, min_hits=1) or "")


def _same(a: _Candidate, b: _Candidate) -> bool:
    if (a.money is None) != (b.money is None):
        return False
    larger = max(a.comparable, b.comparable)
    return abs(a.comparable - b.comparable) <= larger * _TOLERANCE


def _superseding(pool: list[_Candidate]) -> _Candidate | None:
    """The last figure said, when it is firm and corrects or outweighs hedged earlier ones."""
    last = max(pool, key=lambda c: c.statement.sentence.position)
    earlier = [c for c in pool if not _same(c, last)]
    if last.hedged or not earlier:
        return None
    corrects = CORRECTION.search(last.statement.sentence.folded)
    return last if corrects or all(c.hedged for c in earlier) else None


def _evasive(reading: Reading) -> Finding:
    """A budget question answered without a figure ("it depends"): discussed, so ambiguous."""
    for statement in reading.statements:
        folded = statement.sentence.folded
        asked = any(
            s.is_question and (_BUDGET_WORDS.search(s.folded) or _MONEY_QUESTION.search(s.folded))
            for s in reading.previous_turn(statement.sentence)
        )
        if (EVASIVE.search(folded) or HEDGE.search(folded)) and (
            asked or _BUDGET_TOPIC.search(folded)
        ):
            answer = BudgetAnswer(evidence=statement.evidence())
            return Finding(answer, FieldStatus.AMBIGUOUS, 0.3, "budget: discussed, no figure given")
    return Finding(BudgetAnswer())


def find_budget(reading: Reading, language: str | None) -> Finding:
    """The lead's budget, with the sentences that state it."""
    candidates = _candidates(reading)
    pool = [c for c in candidates if c.strong] or candidates
    if not pool:
        return _evasive(reading)
    pool = [c for c in [_superseding(pool)] if c is not None] or pool
    groups: list[list[_Candidate]] = []
    for candidate in pool:
        group = next((g for g in groups if _same(g[0], candidate)), None)
        if group is None:
            groups.append([candidate])
        else:
            group.append(candidate)
    # Conflicting figures: keep the lowest (the cautious reading) and every figure's quote.
    groups.sort(key=lambda g: g[0].comparable)
    chosen = groups[0][0]
    quotes = [e for g in groups for c in g[:2] for e in c.statement.evidence()]
    evidence = list({(e.quote, e.speaker): e for e in quotes}.values())[:6]
    currency = chosen.money.currency if chosen.money else None
    assumed = chosen.money is not None and currency is None
    if assumed:
        currency = _default_currency(reading, language)
    answer = _answer(chosen, currency, evidence)
    strength = chosen.statement.strength
    if answer.kind is BudgetKind.UNKNOWN:
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.3, "budget: an amount without a currency")
    if len(groups) > 1:
        figures = "; ".join(g[0].statement.sentence.text[:60] for g in groups[:4])
        return Finding(
            answer, FieldStatus.AMBIGUOUS, 0.5, f"budget: conflicting figures ({figures})"
        )
    confidence = (0.85 if chosen.strong else 0.45) * strength
    if assumed or (chosen.money is not None and chosen.money.vague):
        confidence = min(confidence, 0.45)
    if chosen.hedged:  # "maybe $10k at most": still the budget, held less firmly
        confidence = min(confidence, 0.6)
    return Finding(answer, FieldStatus.FOUND, round(confidence, 2))
