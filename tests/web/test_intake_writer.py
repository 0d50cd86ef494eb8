"""Group commit: many submissions per transaction, answered only after the commit."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.exc import DataError

import leadflow.web.intake_writer as intake_writer
import leadflow.web.sources as sources
from flows.receive import Received
from leadflow.settings import load_settings
from leadflow.store import Store
from leadflow.store.leads import list_leads
from leadflow.store.submissions import get_dead_letter
from leadflow.web.intake_writer import IntakeWriter
from tests.flows.world import submission


@pytest.fixture
def writer(tmp_path: Path) -> IntakeWriter:
    settings = load_settings(data_dir=tmp_path)
    store = Store.from_settings(settings)
    writer = IntakeWriter(store, settings, max_batch=64)
    yield writer
    writer.stop()


async def _all(writer: IntakeWriter, bodies: list[str]) -> list[Received | BaseException]:
    return await asyncio.gather(
        *(writer.accept("google_forms", body.encode()) for body in bodies),
        return_exceptions=True)


def test_concurrent_re_deliveries_in_one_batch_get_the_same_ids(writer: IntakeWriter) -> None:
    results = asyncio.run(_all(writer, [submission(1)] * 10 + [submission(2)]))
    assert all(isinstance(result, Received) for result in results)
    first = results[:10]
    assert {(r.lead_id, r.submission_id) for r in first} == {(first[0].lead_id,
                                                                first[0].submission_id)}
    assert [r.duplicate for r in first] == [False] + [True] * 9
    assert results[10].lead_id != first[0].lead_id
    with writer.store.session(write=False) as session:
        assert len(list_leads(session)) == 2


def test_a_failing_submission_fails_alone_and_its_neighbours_are_stored(
    writer: IntakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = intake_writer.accept_in

    def broken_for_lead_3(session, settings, source, body):  # type: ignore[no-untyped-def]
        if b'"r-3"' in body:
            raise RuntimeError("disk full")
        return real(session, settings, source, body)

    monkeypatch.setattr(intake_writer, "accept_in", broken_for_lead_3)
    results = asyncio.run(_all(writer, [submission(index) for index in range(1, 6)]))
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 1 and "disk full" in str(failed[0])
    with writer.store.session(write=False) as session:
        assert len(list_leads(session)) == 4


def test_a_value_the_database_refuses_is_a_dead_letter_and_its_neighbours_are_stored(
    writer: IntakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sources.store_form

    def refusing_lead_3(session, source, raw, form):  # type: ignore[no-untyped-def]
        if form.response_id == "r-3":  # what PostgreSQL answers a value too long for its column
            raise DataError("INSERT INTO leads ...", {}, Exception("value too long"))
        return real(session, source, raw, form)

    monkeypatch.setattr(sources, "store_form", refusing_lead_3)
    results = asyncio.run(_all(writer, [submission(index) for index in range(1, 6)]))
    assert all(isinstance(r, Received) for r in results)
    [refused] = [r for r in results if isinstance(r, Received) and r.lead_id is None]
    assert refused.errors[0].startswith("body: the database refused to store it (Exception)")
    with writer.store.session(write=False) as session:
        assert len(list_leads(session)) == 4
        assert get_dead_letter(session, refused.dead_letter_id).raw_payload == submission(3)


def test_a_validation_bug_keeps_the_body_as_a_dead_letter(
    writer: IntakeWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sources.parse_submission

    def overflowing_on_lead_3(raw, **options):  # type: ignore[no-untyped-def]
        if '"r-3"' in raw:
            raise OverflowError("date value out of range")
        return real(raw, **options)

    monkeypatch.setattr(sources, "parse_submission", overflowing_on_lead_3)
    results = asyncio.run(_all(writer, [submission(index) for index in range(1, 6)]))
    [kept] = [r for r in results if isinstance(r, Received) and r.lead_id is None]
    assert "could not be validated" in kept.errors[0]
    with writer.store.session(write=False) as session:
        assert len(list_leads(session)) == 4
        assert get_dead_letter(session, kept.dead_letter_id).raw_payload == submission(3)
