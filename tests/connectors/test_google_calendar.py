"""GoogleCalendar passes the Calendar contract against the Calendar stub (user and DWD account)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.gong import GongTranscripts
from connectors.google import CALENDAR_SCOPES
from connectors.google_calendar import GoogleCalendar
from leadflow.errors import ConfigError
from leadflow.settings import load_settings
from leadflow.store import Store
from leadflow.wiring import build_connectors
from tests.connectors.contracts import CalendarContract, contract_reps
from tests.connectors.contracts.calendars import at, request
from tests.connectors.google_world import Sleeps, service_account_http, user_http
from tests.stubs.google_calendar import CalendarStub
from tests.stubs.google_oauth import service_account_key
from tests.stubs.serving import serve

NAME = "google_calendar"


@pytest.fixture
def stub() -> CalendarStub:
    stub = CalendarStub()
    for rep in contract_reps():
        stub.add_calendar(rep.email)
    return stub


@pytest.fixture
def base_url(stub: CalendarStub) -> Iterator[str]:
    with serve(stub.app()) as url:
        yield url


class TestGoogleCalendarAsUser(CalendarContract):
    @pytest.fixture
    def calendar(self, stub: CalendarStub, base_url: str) -> GoogleCalendar:
        return GoogleCalendar(user_http(stub.tokens, base_url, connector=NAME), contract_reps(),
                              sleep=Sleeps())


class TestGoogleCalendarWithDelegation(CalendarContract):
    """A service account impersonating each rep: google-auth's real JWT flow, /calendar/v3/."""

    @pytest.fixture
    def calendar(self, stub: CalendarStub, base_url: str) -> GoogleCalendar:
        api = service_account_http(stub.tokens, base_url, CALENDAR_SCOPES, connector=NAME,
                                   delegation=True)
        api.base_url = f"{base_url}/calendar/v3/"
        return GoogleCalendar(api, contract_reps(), impersonate_reps=True, sleep=Sleeps())


def test_booking_sends_attendees_meet_and_our_marker(stub: CalendarStub, base_url: str) -> None:
    sleeps = Sleeps()
    calendar = GoogleCalendar(user_http(stub.tokens, base_url, connector=NAME), contract_reps(),
                              sleep=sleeps)
    meeting = calendar.book_first_available(request(at(10), reps=["rep-a"]), idempotency_key="k")
    event = stub.calendars["ana@sales.example"][meeting.id]
    assert [a["email"] for a in event["attendees"]] == ["lead@acme.example", "ana@sales.example"]
    assert event["conferenceData"]["createRequest"]["requestId"] == meeting.id
    assert event["extendedProperties"]["private"]["leadflow_lead_email"] == "lead@acme.example"
    assert event["start"]["timeZone"] == "UTC"
    # Meet creation was pending on insert; one poll later it had a link.
    assert meeting.join_url == event["hangoutLink"] and sleeps == [0.5]
    inserts = [q for method, path, q in stub.log if method == "POST" and path.endswith("/events")]
    assert inserts == [{"sendUpdates": "all", "conferenceDataVersion": "1"}]


def test_contract_times_in_a_rep_zone_are_sent_with_its_offset(
    stub: CalendarStub, base_url: str
) -> None:
    calendar = GoogleCalendar(user_http(stub.tokens, base_url, connector=NAME), contract_reps(),
                              create_meet=False, sleep=Sleeps())
    meeting = calendar.book_first_available(request(at(19), reps=["rep-c"]), idempotency_key="k")
    event = stub.calendars["joao@sales.example"][meeting.id]
    assert event["start"] == {"dateTime": "2030-01-07T16:00:00-03:00",
                              "timeZone": "America/Sao_Paulo"}
    assert meeting.join_url is None and "conferenceData" not in event


def test_wiring_builds_google_and_gong_without_io(tmp_path: Path, store: Store) -> None:
    info, _ = service_account_key("http://127.0.0.1:9/token")
    settings = load_settings(
        data_dir=tmp_path, calendar="google", transcripts="gong",
        google={"service_account_json": json.dumps(info), "impersonate_reps": True},
        gong={"access_key": "k", "access_key_secret": "s3cr3t"})
    connectors = build_connectors(settings, store)  # port 9: any request would fail
    assert isinstance(connectors.calendar, GoogleCalendar)
    assert isinstance(connectors.transcripts, GongTranscripts)
    shown = json.dumps(settings.masked())
    assert "s3cr3t" not in shown and "PRIVATE KEY" not in shown
    with pytest.raises(ConfigError, match="LEADFLOW_GONG__ACCESS_KEY"):
        build_connectors(load_settings(data_dir=tmp_path, transcripts="gong"), store)
    with pytest.raises(ConfigError, match="SERVICE_ACCOUNT_FILE"):
        build_connectors(load_settings(data_dir=tmp_path, calendar="google"), store)
    bad = load_settings(data_dir=tmp_path, calendar="google",
                        google={"service_account_json": '{"private_key": "x"'})
    with pytest.raises(ConfigError, match="not valid JSON") as caught:
        build_connectors(bad, store)
    assert '"x"' not in str(caught.value)
