"""Submissions are kept verbatim and idempotent per source id; dead letters wait for replay."""

from __future__ import annotations

from leadflow.store import Store
from leadflow.store import submissions as subs

PAYLOAD = '{ "email" : "Zoë@Example.com ",\n  "note": "tab\\there" }  \n'


def test_a_submission_is_stored_verbatim(store: Store) -> None:
    with store.session() as session:
        row, created = subs.add_submission(session, "webhook", "abc", PAYLOAD)
    assert created
    with store.session(write=False) as session:
        assert subs.get_submission(session, row.id).raw_payload == PAYLOAD


def test_a_redelivery_maps_to_the_same_row(store: Store) -> None:
    with store.session() as session:
        first, _ = subs.add_submission(session, "webhook", "abc", PAYLOAD)
    with store.session() as session:
        again, created = subs.add_submission(session, "webhook", "abc", "{}")
        other, other_created = subs.add_submission(session, "google_forms", "abc", "{}")
    assert (again.id, created) == (first.id, False)
    assert again.raw_payload == PAYLOAD
    assert other_created and other.id != first.id


def test_submission_status(store: Store) -> None:
    with store.session() as session:
        row, _ = subs.add_submission(session, "webhook", "abc", PAYLOAD)
        subs.set_submission_status(session, row.id, "accepted")
    with store.session(write=False) as session:
        assert subs.get_submission(session, row.id).status == "accepted"


def test_dead_letters_are_kept_until_replayed(store: Store) -> None:
    errors = [{"field": "email", "error": "not an email"}]
    with store.session() as session:
        letter = subs.add_dead_letter(session, "webhook", "{bad json", errors)
        subs.add_dead_letter(session, "other", "x", [])
    with store.session() as session:
        pending = subs.list_dead_letters(session, source="webhook")
        assert [(d.raw_payload, d.errors) for d in pending] == [("{bad json", errors)]
        submission, _ = subs.add_submission(session, "webhook", "fixed", "{}")
        subs.mark_dead_letter_replayed(session, letter.id, submission.id)
    with store.session(write=False) as session:
        assert subs.list_dead_letters(session, source="webhook") == []
        [replayed] = subs.list_dead_letters(session, source="webhook", include_replayed=True)
        assert replayed.replayed_submission_id == submission.id
        assert replayed.replayed_at is not None
