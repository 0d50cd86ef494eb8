"""`leadflow demo`: the bundled sample leads through the whole chain on the embedded default."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from flows.assembly import build_chain
from flows.prefect_session import prefect_api, ui_url
from flows.qualification import collect_transcripts, qualify_leads
from flows.receive import Received, receive
from leadflow.lead_views import ranked_leads
from leadflow.rendering import lead_table
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.store.scoring_configs import latest_saved, save_config
from leadflow.store.types import utc_now
from leadflow.wiring import transcripts_dir
from scoring.config import load_config, parse_config

DEMO_DIR = Path(__file__).resolve().parent.parent / "examples" / "demo"
DEMO_CONFIG = DEMO_DIR / "scoring.yaml"


def demo_settings(settings: Settings) -> Settings:
    """The user's settings with the demo's notifier."""
    return settings.model_copy(update={"notifier": "jsonl"})


def install_demo_data(settings: Settings, store: Store) -> None:
    """Put the sample transcripts where the transcripts connector looks, and the demo's scoring
    config (exchange rates for the reais and euro budgets, the product's capabilities) in force
    in the store, unless the user chose their own; later commands (`leadflow serve`, `extract`,
    `collect`) then see what the demo saw."""
    folder = transcripts_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for sample in (DEMO_DIR / "transcripts").iterdir():
        if not (folder / sample.name).exists():
            shutil.copy2(sample, folder / sample.name)
    if settings.scoring_config is not None:
        return
    demo = load_config(DEMO_CONFIG)
    with store.session() as session:
        saved = latest_saved(session)
        if saved is None:
            save_config(session, demo.model_dump(mode="json"), version=demo.version,
                        actor="leadflow demo", reason="the demo's config: default plus fx "
                        "rates and the demo product's capabilities")
        elif not saved.config.get("capabilities"):
            # A store from before capabilities were part of the config: add the demo's.
            updated = parse_config({**saved.config, "capabilities": list(demo.capabilities)})
            save_config(session, updated.model_dump(mode="json"), version=updated.version,
                        actor="leadflow demo", reason="the demo product's capabilities")


def _proposed_times(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in payload.get("answers", []) if a.get("title") == "Preferred meeting time"]


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None  # the malformed sample's time stays as it is, for intake to reject


def shift_into_future(payloads: list[dict[str, Any]], now: datetime) -> None:
    """Move every proposed time forward by whole weeks so the earliest is after `now`.

    Whole weeks keep each time's weekday and hour, so it stays inside the reps' working hours.
    """
    answers = [answer for payload in payloads for answer in _proposed_times(payload)]
    times = [moment for answer in answers for value in _values(answer)
             if (moment := _parse(value)) is not None]
    if not times:
        return
    earliest = min(times).replace(tzinfo=now.tzinfo)
    weeks = max(0, math.ceil((now + timedelta(days=1) - earliest) / timedelta(weeks=1)))
    for answer in answers:
        shifted = [(moment + timedelta(weeks=weeks)).strftime("%Y-%m-%d %H:%M")
                   if (moment := _parse(value)) else value for value in _values(answer)]
        answer["value"] = shifted if isinstance(answer["value"], list) else shifted[0]


def _values(answer: dict[str, Any]) -> list[str]:
    return answer["value"] if isinstance(answer["value"], list) else [answer["value"]]


def load_samples(now: datetime) -> list[tuple[str, str]]:
    """(file name, raw JSON body) of each bundled submission, times moved into the future."""
    files = sorted((DEMO_DIR / "submissions").glob("*.json"))
    payloads = [json.loads(path.read_text(encoding="utf-8")) for path in files]
    shift_into_future(payloads, now)
    return [(path.name, json.dumps(p, ensure_ascii=False)) for path, p in zip(files, payloads,
                                                                                 strict=True)]


def _report_intake(console: Console, name: str, received: Received) -> None:
    if received.lead_id is not None:
        note = "re-delivered, nothing runs twice" if received.duplicate else "new"
        if not received.runnable:
            note += f"; not run: {received.note}"
        console.print(f"  [green]accepted[/] {name} -> lead {received.lead_id} ({note})")
    else:
        console.print(f"  [red]rejected[/] {name} -> dead letter {received.dead_letter_id}: "
                      + "; ".join(received.errors))


def run_demo(settings: Settings, console: Console) -> int:
    """Run the demo end to end and print the ranked table; returns the process exit code."""
    settings = demo_settings(settings)
    store = Store.from_settings(settings)
    install_demo_data(settings, store)
    chain = build_chain(settings, store=store)
    console.print(f"[bold]leadflow demo[/] (store: {settings.data_dir}/, "
                  f"extractor: {chain.connectors.extractor.name})")
    console.print("1. Form submissions arrive:")
    lead_ids = []
    for name, raw in load_samples(utc_now()):
        received = receive(store, "google_forms", raw, default_timezone=settings.form_timezone)
        _report_intake(console, name, received)
        if received.runnable and received.lead_id is not None:
            lead_ids.append(received.lead_id)
    with prefect_api(settings) as api_url:
        console.print(f"2. qualify-leads: CRM upsert and meeting booking ({len(lead_ids)} leads)")
        asyncio.run(qualify_leads(lead_ids, chain))
        ends = [row.meeting_start_at for row in ranked_leads(store) if row.meeting_start_at]
        after_calls = max(ends, default=utc_now()) + timedelta(hours=2)
        console.print(f"3. Fast-forward to {after_calls:%Y-%m-%d %H:%M} UTC, after the calls; "
                      "collect-transcripts extracts, scores, writes back and notifies")
        asyncio.run(collect_transcripts(dataclasses.replace(chain, clock=lambda: after_calls)))
    console.print()
    console.print(lead_table(ranked_leads(store)))
    console.print(f"\nPrefect UI: {ui_url(api_url)}   one lead's history: leadflow lead ID   "
                  f"notifications: {settings.data_dir / 'notifications.jsonl'}")
    return 0
