"""The Forms reconciler: a response is received exactly once, by webhook or by reconciler."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from connectors.google_forms import GoogleFormsApi
from flows.receive import receive
from flows.reconcile import reconcile_form
from leadflow.commands import forms_cmd
from leadflow.console import AppState
from leadflow.errors import TransientError
from leadflow.store import Store
from leadflow.store.models import Lead, Submission
from leadflow.store.watermarks import get_watermark
from tests.connectors.google_world import service_account_http
from tests.connectors.test_google_forms import FORM, FORM_ID, forms, response
from tests.stubs.google_forms import FormsStub
from tests.stubs.google_oauth import service_account_key
from tests.stubs.serving import serve


@pytest.fixture
def stub() -> FormsStub:
    stub = FormsStub()
    stub.forms[FORM_ID] = FORM
    return stub


@pytest.fixture
def base_url(stub: FormsStub) -> Iterator[str]:
    with serve(stub.app()) as url:
        yield url


@pytest.fixture
def client(stub: FormsStub, base_url: str) -> GoogleFormsApi:
    return forms(stub, base_url)


def webhook_payload(response_id: str, email: str) -> str:
    """What the Apps Script sender posts for the same response (item ids are numbers there)."""
    return json.dumps({
        "source": "google_forms", "form_id": FORM_ID, "response_id": response_id,
        "submitted_at": "2030-01-01T12:00:00.000Z", "respondent_email": None,
        "answers": [{"item_id": 1, "title": "Work email", "type": "TEXT", "value": email},
                    {"item_id": 2, "title": "Name", "type": "TEXT", "value": "Jane Doe"},
                    {"item_id": 3, "title": "Preferred meeting time", "type": "DATETIME",
                     "value": "2030-01-07 10:00"}]})


def counts(store: Store) -> tuple[int, int]:
    with store.session(write=False) as session:
        return (len(session.exec(Submission.__table__.select()).all()),  # type: ignore[attr-defined]
                len(session.exec(Lead.__table__.select()).all()))  # type: ignore[attr-defined]


def test_a_response_the_webhook_delivered_is_not_processed_again(
    store: Store, stub: FormsStub, client: GoogleFormsApi
) -> None:
    first = receive(store, "google_forms", webhook_payload("2_A", "jane@acme.example"))
    stub.responses[FORM_ID] = [response("2_A", "2030-01-01T12:00:00Z")]
    report = reconcile_form(store, client, FORM_ID)
    assert (report.seen, report.new_lead_ids, report.already_received) == (1, [], 1)
    assert counts(store) == (1, 1) and first.lead_id is not None


def test_a_response_only_the_reconciler_sees_is_processed_once(
    store: Store, stub: FormsStub, client: GoogleFormsApi
) -> None:
    stub.responses[FORM_ID] = [response(f"2_{i}", f"2030-01-01T12:00:0{i}Z", f"p{i}@acme.example")
                               for i in range(3)]
    report = reconcile_form(store, client, FORM_ID)
    assert len(report.new_lead_ids) == 3 and counts(store) == (3, 3)
    again = reconcile_form(store, client, FORM_ID)
    assert again.new_lead_ids == [] and counts(store) == (3, 3)
    # The webhook arriving late (trigger retried by hand) is a re-delivery, not a new lead.
    late = receive(store, "google_forms", webhook_payload("2_1", "p1@acme.example"))
    assert late.duplicate and counts(store) == (3, 3)


def test_the_watermark_advances_and_filters_the_next_read(
    store: Store, stub: FormsStub, client: GoogleFormsApi
) -> None:
    stub.responses[FORM_ID] = [response("2_B", "2030-01-01T12:00:05.5Z", "b@acme.example"),
                               response("2_A", "2030-01-01T12:00:01Z", "a@acme.example")]
    report = reconcile_form(store, client, FORM_ID)
    newest = datetime(2030, 1, 1, 12, 0, 5, 500000, tzinfo=UTC)
    assert report.watermark == newest
    with store.session(write=False) as session:
        assert get_watermark(session, FORM_ID) == newest
    stub.responses[FORM_ID].append(response("2_C", "2030-01-01T12:30:00Z", "c@acme.example"))
    later = reconcile_form(store, client, FORM_ID)
    # The two inside the overlap are read again and recognised, not re-run.
    assert len(later.new_lead_ids) == 1 and later.already_received == 2
    last_filter = [q for p, q in stub.log if p.endswith("/responses")][-1]["filter"]
    # Read from the watermark minus the overlap: late-listed responses are not skipped.
    assert last_filter == "timestamp > 2030-01-01T11:55:05.500000Z"


def test_a_failed_batch_leaves_the_watermark_and_the_rerun_is_exactly_once(
    store: Store, stub: FormsStub, client: GoogleFormsApi
) -> None:
    stub.responses[FORM_ID] = [response(f"2_{i}", f"2030-01-01T12:00:0{i}Z", f"p{i}@acme.example")
                               for i in range(4)]
    original = client.list_responses

    def failing(form_id: str, after: datetime | None = None) -> Iterator[dict[str, object]]:
        for index, item in enumerate(original(form_id, after)):
            if index == 2:
                raise TransientError("page 2 failed", connector="google_forms")
            yield item

    client.list_responses = failing  # type: ignore[method-assign]
    with pytest.raises(TransientError):
        reconcile_form(store, client, FORM_ID)
    with store.session(write=False) as session:
        assert get_watermark(session, FORM_ID) is None
    assert counts(store) == (2, 2)
    client.list_responses = original  # type: ignore[method-assign]
    report = reconcile_form(store, client, FORM_ID)
    assert (len(report.new_lead_ids), report.already_received) == (2, 2)
    assert counts(store) == (4, 4)


def test_a_malformed_response_is_one_dead_letter(
    store: Store, stub: FormsStub, client: GoogleFormsApi
) -> None:
    bad = response("2_X", "2030-01-01T12:00:00Z", "not-an-email")
    stub.responses[FORM_ID] = [bad]
    assert reconcile_form(store, client, FORM_ID).dead_letters == 1
    assert reconcile_form(store, client, FORM_ID).dead_letters == 0


def test_forms_reconcile_command(
    stub: FormsStub, base_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info, public_key = service_account_key(f"{base_url}/token")
    service_account_http(stub.tokens, base_url, (), connector="google_forms")  # registers key
    stub.responses[FORM_ID] = [response("2_A", "2030-01-01T12:00:00Z")]
    for name, value in {"DATA_DIR": str(tmp_path), "GOOGLE__SERVICE_ACCOUNT_JSON": json.dumps(info),
                        "GOOGLE__FORMS_BASE_URL": f"{base_url}/v1/"}.items():
        monkeypatch.setenv(f"LEADFLOW_{name}", value)
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = AppState()

    forms_cmd.register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["forms", "reconcile", "--form-id", FORM_ID, "--no-run"])
    assert result.exit_code == 0, result.output
    assert "1 response(s) read, 1 new lead(s)" in result.output
    again = runner.invoke(app, ["forms", "reconcile", "--form-id", FORM_ID, "--no-run"])
    assert "0 new lead(s), 1 already received" in again.output
    assert "BEGIN PRIVATE KEY" not in result.output + again.output
    none = runner.invoke(app, ["forms", "reconcile", "--no-run"])
    assert none.exit_code == 2 and "FORM_IDS" in none.output
    assert public_key is not None
