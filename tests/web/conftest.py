"""Fixtures for the web tests: a seeded app on fakes (the plain runner drains), and logins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from leadflow.commands import web_cmd
from leadflow.console import AppState
from leadflow.web import accounts, create_app
from tests.web.seed import PASSWORD, Seeded, seed, web_settings

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its minimum cost: the tests check behaviour, not the work factor (~85 ms)."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                            parallelism=1))


@pytest.fixture
def web_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> typer.Typer:
    """A fresh app with the web commands (users, tokens, dead letters) on a store in tmp_path."""
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LEADFLOW_DATABASE_URL", raising=False)
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = AppState()

    web_cmd.register(app)
    return app


@pytest.fixture
def seeded(tmp_path: Path) -> Seeded:
    """Four leads, one user of each kind, their API tokens."""
    return seed(tmp_path)


@pytest.fixture
def client(seeded: Seeded, tmp_path: Path) -> Iterator[TestClient]:
    """A TestClient on the seeded app (its lifespan runs, so the drainer is on)."""
    app = create_app(web_settings(tmp_path), seeded.world.store, seeded.world.chain)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token (from the landing page)."""
    page = client.get("/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_of(page.text)})
    assert response.status_code == 200, response.text[:500]
    return csrf_of(response.text)
