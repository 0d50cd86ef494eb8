"""Logging in and out: argon2 passwords, signed HttpOnly SameSite=Lax cookies, CSRF, limits."""

from __future__ import annotations

from fastapi.testclient import TestClient

from leadflow.web.accounts import change_user
from leadflow.web.deps import SESSION_COOKIE
from leadflow.web.models import User
from tests.web.conftest import csrf_of, login
from tests.web.seed import PASSWORD, Seeded


def _attempt(client: TestClient, username: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(page.text)})


def test_passwords_are_stored_as_argon2_hashes(seeded: Seeded) -> None:
    with seeded.world.store.session(write=False) as session:
        user = session.get(User, 1)
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash


def test_login_sets_a_signed_httponly_samesite_cookie(client: TestClient) -> None:
    response = _attempt(client, "rita", PASSWORD)
    cookie = next(h for h in response.history[0].headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert response.url.path == "/review"


def test_a_wrong_password_is_401_and_a_tampered_cookie_is_no_session(client: TestClient) -> None:
    assert _attempt(client, "rita", "wrong password").status_code == 401
    login(client, "rita")
    value = client.cookies.get(SESSION_COOKIE)
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value[:-1] + ("0" if value[-1] != "0" else "1"))
    response = client.get("/review", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_login_needs_its_csrf_token(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "rita", "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 403


def test_failed_logins_are_rate_limited_per_account(client: TestClient) -> None:
    for _ in range(5):
        assert _attempt(client, "rita", "nope").status_code == 401
    assert _attempt(client, "rita", PASSWORD).status_code == 429
    assert _attempt(client, "olga", PASSWORD).status_code == 200  # another user is not limited


def test_logout_ends_the_session_and_needs_csrf(client: TestClient) -> None:
    csrf = login(client, "rita")
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf})
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_a_disabled_user_cannot_log_in_and_loses_their_session(
        client: TestClient, seeded: Seeded) -> None:
    login(client, "nick")
    with seeded.world.store.session() as session:
        change_user(session, "nick", actor="test", disabled=True)
    assert client.get("/leads", follow_redirects=False).status_code == 303
    assert _attempt(client, "nick", PASSWORD).status_code == 401
    token = seeded.tokens["nick"]
    assert client.get("/api/leads", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401


def test_login_redirects_only_to_local_paths(client: TestClient) -> None:
    page = client.get("/login?next=//evil.example/x")
    assert 'value="/"' in page.text
