"""Authorisation on the server for every route and role; CSRF on every form."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import login
from tests.web.seed import Seeded

# (path, {user: expected status}); lead 1 is rep-ny's (nick), lead 3 rep-lx's (lena).
PAGES = [
    ("/review", {"olga": 200, "rita": 200, "nick": 403, "lena": 403}),
    ("/review/extractions/1", {"olga": 200, "rita": 200, "nick": 403, "lena": 403}),
    ("/review/agreement", {"olga": 200, "rita": 200, "nick": 403, "lena": 403}),
    ("/leads", {"olga": 200, "rita": 200, "nick": 200, "lena": 200}),
    ("/leads/1", {"olga": 200, "rita": 200, "nick": 200, "lena": 404}),
    ("/leads/3", {"olga": 200, "rita": 200, "nick": 404, "lena": 200}),
    ("/ops/config", {"olga": 200, "rita": 403, "nick": 403, "lena": 403}),
]
API = [
    ("/api/leads", {"olga": 200, "rita": 200, "nick": 200, "lena": 200}),
    ("/api/extractions/1", {"olga": 200, "rita": 200, "nick": 403, "lena": 403}),
    ("/api/reviews", {"olga": 200, "rita": 200, "nick": 403, "lena": 403}),
    ("/api/config/bands", {"olga": 200, "rita": 403, "nick": 403, "lena": 403}),
    ("/api/tokens", {"olga": 200, "rita": 403, "nick": 403, "lena": 403}),
]
FORMS = ["/review/extractions/1/criteria/budget/approve", "/review/extractions/1/approve",
         "/leads/1/shares", "/ops/config/bands", "/logout"]


@pytest.mark.parametrize(("path", "expected"), PAGES)
def test_pages_per_role(client: TestClient, path: str, expected: dict[str, int]) -> None:
    assert client.get(path, follow_redirects=False).status_code == 303  # not logged in
    for user, code in expected.items():
        client.cookies.clear()
        login(client, user)
        assert client.get(path).status_code == code, (path, user)


@pytest.mark.parametrize(("path", "expected"), API)
def test_api_per_role(client: TestClient, seeded: Seeded, path: str,
                      expected: dict[str, int]) -> None:
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer lf_guess"}).status_code == 401
    for user, code in expected.items():
        headers = {"Authorization": f"Bearer {seeded.tokens[user]}"}
        assert client.get(path, headers=headers).status_code == code, (path, user)


def test_a_rep_sees_own_and_shared_leads_only(client: TestClient, seeded: Seeded) -> None:
    headers = {"Authorization": f"Bearer {seeded.tokens['lena']}"}
    assert [row["id"] for row in client.get("/api/leads", headers=headers).json()] == [3, 4]
    csrf = login(client, "olga")
    response = client.post("/leads/1/shares", data={"rep_id": "rep-lx", "csrf_token": csrf})
    assert response.status_code == 200
    assert sorted(row["id"] for row in client.get("/api/leads", headers=headers).json()) == \
        [1, 3, 4]
    client.cookies.clear()
    login(client, "lena")
    assert client.get("/leads/1").status_code == 200


@pytest.mark.parametrize("path", FORMS)
def test_every_form_needs_the_sessions_csrf_token(client: TestClient, path: str) -> None:
    login(client, "olga")
    data = {"rep_id": "rep-lx", "band": "Good", "min": "60"}
    assert client.post(path, data=data).status_code == 403
    assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 403


def test_only_ops_change_band_minimums_and_bad_changes_are_refused(
        client: TestClient, seeded: Seeded) -> None:
    ops = {"Authorization": f"Bearer {seeded.tokens['olga']}"}
    reviewer = {"Authorization": f"Bearer {seeded.tokens['rita']}"}
    change = {"band": "Good", "min": 60, "reason": "more hot leads"}
    assert client.put("/api/config/bands", json=change, headers=reviewer).status_code == 403
    bands = client.put("/api/config/bands", json=change, headers=ops).json()
    assert bands[0] == {"name": "Good", "min": 60, "max": 100}
    assert bands[1]["max"] == 59
    bad = client.put("/api/config/bands", json={"band": "Fair", "min": 70, "reason": "x"},
                     headers=ops)
    assert bad.status_code == 422 and "Fair" in bad.text
    csrf = login(client, "olga")
    page = client.post("/ops/config/bands", data={"band": "Poor", "min": "5",
                                                  "csrf_token": csrf})
    assert "lowest band" in page.text
