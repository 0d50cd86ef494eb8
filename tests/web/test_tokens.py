"""API tokens: revoked one by one (API and CLI), for good when their user is disabled, listed
with their last use (written at most once a minute)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from leadflow.store import Store
from leadflow.store.audit import list_audit
from leadflow.store.types import utc_now
from leadflow.web.accounts import add_token, change_user, list_tokens, touch_token
from leadflow.web.models import ApiToken
from tests.web.seed import Seeded


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token_id(seeded: Seeded, user: str) -> int:
    with seeded.world.store.session(write=False) as session:
        [token] = list_tokens(session, user)
    return token.id


def test_ops_revoke_one_token_and_only_that_one_stops_working(
        client: TestClient, seeded: Seeded) -> None:
    ops = _bearer(seeded.tokens["olga"])
    nick = _token_id(seeded, "nick")
    assert client.get("/api/leads", headers=_bearer(seeded.tokens["nick"])).status_code == 200
    response = client.delete(f"/api/tokens/{nick}", headers=ops)
    assert response.status_code == 200 and response.json()["revoked_at"] is not None
    assert client.get("/api/leads", headers=_bearer(seeded.tokens["nick"])).status_code == 401
    assert client.get("/api/leads", headers=_bearer(seeded.tokens["lena"])).status_code == 200
    again = client.delete(f"/api/tokens/{nick}", headers=ops)  # idempotent, audited once
    assert again.json()["revoked_at"] == response.json()["revoked_at"]
    with seeded.world.store.session(write=False) as session:
        events = list_audit(session, kind="api_token_revoked")
    assert [(e.actor, e.detail["token_id"]) for e in events] == [("olga", nick)]
    assert client.delete("/api/tokens/999", headers=ops).status_code == 404


def test_only_ops_list_or_revoke_tokens(client: TestClient, seeded: Seeded) -> None:
    nick = _token_id(seeded, "nick")
    for user in ("rita", "nick", "lena"):
        headers = _bearer(seeded.tokens[user])
        assert client.get("/api/tokens", headers=headers).status_code == 403
        assert client.delete(f"/api/tokens/{nick}", headers=headers).status_code == 403
    assert client.delete(f"/api/tokens/{nick}").status_code == 401


def test_the_token_list_shows_user_label_dates_and_never_the_token(
        client: TestClient, seeded: Seeded) -> None:
    client.get("/api/leads", headers=_bearer(seeded.tokens["lena"]))
    response = client.get("/api/tokens", headers=_bearer(seeded.tokens["olga"]))
    rows = {row["user"]: row for row in response.json()}
    assert set(rows) == {"olga", "rita", "nick", "lena"}
    assert set(rows["lena"]) == {"id", "user", "label", "created_at", "last_used_at",
                                 "revoked_at"}
    assert rows["lena"]["label"] == "test" and rows["lena"]["last_used_at"] is not None
    assert rows["rita"]["last_used_at"] is None and rows["rita"]["revoked_at"] is None
    assert not any(token in response.text for token in seeded.tokens.values())
    only = client.get("/api/tokens?user=lena", headers=_bearer(seeded.tokens["olga"])).json()
    assert [row["user"] for row in only] == ["lena"]


def test_disabling_a_user_revokes_their_tokens_for_good(
        client: TestClient, seeded: Seeded) -> None:
    old = seeded.tokens["nick"]
    with seeded.world.store.session() as session:
        change_user(session, "nick", actor="olga", disabled=True)
    with seeded.world.store.session() as session:
        change_user(session, "nick", actor="olga", disabled=False)
    assert client.get("/api/leads", headers=_bearer(old)).status_code == 401
    with seeded.world.store.session() as session:
        new = add_token(session, "nick", "after re-enabling")
    assert client.get("/api/leads", headers=_bearer(new)).status_code == 200


def test_last_use_is_written_at_most_once_a_minute(seeded: Seeded) -> None:
    token_id = _token_id(seeded, "rita")
    start = utc_now()

    def last_used() -> object:
        with seeded.world.store.session(write=False) as session:
            row = session.get(ApiToken, token_id)
            assert row is not None
            return row.last_used_at

    for offset_s, expected_s in ((0, 0), (30, 0), (59, 0), (60, 60), (61, 60), (200, 200)):
        with seeded.world.store.session() as session:
            touch_token(session, token_id, start + timedelta(seconds=offset_s))
        assert last_used() == start + timedelta(seconds=expected_s), offset_s


def test_an_api_request_reads_without_writing_within_the_minute(
        client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = _bearer(seeded.tokens["rita"])
    assert client.get("/api/reviews", headers=headers).status_code == 200
    writes: list[bool] = []
    store = seeded.world.store
    opened = store.session

    def counting(*, write: bool = True):  # type: ignore[no-untyped-def]
        writes.append(write)
        return opened(write=write)

    monkeypatch.setattr(store, "session", counting)
    assert client.get("/api/reviews", headers=headers).status_code == 200
    assert True not in writes  # the token's use was recorded by the first request


@pytest.fixture
def cli(web_cli: typer.Typer, tmp_path: Path) -> tuple[typer.Typer, Store]:
    return web_cli, Store(f"sqlite:///{tmp_path / 'leadflow.db'}")


def test_the_cli_adds_lists_and_revokes_tokens(cli: tuple[typer.Typer, Store]) -> None:
    app, store = cli
    runner = CliRunner()
    env = {"LEADFLOW_NEW_USER_PASSWORD": "a long password"}
    assert runner.invoke(app, ["users", "add", "ann", "--role", "ops"], env=env).exit_code == 0
    first = runner.invoke(app, ["users", "token", "ann"]).output.strip()  # the older form
    second = runner.invoke(app, ["users", "token", "add", "ann", "--name", "ci"]).output.strip()
    assert first.startswith("lf_") and second.startswith("lf_") and first != second
    listed = json.loads(runner.invoke(app, ["users", "token", "list", "ann", "--json"]).output)
    assert [(t["id"], t["label"], t["revoked_at"]) for t in listed] == [(1, "api", None),
                                                                         (2, "ci", None)]
    revoked = runner.invoke(app, ["users", "token", "revoke", "1"])
    assert revoked.exit_code == 0 and "token 1 (ann, api) revoked" in revoked.output
    lines = runner.invoke(app, ["users", "token", "list"]).output.splitlines()
    assert lines[0].startswith("1\tann\tapi\t") and "\trevoked " in lines[0]
    assert lines[1].startswith("2\tann\tci\t") and lines[1].endswith("never used\tactive")
    assert runner.invoke(app, ["users", "token", "revoke", "7"]).exit_code != 0
    assert runner.invoke(app, ["users", "disable", "ann"]).exit_code == 0
    with store.session(write=False) as session:
        assert all(t.revoked_at is not None for t in list_tokens(session, "ann"))


def test_revoking_a_token_id_out_of_range_is_a_422(client: TestClient, seeded: Seeded) -> None:
    ops = _bearer(seeded.tokens["olga"])
    for token_id in ("99999999999999999999", "0", "-1"):
        assert client.delete(f"/api/tokens/{token_id}", headers=ops).status_code == 422
