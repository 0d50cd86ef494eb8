"""Commands that run and inspect the qualification chain.

Flow modules are imported inside the commands that run flows: importing Prefect costs ~2.7 s,
which `leadflow leads` and `--help` should not pay.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import typer

from leadflow.console import fail, row_id_argument, settings_of, stdout
from leadflow.errors import InputError
from leadflow.lead_views import lead_detail, ranked_leads
from leadflow.rendering import lead_table, render_detail
from leadflow.store import Store


def intake(
    ctx: typer.Context,
    submission: Path = typer.Argument(..., help="A submission JSON file (Google Forms shape).",
                                      exists=True, dir_okay=False),
    source: str = typer.Option("google_forms", help="Which form or webhook it came from."),
) -> None:
    """Queue one form submission and run the chain (to the transcript wait, or to the end)."""
    from flows.assembly import build_chain
    from flows.prefect_session import prefect_api
    from flows.qualification import qualify_leads
    from flows.receive import receive

    try:
        body = submission.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{submission}: not UTF-8 text (byte {exc.start}); a submission is a "
                         "JSON file") from None
    settings = settings_of(ctx)
    chain = build_chain(settings)
    received = receive(chain.store, source, body, default_timezone=settings.form_timezone)
    if received.lead_id is None:
        raise fail(f"{submission}: rejected, kept as dead letter {received.dead_letter_id}: "
                   + "; ".join(received.errors))
    if not received.runnable:
        stdout().print(f"lead {received.lead_id}: not run: {received.note}")
        return
    with prefect_api(settings):
        progress = asyncio.run(qualify_leads([received.lead_id], chain))[0]
    if progress.failed_at:
        raise fail(f"lead {received.lead_id} failed at {progress.failed_at}: {progress.reason} "
                   f"(fix it, then: leadflow retry {received.lead_id})")
    stdout().print(f"lead {received.lead_id}: meeting booked, awaiting its transcript"
                   + (" (re-delivered submission)" if received.duplicate else ""))


def leads(
    ctx: typer.Context,
    rep: str | None = typer.Option(None, help="Only leads assigned to this rep id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List leads ranked by score, with band, B/A/N/T tier labels and state."""
    rows = ranked_leads(Store.from_settings(settings_of(ctx)), rep=rep)
    if as_json:
        typer.echo(json.dumps([row.model_dump(mode="json") for row in rows], indent=2))
    else:
        stdout().print(lead_table(rows))


def lead(
    ctx: typer.Context,
    lead_id: int = row_id_argument("The lead's id (see `leadflow leads`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Show one lead's whole history: every step, every state change, the evidence, the score."""
    detail = lead_detail(Store.from_settings(settings_of(ctx)), lead_id)
    if detail is None:
        raise InputError(f"no lead with id {lead_id} (see `leadflow leads`)")
    if as_json:
        typer.echo(detail.model_dump_json(indent=2))
        return
    render_detail(stdout(), detail)


def retry(
    ctx: typer.Context,
    lead_id: int = row_id_argument("The failed lead's id."),
) -> None:
    """Resume a lead from the step that failed; steps that already succeeded are not repeated."""
    from flows.assembly import build_chain
    from flows.prefect_session import prefect_api
    from flows.qualification import qualify_leads

    settings = settings_of(ctx)
    chain = build_chain(settings)
    if lead_detail(chain.store, lead_id) is None:
        raise InputError(f"no lead with id {lead_id} (see `leadflow leads`)")
    with prefect_api(settings):
        progress = asyncio.run(qualify_leads([lead_id], chain))[0]
    if progress.failed_at:
        raise fail(f"lead {lead_id} failed again at {progress.failed_at}: {progress.reason}")
    where = "finished" if progress.finished else f"waiting at {progress.waiting_at}"
    stdout().print(f"lead {lead_id}: {where}")


def collect(
    ctx: typer.Context,
    now: datetime | None = typer.Option(None, help="Pretend it is this time (ISO, UTC)."),
) -> None:
    """Score each lead whose meeting ended and whose transcript is ready (schedule this)."""
    from flows.assembly import build_chain
    from flows.prefect_session import prefect_api
    from flows.qualification import collect_transcripts

    settings = settings_of(ctx)
    chain = build_chain(settings)
    if now is not None:
        moment = now if now.tzinfo else now.replace(tzinfo=UTC)
        chain = dataclasses.replace(chain, clock=lambda: moment)
    with prefect_api(settings):
        results = asyncio.run(collect_transcripts(chain))
    done = sum(1 for item in results if item.finished)
    stdout().print(f"{len(results)} lead(s) due, {done} finished, "
                   f"{sum(1 for item in results if item.waiting_at)} still waiting, "
                   f"{sum(1 for item in results if item.failed_at)} failed")


def demo(ctx: typer.Context) -> None:
    """Run the bundled sample leads through the whole chain and print the ranked table."""
    from leadflow.demo import run_demo

    raise typer.Exit(run_demo(settings_of(ctx), stdout()))


def register(app: typer.Typer) -> None:
    """Add the chain commands to the CLI."""
    for command in (intake, leads, lead, retry, collect, demo):
        app.command()(command)
