"""`leadflow config show` and `leadflow config validate FILE`."""

from __future__ import annotations

import asyncio
import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from leadflow.config_change import (
    ConfigChange,
    RescorePreview,
    config_history_items,
    preview,
    rescore_in_force,
    restore,
    save_change,
)
from leadflow.config_in_force import config_in_force, configured
from leadflow.config_view import ConfigRow, config_rows
from leadflow.console import row_id_argument, settings_of, stdout
from leadflow.errors import LeadflowError
from leadflow.store import Store
from scoring.config import load_config
from scoring.config_diff import ConfigDiffLine, diff_configs

if TYPE_CHECKING:
    from flows.chain import Chain

config_app = typer.Typer(
    name="config",
    help="The settings and the scoring config in force: show, validate, apply, history, restore.",
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
    """Show the effective settings (secrets masked) and the scoring config in force: version,
    weights, tiers, bands, fx rates and capabilities, with where each came from."""
    settings = settings_of(ctx)
    data = settings.masked()
    try:
        in_force = config_in_force(settings, Store.from_settings(settings))
    except LeadflowError as exc:
        # Still show the settings: they are what a user checks to find the broken file or store.
        data["scoring_config_version"] = f"invalid: {exc}"
        rows: list[ConfigRow] = []
    else:
        data["scoring_config_version"] = in_force.config.version
        rows = config_rows(in_force)
        data["scoring"] = {"config_from": in_force.config_from,
                           "capabilities_from": in_force.capabilities_from,
                           "config": in_force.config.model_dump(mode="json"),
                           "capabilities": list(in_force.capabilities)}
    if as_json:
        stdout().out(json.dumps(data, indent=2))
        return
    table = Table(title="leadflow settings (secrets masked)")
    table.add_column("setting")
    table.add_column("value", overflow="fold")
    for key, value in _flatten({k: v for k, v in data.items() if k != "scoring"}):
        table.add_row(Text(key), Text("" if value is None else str(value)))
    stdout().print(table)
    if rows:
        stdout().print(_in_force_table(rows))


def _in_force_table(rows: list[ConfigRow]) -> Table:
    table = Table(title="scoring config in force")
    for column in ("setting", "value", "from"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(Text(row.setting), Text(row.value), Text(row.source))
    return table


@config_app.command("apply")
def apply(
    ctx: typer.Context,
    file: Path = typer.Argument(..., metavar="FILE", help="Scoring config YAML to put in force.",
                                show_default=False),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the config history)."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Only show the diff and how many leads would change."),
) -> None:
    """Put a scoring config in force: validate, save with the diff, rescore every lead and
    write changed scores to the CRM (no LLM calls)."""
    config = load_config(file)  # first: a bad file is one line, before any setup is logged
    chain = _chain(ctx)
    current = chain.in_force().config
    if dry_run:
        _print_diff(diff_configs(current.model_dump(mode="json"), config.model_dump(mode="json")))
        _print_preview(preview(chain.store, config))
        return
    change = save_change(chain, config.model_dump(mode="json"), actor=_actor(), reason=reason)
    _report(chain, change)


@config_app.command("history")
def history(
    ctx: typer.Context,
    limit: int = typer.Option(20, min=1, max=10_000,
                              help="How many versions to list, newest first."),
) -> None:
    """Saved scoring configs, newest first: who, when, why and what changed."""
    settings = settings_of(ctx)
    items = config_history_items(Store.from_settings(settings), configured(settings).config,
                                 limit)
    table = Table(title="scoring config history (newest first; `config restore ID`)")
    for column in ("id", "version", "saved (UTC)", "by", "reason", "changes"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(str(item.id), item.version, item.saved_at, item.actor,
                      Text(item.reason or ""), Text("; ".join(item.changes)))
    stdout().print(table if items else "no saved configs: the file or bundled default is in "
                   "force (`leadflow config show`)")


@config_app.command("restore")
def restore_command(
    ctx: typer.Context,
    saved_id: int = row_id_argument("An id from `leadflow config history`.", metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the config history)."),
) -> None:
    """Put an earlier saved config back in force, then rescore as `apply` does."""
    chain = _chain(ctx)
    _report(chain, restore(chain, saved_id, actor=_actor(), reason=reason))


def _chain(ctx: typer.Context) -> Chain:
    from flows.assembly import build_chain

    return build_chain(settings_of(ctx))


def _actor() -> str:
    # Who changed the config from a terminal: the operating-system user.
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _report(chain: Chain, change: ConfigChange) -> None:
    console = stdout()
    console.print(f"saved version {change.version} (was {change.previous_version})")
    _print_diff(change.diff)
    summary = asyncio.run(rescore_in_force(chain, actor=_actor()))
    console.print(f"rescored {summary.leads} leads: {summary.changed} changed score, "
                  f"{summary.band_changed} changed band, {summary.written} written to the CRM")


def _print_diff(diff: list[ConfigDiffLine]) -> None:
    for line in diff or ["no change"]:
        stdout().print(Text(f"  {line}"))


def _print_preview(moved: RescorePreview) -> None:
    stdout().print(f"would change the score of {moved.changed} and the band of "
                   f"{moved.band_changed} of {moved.leads} scored leads")


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
