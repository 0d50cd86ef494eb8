"""An ambiguous criterion scores as unknown until a reviewer picks one of its candidates."""

from __future__ import annotations

from decimal import Decimal

from scoring.bant import (
    AuthorityAnswer,
    AuthorityLevel,
    BantAnswers,
    BudgetAnswer,
    BudgetKind,
    Criterion,
)
from scoring.evidence import Evidence
from scoring.extraction import Candidate, Extraction, FieldResult, FieldStatus
from scoring.transcript import Segment, Transcript
from scoring.verify import apply_verification

CALL = Transcript(segments=[
    Segment(speaker="Rep", text="Who decides, and what can you spend?"),
    Segment(speaker="Lead", text="I'm the VP of Sales, maybe the CFO signs. We have $80,000."),
])


def _extraction(status: FieldStatus, candidates: list[Candidate] | None = None) -> Extraction:
    answers = BantAnswers(
        authority=AuthorityAnswer(level=AuthorityLevel.VP_DIRECTOR, title="VP of Sales",
                                  evidence=[Evidence(quote="I'm the VP of Sales")]),
        budget=BudgetAnswer(kind=BudgetKind.AMOUNT, amount=Decimal(80_000), currency="USD",
                            evidence=[Evidence(quote="We have $80,000.")]))
    fields = {Criterion.AUTHORITY: FieldResult(status=status, confidence=0.6,
                                               candidates=candidates or []),
              Criterion.BUDGET: FieldResult(status=FieldStatus.FOUND, confidence=0.9)}
    return Extraction(answers=answers, fields=fields, extractor="llm")


def test_an_ambiguous_value_becomes_the_reviewers_choice() -> None:
    checked = apply_verification(_extraction(FieldStatus.AMBIGUOUS), CALL)
    authority, field = checked.answers.authority, checked.fields[Criterion.AUTHORITY]
    assert authority.level is AuthorityLevel.UNKNOWN
    assert [e.quote for e in authority.evidence] == ["I'm the VP of Sales"]
    assert [(c.value, c.label) for c in field.candidates] == [
        ("vp_director", "vp_director: VP of Sales")]
    assert checked.answers.budget.amount == Decimal(80_000)  # decided: untouched


def test_the_extractors_own_candidates_are_kept_and_it_is_idempotent() -> None:
    mine = [Candidate(value="c_level", label="CFO", quote="maybe the CFO signs")]
    once = apply_verification(_extraction(FieldStatus.AMBIGUOUS, mine), CALL)
    assert once.fields[Criterion.AUTHORITY].candidates == mine
    assert apply_verification(once, CALL) == once


def test_a_decided_value_stays() -> None:
    checked = apply_verification(_extraction(FieldStatus.FOUND), CALL)
    assert checked.answers.authority.level is AuthorityLevel.VP_DIRECTOR
