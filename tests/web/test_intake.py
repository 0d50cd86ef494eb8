"""POST /intake/{source}: signatures, 202 with ids, dedupe, 422 dead letters, the drainer."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import select

from leadflow.errors import ConfigError
from leadflow.settings import IntakeSource, load_settings
from leadflow.store.leads import get_lead
from leadflow.store.models import DeadLetter, Submission
from leadflow.store.submissions import get_dead_letter, get_submission
from leadflow.web import create_app
from leadflow.web.signing import sign, signature_header
from leadflow.web.sources import replay
from tests.flows.world import submission
from tests.web.seed import OLD_SECRET, SECRET, Seeded, web_settings


def post(client: TestClient, body: str, *, secret: str = SECRET, at: int | None = None,
         source: str = "google_forms", header: str | None = None):
    raw = body.encode()
    stamp = int(time.time()) if at is None else at
    value = header if header is not None else signature_header(secret, stamp, raw,
                                                               source=source)
    return client.post(f"/intake/{source}", content=raw,
                       headers={"Content-Type": "application/json",
                                "X-Leadflow-Signature": value})


def test_a_signed_submission_is_stored_verbatim_and_answered_202(
        client: TestClient, seeded: Seeded) -> None:
    body = submission(10)
    response = post(client, body)
    assert response.status_code == 202
    ids = response.json()
    assert ids["duplicate"] is False and ids["lead_id"] > 4
    with seeded.world.store.session(write=False) as session:
        assert get_submission(session, ids["submission_id"]).raw_payload == body


def test_a_redelivery_returns_the_same_ids_and_runs_nothing_twice(
        client: TestClient, seeded: Seeded) -> None:
    first = post(client, submission(11)).json()
    again = post(client, submission(11))
    assert again.status_code == 202
    assert again.json()["lead_id"] == first["lead_id"]
    assert again.json()["submission_id"] == first["submission_id"]
    assert again.json()["duplicate"] is True


def test_the_drainer_runs_the_qualify_steps_after_the_answer(
        client: TestClient, seeded: Seeded) -> None:
    lead_id = post(client, submission(12)).json()["lead_id"]
    deadline = time.monotonic() + 20
    state = "received"
    # The drainer moves the lead through crm_synced on its way: wait for where it stops.
    while time.monotonic() < deadline and state != "awaiting_transcript":
        time.sleep(0.05)
        with seeded.world.store.session(write=False) as session:
            state = get_lead(session, lead_id).state
    assert state == "awaiting_transcript"
    contacts = seeded.world.crm.calls_to("upsert_contact")
    assert sum(1 for c in contacts if c["contact"].email == "lead12@example.com") == 1


@pytest.mark.parametrize(("secret", "offset", "expected"), [
    (SECRET, 0, 202), (OLD_SECRET, 0, 202),          # either configured key (rotation)
    (SECRET, -301, 401), (SECRET, 301, 401),         # outside the 300 s window, both ways
    ("not-our-secret", 0, 401),
])
def test_signatures(client: TestClient, secret: str, offset: int, expected: int) -> None:
    body = submission(20 + offset % 7)
    assert post(client, body, secret=secret, at=int(time.time()) + offset).status_code == expected


def test_several_v2_signatures_any_one_may_match(client: TestClient) -> None:
    body = submission(30)
    now = int(time.time())
    header = f"t={now},v2={'0' * 64},v2={sign(SECRET, now, body.encode(), source='google_forms')}"
    assert post(client, body, header=header).status_code == 202


def test_the_timestamp_may_come_in_its_own_header(client: TestClient) -> None:
    body, now = submission(31).encode(), int(time.time())
    response = client.post("/intake/google_forms", content=body, headers={
        "Content-Type": "application/json", "X-Leadflow-Timestamp": str(now),
        "X-Leadflow-Signature": f"v2={sign(SECRET, now, body, source='google_forms')}"})
    assert response.status_code == 202


@pytest.mark.parametrize("header", [None, "", "v2=abc", "t=soon,v2=" + "a" * 64, "t=1"])
def test_unsigned_or_malformed_signatures_are_refused(
        client: TestClient, header: str | None, caplog: pytest.LogCaptureFixture) -> None:
    body = submission(40)
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Leadflow-Signature"] = header
    with caplog.at_level(logging.INFO):
        response = client.post("/intake/google_forms", content=body, headers=headers)
    assert response.status_code == 401
    assert "lead40@example.com" not in caplog.text and "refused" in caplog.text


def test_a_body_changed_after_signing_is_refused(client: TestClient) -> None:
    now = int(time.time())
    header = signature_header(SECRET, now, submission(41).encode(), source="google_forms")
    assert post(client, submission(42), header=header).status_code == 401


def test_a_malformed_submission_is_422_with_every_error_and_kept(
        client: TestClient, seeded: Seeded) -> None:
    body = json.dumps({"source": "google_forms", "response_id": "bad-1",
                       "submitted_at": "2030-03-04T12:00:00Z",
                       "answers": [{"title": "Work email", "value": "not-an-email"},
                                   {"title": "Preferred meeting time", "value": "soon"}]})
    response = post(client, body)
    assert response.status_code == 422
    payload = response.json()
    assert {e.split(":")[0] for e in payload["errors"]} == {"email", "name", "proposed_times"}
    with seeded.world.store.session(write=False) as session:
        letter = get_dead_letter(session, payload["dead_letter_id"])
    assert letter.raw_payload == body and len(letter.errors) == 3
    assert post(client, body).json()["dead_letter_id"] == payload["dead_letter_id"]


def test_a_generic_form_is_mapped_and_a_dead_letter_replays_after_a_mapping_fix(
        seeded: Seeded, tmp_path: Path) -> None:
    wrong = IntakeSource(response_id="id", submitted_at="at",
                         fields={"email": "contact.mail", "name": "contact.name",
                                 "proposed_times": "slots"})
    settings = web_settings(tmp_path, sources={"website": wrong})
    app = create_app(settings, seeded.world.store, seeded.world.chain)
    body = json.dumps({"id": "w-1", "at": "2030-03-04T12:00:00Z",
                       "contact": {"email": "web@example.com", "name": "Web Lead"},
                       "slots": "2030-03-05T15:00:00+00:00"})
    with TestClient(app) as client:
        rejected = post(client, body, source="website")
        assert rejected.status_code == 422
        assert rejected.json()["errors"][0].startswith("email: missing")
    fixed = settings.model_copy(update={"web": settings.web.model_copy(update={"sources": {
        "website": wrong.model_copy(update={"fields": {**wrong.fields,
                                                       "email": "contact.email"}})}})})
    received = replay(seeded.world.store, fixed, rejected.json()["dead_letter_id"])
    assert received.lead_id is not None
    with seeded.world.store.session(write=False) as session:
        stored = json.loads(get_submission(session, received.submission_id).raw_payload)
        letter = get_dead_letter(session, received.dead_letter_id)
    assert stored["raw_body"] == body and letter.replayed_at is not None
    app = create_app(fixed, seeded.world.store, seeded.world.chain)
    with TestClient(app) as client:
        again = post(client, body, source="website")
    assert again.status_code == 202 and again.json()["lead_id"] == received.lead_id


def test_openapi_documents_intake_and_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/intake/{source}", "/api/leads", "/api/extractions/{extraction_id}",
            "/api/reviews"} <= set(paths)
    assert "422" in paths["/intake/{source}"]["post"]["responses"]


def counts(seeded: Seeded) -> tuple[int, int]:
    """(submissions, dead letters) in the store."""
    with seeded.world.store.session(write=False) as session:
        return (session.exec(select(func.count()).select_from(Submission)).one(),
                session.exec(select(func.count()).select_from(DeadLetter)).one())


def test_a_signature_is_good_for_its_source_only(
        seeded: Seeded, tmp_path: Path) -> None:
    website = IntakeSource(fields={"email": "email", "name": "name", "proposed_times": "slots"})
    app = create_app(web_settings(tmp_path, sources={"website": website}), seeded.world.store,
                     seeded.world.chain)
    raw, now = submission(50).encode(), int(time.time())
    for_forms = signature_header(SECRET, now, raw, source="google_forms")
    before = counts(seeded)
    with TestClient(app) as client:
        replayed = client.post("/intake/website", content=raw,
                               headers={"X-Leadflow-Signature": for_forms})
        assert replayed.status_code == 401
        assert counts(seeded) == before
        assert client.post("/intake/google_forms", content=raw,
                           headers={"X-Leadflow-Signature": for_forms}).status_code == 202


@pytest.mark.parametrize("source", ["x1", "Google_Forms", "google_forms2", "google_forms%20",
                                    "website", "g" * 300])
def test_a_signed_request_replayed_to_an_unknown_source_is_404_and_stores_nothing(
        client: TestClient, seeded: Seeded, source: str) -> None:
    raw, now = submission(51).encode(), int(time.time())
    before = counts(seeded)
    for signed_for in ("google_forms", source):  # the captured signature, or one made for it
        response = client.post(f"/intake/{source}", content=raw, headers={
            "X-Leadflow-Signature": signature_header(SECRET, now, raw, source=signed_for)})
        assert response.status_code == 404
        assert response.json() == {"detail": "no such intake source"}
    assert counts(seeded) == before


def test_a_v1_signature_is_refused_saying_what_to_sign(client: TestClient) -> None:
    raw, now = submission(52).encode(), int(time.time())
    legacy = hmac.new(SECRET.encode(), f"{now}.".encode() + raw, hashlib.sha256).hexdigest()
    response = post(client, raw.decode(), header=f"t={now},v1={legacy}")
    assert response.status_code == 401
    assert "t + '.' + source + '.' + body" in response.json()["detail"]


@pytest.mark.parametrize("name", ["web.site", "web site", "", "w" * 101, "café"])
def test_a_source_name_that_cannot_be_signed_or_routed_is_a_config_error(name: str) -> None:
    with pytest.raises(ConfigError, match="LEADFLOW_WEB__SOURCES"):
        load_settings(web={"sources": {name: {}}})


def test_a_signature_that_is_not_hex_is_refused_not_a_500(client: TestClient) -> None:
    raw, now = submission(53).encode(), int(time.time())
    # compare_digest raises TypeError on non-ASCII text: such a value must never reach it.
    header = f"t={now},v2={'é' * 64}".encode("latin-1")
    response = client.post("/intake/google_forms", content=raw,
                           headers={"X-Leadflow-Signature": header})  # type: ignore[dict-item]
    assert response.status_code == 401
