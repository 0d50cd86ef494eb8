"""User names and passwords: what is refused, each with a one-line reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from leadflow.errors import InputError
from leadflow.store import Store
from leadflow.web.accounts import add_user
from leadflow.web.passwords import check_password, check_username, common_passwords
from tests.web.seed import PASSWORD


@pytest.mark.parametrize(("password", "says"), [
    ("short pass", "at least 12 characters"),
    ("            ", "must not be blank"),
    ("\t\n \u00a0" * 4, "must not be blank"),
    ("password1234", "too common"),
    ("Password1234", "too common"),  # case does not make it rarer
    ("qwerty 123456", "too common"),  # nor do spaces
    ("welcome2026!", "too common"),
    ("margaret-is-my-name", "must not contain the user name"),
])
def test_weak_passwords_are_refused_with_one_line(password: str, says: str) -> None:
    with pytest.raises(InputError) as refused:
        check_password(password, "margaret")
    message = str(refused.value)
    assert says in message and "\n" not in message


@pytest.mark.parametrize("password", [PASSWORD, "a long password", "tangerine kayak 42",
                                      "x" * 200])
def test_reasonable_passwords_pass(password: str) -> None:
    check_password(password, "rita")


def test_the_bundled_list_has_a_few_hundred_long_entries() -> None:
    entries = common_passwords()
    assert len(entries) >= 300
    assert all(len(entry) >= 12 and entry == entry.lower() and " " not in entry
               for entry in entries)


@pytest.mark.parametrize("username", [
    "x<script>", "x", "Rita", "-rita", ".rita", "rita smith", "rita@example.com", "a" * 65,
    "rïta", "", "ri\nta"])
def test_bad_user_names_are_refused(username: str) -> None:
    with pytest.raises(InputError, match="user name"):
        check_username(username)


@pytest.mark.parametrize("username", ["rita", "r2", "ops.team", "rep_ny-2", "a" * 64])
def test_good_user_names_pass(username: str) -> None:
    check_username(username)


def test_add_user_applies_both_rules(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'leadflow.db'}")
    with store.session() as session:
        with pytest.raises(InputError, match="user name"):
            add_user(session, "x<script>", PASSWORD, "ops")
        with pytest.raises(InputError, match="at least 12"):
            add_user(session, "rita", "hunter22", "ops")
        assert add_user(session, "rita", PASSWORD, "ops").username == "rita"


def test_the_cli_refuses_a_common_password(web_cli: typer.Typer) -> None:
    result = CliRunner().invoke(web_cli, ["users", "add", "ann", "--role", "ops"],
                                env={"LEADFLOW_NEW_USER_PASSWORD": "iloveyou1234"})
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError) and "too common" in str(result.exception)
