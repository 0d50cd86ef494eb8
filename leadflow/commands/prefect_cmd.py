"""`leadflow prefect ...`: the embedded Prefect server, and serving the scheduled flows."""

from __future__ import annotations

import typer

from leadflow.console import settings_of, stdout

prefect_app = typer.Typer(
    help="The local Prefect server leadflow starts on demand, and the transcript schedule.",
    no_args_is_help=True,
)


@prefect_app.command()
def start(ctx: typer.Context) -> None:
    """Start the embedded Prefect server (SQLite under the data directory) if it is not up."""
    from flows.prefect_session import ui_url
    from flows.server import ensure_server

    settings = settings_of(ctx)
    url = settings.prefect_api_url or ensure_server(settings.data_dir, settings.prefect_port)
    stdout().print(f"Prefect API {url}, UI {ui_url(url)}")


@prefect_app.command()
def stop(ctx: typer.Context) -> None:
    """Stop the embedded Prefect server started by leadflow."""
    from flows.server import stop_server

    stopped = stop_server(settings_of(ctx).data_dir)
    stdout().print("stopped" if stopped else "no embedded Prefect server was running")


@prefect_app.command()
def status(ctx: typer.Context) -> None:
    """Say whether the Prefect API leadflow would use is answering."""
    from flows.server import api_url_for, is_healthy

    settings = settings_of(ctx)
    url = settings.prefect_api_url or api_url_for(settings.prefect_port)
    stdout().print(f"{url}: {'up' if is_healthy(url) else 'down'}")


@prefect_app.command()
def schedule(
    ctx: typer.Context,
    every_minutes: int = typer.Option(5, min=1, max=7 * 24 * 60,
                                      help="How often to look for ready transcripts."),
) -> None:
    """Serve the collect-transcripts flow on a schedule (runs until stopped; no slot is held)."""
    from datetime import timedelta

    from flows.prefect_session import prefect_api
    from flows.qualification import collect_transcripts

    with prefect_api(settings_of(ctx)):
        collect_transcripts.serve(name="collect-transcripts",
                                  interval=timedelta(minutes=every_minutes))


def register(app: typer.Typer) -> None:
    """Add `leadflow prefect` to the CLI."""
    app.add_typer(prefect_app, name="prefect")
