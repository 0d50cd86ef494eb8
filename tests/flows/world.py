"""A chain on in-memory fakes with a controllable clock, and submissions to feed it.

Shared by the flow tests and the chain benchmark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from connectors.base import Rep
from connectors.base.bundle import Connectors
from connectors.fakes import (
    InMemoryCalendar,
    InMemoryCRM,
    InMemoryNotifier,
    InMemoryTranscripts,
    ScriptedExtractor,
)
from flows.chain import Chain
from leadflow.config_in_force import Configured
from leadflow.settings import RetrySettings
from leadflow.store import Store
from scoring.config import default_config

# The default config, no capabilities: what a chain starts from when nobody saved a config.
TEST_CONFIGURED = Configured(config=default_config(), source="test default")

# A Monday, before daylight saving time starts in New York.
START = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    """The chain and the fakes behind it."""

    chain: Chain
    store: Store
    crm: InMemoryCRM
    calendar: InMemoryCalendar
    transcripts: InMemoryTranscripts
    notifier: InMemoryNotifier
    extractor: ScriptedExtractor
    clock: Clock


def submission(index: int, *, email: str | None = None) -> str:
    """A valid Google-Forms-shaped submission body for lead `index`, proposing its own hour."""
    # Tuesday 09:00 New York (14:00 UTC) plus one hour per lead: one rep can take eight leads.
    moment = (START + timedelta(days=1)).replace(hour=14) + timedelta(hours=index % 8)
    return json.dumps({
        "source": "google_forms", "form_id": "f1", "response_id": f"r-{index}",
        "submitted_at": START.isoformat(),
        "answers": [
            {"title": "Work email", "value": email or f"lead{index}@example.com"},
            {"title": "Name", "value": f"Lead Number{index}"},
            {"title": "Company", "value": f"Company {index}"},
            {"title": "Preferred meeting time", "value": moment.isoformat()},
        ],
    })


def build_world(folder: Path, *, reps: list[Rep] | None = None, max_concurrency: int = 4) -> World:
    """A fresh store in `folder` and fakes; transient retries wait 0 s."""
    store = Store(f"sqlite:///{folder / 'leadflow.db'}")
    reps = reps or [Rep(id="rep-ny", name="Sam Rivera", email="sam@example.com",
                        time_zone="America/New_York")]
    connectors = Connectors(
        crm=InMemoryCRM(), calendar=InMemoryCalendar(reps), transcripts=InMemoryTranscripts(),
        notifier=InMemoryNotifier(), extractor=ScriptedExtractor(),
    )
    clock = Clock(START)
    chain = Chain(store=store, connectors=connectors, configured=TEST_CONFIGURED,
                  retry=RetrySettings(max_attempts=3, base_delay_s=0, max_delay_s=0),
                  clock=clock, sleep=lambda _: None, max_concurrency=max_concurrency)
    return World(chain, store, connectors.crm, connectors.calendar, connectors.transcripts,
                 connectors.notifier, connectors.extractor, clock)
