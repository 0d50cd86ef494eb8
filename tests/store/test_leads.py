"""Leads: idempotent creation, audited state changes, ranking by score, history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from leadflow.errors import StoreError
from leadflow.store import Lead, LeadState, Store
from leadflow.store import leads as lead_queries
from leadflow.store import submissions as subs
from leadflow.store.audit import append_audit, list_audit
from leadflow.store.extractions import add_extraction
from leadflow.store.scores import add_score
from scoring.bant import BantAnswers
from scoring.extraction import Extraction


def make_lead(store: Store, key: str = "1", **fields: object) -> Lead:
    with store.session() as session:
        submission, _ = subs.add_submission(session, "web", key, "{}")
        fields.setdefault("email", f"Lead{key}@Example.com ")
        lead = lead_queries.create_lead(session, submission_id=submission.id, **fields)
    return lead


def scored(store: Store, lead: Lead, total: int) -> None:
    with store.session() as session:
        extraction = add_extraction(
            session, lead_id=lead.id, transcript_hash="t",
            extraction=Extraction(answers=BantAnswers(), extractor="offline"),
        )  # fmt: skip
        add_score(session, lead_id=lead.id, extraction_id=extraction.id, config_hash="c",
                  total=total, band="Good" if total >= 70 else "Poor")  # fmt: skip


def test_create_lead_normalises_email_and_is_idempotent(store: Store) -> None:
    lead = make_lead(store, name="Ada")
    assert lead.email == "lead1@example.com"
    assert lead.state == LeadState.RECEIVED
    with store.session() as session:
        again = lead_queries.create_lead(
            session, submission_id=lead.submission_id, email="x@y.z"
        )
    assert (again.id, again.email) == (lead.id, "lead1@example.com")
    with store.session(write=False) as session:
        assert [e.kind for e in lead_queries.lead_history(session, lead.id)] == ["lead_created"]


def test_set_lead_state_records_failure_and_audits(store: Store) -> None:
    lead = make_lead(store)
    with store.session() as session:
        lead_queries.set_lead_state(session, lead.id, "failed", step="crm.upsert",
                                    reason="HubSpot 401", actor="flow")  # fmt: skip
    with store.session() as session:
        failed = lead_queries.get_lead(session, lead.id)
        assert (failed.state, failed.failed_step, failed.state_reason) == (
            "failed", "crm.upsert", "HubSpot 401",
        )  # fmt: skip
        lead_queries.set_lead_state(session, lead.id, LeadState.CRM_SYNCED, step="crm.upsert")
    with store.session(write=False) as session:
        resumed = lead_queries.get_lead(session, lead.id)
        assert (resumed.state, resumed.failed_step) == ("crm_synced", None)
        history = lead_queries.lead_history(session, lead.id)
    change = history[1]
    assert (change.kind, change.actor, change.step) == ("state_changed", "flow", "crm.upsert")
    assert change.before["state"] == "received" and change.after["state"] == "failed"
    assert [event.after["state"] for event in history[1:]] == ["failed", "crm_synced"]


def test_unknown_states_and_leads_are_refused(store: Store) -> None:
    lead = make_lead(store)
    with pytest.raises(ValueError), store.session() as session:
        lead_queries.set_lead_state(session, lead.id, "teleported")
    with pytest.raises(StoreError), store.session() as session:
        lead_queries.set_lead_state(session, 999, "scored")


def test_update_lead_audits_only_changes(store: Store) -> None:
    lead = make_lead(store)
    start = datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    with store.session() as session:
        lead_queries.update_lead(session, lead.id, crm_contact_id="c-1", meeting_start_at=start)
        lead_queries.update_lead(session, lead.id, crm_contact_id="c-1")
    with store.session(write=False) as session:
        updated = lead_queries.get_lead(session, lead.id)
        assert (updated.crm_contact_id, updated.meeting_start_at) == ("c-1", start)
        events = [
            e for e in lead_queries.lead_history(session, lead.id) if e.kind == "lead_updated"
        ]
    assert len(events) == 1
    assert events[0].after == {"crm_contact_id": "c-1", "meeting_start_at": "2026-05-04T15:00:00Z"}
    with pytest.raises(StoreError, match="cannot set"), store.session() as session:
        lead_queries.update_lead(session, lead.id, state="scored")


def test_list_leads_ranks_by_score_then_filters(store: Store) -> None:
    low = make_lead(store, "1", rep="ann")
    unscored = make_lead(store, "2", rep="ann")
    high = make_lead(store, "3", rep="bob")
    top = make_lead(store, "4", rep="ann")
    scored(store, low, 20)
    scored(store, high, 80)
    scored(store, top, 95)
    with store.session(write=False) as session:
        assert [x.id for x in lead_queries.list_leads(session)] == [
            top.id, high.id, low.id, unscored.id,
        ]  # fmt: skip
        assert [x.id for x in lead_queries.list_leads(session, rep="ann")] == [
            top.id, low.id, unscored.id,
        ]  # fmt: skip
        assert [x.id for x in lead_queries.list_leads(session, limit=1)] == [top.id]
        assert lead_queries.get_lead(session, top.id).score_total == Decimal(95)


def test_system_audit_events(store: Store) -> None:
    with store.session() as session:
        append_audit(session, kind="rescored", detail={"cost": Decimal("0.10")})
    with store.session(write=False) as session:
        [event] = list_audit(session, kind="rescored")
    assert event.lead_id is None and event.detail == {"cost": "0.10"}
    assert event.at.tzinfo == UTC
