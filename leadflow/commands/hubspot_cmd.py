"""`leadflow hubspot provision`: create leadflow's HubSpot property group and properties."""

from __future__ import annotations

import typer

from connectors.hubspot import hubspot_client, provision
from leadflow.console import settings_of, stdout
from leadflow.errors import ConfigError

hubspot_app = typer.Typer(
    name="hubspot", help="Set up the HubSpot portal leadflow writes to.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the `hubspot` command group to the app."""
    app.add_typer(hubspot_app, name="hubspot")


@hubspot_app.command("provision")
def provision_cmd(ctx: typer.Context) -> None:
    """Create the `leadflow` group and properties; existing ones are kept (safe to run again)."""
    settings = settings_of(ctx).hubspot
    if settings.access_token is None:
        raise ConfigError(
            "set a HubSpot service key or private-app token with the crm.schemas.*.write scopes",
            key="LEADFLOW_HUBSPOT__ACCESS_TOKEN",
        )
    report = provision(hubspot_client(settings))
    console = stdout()
    for name in report.created_groups:
        console.out(f"created group     {name}")
    for name in report.created:
        console.out(f"created property  {name}")
    for problem in report.mismatched:
        console.out(f"conflict          {problem}")
    console.out(
        f"{len(report.created)} created, {len(report.existing)} already there, "
        f"{len(report.mismatched)} conflicting"
    )
    if not report.ok:
        raise typer.Exit(1)
