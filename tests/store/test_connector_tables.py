"""The local CRM, calendar and notification tables: idempotent writes and clean lookups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadflow.errors import StoreError
from leadflow.store import Store, calendar_events, crm, notifications

NINE = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_contacts_are_unique_by_normalised_email(store: Store) -> None:
    with store.session() as session:
        company, created = crm.get_or_create_company(session, "Acme", "Acme.com")
        assert created
        assert crm.get_or_create_company(session, "ACME Inc", "acme.com") == (company, False)
        contact, created = crm.upsert_contact(
            session, " Ada@Acme.com", first_name="Ada", company_id=company.id, properties={"a": 1}
        )
        again, again_created = crm.upsert_contact(
            session, "ada@acme.com", last_name="L", properties={"b": 2}
        )
    assert created and not again_created and again.id == contact.id
    with store.session(write=False) as session:
        found = crm.find_contact_by_email(session, "ADA@acme.com ")
    assert (found.first_name, found.last_name, found.company_id) == ("Ada", "L", company.id)
    assert found.properties == {"a": 1, "b": 2}


def test_deals_and_activities_are_created_once_per_key(store: Store) -> None:
    with store.session() as session:
        contact, _ = crm.upsert_contact(session, "ada@acme.com")
        deal, created = crm.create_deal(
            session, contact_id=contact.id, name="Acme", stage="new", idempotency_key="lead-1:deal"
        )
        repeat, repeat_created = crm.create_deal(
            session, contact_id=contact.id, name="Other", stage="x", idempotency_key="lead-1:deal"
        )
        assert created and not repeat_created and repeat.id == deal.id and repeat.name == "Acme"
        crm.update_deal(session, deal.id, stage="won", is_open=False, properties={"score": 80})
        note, _ = crm.add_activity(
            session,
            contact_id=contact.id,
            deal_id=deal.id,
            kind="note",
            body="BANT 80",
            idempotency_key="lead-1:note",
        )
        assert crm.add_activity(
            session, contact_id=contact.id, kind="note", body="dup", idempotency_key="lead-1:note"
        ) == (note, False)
    with store.session(write=False) as session:
        assert crm.list_deals(session, contact_id=contact.id, open_only=True) == []
        [closed] = crm.list_deals(session, contact_id=contact.id)
        assert (closed.stage, closed.properties) == ("won", {"score": 80})
        assert [a.body for a in crm.list_activities(session, contact_id=contact.id)] == ["BANT 80"]
    with pytest.raises(StoreError), store.session() as session:
        crm.update_deal(session, 999, stage="won")


def test_calendar_events_book_once_and_show_busy_times(store: Store) -> None:
    hour = timedelta(hours=1)
    with store.session() as session:
        event, created = calendar_events.book_event(
            session,
            rep_id="ann",
            idempotency_key="lead-1:meeting",
            start_at=NINE,
            end_at=NINE + hour,
            title="Intro",
            attendee_email="Ada@Acme.com",
        )
        again, again_created = calendar_events.book_event(
            session,
            rep_id="ann",
            idempotency_key="lead-1:meeting",
            start_at=NINE + hour,
            end_at=NINE + 2 * hour,
            title="Other",
        )
        calendar_events.book_event(
            session,
            rep_id="ann",
            idempotency_key="k2",
            start_at=NINE + 3 * hour,
            end_at=NINE + 4 * hour,
            title="Later",
        )
    assert created and not again_created and again.id == event.id
    assert event.attendee_email == "ada@acme.com"
    with store.session() as session:
        busy = calendar_events.list_events(session, "ann", start_at=NINE, end_at=NINE + 2 * hour)
        assert [(e.title, e.start_at) for e in busy] == [("Intro", NINE)]
        calendar_events.cancel_event(session, event.id)
        assert calendar_events.list_events(session, "ann", start_at=NINE, end_at=NINE + hour) == []
        assert calendar_events.get_event_by_key(session, "lead-1:meeting").status == "cancelled"
    with pytest.raises(StoreError), store.session() as session:
        calendar_events.book_event(
            session, rep_id="ann", idempotency_key="bad", start_at=NINE, end_at=NINE, title="Zero"
        )


def test_notifications_are_sent_once_per_key(store: Store) -> None:
    with store.session() as session:
        first, created = notifications.add_notification(
            session,
            rep_id="ann",
            idempotency_key="lead-1:notify",
            channel="console",
            body={"text": "Hot lead"},
        )
        repeat = notifications.add_notification(
            session, rep_id="ann", idempotency_key="lead-1:notify", channel="console", body={}
        )
    assert created and repeat == (first, False)
    with store.session(write=False) as session:
        assert [n.body for n in notifications.list_notifications(session, rep_id="ann")] == [
            {"text": "Hot lead"}
        ]
