"""Google Forms reconciler: submissions the webhook missed, received exactly once.

`reconcile_form` is the plain function (tests, the CLI with --no-run); the flow wraps it in a
task per form and sends the new leads on to `qualify-leads`. Dedupe is receive's (source,
response_id) key, so a response the webhook already delivered is recognised, never re-run.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from pydantic import BaseModel

from connectors.google_forms.api import GoogleFormsApi
from connectors.google_forms.mapping import SOURCE, last_submitted, questions, raw_submission
from flows.assembly import build_chain
from flows.chain import Chain
from flows.qualification import qualify_leads
from flows.receive import receive
from leadflow.errors import ConfigError
from leadflow.settings import load_settings
from leadflow.store import Store
from leadflow.store.watermarks import advance_watermark, get_watermark

# Re-read this far behind the watermark: a response may become listable a little late; the
# ones already stored are recognised by receive and cost nothing.
OVERLAP = timedelta(minutes=5)


class FormReconcile(BaseModel):
    """What one reconcile of one form found."""

    form_id: str
    seen: int = 0
    new_lead_ids: list[int] = []
    already_received: int = 0
    not_run: int = 0
    dead_letters: int = 0
    watermark: datetime | None = None


def reconcile_form(
    store: Store,
    forms: GoogleFormsApi,
    form_id: str,
    *,
    default_timezone: str = "UTC",
    overlap: timedelta = OVERLAP,
) -> FormReconcile:
    """Receive every response after the form's watermark, then advance the watermark."""
    with store.session(write=False) as session:
        mark = get_watermark(session, form_id)
    by_id = questions(forms.get_form(form_id))
    report = FormReconcile(form_id=form_id, watermark=mark)
    newest = mark
    for response in forms.list_responses(form_id, mark - overlap if mark else None):
        received = receive(store, SOURCE, raw_submission(form_id, response, by_id),
                           default_timezone=default_timezone)
        report.seen += 1
        if received.duplicate:
            report.already_received += 1
        elif received.dead_letter_id is not None:
            report.dead_letters += 1
        elif received.runnable and received.lead_id is not None:
            report.new_lead_ids.append(received.lead_id)
        else:
            report.not_run += 1
        submitted = last_submitted(response)
        newest = submitted if newest is None else max(newest, submitted)
    # Only now: every response up to `newest` is stored. Pages are not ordered by time, so
    # advancing per page could skip an older response on a later page after a crash.
    if newest is not None and newest != mark:
        with store.session() as session:
            report.watermark = advance_watermark(session, form_id, newest)
    return report


@task(cache_policy=NONE)
async def reconcile_one(store: Store, forms: GoogleFormsApi, form_id: str,
                        default_timezone: str) -> FormReconcile:
    """Receive one form's responses that the webhook may have missed (Forms API read)."""
    return await asyncio.to_thread(reconcile_form, store, forms, form_id,
                                   default_timezone=default_timezone)


@flow(name="reconcile-form-responses", validate_parameters=False)
async def reconcile_form_responses(
    form_ids: list[str] | None = None,
    chain: Chain | None = None,
    forms: GoogleFormsApi | None = None,
    qualify: bool = True,
) -> list[FormReconcile]:
    """Backstop for the Apps Script webhook: receive missed responses, then qualify them."""
    from leadflow.wiring import build_google_forms

    settings = load_settings()
    chain = chain or build_chain(settings)
    forms = forms or build_google_forms(settings)
    ids = form_ids or settings.google.form_ids
    if not ids:
        raise ConfigError("no form to reconcile: pass --form-id or set the form ids",
                          key="LEADFLOW_GOOGLE__FORM_IDS")
    reports = []
    for form_id in ids:
        named = reconcile_one.with_options(task_run_name=f"reconcile · form {form_id}")
        reports.append(await named(chain.store, forms, form_id, chain.default_timezone))
    new = [lead_id for report in reports for lead_id in report.new_lead_ids]
    get_run_logger().info("reconciled %d form(s): %d new lead(s)", len(reports), len(new))
    if qualify and new:
        await qualify_leads(new, chain)
    return reports
