"""A CRM error that echoes a configured key reaches neither the page, the redirect URL nor the
audit trail with the key in it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from leadflow.errors import PermanentError
from leadflow.redaction import Redactor
from leadflow.store.audit import list_audit
from leadflow.web import create_app
from tests.web.conftest import login
from tests.web.seed import Seeded, web_settings

KEY = "Zq9vHubKey0042"  # shaped like nothing the patterns know


@pytest.fixture
def redacting_client(seeded: Seeded, tmp_path: Path) -> Iterator[TestClient]:
    chain = replace(seeded.world.chain, redactor=Redactor([KEY]))
    app = create_app(web_settings(tmp_path, drain=False), seeded.world.store, chain)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def test_crm_errors_shown_to_reviewers_carry_no_key(
        redacting_client: TestClient, seeded: Seeded) -> None:
    crm = seeded.world.crm
    echo = PermanentError(f"401 invalid token {KEY}", connector="hubspot")
    crm.fail_always("update_properties", echo)
    crm.fail_always("get_properties", echo)
    csrf = login(redacting_client, "rita")
    response = redacting_client.post(
        "/review/extractions/1/criteria/budget/override",
        data={"value": "150k", "reason": "confirmed by email", "csrf_token": csrf})
    assert "CRM write-back failed" in response.text and "invalid token [secret]" in response.text
    assert KEY not in response.text and KEY not in str(response.url)
    assert all(KEY not in r.headers.get("location", "") for r in response.history)
    page = redacting_client.get("/review/extractions/1").text
    assert "invalid token [secret]" in page and KEY not in page
    with seeded.world.store.session(write=False) as session:
        [event] = list_audit(session, lead_id=1, kind="review_write_back_failed")
    assert event.reason == "hubspot: 401 invalid token [secret]"
