"""`leadflow doctor`: check the store and every configured connector, one line per check."""

from __future__ import annotations

import json

import typer
from rich.text import Text

from connectors.base.health import CheckResult, CheckStatus
from leadflow.console import settings_of, stdout
from leadflow.doctor import run_doctor

_STYLES = {CheckStatus.OK: "green", CheckStatus.WARN: "yellow", CheckStatus.FAIL: "bold red"}


def register(app: typer.Typer) -> None:
    """Add the `doctor` command to the app."""
    app.command("doctor")(doctor)


def doctor(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the checks as JSON."),
) -> None:
    """Check credentials, reachability, scopes and setup of each connector; exit 1 if any fails."""
    results = run_doctor(settings_of(ctx))
    console = stdout()
    if as_json:
        console.out(json.dumps([result.model_dump(mode="json") for result in results], indent=2))
    else:
        for result in results:
            console.print(line(result))
        failed = sum(result.status == CheckStatus.FAIL for result in results)
        console.print(
            Text(
                f"{failed} check(s) failed" if failed else "all checks passed",
                style=_STYLES[CheckStatus.FAIL if failed else CheckStatus.OK],
            )
        )
    if any(result.status == CheckStatus.FAIL for result in results):
        raise typer.Exit(1)


def line(result: CheckResult) -> Text:
    """`ok   crm:hubspot  credentials present  detail  -> fix` (no markup from the text)."""
    text = Text(f"{result.status.value:<5}", style=_STYLES[result.status])
    text.append(f" {result.connector}  {result.check}")
    if result.detail:
        text.append(f": {result.detail}", style="dim")
    if result.fix:
        text.append(f"  -> {result.fix}")
    return text
