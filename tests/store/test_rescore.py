"""rescore_all: every lead's latest extraction under a config, writing only what changed."""

from __future__ import annotations

import sqlalchemy as sa

from leadflow.rescore import rescore_all
from leadflow.store import ScoreRow, Store
from leadflow.store import leads as lead_queries
from leadflow.store import scores as score_queries
from leadflow.store.extractions import add_extraction, to_extraction
from leadflow.store.extractions import latest_extraction as latest_extraction_of
from scoring.bant import BantAnswers
from scoring.config import default_config
from scoring.engine import score
from scoring.extraction import Extraction
from tests.bench.bench_rescore import changed_weights, seed_leads
from tests.store.test_leads import make_lead


def score_rows(store: Store) -> int:
    with store.session(write=False) as session:
        return session.execute(sa.select(sa.func.count()).select_from(ScoreRow)).scalar_one()


def test_rescore_writes_scores_only_when_something_changed(store: Store) -> None:
    seed_leads(store, 120, batch=50)
    unextracted = make_lead(store, "no-extraction")
    first = rescore_all(store, default_config(), batch_size=40)
    assert (first.leads, first.rescored, first.unchanged) == (120, 120, 0)
    again = rescore_all(store, default_config(), batch_size=40)
    assert (again.rescored, again.unchanged) == (0, 120)
    assert score_rows(store) == 120

    changed = rescore_all(store, changed_weights(), batch_size=40)
    assert changed.rescored == 120 and changed.config_hash == changed_weights().version
    assert score_rows(store) == 240

    with store.session(write=False) as session:
        ranked = lead_queries.list_leads(session)
        assert ranked[-1].id == unextracted.id and ranked[-1].score_total is None
        totals = [lead.score_total for lead in ranked[:-1]]
        assert totals == sorted(totals, reverse=True)
        for lead in ranked[:5]:
            answers = to_extraction(latest_extraction_of(session, lead.id)).answers
            expected = score(answers, changed_weights())
            latest = score_queries.latest_score(session, lead.id)
            assert (latest.total, latest.band) == (expected.total, expected.band)
            assert (lead.score_total, lead.band) == (expected.total, expected.band)
            assert latest.components == [c.model_dump(mode="json") for c in expected.components]
            assert latest.missing == [str(c) for c in expected.missing]


def test_a_new_extraction_is_rescored_even_with_the_same_total(store: Store) -> None:
    lead = make_lead(store)
    unknown = Extraction(answers=BantAnswers(), extractor="offline")
    with store.session() as session:
        add_extraction(session, lead_id=lead.id, transcript_hash="a", extraction=unknown)
    assert rescore_all(store, default_config()).rescored == 1
    with store.session() as session:
        newer = add_extraction(session, lead_id=lead.id, transcript_hash="b", extraction=unknown)
    assert rescore_all(store, default_config()).rescored == 1
    with store.session(write=False) as session:
        assert score_queries.latest_score(session, lead.id).extraction_id == newer.id
        history = lead_queries.lead_history(session, lead.id)
    assert history[0].kind == "lead_created"


def test_answers_that_no_longer_validate_are_reported_not_fatal(store: Store) -> None:
    seed_leads(store, 3, batch=3)
    with store.session() as session:
        session.connection().exec_driver_sql(
            'UPDATE extractions SET answers = \'{"budget": {"kind": "lots"}}\' WHERE id = 2'
        )
    report = rescore_all(store, default_config())
    assert (report.rescored, report.unchanged, report.invalid_lead_ids) == (2, 0, (2,))
