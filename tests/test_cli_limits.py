"""Every mistake on the installed `leadflow` command is one line on stderr and exit 2: binary files
and folders where a file goes, ids too large for any row, settings that are not JSON, hostile
YAML and JSON. Run as subprocesses, as tests/test_cli_errors.py does, because the handling lives
in `leadflow.cli.main`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scoring.test_safe_yaml import LAUGHS

LEADFLOW = Path(sys.executable).with_name("leadflow")
HUGE = "99999999999999999999"  # > 2^63 - 1
BINARY = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4

needs_script = pytest.mark.skipif(not LEADFLOW.exists(),
                                  reason="leadflow script not installed in this venv")


def _leadflow(*args: str, folder: Path, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[str]:
    """Run the command on a store in `folder`, ignoring the caller's LEADFLOW_* settings."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("LEADFLOW_")}
    clean["LEADFLOW_DATA_DIR"] = str(folder)
    return subprocess.run([str(LEADFLOW), *args], capture_output=True, text=True, cwd=folder,
                          env={**clean, **(env or {})}, stdin=subprocess.DEVNULL,
                          start_new_session=True, timeout=120, check=False)


def _files(folder: Path) -> None:
    """The hostile files the cases below name (relative to `folder`, the command's cwd)."""
    (folder / "tool").write_bytes(BINARY)
    (folder / "tool.csv").write_bytes(BINARY)
    (folder / "tool.json").write_bytes(BINARY)
    (folder / "a-folder").mkdir()
    (folder / "laughs.yaml").write_text(LAUGHS)
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "ids.json").write_text(f"[{HUGE}]")


# (arguments, extra environment, phrase in the one line)
MISTAKES = [
    pytest.param(("extract", "tool"), {}, "tool: not UTF-8 text", id="extract-binary"),
    pytest.param(("extract", "a-folder"), {}, "a-folder: cannot be read", id="extract-folder"),
    pytest.param(("extract", "deep.json"), {}, "invalid JSON: nested too deeply",
                 id="extract-deep-json"),
    pytest.param(("score", "a-folder"), {}, "a-folder: cannot read", id="score-folder"),
    pytest.param(("score", "deep.json"), {}, "not valid JSON: nested too deeply",
                 id="score-deep-json"),
    pytest.param(("flows", "validate", "a-folder"), {}, "is a directory", id="flows-folder"),
    pytest.param(("flows", "validate", "tool"), {}, "tool: cannot read as UTF-8 text",
                 id="flows-binary"),
    pytest.param(("flows", "validate", "laughs.yaml"), {},
                 "laughs.yaml: line 2, col 8: the alias *a repeats a mapping or list",
                 id="flows-billion-laughs"),
    pytest.param(("flows", "run", "laughs.yaml"), {}, "the alias *a repeats",
                 id="flows-run-billion-laughs"),
    pytest.param(("config", "validate", "tool"), {}, "tool: cannot read as UTF-8 text",
                 id="config-binary"),
    pytest.param(("config", "validate", "a-folder"), {}, "a-folder: is a directory",
                 id="config-folder"),
    pytest.param(("config", "validate", "laughs.yaml"), {}, "the alias *a repeats",
                 id="config-billion-laughs"),
    pytest.param(("config", "apply", "tool", "--reason", "x"), {}, "cannot read as UTF-8",
                 id="config-apply-binary"),
    pytest.param(("intake", "tool.json"), {}, "tool.json: not UTF-8 text", id="intake-binary"),
    pytest.param(("backtest", "tool.csv", "--outcome", "won"), {}, "tool.csv: not a CSV table",
                 id="backtest-binary"),
    pytest.param(("calibrate", "tool.csv"), {}, "tool.csv: not a CSV table",
                 id="calibrate-binary"),
    pytest.param(("flows", "run", str(Path(__file__).parents[1] / "flows/specs/nurture.yaml"),
                  "--input", "ids.json"), {}, "lead ids are whole numbers",
                 id="flows-run-huge-ids"),
    pytest.param(("lead", HUGE), {}, "less than or equal to 9223372036854775807",
                 id="lead-huge-id"),
    pytest.param(("retry", HUGE), {}, "less than or equal to 9223372036854775807",
                 id="retry-huge-id"),
    pytest.param(("config", "restore", HUGE, "--reason", "x"), {},
                 "less than or equal to 9223372036854775807", id="restore-huge-id"),
    pytest.param(("llm-calls", "show", HUGE), {}, "less than or equal to 9223372036854775807",
                 id="llm-call-huge-id"),
    pytest.param(("dead-letters", "replay", HUGE), {},
                 "less than or equal to 9223372036854775807", id="dead-letter-huge-id"),
    pytest.param(("backtest", "x.csv", "--bootstrap", HUGE), {}, "less than or equal to 100000",
                 id="bootstrap-huge"),
    pytest.param(("leads",), {"LEADFLOW_PRODUCT_CAPABILITIES": "[oops"},
                 "LEADFLOW_PRODUCT_CAPABILITIES: not valid JSON", id="capabilities-not-json"),
    pytest.param(("leads",), {"LEADFLOW_WEB__SOURCES": "{"},
                 "LEADFLOW_WEB__SOURCES: not valid JSON", id="sources-not-json"),
]


@needs_script
@pytest.mark.parametrize(("args", "env", "expected"), MISTAKES)
def test_a_mistake_is_one_line_on_stderr_and_exit_2(args: tuple[str, ...], env: dict[str, str],
                                                     expected: str, tmp_path: Path) -> None:
    _files(tmp_path)
    result = _leadflow(*args, folder=tmp_path, env=env)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


@needs_script
def test_validate_prints_a_costly_template_as_one_problem_line(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(
        "name: t\ntrigger: {kind: manual}\nsteps:\n  - name: tell\n    action: notify.send\n"
        "    params: {title: hi, text: \"{{ 10 ** (10 ** 7) }}\"}\n")
    result = _leadflow("flows", "validate", "spec.yaml", folder=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines() == [
        "spec.yaml: line 6, col 31: template cannot run: the result would be a "
        "10,000,000-bit number; templates are limited to 4,096 bits"]
    assert result.stderr == ""
