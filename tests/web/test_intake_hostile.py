"""Hostile but signed submissions: each one is stored (202) or dead-lettered (422), never a 500.

A 202 means stored and a 422 means kept with its reason, so after N submissions the store holds
N submissions and dead letters between them, whatever was sent.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from leadflow.store.leads import list_leads
from leadflow.store.models import DeadLetter, Submission
from leadflow.store.submissions import dead_letter_body, get_dead_letter
from leadflow.web.signing import signature_header
from leadflow.web.sources import replay
from tests.flows.world import submission
from tests.web.seed import SECRET, Seeded, web_settings


def post(client: TestClient, raw: bytes, source: str = "google_forms") -> Any:
    """POST a body signed now, as a sender holding the secret would."""
    return client.post(f"/intake/{source}", content=raw, headers={
        "Content-Type": "application/json",
        "X-Leadflow-Signature": signature_header(SECRET, int(time.time()), raw, source=source)})


def form(index: int, **answers: object) -> str:
    """A valid submission of lead `index` with some answers replaced or added (by title)."""
    body = json.loads(submission(index))
    by_title = {answer["title"]: answer for answer in body["answers"]}
    for title, value in answers.items():
        by_title[title.replace("_", " ")] = {"title": title.replace("_", " "), "value": value}
    body["answers"] = list(by_title.values())
    return json.dumps(body)


def with_field(index: int, **fields: object) -> str:
    """A valid submission of lead `index` with top-level fields replaced."""
    return json.dumps({**json.loads(submission(index)), **fields})


def stored(seeded: Seeded) -> int:
    """Submissions plus dead letters: what intake has kept."""
    with seeded.world.store.session(write=False) as session:
        return sum(session.exec(select(func.count()).select_from(table)).one()
                   for table in (Submission, DeadLetter))


# (body, the field the 422 names); each a finding of the attack-minded test or its neighbour.
REFUSED = {
    "a region as time zone": (form(60, Time_zone="Europe"), "timezone"),
    "a continent as time zone": (form(61, Time_zone="America"), "timezone"),
    "a time zone of 300 characters": (form(62, Time_zone="x" * 300), "timezone"),
    "a time zone with a path": (form(63, Time_zone="../../etc/passwd"), "timezone"),
    "the last minute of year 9999 in New York": (
        form(64, Time_zone="America/New_York", Preferred_meeting_time="9999-12-31 23:59"),
        "proposed_times"),
    "the first minute of year 1 in Tokyo": (
        form(65, Time_zone="Asia/Tokyo", Preferred_meeting_time="0001-01-01 00:00"),
        "proposed_times"),
    "submitted in year 9999": (with_field(66, submitted_at="9999-12-31T23:59:59-05:00"),
                               "submitted_at"),
    "JSON nested 50,000 deep": ("[" * 50_000 + "]" * 50_000, "body"),
    "JSON nested 65 deep": (with_field(67, extra=json.loads("[" * 64 + "]" * 64)), "body"),
    "a number of 5,000 digits": (with_field(68, extra=int("9" * 4000)).replace(
        "9" * 4000, "9" * 5000), "body"),
    "an email of 5,000 characters": (form(69, Work_email="a" * 4990 + "@example.com"), "email"),
    "a name of 256 characters": (form(70, Name="n" * 256), "name"),
    "a company of 256 characters": (form(71, Company="c" * 256), "company"),
    "a job title of 256 characters": (form(72, Job_title="t" * 256), "title"),
    "a phone of 51 characters": (form(73, Phone="1" * 51), "phone"),
    "a language of 21 characters": (form(74, Language="l" * 21), "language"),
    "a response id of 256 characters": (with_field(75, response_id="r" * 256), "response_id"),
    "a NUL in the name": (form(76, Name="Ann\x00Lee"), "name"),
    "a NUL as the response id": (with_field(79, response_id="\x00"), "response_id"),
    "a control character in the source": (with_field(80, source="google\x01forms"), "source"),
    "a lone surrogate in the company": (form(77, Company="\ud800"), "company"),
    "21 proposed times": (form(78, Preferred_meeting_time=[
        f"2030-03-05 {hour:02d}:00" for hour in range(21)]), "proposed_times"),
    "not an object": ("[1, 2, 3]", "body"),
    "not JSON": ("{'single': 'quotes'}", "body"),
}


@pytest.mark.parametrize(("body", "field"), REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_submission_is_a_dead_letter_with_its_reason(
        client: TestClient, seeded: Seeded, body: str, field: str) -> None:
    before = stored(seeded)
    leads_before = len(list_leads_of(seeded))
    response = post(client, body.encode())
    assert response.status_code == 422, response.text[:300]
    answer = response.json()
    assert [error.split(":")[0] for error in answer["errors"]] == [field]
    assert len(response.text) < 2_000  # the reason, not the body echoed back
    with seeded.world.store.session(write=False) as session:
        letter = get_dead_letter(session, answer["dead_letter_id"])
    assert letter is not None and letter.raw_payload == body
    assert stored(seeded) == before + 1 and len(list_leads_of(seeded)) == leads_before


def list_leads_of(seeded: Seeded) -> list[object]:
    with seeded.world.store.session(write=False) as session:
        return list(list_leads(session))


ACCEPTED = {
    "a city's time zone": form(80, Time_zone="Europe/Lisbon"),
    "an email of 254 characters": form(81, Work_email="a" * 242 + "@example.com"),
    "a name of 255 characters with accents": form(82, Name="é" * 255),
    "a multi-line need": form(83, **{"What do you need?": "Scoring.\nRouting.\tNow."}),
    "the last minute of 2099 in Lisbon": form(84, Time_zone="Europe/Lisbon",
                                              Preferred_meeting_time="2099-12-31 23:59"),
    "JSON nested 64 deep": with_field(85, extra=json.loads("[" * 63 + "]" * 63)),
}


@pytest.mark.parametrize("body", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_a_submission_at_the_limits_is_stored(
        client: TestClient, seeded: Seeded, body: str) -> None:
    before = stored(seeded)
    response = post(client, body.encode())
    assert response.status_code == 202, response.text[:300]
    assert stored(seeded) == before + 1


def test_every_signed_submission_is_stored_or_dead_lettered(
        client: TestClient, seeded: Seeded) -> None:
    bodies = [body for body, _ in REFUSED.values()] + list(ACCEPTED.values())
    before = stored(seeded)
    statuses = [post(client, body.encode()).status_code for body in bodies]
    assert sorted(set(statuses)) == [202, 422]
    assert stored(seeded) == before + len(bodies)


def test_an_oversize_email_never_becomes_a_lead_the_drainer_chokes_on(
        client: TestClient, seeded: Seeded) -> None:
    """The poison lead: accepted with 202, it failed every drain pass in chain.snapshot."""
    poison = post(client, form(90, Work_email="p" * 5_000 + "@example.com").encode())
    healthy = post(client, submission(91).encode())
    assert poison.status_code == 422 and healthy.status_code == 202
    assert all(len(lead.email) <= 254 for lead in list_leads_of(seeded))


@pytest.mark.parametrize(("raw", "reason"), [
    ('{"source": "google_forms", "name": "Jos\xe9"}'.encode("latin-1"), "body: not UTF-8"),
    (b'{"source": "google_forms"}\x00', "body: contains a NUL"),
    (b"\xff\xfe\x00\x00" * 100, "body: not UTF-8"),
], ids=["latin-1", "a NUL byte", "UTF-32"])
def test_a_body_that_is_not_text_is_kept_byte_for_byte_in_base64(
        client: TestClient, seeded: Seeded, raw: bytes, reason: str, tmp_path: Path) -> None:
    before = stored(seeded)
    response = post(client, raw)
    assert response.status_code == 422
    assert response.json()["errors"][0].startswith(reason)
    with seeded.world.store.session(write=False) as session:
        letter = get_dead_letter(session, response.json()["dead_letter_id"])
    assert letter.payload_encoding == "base64" and dead_letter_body(letter) == raw
    assert post(client, raw).json()["dead_letter_id"] == letter.id  # a re-delivery: the same
    assert stored(seeded) == before + 1
    again = replay(seeded.world.store, web_settings(tmp_path), letter.id)
    assert again.lead_id is None and again.errors[0].startswith(reason)


def test_the_422_names_the_reason_in_one_line(client: TestClient) -> None:
    answer = post(client, form(95, Time_zone="Europe", Name="").encode()).json()
    assert answer["detail"] == (
        "submission is malformed: name: missing (no 'Name' answer); timezone: 'Europe' is not "
        "an IANA time zone like Europe/Lisbon (a region and a city)")
    long = post(client, form(96, Work_email="x" * 5_000, Name="n" * 900).encode()).json()
    assert "\n" not in long["detail"] and len(long["detail"]) < 400
