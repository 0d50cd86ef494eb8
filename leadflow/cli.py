"""The `leadflow` command line: one typer app, command groups registered from leadflow.commands."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, NoReturn

import typer
from rich.markup import escape

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


def _standalone_click() -> ModuleType | None:
    # Not a declared dependency: older typer raises this package's classes, newer typer bundles
    # its own copy (typer._click), and the package may be absent or another version.
    try:
        import click.exceptions
    except ImportError:
        return None
    return click.exceptions


def _exception_classes(name: str, *bundled: type) -> tuple[type[BaseException], ...]:
    """The classes called `name` that typer may raise: found in the MROs of typer's own
    exceptions (whichever click typer uses) and in the standalone click package."""
    found = [cls for root in bundled for cls in root.__mro__ if cls.__name__ == name]
    standalone = getattr(_standalone_click(), name, None)
    if isinstance(standalone, type) and issubclass(standalone, BaseException):
        found.append(standalone)
    return tuple(dict.fromkeys(found))


_CLICK_ERRORS = _exception_classes("ClickException", typer.BadParameter)
_EXITS = _exception_classes("Exit", typer.Exit)
_ABORTS = _exception_classes("Abort", typer.Abort)
# typer 0.2x checks values with pydantic, whose message for a failed check starts with this.
_PYDANTIC_PREFIX = "Value error, "


def _print_error(message: str) -> None:
    # Escaped: messages quote user input and help metavars such as [OPTIONS] verbatim.
    stderr().print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False)


def _help_hint(exc: Any) -> str:
    """` (see leadflow lead --help)` for the command the mistake was made in, when known."""
    ctx = getattr(exc, "ctx", None)
    if ctx is None or ctx.command.get_help_option(ctx) is None:
        return ""
    return f" (see {ctx.command_path} {ctx.help_option_names[0]})"


def _usage_message(exc: Any) -> str:
    """click's message on one line, with an unknown option's suggestions phrased the same way
    in every click version (bundled click says "(Possible options: ...)")."""
    raw = getattr(exc, "message", None)
    if isinstance(raw, str) and raw.startswith(_PYDANTIC_PREFIX):
        exc.message = raw.removeprefix(_PYDANTIC_PREFIX)
    possibilities = getattr(exc, "possibilities", None)
    if type(exc).__name__ == "NoSuchOption" and possibilities:
        message = f"{exc.message}. Did you mean {', '.join(sorted(possibilities))}?"
    else:
        message = exc.format_message()
    return " ".join(message.split()) + _help_hint(exc)


def _exit_for_click_error(exc: Any) -> NoReturn:
    code = getattr(exc, "exit_code", EXIT_USER_ERROR)
    if type(exc).__name__ == "NoArgsIsHelpError":
        # `leadflow` or a group alone: the help is the message (rich typer has printed it).
        if exc.format_message().strip():
            exc.show()
        sys.exit(code)
    _print_error(_usage_message(exc))
    sys.exit(code)


def main() -> None:
    """Entry point: run the app; a LeadflowError or a usage mistake becomes a one-line message
    and exit code 2, an abort (Ctrl-C or end of input at a prompt) `aborted` and exit code 1."""
    try:
        # Without standalone mode, click returns the code of a `typer.Exit(code)` instead.
        code = app(standalone_mode=False, obj=AppState(configure_logs=True))
    except LeadflowError as exc:
        _print_error(str(exc))
        sys.exit(EXIT_USER_ERROR)
    except _EXITS as exc:
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    except _CLICK_ERRORS as exc:
        _exit_for_click_error(exc)
    except _ABORTS:
        stderr().print("aborted")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
