"""GoogleCalendar errors: replays (409), delegation, rate limits, auth, per-calendar errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.base.health import CheckStatus
from connectors.google import CALENDAR_SCOPES, GoogleHttp
from connectors.google_calendar import GoogleCalendar, event_id_for
from leadflow.errors import PermanentError, QuotaExhaustedError, TransientError
from tests.connectors.contracts import contract_reps
from tests.connectors.contracts.calendars import at, request
from tests.connectors.google_world import Sleeps, service_account_http, user_http
from tests.stubs.google_calendar import CalendarStub, Fault
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


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def calendar(stub: CalendarStub, base_url: str, sleeps: Sleeps) -> GoogleCalendar:
    return GoogleCalendar(user_http(stub.tokens, base_url, connector=NAME, sleep=sleeps),
                          contract_reps(), sleep=Sleeps())


def account(stub: CalendarStub, base_url: str, **options: object) -> GoogleHttp:
    return service_account_http(stub.tokens, base_url, CALENDAR_SCOPES, connector=NAME,
                                **options)  # type: ignore[arg-type]


def test_a_calendar_google_cannot_read_is_unknown_not_free(
    stub: CalendarStub, calendar: GoogleCalendar
) -> None:
    stub.busy_errors["bjorn@sales.example"] = "notFound"
    busy = calendar.free_busy(["rep-a", "rep-b"], at(9), at(10))
    assert busy == {"rep-a": [], "rep-b": None}
    meeting = calendar.book_first_available(request(at(10), reps=["rep-b", "rep-a"]),
                                            idempotency_key="k")
    assert meeting.rep_id == "rep-a"


def test_a_replayed_insert_gets_409_and_returns_the_existing_event(
    stub: CalendarStub, calendar: GoogleCalendar
) -> None:
    first = calendar.book_first_available(request(at(10), reps=["rep-a"]), idempotency_key="k")
    # Another worker's insert landed after our look-up and free/busy read: hide it from both.
    event_id = event_id_for("k")
    stub.calendars["ana@sales.example"][event_id]["transparency"] = "transparent"
    stub.faults += [Fault(404, "notFound", path=f"/events/{event_id}") for _ in range(3)]
    again = calendar.book_first_available(request(at(10), reps=["rep-a"]), idempotency_key="k")
    assert again == first
    assert len(stub.calendars["ana@sales.example"]) == 1
    assert ("POST", "/calendars/ana@sales.example/events") in [(m, p) for m, p, _ in stub.log]


def test_ids_are_base32hex_and_the_stub_refuses_others(
    stub: CalendarStub, calendar: GoogleCalendar
) -> None:
    assert set(event_id_for("any key")) <= set("0123456789abcdefghijklmnopqrstuv")
    body = {"id": "not-valid-w", "start": {"dateTime": "2030-01-07T10:00:00Z"},
            "end": {"dateTime": "2030-01-07T10:30:00Z"}}
    with pytest.raises(PermanentError, match="Invalid resource id"):
        calendar.api.call("POST", "calendars/ana@sales.example/events", operation="t", json=body)


def test_service_account_without_delegation_cannot_invite(
    stub: CalendarStub, base_url: str
) -> None:
    calendar = GoogleCalendar(account(stub, base_url), contract_reps(), create_meet=False)
    with pytest.raises(PermanentError, match="domain-wide delegation") as caught:
        calendar.book_first_available(request(at(10)), idempotency_key="k")
    assert "INVITE_ATTENDEES=false" in str(caught.value)


def test_service_account_without_delegation_cannot_create_meet(
    stub: CalendarStub, base_url: str
) -> None:
    calendar = GoogleCalendar(account(stub, base_url), contract_reps(), invite_attendees=False)
    with pytest.raises(PermanentError, match="CREATE_MEET=false"):
        calendar.book_first_available(request(at(10)), idempotency_key="k")


def test_service_account_without_attendees_or_meet_books(
    stub: CalendarStub, base_url: str
) -> None:
    calendar = GoogleCalendar(account(stub, base_url), contract_reps(),
                              invite_attendees=False, create_meet=False)
    meeting = calendar.book_first_available(request(at(10)), idempotency_key="k")
    assert meeting.lead_email == "lead@acme.example" and meeting.join_url is None


def test_delegation_not_granted_names_the_fix(stub: CalendarStub, base_url: str) -> None:
    api = account(stub, base_url, delegation=False, subject="ana@sales.example")
    with pytest.raises(PermanentError, match="domain-wide delegation") as caught:
        GoogleCalendar(api, contract_reps()).free_busy(["rep-a"], at(9), at(10))
    assert "BEGIN PRIVATE KEY" not in str(caught.value)


@pytest.mark.parametrize(("status", "reason"), [
    (429, "rateLimitExceeded"), (403, "rateLimitExceeded"), (403, "userRateLimitExceeded"),
    (500, "backendError"), (503, "backendError"),
])  # fmt: skip
def test_rate_limits_and_server_errors_are_retried_with_backoff(
    stub: CalendarStub, calendar: GoogleCalendar, sleeps: Sleeps, status: int, reason: str
) -> None:
    stub.faults += [Fault(status, reason, path="/freeBusy") for _ in range(2)]
    assert calendar.free_busy(["rep-a"], at(9), at(10)) == {"rep-a": []}
    assert sleeps == [0.5, 1.0]  # jitter * 2**attempt


def test_persistent_rate_limit_is_a_transient_error_with_retry_after(
    stub: CalendarStub, calendar: GoogleCalendar, sleeps: Sleeps
) -> None:
    stub.faults += [Fault(429, "rateLimitExceeded", path="/freeBusy", headers={"Retry-After": "7"})
                    for _ in range(4)]
    with pytest.raises(TransientError) as caught:
        calendar.free_busy(["rep-a"], at(9), at(10))
    assert caught.value.retry_after_s == 7 and sleeps == [7, 7, 7]


def test_quota_exceeded_stops(stub: CalendarStub, calendar: GoogleCalendar) -> None:
    stub.faults.append(Fault(403, "quotaExceeded", path="/freeBusy"))
    with pytest.raises(QuotaExhaustedError, match="Quotas"):
        calendar.free_busy(["rep-a"], at(9), at(10))


def test_bad_credentials_are_permanent_and_name_the_setting(
    stub: CalendarStub, calendar: GoogleCalendar
) -> None:
    stub.tokens.issued.clear()
    with pytest.raises(PermanentError, match="SERVICE_ACCOUNT_FILE"):
        calendar.free_busy(["rep-a"], at(9), at(10))
    assert len(stub.log) == 2  # one fresh-token retry, then stop


def test_missing_scope_is_permanent(stub: CalendarStub, base_url: str) -> None:
    scopes = ("https://www.googleapis.com/auth/calendar.freebusy",)
    api = service_account_http(stub.tokens, base_url, scopes, connector=NAME)
    calendar = GoogleCalendar(api, contract_reps(), invite_attendees=False, create_meet=False)
    with pytest.raises(PermanentError, match="scope"):
        calendar.book_first_available(request(at(10)), idempotency_key="k")


def test_cancel_tells_attendees_and_tolerates_a_concurrent_cancel(
    stub: CalendarStub, calendar: GoogleCalendar
) -> None:
    meeting = calendar.book_first_available(request(at(10), reps=["rep-a"]), idempotency_key="k")
    stub.faults.append(Fault(410, "deleted", path=f"/events/{meeting.id}x"))  # never matches
    calendar.cancel(meeting.id)
    deletes = [q for m, _, q in stub.log if m == "DELETE"]
    assert deletes == [{"sendUpdates": "all"}]
    assert stub.calendars["ana@sales.example"][meeting.id]["status"] == "cancelled"


def test_doctor_reports_each_check(stub: CalendarStub, base_url: str,
                                   calendar: GoogleCalendar) -> None:
    assert [c.status for c in calendar.doctor()] == [CheckStatus.OK] * 3
    stub.busy_errors["joao@sales.example"] = "notFound"
    plain = GoogleCalendar(account(stub, base_url), contract_reps())
    checks = {c.check: c for c in plain.doctor()}
    assert checks["credentials"].status == CheckStatus.OK
    assert "leadflow@proj.iam.gserviceaccount.com" in checks["credentials"].detail
    assert checks["free/busy"].status == CheckStatus.FAIL and "rep-c" in checks["free/busy"].detail
    assert checks["attendees and Meet"].status == CheckStatus.WARN
    stub.tokens.accounts.clear()
    broken = GoogleCalendar(account(stub, base_url), contract_reps())
    stub.tokens.accounts.clear()
    assert [(c.check, c.status) for c in broken.doctor()] == [("credentials", CheckStatus.FAIL)]
