"""`leadflow flows ...`: list actions and specs, validate, show and run flow specs."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from leadflow.console import settings_of, stdout
from leadflow.errors import InputError
from leadflow.store.types import MAX_ROW_ID
from scoring import safe_json

if TYPE_CHECKING:
    from flows.chain import Chain

flows_app = typer.Typer(help="Flow specs: declarative workflows that ops write in YAML.",
                        no_args_is_help=True)
SPEC_ARG = typer.Argument(..., help="A flow spec YAML file.", exists=True, dir_okay=False)


@flows_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The shipped specs and every action a step can use, with its parameters."""
    from flows.spec.actions import builtin_registry
    from flows.spec.engine import SPECS_DIR

    registry = builtin_registry()
    actions = {name: {"summary": action.summary, "batch": action.batch,
                      "params": action.params.model_json_schema().get("properties", {})}
               for name, action in sorted(registry.actions.items())}
    specs = sorted(str(path) for path in SPECS_DIR.glob("*.yaml"))
    if as_json:
        typer.echo(json.dumps({"specs": specs, "actions": actions}, indent=2))
        return
    console = stdout()
    console.print("[bold]Shipped specs[/]: " + ", ".join(specs))
    table = Table(title="Actions", title_justify="left")
    for heading in ("action", "parameters", "what it does"):
        table.add_column(heading, overflow="fold")
    for name, info in actions.items():
        table.add_row(name + (" (batch)" if info["batch"] else ""),
                      ", ".join(info["params"]) or "-", info["summary"])
    console.print(table)


@flows_app.command()
def validate(spec: Path = SPEC_ARG) -> None:
    """Check a spec: every problem is printed with its line and column; exit 2 if any."""
    from flows.spec.actions import builtin_registry
    from flows.spec.validation import SpecInvalid, load_spec

    try:
        loaded = load_spec(spec, builtin_registry())
    except SpecInvalid as exc:
        for problem in exc.problems:
            stdout().print(f"{spec}: {problem}", markup=False)
        raise typer.Exit(2) from exc
    stdout().print(f"ok: {spec} ({loaded.name}, version {loaded.version}, "
                   f"{len(loaded.steps)} steps)")


@flows_app.command()
def show(spec: Path = SPEC_ARG) -> None:
    """The spec's trigger and steps as a tree: action, condition, error policy, parameters."""
    from flows.spec.actions import builtin_registry
    from flows.spec.validation import load_spec

    loaded = load_spec(spec, builtin_registry())
    trigger = loaded.trigger
    tree = Tree(f"[bold]{escape(loaded.name)}[/] v{loaded.version} ({loaded.scope.value}) "
                f"<- {trigger.kind.value}{' ' + trigger.source if trigger.source else ''}")
    for index, step in enumerate(loaded.steps, 1):
        label = f"{index}. [bold]{step.name}[/]: {escape(step.action)}"
        if step.when:
            label += f"  [dim]when {escape(step.when)}[/]"
        if step.on_error.value != "fail":
            label += f"  [yellow]on_error: {step.on_error.value}[/]"
        node = tree.add(label)
        for name, value in step.params.items():
            node.add(escape(f"{name} = {json.dumps(value, ensure_ascii=False)}"), style="dim")
    stdout().print(tree)


def _read_input(input_file: Path) -> tuple[str, Any]:
    """The --input file's text and JSON value; InputError (one line) when it is neither."""
    try:
        text = input_file.read_text(encoding="utf-8")
        return text, safe_json.loads(text)
    except UnicodeDecodeError as exc:
        raise InputError(f"{input_file}: not UTF-8 text (byte {exc.start}); --input is a JSON "
                         "file") from None
    except OSError as exc:
        raise InputError(f"{input_file}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        raise InputError(f"{input_file}: not valid JSON ({exc}); --input is a submission or a "
                         "list of lead ids") from None


def _given_ids(input_file: Path, data: Any) -> list[int] | None:
    """The lead ids an --input file lists ([1, 2] or {"lead_ids": [...]}), None for a
    submission; InputError when an id is not a possible row id."""
    if not (isinstance(data, list) or (isinstance(data, dict) and "lead_ids" in data)):
        return None
    ids = data if isinstance(data, list) else data["lead_ids"]
    if not isinstance(ids, list) or not all(
            isinstance(item, int) and 1 <= item <= MAX_ROW_ID for item in ids):
        raise InputError(f"{input_file}: lead ids are whole numbers from 1 to {MAX_ROW_ID}")
    return ids


def _lead_ids(input_file: Path | None, given: tuple[str, Any] | None,
              spec_source: str | None, ctx: typer.Context, chain: Chain) -> list[int]:
    from flows.qualification import scored_lead_ids
    from flows.receive import receive

    settings = settings_of(ctx)
    if input_file is None or given is None:
        return scored_lead_ids(chain)
    text, data = given
    ids = _given_ids(input_file, data)
    if ids is not None:
        return ids
    received = receive(chain.store, spec_source or "manual", text,
                       default_timezone=settings.form_timezone)
    if not received.runnable or received.lead_id is None:
        raise InputError(f"{input_file}: not run: {received.note or '; '.join(received.errors)}")
    return [received.lead_id]


@flows_app.command()
def run(
    ctx: typer.Context,
    spec: Path = SPEC_ARG,
    input_file: Path | None = typer.Option(
        None, "--input", exists=True, dir_okay=False,
        help="A submission JSON (form trigger), or lead ids as [1, 2] or {\"lead_ids\": [...]}. "
             "Default: every scored lead."),
) -> None:
    """Run a spec: per lead for lead specs, once for batch specs."""
    from flows.assembly import build_chain
    from flows.prefect_session import prefect_api
    from flows.qualification import qualify_leads, run_batch_spec
    from flows.spec.actions import builtin_registry
    from flows.spec.engine import compile_spec
    from flows.spec.model import Scope
    from flows.spec.validation import load_spec

    registry = builtin_registry()
    loaded = load_spec(spec, registry)
    steps = compile_spec(loaded, registry)
    given = None
    if input_file is not None:  # read and checked before any setup, so a mistake is one line
        given = _read_input(input_file)
        _given_ids(input_file, given[1])
    settings = settings_of(ctx)
    chain = build_chain(settings)
    with prefect_api(settings):
        if loaded.scope is Scope.BATCH:
            outputs = asyncio.run(run_batch_spec(steps, chain))
            typer.echo(json.dumps(outputs, indent=2, default=str))
            return
        lead_ids = _lead_ids(input_file, given, loaded.trigger.source, ctx, chain)
        # The Prefect UI shows the spec's own name as the flow's.
        results = asyncio.run(qualify_leads.with_options(name=loaded.name)(lead_ids, chain,
                                                                            steps))
    for item in results:
        where = ("finished" if item.finished else f"waiting at {item.waiting_at}"
                 if item.waiting_at else f"FAILED at {item.failed_at}: {item.reason}"
                 if item.failed_at else "not run")
        stdout().print(f"lead {item.lead_id}: {where}")


@flows_app.command()
def serve(ctx: typer.Context, spec: Path = SPEC_ARG) -> None:
    """Serve a spec whose trigger is a schedule, every N minutes, until stopped."""
    from datetime import timedelta

    from flows.prefect_session import prefect_api
    from flows.qualification import run_spec_file
    from flows.spec.actions import builtin_registry
    from flows.spec.validation import load_spec

    loaded = load_spec(spec, builtin_registry())
    every = loaded.trigger.every_minutes
    if loaded.trigger.kind.value != "schedule" or every is None:
        raise InputError(f"{spec}: its trigger is {loaded.trigger.kind.value!r}; only a spec with "
                         "`trigger: {kind: schedule, every_minutes: N}` can be served")
    with prefect_api(settings_of(ctx)):
        run_spec_file.with_options(name=loaded.name).serve(
            name=loaded.name, interval=timedelta(minutes=every),
            parameters={"path": str(spec.resolve())})


def register(app: typer.Typer) -> None:
    """Add `leadflow flows` to the CLI."""
    app.add_typer(flows_app, name="flows")
