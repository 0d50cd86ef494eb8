"""`leadflow config show` and `leadflow config validate FILE`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from leadflow.console import settings_of, stdout
from leadflow.errors import ConfigError
from scoring.config import DEFAULT_CONFIG_PATH, load_config

config_app = typer.Typer(
    name="config",
    help="Show the effective settings or validate a scoring config file.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `config` command group to the app."""
    app.add_typer(config_app, name="config")


@config_app.command("show")
def show(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the settings as JSON."),
) -> None:
    """Show the effective settings (environment and .env), every secret masked."""
    settings = settings_of(ctx)
    data = settings.masked()
    scoring_path = settings.scoring_config or DEFAULT_CONFIG_PATH
    try:
        data["scoring_config_version"] = load_config(scoring_path).version
    except ConfigError as exc:
        # Still show the settings: they are what a user checks to find the broken file.
        data["scoring_config_version"] = f"invalid: {exc}"
    if as_json:
        stdout().out(json.dumps(data, indent=2))
        return
    table = Table(title="leadflow settings (secrets masked)")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for key, value in _flatten(data):
        table.add_row(Text(key), Text("" if value is None else str(value)))
    stdout().print(table)


@config_app.command("validate")
def validate(
    file: Path = typer.Argument(
        ..., metavar="FILE", help="Scoring config YAML to check.", show_default=False
    ),
) -> None:
    """Check a scoring config file; print its version, or the one-line problem (exit 2)."""
    config = load_config(file)
    stdout().out(f"ok: {file} (version {config.version})")


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested settings as dotted keys (llm.model), for one row each."""
    rows: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            rows.extend(_flatten(value, f"{prefix}{key}."))
        else:
            rows.append((f"{prefix}{key}", value))
    return rows
