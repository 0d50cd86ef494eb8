"""Failed logins are limited per account and per address, and the address is the
connection's unless it comes through a configured proxy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from leadflow.settings import WebSettings
from leadflow.web import create_app
from leadflow.web.serving import uvicorn_options
from tests.web.conftest import csrf_of
from tests.web.seed import PASSWORD, Seeded, web_settings


def _attempt(client: TestClient, username: str, password: str) -> int:
    page = client.get("/login")
    return client.post("/login", data={
        "username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False).status_code


@pytest.fixture
def clients(seeded: Seeded, tmp_path: Path) -> Callable[[str], TestClient]:
    """TestClients on one app, each connecting from the address it is asked for (without the
    app's lifespan: logging in needs no drainer)."""
    app = create_app(web_settings(tmp_path, login_max_failures=3, login_address_max_failures=4,
                                  drain=False),
                     seeded.world.store, seeded.world.chain)

    def from_address(ip: str) -> TestClient:
        return TestClient(app, base_url="http://127.0.0.1", client=(ip, 40000))

    return from_address


def test_spraying_many_accounts_from_one_address_is_limited(
        clients: Callable[[str], TestClient]) -> None:
    sprayer = clients("203.0.113.9")
    for name in ("rita", "olga", "nick", "lena"):  # one guess each: no account reaches 3
        assert _attempt(sprayer, name, "Winter2026!xyz") == 401
    assert _attempt(sprayer, "someone", "Winter2026!xyz") == 429
    assert _attempt(sprayer, "rita", PASSWORD) == 429  # even the right password, for now
    assert _attempt(clients("198.51.100.7"), "rita", PASSWORD) == 303  # others are not blocked


def test_guessing_one_account_from_many_addresses_is_limited(
        clients: Callable[[str], TestClient]) -> None:
    for index in range(3):
        assert _attempt(clients(f"198.51.100.{index + 1}"), "rita", "nope nope nope") == 401
    response = clients("198.51.100.50")
    page = response.get("/login")
    limited = response.post("/login", data={"username": "rita", "password": PASSWORD,
                                            "csrf_token": csrf_of(page.text)})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "900"
    assert _attempt(clients("198.51.100.50"), "olga", PASSWORD) == 303


def test_a_success_does_not_reset_the_address_count(clients: Callable[[str], TestClient]) -> None:
    attacker = clients("203.0.113.9")
    for index in range(3):
        assert _attempt(attacker, f"nobody{index}", "guess guess guess") == 401
    assert _attempt(attacker, "olga", PASSWORD) == 303  # the attacker's own account
    assert _attempt(attacker, "nobody3", "guess guess guess") == 401  # the 4th failure
    assert _attempt(attacker, "rita", "guess guess guess") == 429


def _client_seen(options: dict[str, Any], peer: str, forwarded: str) -> str:
    """The client address an app behind uvicorn with `options` sees for a request from
    `peer` that claims X-Forwarded-For: `forwarded`."""
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["client"][0])

    config = uvicorn.Config(app, **options)
    config.load()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/",
             "query_string": b"", "root_path": "", "server": ("127.0.0.1", 8000),
             "client": (peer, 5555), "headers": [(b"x-forwarded-for", forwarded.encode())]}
    asyncio.run(config.loaded_app(scope, None, None))
    return seen[0]


def test_serve_ignores_x_forwarded_for_unless_a_proxy_is_trusted() -> None:
    default = uvicorn_options(WebSettings())
    assert default["proxy_headers"] is False and "forwarded_allow_ips" not in default
    assert default["server_header"] is False
    # What the attack did: loopback claiming another address for every guess.
    assert _client_seen(default, "127.0.0.1", "203.0.113.77") == "127.0.0.1"
    behind = uvicorn_options(WebSettings(trusted_proxies="10.0.0.2, 192.168.0.0/16"))
    assert behind["proxy_headers"] is True
    assert behind["forwarded_allow_ips"] == ["10.0.0.2", "192.168.0.0/16"]
    assert _client_seen(behind, "10.0.0.2", "203.0.113.77") == "203.0.113.77"
    assert _client_seen(behind, "127.0.0.1", "203.0.113.77") == "127.0.0.1"


def test_a_bad_trusted_proxy_setting_is_refused() -> None:
    with pytest.raises(ValueError, match=r"10\.0\.0\.x"):
        WebSettings(trusted_proxies="10.0.0.x")
