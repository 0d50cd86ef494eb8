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

from connectors.offline.cues import EVASIVE, HEDGE, clause_at
from connectors.offline.language import detect_language
from connectors.offline.money import Money, find_money
from connectors.offline.reading import Finding, Reading, Statement
from scoring.bant import BudgetAnswer, BudgetKind
from scoring.extraction import Candidate, FieldStatus

_BUDGET_WORDS = re.compile(
    r"\b(budget\w*|spend\w*|invest\w*|allocat\w*|set aside|earmark\w*|afford|pay|paying"
    r"|price range|ceiling|funding|funds|orcament\w*|verba\w*|investi\w*|gast\w*|disponi\w*"
    r"|reservad\w*|pagar|teto|presupuest\w*|inversion\w*|invertir|asignad\w*|tope|budjet\w*"
    r"|investoi\w*|etat|eingeplant|freigegeben|vorgesehen|bereitgestellt|reserviert"
    r"|zur verfugung|ausgeben|enveloppe|prevu\w*|alloue\w*|debloque\w*|a disposition"
    r"|depenser|stanziat\w*|stanziamento|previst[oi]|a disposizione|spendere|plafond"
    r"|varattu|varannut|varanneet|kayttaa|rahaa"
    # a ceiling or a commitment: "we can go up to", "das ist mein letztes Wort"
    r"|up to|at most|can go|stretch\w*|pencil\w*|approved|envelope|in mind|for this|for the"
    r" (?:project|first year|whole thing)|bis zu|hochstens|maximal|gehe auf|letztes wort"
    r"|im kopf|fur das (?:projekt|erste jahr)|furs (?:projekt|erste jahr)|fur dieses projekt"
    r"|jusqu'a|monter|au maximum|en tete|pour ce projet|pour l'ensemble|la premiere annee"
    r"|fino a|al massimo|arrivare|in mente|per questo progetto|il primo anno|riservat\w*"
    r"|messo da parte|accantonat\w*|no maximo|em mente|para este projeto|o primeiro ano"
    r"|reservam\w*|reservad\w*|como maximo|en mente|para este proyecto|el primer ano"
    r"|enintaan|korkeintaan|mielessa|tahan|tata varten|ensimmaiselle vuodelle|varaa\w*"
    # approved, obtained, a ceiling, for this purchase, the real number
    r"|approvat\w*|aprovad\w*|aprobad\w*|genehmigt|approuve\w*|hyvaksyt\w*|obtenu|obtained"
    r"|got|bekommen|erhalten|ottenut[oi]|obtuvimos|conseguimos|conseguiu|saimme|tetto|techo"
    r"|obergrenze|deckel|katto|cap|ceiling|max|for this purchase|fur diesen kauf|pour cet achat"
    r"|per questo (?:acquisto|progetto)|para esta compra|tahan hankintaan|para isso|pra isso"
    r"|para esto|per questo|pour ca|dafur|real number|final number|the number|in the pot"
    r"|signed off|bis|pot|plafonn\w*|limite)\b"
)
# What a figure is when it is not the budget, named just before or after it.
_DISTRACTOR_WORDS = re.compile(
    r"\b(revenue|turnover|arr|mrr|valuation|raised|salar\w*|sueldo\w*|faturamento|faturam\w*"
    r"|receita|facturacion|factura\w*|ingresos|lost|loss|perd\w*|fine|multa|worth|liikevaihto"
    r"|umsatz\w*|jahresumsatz|gehalt\w*|gehalter|bewertung|chiffre d'affaires|ca annuel"
    r"|fatturato|ricavi|stipendi\w*|palkka\w*"
    # the vendor's price, a quote, a licence fee
    r"|price\w*|pricing|quote\w*|proposal|list|licen[cs]e\w*|per (?:seat|user|licen[cs]e)"
    r"|preis\w*|angebot\w*|listenpreis|kostet|kosten|lizenz\w*|pro (?:nutzer|platz|lizenz)"
    r"|prix|tarif\w*|devis|proposition|offre|coute|par (?:utilisateur|licence|poste)"
    r"|prezz\w*|listino|preventiv\w*|offerta|costa|licenz\w*|per utente"
    r"|hinta\w*|tarjou\w*|maksaa|preco|cotacao|proposta|custa|licenca|por usuario|precio"
    r"|cotizacion|propuesta|cuesta|licencia"
    # an approval threshold
    r"|anything (?:over|above)|approval|sign[- ]?off|freigabe\w*|genehmig\w*|validation"
    r"|approvazione|hyvaksyn\w*|aprovacao|aprobacion"
    # the size of their own deals or orders
    r"|deal size|average (?:deal|order|contract)|ticket|auftragswert|warenkorb|panier moyen"
    r"|valore medio|ticket medio|keskiostos)\b"
)
# An approval limit: "anything over fifty grand goes to the CFO", "ab 50.000 Euro muss ...".
_OVER = re.compile(
    r"\b(?:over|above|more than|beyond|exceeding|uber|ab|mehr als|au-dela d[e']|au-dessus d[e']"
    r"|plus de|depasse|oltre|sopra|piu di|yli|acima de|mais de|por encima de|mas de)"
    r"(?:\s+(?:the|i|le|les|la|los|las|os|as|die|den|de))?\s*$"
)
_APPROVAL_TALK = re.compile(
    r"\b(?:approv\w*|sign\w*|cfo|board|ceo|goes to|needs?|freigabe\w*|genehmig\w*|muss"
    r"|vorstand|geschaftsfuhr\w*|validation|valider|valide|daf|direction|approvazione|approva"
    r"|firma|hyvaksy\w*|aprova\w*|aprueba\w*|junta|diretoria|conselho|comit\w*|committee"
    r"|gremium|ausschuss|hallitu\w*|direzione|consiglio|cda|talousjohtaj\w*|toimitusjohtaj\w*"
    r"|daf|pdg|conseil|verwaltungsrat|aufsichtsrat|geschaftsleitung|comite|direction"
    r"|amministrator\w*|administrat\w*|direttor\w*|director\w*|directeur\w*|diretor\w*|boss"
    r"|chef\w*|owner|inhaber\w*|titolare|dono|dueno|omistaja\w*)\b"
)
# The part of a larger programme: "500k in total, of which 80k for the sales tool".
_PART_MARKER = re.compile(
    r"\b(?:of which|of that|out of that|from that|davon|dont|di cui|dos quais|das quais"
    r"|de los cuales|de las cuales|de eso|disso|josta|siita)\b"
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
    r"|\bei (ole )?budjettia|\bkein (?:eigenes )?budget|\bkeinerlei budget"
    r"|\bpas de budget|\baucun budget|\bn'avons pas de budget|\bnessun budget"
    r"|\bnon abbiamo (?:un |alcun )?budget|\bsenza budget"
)
# A question about money even without budget words: "and on the commercial side?"
_MONEY_QUESTION = re.compile(
    r"\b(?:money|cost\w*|pric\w*|numbers|commercial\w*|financ\w*|dinheiro|custo\w*|preco"
    r"|comercial|dinero|costo\w*|precio|finanz\w*|geld|kosten|zahlen|argent|chiffres"
    r"|soldi|cifre|numeri|raha\w*|luvut)\b"
)
# A statement that names the budget itself, evasive or not: "finance hasn't finished the plan".
_BUDGET_TOPIC = re.compile(
    r"\b(?:budget\w*|numbers|figures|financ\w*|orcament\w*|verba|numeros|presupuest\w*"
    r"|cifras|finanz\w*|budjet\w*|zahlen|chiffres|cifre)\b"
)
# Money already spent is history, not budget.
_PAST = re.compile(
    r"\b(last (?:year|quarter|month)|previous(?:ly)?|in the past|used to|currently pay\w*"
    r"|we pay|we spent|ano passado|no passado|pagamos hoje|el ano pasado|en el pasado"
    r"|pagamos actualmente|viime vuonna|letztes jahr|im vorjahr|vergangenes jahr|bisher"
    r"|zahlen (?:derzeit|aktuell|heute)|ausgegeben|l'an dernier|l'annee (?:derniere|passee)"
    r"|payons (?:actuellement|aujourd'hui)|depense|l'anno (?:scorso|passato)"
    r"|paghiamo (?:oggi|attualmente)|speso|maksamme nyt|pagamos|gastamos|gastamos|gastamos"
    r"|gastaram|spent|paid|bezahlt|zahlen wir|payons|payé|paye|pagato|paghiamo|maksoimme"
    r"|maksamme)\b"
)
# A figure said per month, beside the yearly total in the same sentence.
_MONTHLY = re.compile(
    r"^\W*(?:(?:a|per|each|every|al|por|pro|par|il|im|ao|no)\s+)?(?:month|mes|monat|mois|mese"
    r"|mensais|mensual\w*|monatlich|mensuel\w*|mensil\w*|kk|kuukaudessa|kuussa|kuukausittain)\b"
    r"|^\W*/\s*(?:month|mo|monat|mois|mese|mes|kk)\b"
)
# A figure someone takes back: "thirty-two, not forty".
_NEGATED = re.compile(r"\b(?:not|nicht|pas|non|nao|no|ei)\s+(?:\w+\s+)?$")
_PESO = re.compile(r"\bpesos?\b")
# Which country's pesos: the currency said as "pesos" takes the call's country.
_PESOS = (
    (re.compile(r"\b(?:colombia\w*|bogota|medellin|cali)\b"), "COP"),
    (re.compile(r"\b(?:argentin\w*|buenos aires|cordoba|rosario)\b"), "ARS"),
    (re.compile(r"\b(?:chile\w*|santiago|valparaiso)\b"), "CLP"),
    (re.compile(r"\b(?:uruguay\w*|montevideo)\b"), "UYU"),
)
# When the currency is not said: the transcript's commonest, else the language's usual one.
_LANGUAGE_CURRENCY = {"en": "USD", "pt": "BRL", "fi": "EUR", "de": "EUR", "fr": "EUR", "it": "EUR"}
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
    return reading.asked(statement.sentence, _BUDGET_WORDS, _MONEY_QUESTION)


def _distractor(folded: str, money: Money) -> bool:
    """True when the words around a figure make it something other than the budget: revenue,
    a price or quote, a licence fee, an approval limit. Words about the budget in the same
    clause win: "for the quoting tool we have 60k" is a budget."""
    before = folded[: money.start]
    if _OVER.search(before[-25:]) and _APPROVAL_TALK.search(folded):
        return True
    clause = clause_at(folded, money.start, money.end)
    return bool(_DISTRACTOR_WORDS.search(clause)) and not _BUDGET_WORDS.search(clause)


def _candidates(reading: Reading) -> list[_Candidate]:
    found: list[_Candidate] = []
    for statement in reading.statements:
        folded = statement.sentence.folded
        if _NO_BUDGET.search(folded):
            found.append(_Candidate(statement, None, True))
            continue
        if _PAST.search(folded):
            continue  # money already spent is history, not this purchase's budget
        context = _talks_budget(reading, statement)
        monies = [
            m
            for m in find_money(folded)
            if not _distractor(folded, m) and not _NEGATED.search(folded[: m.start])
        ]
        part = _PART_MARKER.search(folded)
        if part is not None and any(m.start > part.end() for m in monies):
            monies = [m for m in monies if m.start > part.end()][:1]
        yearly = [m for m in monies if not _MONTHLY.match(folded[m.end :])]
        if len(yearly) < len(monies) and yearly:
            monies = yearly  # "25k a month, so 300k a year": the total they state
        for money in monies:
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


def _default_currency(reading: Reading, language: str | None) -> tuple[str | None, bool]:
    """The currency of an amount said without one, and whether the call itself says it
    (another figure's currency, "pesos", Finnish "tonnia") rather than only its language."""
    said = Counter(
        money.currency
        for sentence in reading.sentences
        for money in find_money(sentence.folded)
        if money.currency
    )
    if said:
        return said.most_common(1)[0][0], True
    text = reading.folded
    if _PESO.search(text):
        return next((code for where, code in _PESOS if where.search(text)), "MXN"), True
    if re.search(r"\btonni(?:a|n)?\b", text):
        return "EUR", True  # Finnish "sata tonnia": a hundred thousand euros
    # Too little text to name the language for sure still hints at the currency.
    code = _LANGUAGE_CURRENCY.get(language or detect_language(text, min_hits=1) or "")
    return code, False


def _same(a: _Candidate, b: _Candidate) -> bool:
    if (a.money is None) != (b.money is None):
        return False
    larger = max(a.comparable, b.comparable)
    return abs(a.comparable - b.comparable) <= larger * _TOLERANCE


def _evasive(reading: Reading) -> Finding:
    """A budget question answered without a figure ("it depends"): discussed, so ambiguous."""
    for statement in reading.statements:
        folded = statement.sentence.folded
        asked = reading.asked(statement.sentence, _BUDGET_WORDS, _MONEY_QUESTION)
        if (EVASIVE.search(folded) or HEDGE.search(folded)) and (
            asked or _BUDGET_TOPIC.search(folded)
        ):
            answer = BudgetAnswer(evidence=statement.evidence())
            return Finding(answer, FieldStatus.AMBIGUOUS, 0.3, "budget: discussed, no figure given")
    return Finding(BudgetAnswer())


def _unsettled_after(reading: Reading, position: int) -> Statement | None:
    """A later statement that the budget is not set after all ("that's not final yet")."""
    for statement in reading.statements:
        folded = statement.sentence.folded
        if statement.sentence.position > position and EVASIVE.search(folded) and (
            _BUDGET_TOPIC.search(folded) or _BUDGET_WORDS.search(folded)
        ):
            return statement
    return None


def _choices(pool: list[_Candidate], currency: str | None) -> tuple[Candidate, ...]:
    """Each different figure of `pool`, the latest first, as a reviewer's choice."""
    choices: list[Candidate] = []
    kept: list[_Candidate] = []
    for candidate in sorted(pool, key=lambda c: -c.statement.sentence.position):
        if any(_same(candidate, other) for other in kept):
            continue
        kept.append(candidate)
        quote = candidate.statement.sentence.text
        money = candidate.money
        if money is None:
            choices.append(Candidate(value="none", label="no budget", quote=quote))
            continue
        code = money.currency or currency or ""
        low = _plain(money.low)
        label = f"{low:,} {code}".strip()
        if money.high is not None:
            label = f"{low:,} to {_plain(money.high):,} {code} (scored by the lower end)".strip()
        choices.append(Candidate(value=f"{low} {code}".strip(), label=label, quote=quote))
    return tuple(choices[:4])


def find_budget(reading: Reading, language: str | None) -> Finding:
    """The lead's budget, with the sentences that state it: the last figure said for it."""
    candidates = _candidates(reading)
    strong = [c for c in candidates if c.strong]
    if not strong:
        if not candidates:
            return _evasive(reading)
        evidence = [e for c in candidates[-3:] for e in c.statement.evidence()]
        note = "budget: amounts mentioned, none said to be the budget"
        currency, _ = _default_currency(reading, language)
        choices = _choices(candidates, currency)
        return Finding(BudgetAnswer(evidence=evidence), FieldStatus.AMBIGUOUS, 0.3, note, choices)
    # The last figure said for the budget counts: revisions and corrections come later.
    chosen = max(strong, key=lambda c: (c.statement.sentence.position, c.money is not None))
    others = [c for c in strong if not _same(c, chosen)]
    quotes = [chosen, *others[-3:]]
    evidence = list(
        {(e.quote, e.speaker): e for c in quotes for e in c.statement.evidence()}.values()
    )[:6]
    currency = chosen.money.currency if chosen.money else None
    assumed = chosen.money is not None and currency is None
    from_the_call = False
    if assumed:
        currency, from_the_call = _default_currency(reading, language)
    answer = _answer(chosen, currency, evidence)
    if answer.kind is BudgetKind.UNKNOWN:
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.3, "budget: an amount without a currency")
    text = chosen.statement.sentence.text[:80]
    choices = _choices(strong, currency)
    if chosen.hedged:
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, f"budget: hedged (“{text}”)", choices)
    same_sentence = [
        c for c in strong
        if c.statement.sentence.position == chosen.statement.sentence.position and c is not chosen
        and not _same(c, chosen)
    ]
    if same_sentence:
        note = f"budget: two figures in “{text}”"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, note, choices)
    unsettled = _unsettled_after(reading, chosen.statement.sentence.position)
    if unsettled is not None:
        note = f"budget: said, then not settled (“{unsettled.sentence.text[:60]}”)"
        return Finding(answer, FieldStatus.AMBIGUOUS, 0.5, note, choices)
    confidence = 0.85 * chosen.statement.strength
    if chosen.money is not None and chosen.money.vague:
        confidence = min(confidence, 0.6)
    if assumed and not from_the_call:
        confidence = min(confidence, 0.45)  # no currency said in the whole call: check it
    return Finding(answer, FieldStatus.FOUND, round(confidence, 2), None, choices)
