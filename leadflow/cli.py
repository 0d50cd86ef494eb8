"""The `leadflow` command line: one typer app, command groups registered from leadflow.commands."""

from __future__ import annotations

import sys

import click
import typer

from leadflow import __version__
from leadflow.console import EXIT_USER_ERROR, AppState, stderr
from leadflow.errors import LeadflowError

app = typer.Typer(
    name="leadflow",
    help="Qualify sales leads end to end: form, CRM, meeting, transcript, explained BANT score.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"leadflow {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    if not isinstance(ctx.obj, AppState):
        ctx.obj = AppState()


def _register_commands() -> None:
    from leadflow.commands import (
        backtest_cmd,
        chain_cmd,
        config_cmd,
        doctor_cmd,
        extract_cmd,
        flows_cmd,
        forms_cmd,
        hubspot_cmd,
        prefect_cmd,
        score_cmd,
        web_cmd,
    )

    for module in (score_cmd, config_cmd, chain_cmd, flows_cmd, prefect_cmd, backtest_cmd,
                   forms_cmd, extract_cmd, doctor_cmd, hubspot_cmd, web_cmd):
        module.register(app)


_register_commands()


def main() -> None:
    """Entry point: run the app; a LeadflowError becomes a one-line message and exit code 2."""
    try:
        # Without standalone mode, click returns the code of a `typer.Exit(code)` instead.
        code = app(standalone_mode=False, obj=AppState(configure_logs=True))
    except LeadflowError as exc:
        stderr().print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        sys.exit(EXIT_USER_ERROR)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        stderr().print("aborted")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
