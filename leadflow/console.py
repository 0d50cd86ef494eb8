"""Terminal output shared by the commands: one rich console, one-line errors."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any

import typer
from rich.console import Console

from leadflow.logs import configure_logging
from leadflow.redaction import Redactor
from leadflow.settings import Settings, load_settings
from leadflow.store.types import MAX_ROW_ID

EXIT_USER_ERROR = 2


def stdout() -> Console:
    """A console on standard output (tables, JSON); 150 columns when piped, not rich's 80."""
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, soft_wrap=True, width=150 if piped else None)


def stderr() -> Console:
    """A console on standard error (errors, progress)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = EXIT_USER_ERROR) -> typer.Exit:
    """Print `error: message` on stderr and return the Exit to raise."""
    stderr().print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def row_id_argument(help: str, *, metavar: str | None = None) -> Any:
    """A command's row id argument, 1 to 2^63-1: a larger number is a usage error (one line,
    exit 2) instead of the database driver's OverflowError."""
    return typer.Argument(..., min=1, max=MAX_ROW_ID, help=help, metavar=metavar,
                          show_default=False)


class AppState:
    """Per-invocation state: the settings, read once on first use.

    Only the real command line configures logging (process-wide); in-process callers such as
    tests keep theirs.
    """

    def __init__(self, *, configure_logs: bool = False) -> None:
        self.configure_logs = configure_logs

    @functools.cached_property
    def settings(self) -> Settings:
        settings = load_settings()
        if self.configure_logs:
            configure_logging(settings.log_level, Redactor.from_settings(settings))
        return settings


def settings_of(ctx: typer.Context) -> Settings:
    """The settings of this invocation (read from the environment once)."""
    state = ctx.find_root().obj
    if not isinstance(state, AppState):
        state = AppState()
        ctx.find_root().obj = state
    return state.settings
