"""`leadflow eval export-gold`: reviewed transcripts written in the gold format.

A case is exported when its extraction's review is complete (every flagged criterion decided,
or approved as a whole); the expected values are the reviewed (effective) answers.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from leadflow.evaluation.gold import GoldCase, GoldExpected, write_gold_case
from leadflow.store.extractions import to_extraction
from leadflow.store.models import ExtractionRow, Lead
from leadflow.store.reviews import list_reviews
from leadflow.web.reextract import fetch_transcript
from leadflow.web.review_actions import REVIEWER_EXTRACTOR, is_complete
from leadflow.web.review_values import effective_answers, latest_decisions
from leadflow.web.services import Services
from scoring.bant import BantAnswers, Criterion
from scoring.extraction import FieldStatus

_VALUE_KEYS = {"budget": ("kind", "amount", "minimum", "maximum", "currency"),
               "authority": ("level", "title"), "need": ("level", "stated_needs"),
               "timeline": ("kind", "months", "by_date")}


def _expected(answers: BantAnswers) -> GoldExpected:
    # Reviewed answers are decided: a known value is `found`, an unknown one `absent`.
    data = {}
    for criterion in Criterion:
        answer = getattr(answers, criterion.value).model_dump(mode="json")
        unknown = answer.get("kind", answer.get("level")) == "unknown"
        status = FieldStatus.ABSENT if unknown else FieldStatus.FOUND
        value = None if unknown else {k: answer.get(k) for k in _VALUE_KEYS[criterion.value]}
        data[criterion.value] = {"status": status.value, "value": value}
    return GoldExpected.model_validate(data)


def export_gold(svc: Services, directory: Path) -> list[Path]:
    """Write every completely reviewed extraction with its transcript; the JSON paths."""
    written: list[Path] = []
    with svc.store.session(write=False) as session:
        rows = session.exec(select(ExtractionRow, Lead)
                            .join(Lead, col(Lead.id) == ExtractionRow.lead_id)
                            .where(ExtractionRow.extractor != REVIEWER_EXTRACTOR)
                            .order_by(col(ExtractionRow.id))).all()
        reviewed = [(row, lead, list(list_reviews(session, row.id or 0))) for row, lead in rows]
    for row, lead, reviews in reviewed:
        if not reviews or not is_complete(row, latest_decisions(reviews)):
            continue
        transcript, _ = fetch_transcript(svc, lead)
        if transcript is None:
            continue
        answers = effective_answers(to_extraction(row).answers, reviews)
        case = GoldCase(name=f"lead-{lead.id}-extraction-{row.id}", transcript="-",
                        language=row.language or "en", call_date=answers.stated_on,
                        capabilities=list(svc.chain.in_force().capabilities),
                        notes=f"exported from review of extraction {row.id}",
                        expected=_expected(answers))
        written.append(write_gold_case(directory, case, transcript.text, f"{case.name}.txt"))
    return written
