"""The whole chain on the real connectors, each against its local stub, run twice.

A signed Google Forms webhook (the FastAPI intake route) -> HubSpot contact and deal -> a Google
Calendar event on a rep's calendar -> the Gong call recorded for that event (matched by its
`calendarEventId`) -> the offline extractor -> the score written back to HubSpot -> one Slack
message. Re-delivering the submission and re-running the chain, before and after the meeting,
duplicates nothing; a notify step replayed after its record was lost edits the Slack message
(chat.update) instead of posting a second one.

No sleeps: the chain, Google, Gong (limiter and stub) and Slack get injected clocks or sleeps;
the app's drainer is run by hand (`drain_once`), not by its background loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import select

from connectors.base import Meeting, Rep
from connectors.base.bundle import Connectors
from connectors.gong import GongApi, GongTranscripts, RateLimiter
from connectors.google_calendar import GoogleCalendar
from connectors.offline import OfflineExtractor
from flows.chain import Chain
from flows.runner import Progress, advance_leads
from flows.spec.engine import bant_steps
from leadflow.config_in_force import Configured
from leadflow.settings import RetrySettings
from leadflow.store import Store
from leadflow.store.leads import get_lead, update_lead
from leadflow.store.models import StepRun
from leadflow.web import create_app
from leadflow.web.signing import signature_header
from scoring.config import default_config
from tests.connectors import hubspot_world, slack_world
from tests.connectors.google_world import Sleeps, user_http
from tests.flows.world import START, Clock, submission
from tests.stubs.gong import GongStub
from tests.stubs.google_calendar import CalendarStub
from tests.stubs.hubspot import HubSpotStub
from tests.stubs.serving import serve
from tests.stubs.slack import CHANNEL, SlackStub
from tests.web.seed import SECRET, web_settings

CAPABILITIES = ("lead scoring", "crm sync", "meeting scheduling", "call transcription")
# Two reps whose calendars the Calendar stub holds; both free at the proposed time.
REPS = [
    Rep(id="rep-ny", name="Nina Park", email="nina@sales.example", time_zone="America/New_York"),
    Rep(id="rep-lx", name="Luis Costa", email="luis@sales.example", time_zone="Europe/Lisbon"),
]
LEAD = "lead0@example.com"
# C-level, $150k, two needs the product covers, live within 2 months: 30 + 25 + 25 + 20.
CALL = [
    ("rep", "Dana, thanks for making time. What is driving the conversation?"),
    ("lead", "I'm the CFO at Northwind, and I sign off on our sales tools."),
    ("lead", "We need lead scoring our reps can trust. We also need a proper CRM sync so "
             "nobody copies notes around."),
    ("rep", "Is there budget allocated?"),
    ("lead", "Yes, we have $150,000 approved for this."),
    ("rep", "And timing?"),
    ("lead", "We want it live within 2 months."),
]
DECOY = [
    ("rep", "Quick check-in about your trial."),
    ("lead", "I'm an intern; we have no budget and no plans this year."),
]


class GongClock:
    """Seconds for Gong's limiter and the stub's own 3/s limit; waiting only moves it on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Stubs:
    """The four stubs, each served on 127.0.0.1 (HubSpot and Slack once per process)."""

    hubspot: HubSpotStub
    calendar: CalendarStub
    gong: GongStub
    slack: SlackStub


@pytest.fixture
def stubs() -> Iterator[tuple[Stubs, str, str, GongClock]]:
    gong_clock = GongClock()
    calendar = CalendarStub()
    for rep in REPS:
        calendar.add_calendar(rep.email)
    gong = GongStub(clock=gong_clock)
    with serve(calendar.app()) as calendar_url, serve(gong.app()) as gong_url:
        yield (Stubs(hubspot_world.fresh_stub(), calendar, gong, slack_world.fresh_stub()),
               calendar_url, gong_url, gong_clock)


@dataclass
class Setup:
    stubs: Stubs
    chain: Chain
    store: Store
    clock: Clock
    app: FastAPI


@pytest.fixture
def setup(stubs: tuple[Stubs, str, str, GongClock], tmp_path: Path) -> Setup:
    found, calendar_url, gong_url, gong_clock = stubs
    store = Store(f"sqlite:///{tmp_path / 'leadflow.db'}")
    clock = Clock(START)
    calendar = GoogleCalendar(user_http(found.calendar.tokens, calendar_url,
                                        connector="google_calendar"),
                              REPS, clock=clock, sleep=Sleeps())
    gong_api = GongApi(httpx.Client(timeout=10), base_url=gong_url,
                       access_key=SecretStr(found.gong.access_key),
                       access_key_secret=SecretStr(found.gong.access_key_secret),
                       limiter=RateLimiter(3, clock=gong_clock, sleep=gong_clock.sleep))
    connectors = Connectors(
        crm=hubspot_world.provisioned_crm(found.hubspot),
        calendar=calendar,
        transcripts=GongTranscripts(gong_api),
        notifier=slack_world.make_notifier(found.slack, store),
        extractor=OfflineExtractor(list(CAPABILITIES)),
    )

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"the chain tried to sleep {seconds} s")

    configured = Configured(config=default_config(), source="test", capabilities=CAPABILITIES)
    chain = Chain(store=store, connectors=connectors, configured=configured,
                  retry=RetrySettings(max_attempts=2, base_delay_s=0, max_delay_s=0),
                  clock=clock, sleep=no_sleep, max_concurrency=1)
    return Setup(found, chain, store, clock, create_app(web_settings(tmp_path), store, chain))


def deliver(client: TestClient, body: str) -> dict[str, Any]:
    """POST the submission to the intake route, signed now (as the Apps Script does)."""
    raw = body.encode()
    response = client.post("/intake/google_forms", content=raw, headers={
        "Content-Type": "application/json",
        "X-Leadflow-Signature": signature_header(SECRET, int(time.time()), raw,
                                                 source="google_forms")})
    assert response.status_code == 202, response.text
    return response.json()


def same_ids(answer: dict[str, Any], first: dict[str, Any]) -> bool:
    """A re-delivery answers with the first delivery's submission and lead."""
    return (answer["submission_id"], answer["lead_id"], answer["duplicate"]) == (
        first["submission_id"], first["lead_id"], True)


def drain(app: FastAPI) -> None:
    """What the app's background drainer does after intake: the received leads, plain runner."""
    asyncio.run(app.state.services.drainer.drain_once())


def run_chain(setup: Setup, lead_id: int) -> Progress:
    """The whole BANT spec for the lead, as `leadflow collect` resumes it (no Prefect)."""
    [progress] = asyncio.run(advance_leads(setup.chain, [lead_id], bant_steps(),
                                           max_concurrency=1))
    return progress


def events(stub: CalendarStub) -> list[dict[str, Any]]:
    return [event for calendar in stub.calendars.values() for event in calendar.values()]


def record_calls(stub: GongStub, meeting: Meeting, rep: Rep) -> str:
    """What Gong holds once the call happened: our call (under our Google event id) and its
    transcript, and a decoy: another call with the same lead, nearer the meeting's start, from
    another calendar event. Only a match by calendarEventId picks ours."""
    speakers = {"rep": ("Internal", rep.name, rep.email, "7001"),
                "lead": ("External", "Dana Whitfield", LEAD, "7002")}
    parties = [{"id": f"p{speaker_id}", "name": name, "emailAddress": email,
                "speakerId": speaker_id, "affiliation": affiliation}
               for affiliation, name, email, speaker_id in speakers.values()]

    def monologues(call: list[tuple[str, str]]) -> list[dict[str, Any]]:
        return [{"speakerId": speakers[who][3], "topic": None, "sentences": [
            {"start": index * 10_000, "end": index * 10_000 + 8_000, "text": text}]}
            for index, (who, text) in enumerate(call)]

    stub.add_call(started=meeting.start_at.isoformat(), parties=parties,
                  calendar_event_id="someothereventid0", transcript=monologues(DECOY))
    return stub.add_call(started=(meeting.start_at + timedelta(minutes=2)).isoformat(),
                         parties=parties, calendar_event_id=meeting.id,
                         meeting_url=meeting.join_url, transcript=monologues(CALL))


def assert_nothing_duplicated(stubs: Stubs) -> None:
    records = stubs.hubspot.objects.records
    assert len(records["contacts"]) == 1
    assert len(records["deals"]) == 1
    assert len(records["notes"]) == 1  # "Intro call booked ..." on the contact and the deal
    assert len(events(stubs.calendar)) == 1
    inserts = [path for method, path, _ in stubs.calendar.log
               if method == "POST" and path.endswith("/events")]
    assert len(inserts) == 1


def forget_notify_step(store: Store, lead_id: int) -> None:
    """As if the process died after Slack answered but before the step's outcome was stored."""
    with store.session() as session:
        for run in session.exec(select(StepRun).where(StepRun.lead_id == lead_id)):
            if run.key.endswith(".notify"):
                session.delete(run)


def test_the_whole_chain_on_real_connectors_runs_twice_without_duplicates(setup: Setup) -> None:
    stubs, body = setup.stubs, submission(0)
    client = TestClient(setup.app, base_url="http://127.0.0.1")  # no lifespan: we drain

    # 1. The signed webhook, then the drainer: contact, deal, meeting; waits for the call.
    first = deliver(client, body)
    assert first["duplicate"] is False
    drain(setup.app)
    with setup.store.session(write=False) as session:
        lead = get_lead(session, first["lead_id"])
    assert lead is not None and lead.state == "awaiting_transcript"
    assert_nothing_duplicated(stubs)
    [event] = events(stubs.calendar)
    assert lead.meeting_id == event["id"]
    rep = next(r for r in REPS if r.id == lead.rep)
    assert event["organizer"]["email"] == rep.email  # booked on that rep's calendar
    assert [a["email"] for a in event["attendees"]] == [LEAD, rep.email]
    contact_id, deal_id = lead.crm_contact_id, lead.crm_deal_id
    assert contact_id in stubs.hubspot.objects.records["contacts"]
    assert deal_id in stubs.hubspot.objects.records["deals"]

    # 2. Re-delivered and re-run before the meeting: same ids, nothing new anywhere.
    calls_before = (len(stubs.hubspot.requests), len(stubs.calendar.log))
    again = deliver(client, body)
    assert again["duplicate"] is True and same_ids(again, first)
    drain(setup.app)
    assert run_chain(setup, first["lead_id"]).waiting_at == "transcript"
    assert_nothing_duplicated(stubs)
    assert stubs.slack.posts == [] and stubs.gong.log == []  # the meeting has not ended
    # Every step was already done: not even a read reached HubSpot or Google.
    assert (len(stubs.hubspot.requests), len(stubs.calendar.log)) == calls_before

    # 3. The call happens; Gong records it under our Google event id.
    meeting = Meeting(id=event["id"], rep_id=rep.id, lead_email=LEAD, title=event["summary"],
                      start_at=lead.meeting_start_at, end_at=lead.meeting_end_at,
                      join_url=event.get("hangoutLink"))
    record_calls(stubs.gong, meeting, rep)
    setup.clock.now = lead.meeting_end_at + timedelta(minutes=30)
    progress = run_chain(setup, first["lead_id"])
    assert progress.finished, progress

    with setup.store.session(write=False) as session:
        scored = get_lead(session, first["lead_id"])
    assert scored is not None and scored.state == "scored"
    properties = stubs.hubspot.objects.records["contacts"][contact_id]["properties"]
    assert properties["email"] == LEAD
    assert properties["leadflow_score"] == "100"
    assert properties["leadflow_band"] == "Good"
    assert properties["leadflow_review_status"] == "final"
    tiers = {c: properties[f"leadflow_{c}_tier"] for c in ("budget", "authority", "need",
                                                           "timeline")}
    assert tiers == {"budget": "$100k+", "authority": "C-level", "need": "full match",
                     "timeline": "within 3 months"}
    assert len(stubs.slack.posts) == 1
    post = stubs.slack.posts[0]
    assert post["channel"] == CHANNEL and "100/100 (Good)" in post["text"]

    # 4. Re-delivered and re-run after the meeting: every step is already done.
    calls_before = (len(stubs.hubspot.requests), len(stubs.calendar.log), len(stubs.gong.log))
    assert same_ids(deliver(client, body), first)
    drain(setup.app)
    assert run_chain(setup, first["lead_id"]).finished
    assert_nothing_duplicated(stubs)
    assert len(stubs.slack.posts) == 1 and stubs.slack.updates == []
    assert (len(stubs.hubspot.requests), len(stubs.calendar.log), len(stubs.gong.log)) == \
        calls_before
    assert stubs.hubspot.objects.records["contacts"][contact_id]["properties"][
        "leadflow_score"] == "100"

    # 5. The notify step replayed after its record was lost: the notifier finds the message it
    #    posted; unchanged, it is left alone; with the lead's name corrected, it is edited.
    forget_notify_step(setup.store, first["lead_id"])
    assert run_chain(setup, first["lead_id"]).finished
    assert len(stubs.slack.posts) == 1 and stubs.slack.updates == []
    forget_notify_step(setup.store, first["lead_id"])
    with setup.store.session() as session:
        update_lead(session, first["lead_id"], name="Dana Whitfield")
    assert run_chain(setup, first["lead_id"]).finished
    assert len(stubs.slack.posts) == 1
    [update] = stubs.slack.updates
    assert update["ts"] == post["ts"] and update["text"].startswith("Dana Whitfield: 100/100")
    assert len(stubs.slack.messages) == 1
    assert_nothing_duplicated(stubs)
