"""Out-of-range input is a 4xx with a one-line reason, never a 500; a bug is a short 500.

Ids above 2^63 - 1 used to reach the database driver, which raises OverflowError (500).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from leadflow.web import create_app
from leadflow.web.failures import UNEXPECTED
from tests.web.conftest import login
from tests.web.seed import Seeded, web_settings

HUGE = "99999999999999999999"  # > 2^63 - 1
# (method, path, form data or JSON body, as a browser form?)
ID_ROUTES = [
    ("get", f"/leads/{HUGE}", None),
    ("post", f"/leads/{HUGE}/shares", {"rep_id": "rep-lx"}),
    ("get", f"/review/extractions/{HUGE}", None),
    ("post", f"/review/extractions/{HUGE}/approve", {}),
    ("post", f"/review/extractions/{HUGE}/reject", {"then": "manual"}),
    ("post", f"/review/extractions/{HUGE}/criteria/budget/approve", {}),
    ("post", f"/review/extractions/{HUGE}/criteria/budget/override", {"value": "1"}),
    ("post", f"/ops/config/history/{HUGE}/restore", {"reason": "x"}),
]
API_ROUTES = [
    ("get", f"/api/extractions/{HUGE}", None),
    ("get", f"/api/reviews?extraction_id={HUGE}", None),
    ("get", f"/api/reviews?limit={HUGE}", None),
    ("get", "/api/reviews?limit=-1", None),
    ("post", "/api/reviews", {"extraction_id": int(HUGE), "decision": "approve"}),
    ("post", f"/api/config/history/{HUGE}/restore", {"reason": "x"}),
]


@pytest.mark.parametrize(("method", "path", "data"), ID_ROUTES, ids=[r[1] for r in ID_ROUTES])
def test_a_page_or_form_with_an_id_out_of_range_is_a_422_page(
        client: TestClient, method: str, path: str, data: dict[str, str] | None) -> None:
    csrf = login(client, "olga")
    kwargs = {} if data is None else {"data": {**data, "csrf_token": csrf}}
    response = client.request(method.upper(), path, headers={"Accept": "text/html"}, **kwargs)
    assert response.status_code == 422, response.text[:300]
    assert "less than or equal to 9223372036854775807" in response.text
    assert "<h1>422</h1>" in response.text


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES, ids=[r[1] for r in API_ROUTES])
def test_an_api_call_with_a_number_out_of_range_is_a_422(
        client: TestClient, seeded: Seeded, method: str, path: str,
        body: dict[str, object] | None) -> None:
    headers = {"Authorization": f"Bearer {seeded.tokens['olga']}"}
    response = client.request(method.upper(), path, headers=headers, json=body)
    assert response.status_code == 422, response.text[:300]
    assert response.json()["detail"][0]["type"] in ("less_than_equal", "greater_than_equal")


def test_ids_in_range_still_work(client: TestClient, seeded: Seeded) -> None:
    login(client, "olga")
    assert client.get("/leads/1").status_code == 200
    assert client.get("/leads/9223372036854775807").status_code == 404
    headers = {"Authorization": f"Bearer {seeded.tokens['olga']}"}
    assert client.get("/api/reviews?limit=5000", headers=headers).status_code == 200


@pytest.mark.parametrize("minimum", ["-5", "101", HUGE, "abc", "7.5"])
@pytest.mark.parametrize("action", ["save", "preview"])
def test_the_band_form_answers_any_minimum_with_the_pages_one_line_error(
        client: TestClient, minimum: str, action: str) -> None:
    csrf = login(client, "olga")
    page = client.post("/ops/config/bands", data={"band": "Fair", "min": minimum,
                                                  "reason": "x", "action": action,
                                                  "csrf_token": csrf})
    assert page.status_code == 200
    [error] = [line for line in page.text.splitlines() if 'class="error"' in line]
    assert ("must be between 1 and 69" in error) or ("is not a whole number" in error)


def test_an_unexpected_error_is_a_short_500_logged_without_its_message(
        seeded: Seeded, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(web_settings(tmp_path), seeded.world.store, seeded.world.chain)

    def boom() -> None:
        email = "ana" + "@example.com"  # so the code line the log shows holds no address
        raise RuntimeError(f"{email} broke it")

    app.add_api_route("/boom", boom)
    with TestClient(app, base_url="http://127.0.0.1") as client, \
            caplog.at_level(logging.ERROR, logger="leadflow.web"):
        response = client.get("/boom")
        page = client.get("/boom", headers={"Accept": "text/html"})
    assert response.status_code == 500 and response.json() == {"detail": UNEXPECTED}
    assert page.status_code == 500 and UNEXPECTED in page.text
    assert "Traceback" not in page.text and "ana@" not in page.text
    [record, _] = [r for r in caplog.records if r.name == "leadflow.web"]
    assert "unexpected RuntimeError on GET /boom" in record.getMessage()
    assert "ana@example.com" not in caplog.text
