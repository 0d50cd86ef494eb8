"""Arbitrary bodies and field values: intake's validation answers a LeadForm or an InputError.

Anything else (OSError, OverflowError, RecursionError, ...) escapes as a 500 and loses a
signed submission, so these properties hold validation to the two outcomes intake can answer.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadflow.errors import InputError
from leadflow.intake import DEFAULT_FIELD_TITLES, LeadForm, parse_submission
from leadflow.intake_limits import FIELD_MAX_CHARS
from leadflow.settings import IntakeSource, Settings, WebSettings
from leadflow.store import Store
from leadflow.store.submissions import dead_letter_body, get_dead_letter, get_submission
from leadflow.web.sources import accept_in, map_generic

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Every code point, lone surrogates and control characters included.
ANY_CHAR = st.characters(codec=None, exclude_categories=())
TEXT = st.text(ANY_CHAR, max_size=40) | st.text(ANY_CHAR, min_size=200, max_size=400)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
ZONES = st.sampled_from(["Europe", "America", "Europe/Lisbon", "UTC", "Etc/GMT+12", "../x",
                         "Europe/", "zone.tab", "posixrules", "x" * 300, "Asia/Tokyo"]) | TEXT
MOMENTS = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                       timezones=st.none() | st.just(UTC) | st.builds(
                           timezone, st.timedeltas(min_value=timedelta(hours=-23),
                                                   max_value=timedelta(hours=23))))
TIMES = (MOMENTS.map(lambda moment: moment.isoformat(sep=" ", timespec="minutes"))
         | st.lists(MOMENTS.map(datetime.isoformat), max_size=25) | TEXT)
VALUES = TEXT | st.lists(TEXT, max_size=3) | JSON


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, Any]:
    """A valid Google Forms body with up to three of its values (or extra answers) hostile."""
    answers: dict[str, Any] = {"Work email": "lead@example.com", "Name": "Ann Lee",
                               "Time zone": "Europe/Lisbon",
                               "Preferred meeting time": "2030-03-05 10:00"}
    body: dict[str, Any] = {"source": "google_forms", "response_id": "r-1",
                            "submitted_at": "2030-03-04T12:00:00Z"}
    hostile = {
        "Work email": TEXT | st.just("a" * 250 + "@x.io"), "Name": TEXT,
        "Time zone": ZONES, "Preferred meeting time": TIMES,
        **{DEFAULT_FIELD_TITLES[field][0]: VALUES for field in DEFAULT_FIELD_TITLES},
        "source": TEXT, "response_id": TEXT | JSON,
        "submitted_at": MOMENTS.map(datetime.isoformat) | JSON, "extra": JSON,
    }
    for key in draw(st.sets(st.sampled_from(sorted(hostile)), min_size=1, max_size=3)):
        if key in body or key in {"source", "response_id", "submitted_at", "extra"}:
            body[key] = draw(hostile[key])
        elif draw(st.integers(0, 9)) == 0:
            answers.pop(key, None)  # a missing answer
        else:
            answers[key] = draw(hostile[key])
    body["answers"] = [{"title": title, "value": value} for title, value in answers.items()]
    return body


def outcome(raw: str | bytes) -> LeadForm | InputError:
    """parse_submission's answer; any exception but InputError fails the property."""
    try:
        return parse_submission(raw, default_timezone="UTC")
    except InputError as exc:
        assert exc.errors and all("\n" not in error for error in exc.errors)
        return exc


def assert_storable(form: LeadForm) -> None:
    """What intake accepts fits its columns and encodes as UTF-8 (the store and the CRM)."""
    for field in ("email", "name", "company", "title", "phone", "language", "timezone",
                  "budget", "needs"):
        value = getattr(form, field)
        if value is not None:
            assert len(value) <= FIELD_MAX_CHARS[field], field
            value.encode("utf-8")
            assert "\x00" not in value
    assert len(form.response_id) <= 255 and 1 <= len(form.proposed_times) <= 20
    assert all(moment.tzinfo is not None for moment in form.proposed_times)


@FUZZ
@given(submissions())
def test_a_form_shaped_body_is_a_lead_form_or_an_input_error(body: dict[str, Any]) -> None:
    result = outcome(json.dumps(body))
    if isinstance(result, LeadForm):
        assert_storable(result)


@FUZZ
@given(JSON | st.binary(max_size=200) | st.text(ANY_CHAR, max_size=200))
def test_any_body_is_a_lead_form_or_an_input_error(payload: Any) -> None:
    raw = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    result = outcome(raw)
    if isinstance(result, LeadForm):
        assert_storable(result)


@FUZZ
@given(st.dictionaries(st.sampled_from(["id", "at", "email", "name", "slots", "tz", "x"]),
                       JSON | TIMES, max_size=6))
def test_a_mapped_generic_form_is_a_lead_form_or_an_input_error(body: dict[str, Any]) -> None:
    mapping = IntakeSource(response_id="id", submitted_at="at", fields={
        "email": "email", "name": "name", "proposed_times": "slots", "timezone": "tz"})
    try:
        canonical = map_generic("website", mapping, json.dumps(body))
    except InputError:
        return
    result = outcome(canonical)
    if isinstance(result, LeadForm):
        assert_storable(result)


@pytest.fixture(scope="module", params=[
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One store for every example (module-scoped: hypothesis runs a test many times).

    PostgreSQL too when configured: it, not SQLite, refuses a value longer than its column.
    """
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'leadflow.db'}")
    url, schema = request.getfixturevalue("pg_schema")
    return Store(url, schema=schema)


@FUZZ
@given(source=st.sampled_from(["google_forms", "website"]),
       body=st.binary(max_size=300)
       | submissions().map(lambda form: json.dumps(form).encode())
       | st.text(ANY_CHAR, max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_any_body_is_stored_as_a_lead_or_kept_as_a_dead_letter(
        store: Store, source: str, body: bytes) -> None:
    """What intake's writer does with a body: a stored submission or a dead letter holding it."""
    config = Settings(web=WebSettings(sources={"website": IntakeSource(
        response_id="id", fields={"email": "email", "name": "name", "proposed_times": "slots"})}))
    with store.session() as session:
        received = accept_in(session, config, source, body)
    with store.session(write=False) as session:
        if received.lead_id is not None:
            assert received.submission_id is not None
            assert get_submission(session, received.submission_id) is not None
            return
        assert received.errors and received.dead_letter_id is not None
        letter = get_dead_letter(session, received.dead_letter_id)
    assert letter is not None
    assert dead_letter_body(letter) == (body if letter.payload_encoding else body.decode())
