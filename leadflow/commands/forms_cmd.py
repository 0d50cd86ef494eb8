"""`leadflow forms reconcile`: receive Google Forms responses the webhook missed, exactly once."""

from __future__ import annotations

import asyncio

import typer

from leadflow.console import fail, settings_of, stdout

forms_app = typer.Typer(help="Google Forms: the responses.list backstop for the webhook.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `forms` command group to the app."""
    app.add_typer(forms_app, name="forms")


@forms_app.command()
def reconcile(
    ctx: typer.Context,
    form_id: list[str] = typer.Option(
        [], "--form-id", metavar="ID",
        help="A form to read (repeatable). Default: LEADFLOW_GOOGLE__FORM_IDS."),
    run: bool = typer.Option(
        True, "--run/--no-run",
        help="Qualify the new leads in a Prefect flow run (--no-run only stores them)."),
) -> None:
    """Receive every response after the stored watermark; those already received are skipped."""
    from flows.assembly import build_chain
    from flows.reconcile import reconcile_form, reconcile_form_responses
    from leadflow.wiring import build_google_forms

    settings = settings_of(ctx)
    ids = form_id or settings.google.form_ids
    if not ids:
        raise fail("no form to reconcile: pass --form-id ID or set LEADFLOW_GOOGLE__FORM_IDS")
    chain = build_chain(settings)
    forms = build_google_forms(settings)
    if run:
        from flows.prefect_session import prefect_api

        with prefect_api(settings):
            reports = asyncio.run(reconcile_form_responses(ids, chain, forms))
    else:
        reports = [reconcile_form(chain.store, forms, one, default_timezone=chain.default_timezone)
                   for one in ids]
    out = stdout()
    for report in reports:
        mark = report.watermark.isoformat() if report.watermark else "none yet"
        out.print(f"form {report.form_id}: {report.seen} response(s) read, "
                  f"{len(report.new_lead_ids)} new lead(s), {report.already_received} already "
                  f"received, {report.dead_letters} dead letter(s); watermark {mark}")
