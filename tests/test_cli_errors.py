"""Usage mistakes on the installed `leadflow` command: one line on stderr, exit code 2.

Run as a subprocess because the handling lives in `leadflow.cli.main`, which CliRunner skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadflow.commands.web_cmd import UserRole
from leadflow.web.models import Role

LEADFLOW = Path(sys.executable).with_name("leadflow")

needs_script = pytest.mark.skipif(not LEADFLOW.exists(),
                                  reason="leadflow script not installed in this venv")


def _leadflow(*args: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run the command on a store in `folder`, ignoring the caller's LEADFLOW_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LEADFLOW_")}
    env["LEADFLOW_DATA_DIR"] = str(folder)
    # No stdin and no controlling terminal: a password prompt gets end of input at once
    # instead of waiting on /dev/tty.
    return subprocess.run([str(LEADFLOW), *args], capture_output=True, text=True, cwd=folder,
                          env=env, stdin=subprocess.DEVNULL, start_new_session=True,
                          timeout=120, check=False)


# (arguments, phrase in the message, command whose --help the message points to)
MISTAKES = [
    pytest.param(("leeds",), "No such command 'leeds'. Did you mean 'leads'", "leadflow",
                 id="unknown-command"),
    pytest.param(("leads", "--jsn"), "No such option: --jsn. Did you mean --json?",
                 "leadflow leads", id="unknown-option"),
    pytest.param(("lead", "abc"), "Invalid value for", "leadflow lead", id="bad-type"),
    pytest.param(("users", "add", "ann", "--role", "admin"),
                 "Invalid value for '--role': 'admin' is not one of 'ops', 'reviewer', 'rep'.",
                 "leadflow users add", id="bad-enum"),
    pytest.param(("lead",), "Missing argument", "leadflow lead", id="missing-argument"),
    pytest.param(("users", "add", "x<script>", "--role", "ops"), "user name", "leadflow users add",
                 id="bad-user-name-before-the-password-prompt"),
    pytest.param(("config", "validate", "/nonexistent.yaml"),
                 "error: /nonexistent.yaml: file not found", None, id="leadflow-error"),
]


@needs_script
@pytest.mark.parametrize(("args", "expected", "help_of"), MISTAKES)
def test_a_mistake_is_one_line_on_stderr_and_exit_2(args: tuple[str, ...], expected: str,
                                                     help_of: str | None,
                                                     tmp_path: Path) -> None:
    result = _leadflow(*args, folder=tmp_path)
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0]
    if help_of is not None:
        assert lines[0].endswith(f" (see {help_of} --help)")
    # Nothing else: no traceback, no usage block, and no password prompt before the role check.
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@needs_script
def test_end_of_input_at_the_password_prompt_aborts_with_exit_1(tmp_path: Path) -> None:
    result = _leadflow("users", "add", "ann", "--role", "ops", folder=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    # Without a terminal, Python's getpass warns on stderr first; ours is the last line.
    assert result.stderr.splitlines()[-1].strip() == "aborted"


def test_the_cli_roles_are_the_web_roles() -> None:
    # web_cmd repeats the values to keep the web app out of every CLI start.
    assert [role.value for role in UserRole] == [role.value for role in Role]
