"""The fault campaign's harness: the demo's leads through the whole chain on the embedded
default (SQLite store, local CRM and calendar, transcript folder, offline extractor, JSONL
notifier), in a child process killed at one step boundary, then recovered the way a restarted
service recovers (received leads, lapsed leases, meetings that ended)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import multiprocessing
import os
import traceback
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flows.assembly import build_chain
from flows.chain import Chain
from flows.faults import KILLED_EXIT_CODE
from flows.leasing import stuck_lead_ids
from flows.qualification import due_for_scoring
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.engine import bant_steps
from leadflow.demo import install_demo_data, load_samples
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.store.leads import list_leads
from leadflow.store.models import LeadState

# A Monday before the demo's proposed times (they are moved to the week after it).
NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)
AFTER_CALLS = NOW + timedelta(days=21)


def settings_for(folder: Path, kill_at: str | None = None) -> Settings:
    return Settings(data_dir=folder, notifier="jsonl", fault_kill_at=kill_at,
                    max_concurrent_leads=2)


def _chain(settings: Settings, now: datetime, owner: str) -> Chain:
    chain = build_chain(settings)
    return dataclasses.replace(chain, clock=lambda: now, owner=owner, sleep=lambda _: None)


def run_until_killed(folder: Path, kill_at: str | None) -> None:
    """The first process: intake, qualify, then (calls over) extract to notify; dies at kill_at."""
    settings = settings_for(folder, kill_at)
    install_demo_data(settings, Store.from_settings(settings))
    chain = _chain(settings, NOW, owner="first-process")
    lead_ids = []
    for _, raw in load_samples(NOW):
        received = receive(chain.store, "google_forms", raw)
        if received.runnable and received.lead_id is not None:
            lead_ids.append(received.lead_id)
    asyncio.run(advance_leads(chain, lead_ids, bant_steps(), max_concurrency=2))
    later = dataclasses.replace(chain, clock=lambda: AFTER_CALLS)
    asyncio.run(advance_leads(later, due_for_scoring(later, AFTER_CALLS), bant_steps(),
                              max_concurrency=2))


def _child(folder: Path, kill_at: str | None) -> None:
    # Exits without the interpreter's shutdown: what the parent's test session registered
    # (Prefect's workers, pytest's capture) is not this child's to run or flush.
    try:
        run_until_killed(folder, kill_at)
    except BaseException:
        # The parent's test output may not show a forked child's stderr: keep it beside the data.
        (folder / "child-error.txt").write_text(traceback.format_exc())
        os._exit(1)
    os._exit(0)


def child_error(folder: Path) -> str:
    """The traceback of a child that failed (not killed), for the assertion message."""
    path = folder / "child-error.txt"
    return path.read_text() if path.exists() else ""


def run_in_child(folder: Path, kill_at: str | None, timeout_s: float = 120) -> int | None:
    """Run the first process in a forked child; its exit code (137 when killed)."""
    child = multiprocessing.get_context("fork").Process(target=_child, args=(folder, kill_at))
    child.start()
    child.join(timeout_s)
    if child.is_alive():
        child.kill()
        child.join()
        raise AssertionError(f"the run killed at {kill_at} hung for {timeout_s} s")
    return child.exitcode


def recover(folder: Path) -> None:
    """A service restarted a little after the kill (once the dead process's leases lapsed):
    the drainer's scan (received leads, lapsed leases); later, collect (meetings that ended,
    lapsed leases). Run at both moments, so a kill before or after the calls is covered."""
    settings = settings_for(folder)
    lapsed = timedelta(seconds=settings.lead_lease_s + 60)
    soon = _chain(settings, NOW + lapsed, owner="restarted-process")
    with soon.store.session(write=False) as session:
        received = [lead.id for lead in list_leads(session, state=LeadState.RECEIVED)
                    if lead.id is not None]
    pending = list(dict.fromkeys([*received, *stuck_lead_ids(soon)]))
    asyncio.run(advance_leads(soon, pending, bant_steps(), max_concurrency=2))
    later = dataclasses.replace(soon, clock=lambda: AFTER_CALLS + lapsed)
    due = list(dict.fromkeys([*due_for_scoring(later, AFTER_CALLS), *stuck_lead_ids(later)]))
    asyncio.run(advance_leads(later, due, bant_steps(), max_concurrency=2))


def outcome(folder: Path) -> dict[str, Any]:
    """What a restart must get right: each lead's end, and how often each outside effect
    happened (per lead or contact, so a duplicate shows as a count above one)."""
    store = Store.from_settings(settings_for(folder))
    with store.engine.connect() as connection:
        def rows(sql: str) -> list[Any]:
            return list(connection.execute(sa.text(sql)))

        leads = {email: (state, None if total is None else float(total), band)
                 for email, state, total, band in rows(
                     "SELECT email, state, score_total, band FROM leads "
                     "WHERE state != 'duplicate'")}
        contacts = Counter(email for (email,) in rows("SELECT email FROM crm_contacts"))
        deals = Counter(contact for (contact,) in rows("SELECT contact_id FROM crm_deals"))
        meetings = Counter(email for (email,) in rows(
            "SELECT attendee_email FROM calendar_events WHERE status = 'confirmed'"))
        logged = Counter(deal for (deal,) in rows(
            "SELECT deal_id FROM crm_activities WHERE kind = 'meeting'"))
        sent = Counter(json.loads(body)["lead_email"] if isinstance(body, str) else
                       body["lead_email"] for (body,) in rows("SELECT body FROM notifications"))
        leases = rows("SELECT lead_id FROM lead_leases")
    lines = (folder / "notifications.jsonl")
    delivered = len(lines.read_text().splitlines()) if lines.exists() else 0
    return {"leads": leads, "contacts": max(contacts.values(), default=0),
            "contacts_n": len(contacts), "deals_per_contact": max(deals.values(), default=0),
            "meetings_per_lead": max(meetings.values(), default=0),
            "meetings_logged_per_deal": max(logged.values(), default=0),
            "messages_per_lead": max(sent.values(), default=0), "messages": sum(sent.values()),
            "delivered": delivered, "leases_left": len(leases)}


def boundaries() -> list[str]:
    """Every step boundary of the BANT chain: before and after each step's outside call."""
    return [f"{step.name}:{moment}" for step in bant_steps() for moment in ("before", "after")]


def describe(result: dict[str, Any]) -> str:
    return json.dumps(result, sort_keys=True, default=str)


__all__ = ["KILLED_EXIT_CODE", "boundaries", "child_error", "outcome", "recover", "run_in_child"]
