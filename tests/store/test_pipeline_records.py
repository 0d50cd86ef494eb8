"""Step runs, extractions, LLM calls, scores and reviews."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadflow.store import Store, llm_calls, reviews, scores, steps
from leadflow.store import extractions as ext
from leadflow.store import leads as lead_queries
from scoring.bant import AuthorityAnswer, AuthorityLevel, BantAnswers, BudgetAnswer, BudgetKind
from scoring.evidence import Evidence
from scoring.extraction import Extraction, Flag, FlagKind
from tests.store.test_leads import make_lead

EXTRACTION = Extraction(
    answers=BantAnswers(
        budget=BudgetAnswer(kind=BudgetKind.AMOUNT, amount=Decimal("120000.50"), currency="USD",
                            evidence=[Evidence(quote="we have 120k", start_char=3, end_char=15,
                                               verified=True)]),
        authority=AuthorityAnswer(level=AuthorityLevel.MANAGER, title="Sales manager"),
    ),
    flags=[Flag(kind=FlagKind.UNVERIFIED_EVIDENCE, detail="quote not found")],
    language="en", extractor="llm", model="gpt-4o-mini", prompt_version="p1",
)  # fmt: skip


def test_a_step_run_is_found_again_by_its_key(store: Store) -> None:
    lead = make_lead(store)
    key = steps.step_key(lead.submission_id, "crm.upsert")
    with store.session() as session:
        assert steps.get_step_run(session, key) is None
        steps.record_step_run(
            session, key=key, step="crm.upsert", status="running", lead_id=lead.id
        )
        steps.record_step_run(session, key=key, step="crm.upsert", status="succeeded",
                              result={"contact_id": "c-1", "amount": Decimal("1.5")})  # fmt: skip
    with store.session(write=False) as session:
        run = steps.get_step_run(session, key)
    assert (run.status, run.result, run.attempts) == (
        "succeeded", {"contact_id": "c-1", "amount": "1.5"}, 1,
    )  # fmt: skip
    assert run.lead_id == lead.id and run.finished_at is not None
    with store.session() as session:
        steps.record_step_run(session, key=key, step="crm.upsert", status="failed", error="401")
        assert steps.get_step_run(session, key).attempts == 2


def test_an_extraction_round_trips_and_is_found_by_cache_key(store: Store) -> None:
    lead = make_lead(store)
    with store.session() as session:
        row = ext.add_extraction(session, lead_id=lead.id, transcript_hash="h1",
                                 extraction=EXTRACTION, schema_hash="s1")  # fmt: skip
        offline = ext.add_extraction(
            session, lead_id=lead.id, transcript_hash="h1",
            extraction=Extraction(answers=BantAnswers(), extractor="offline"),
        )  # fmt: skip
    with store.session(write=False) as session:
        found = ext.find_extraction_by_cache_key(
            session, transcript_hash="h1", prompt_version="p1", model="gpt-4o-mini",
            schema_hash="s1",
        )  # fmt: skip
        assert found is not None and found.id == row.id and found.needs_review
        assert ext.to_extraction(found) == EXTRACTION
        none_key = ext.find_extraction_by_cache_key(
            session, transcript_hash="h1", prompt_version=None, model=None, schema_hash=None
        )
        assert none_key is not None and none_key.id == offline.id
        assert ext.find_extraction_by_cache_key(
            session, transcript_hash="h1", prompt_version="p2", model="gpt-4o-mini",
            schema_hash="s1",
        ) is None  # fmt: skip
        assert ext.latest_extraction(session, lead.id).id == offline.id
        assert [x.id for x in ext.list_extractions(session, lead.id)] == [row.id, offline.id]


def test_llm_calls_are_appended_with_exact_costs(store: Store) -> None:
    lead = make_lead(store)
    with store.session() as session:
        for attempt, status in ((1, "invalid_output"), (2, "ok")):
            llm_calls.add_llm_call(
                session, prompt_name="extract_bant", prompt_hash="abc", model_requested="gpt-4o",
                model_resolved="gpt-4o-mini-2024-07-18", status=status, attempt=attempt,
                messages=[{"role": "user", "content": "…"}], parameters={"temperature": 0},
                raw_response='{"budget": ', tokens_in=1200, tokens_out=80,
                cost=Decimal("0.000123456789"), currency="USD", latency_ms=850, lead_id=lead.id,
                evidence=[{"quote": "we have 120k", "verified": False}],
            )  # fmt: skip
    with store.session(write=False) as session:
        calls = llm_calls.list_llm_calls(session, lead_id=lead.id)
    assert [call.status for call in calls] == ["invalid_output", "ok"]
    assert calls[0].cost == Decimal("0.000123456789")
    assert calls[0].created_at.tzinfo is not None


def test_the_llm_call_record_has_no_update_function() -> None:
    public = {name for name in dir(llm_calls) if not name.startswith("_")}
    assert not {name for name in public if "update" in name or "set_" in name or "delete" in name}


def test_the_latest_score_is_current_and_ranks_the_lead(store: Store) -> None:
    lead = make_lead(store)
    with store.session() as session:
        row = ext.add_extraction(session, lead_id=lead.id, transcript_hash="h",
                                 extraction=EXTRACTION)  # fmt: skip
        scores.add_score(session, lead_id=lead.id, extraction_id=row.id, config_hash="v1",
                         total=55, band="Fair", components=[{"criterion": "budget"}],
                         missing=["need"])  # fmt: skip
        scores.add_score(session, lead_id=lead.id, extraction_id=row.id, config_hash="v2",
                         total=80, band="Good")  # fmt: skip
    with store.session(write=False) as session:
        latest = scores.latest_score(session, lead.id)
        current = lead_queries.get_lead(session, lead.id)
        history = scores.list_scores(session, lead.id)
    assert (latest.total, latest.band, latest.config_hash) == (Decimal(80), "Good", "v2")
    assert (current.score_total, current.band, current.score_config_hash) == (80, "Good", "v2")
    assert current.score_extraction_id == row.id
    assert history[0].components == [{"criterion": "budget"}] and history[0].missing == ["need"]


def test_reviews_point_at_an_extraction(store: Store) -> None:
    lead = make_lead(store)
    with store.session() as session:
        row = ext.add_extraction(session, lead_id=lead.id, transcript_hash="h",
                                 extraction=EXTRACTION)  # fmt: skip
        reviews.add_review(session, extraction_id=row.id, reviewer="rita", decision="override",
                           criterion="budget", value={"kind": "amount", "amount": Decimal("9E4")},
                           reason="they said 90k later")  # fmt: skip
        reviews.add_review(session, extraction_id=row.id, reviewer="rita", decision="approve")
    with store.session(write=False) as session:
        decided = reviews.list_reviews(session, row.id)
    assert [(r.decision, r.criterion) for r in decided] == [("override", "budget"),
                                                           ("approve", None)]  # fmt: skip
    assert decided[0].value == {"kind": "amount", "amount": "9E+4"}
    with pytest.raises(ValueError), store.session() as session:
        reviews.add_review(session, extraction_id=row.id, reviewer="rita", decision="maybe")
