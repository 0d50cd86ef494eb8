"""A seeded world for the web tests and the browser test: leads on fakes, users of every role.

Lead 1 (rep-ny) has a flagged extraction (budget ambiguous: "$40,000, maybe more"), lead 2
(rep-ny) a clean one, lead 3 (rep-lx) a clean one, lead 4 (rep-lx) awaits its transcript.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr

from connectors.base import Rep
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.engine import bant_steps
from leadflow.settings import Settings, WebSettings
from leadflow.store.leads import update_lead
from leadflow.web.accounts import add_token, add_user
from scoring.bant import (
    AuthorityAnswer,
    AuthorityLevel,
    BantAnswers,
    BudgetAnswer,
    BudgetKind,
    NeedAnswer,
    NeedLevel,
    TimelineAnswer,
    TimelineKind,
)
from scoring.evidence import Evidence
from scoring.extraction import Candidate, Extraction, FieldResult, FieldStatus, Flag, FlagKind
from scoring.transcript import Segment, Transcript
from tests.flows.world import START, World, build_world, submission

SECRET = "intake-secret-1"
OLD_SECRET = "intake-secret-0"
PASSWORD = "correct horse battery"
USERS = {"olga": ("ops", None), "rita": ("reviewer", None), "nick": ("rep", "rep-ny"),
         "lena": ("rep", "rep-lx")}

TRANSCRIPT = Transcript(segments=[
    Segment(speaker="Rep", text="Thanks for joining. What budget are you working with?"),
    Segment(speaker="Lead", text="We set aside $40,000, maybe more next quarter."),
    Segment(speaker="Rep", text="And who signs off?"),
    Segment(speaker="Lead", text="I am the VP of Sales, so it is my call."),
    Segment(speaker="Lead", text="We need lead scoring and CRM integration, and we want it "
                                 "live within 3 months."),
])


def extraction(*, flagged: bool) -> Extraction:
    """VP, full need, 3 months; budget $40,000 (flagged ambiguous when `flagged`)."""
    def quote(text: str) -> list[Evidence]:
        return [Evidence(quote=text, speaker="Lead")]

    answers = BantAnswers(
        budget=BudgetAnswer(kind=BudgetKind.AMOUNT, amount=Decimal(40000), currency="USD",
                            evidence=quote("We set aside $40,000, maybe more")),
        authority=AuthorityAnswer(level=AuthorityLevel.VP_DIRECTOR, title="VP of Sales",
                                  evidence=quote("I am the VP of Sales")),
        need=NeedAnswer(level=NeedLevel.FULL, stated_needs=["lead scoring"],
                        evidence=quote("We need lead scoring and CRM integration")),
        timeline=TimelineAnswer(kind=TimelineKind.MONTHS, months=Decimal(3),
                                evidence=quote("live within 3 months")),
    )
    fields = {c: FieldResult(status=FieldStatus.FOUND, confidence=0.9) for c in answers.__class__
              .model_fields if c != "stated_on"}
    flags = []
    if flagged:
        fields["budget"] = FieldResult(
            status=FieldStatus.AMBIGUOUS, confidence=0.4,
            candidates=[Candidate(value="40000 USD", label="40,000 USD",
                                  quote="We set aside $40,000, maybe more next quarter.")])
        flags = [Flag(kind=FlagKind.AMBIGUOUS, criterion="budget",
                      detail="budget: '$40,000, maybe more' is vague")]
    return Extraction(answers=answers, fields=fields, flags=flags, extractor="scripted",
                      model="test-model", prompt_version="p-v1")


def web_settings(folder: Path, **web: object) -> Settings:
    """Settings for a test app: two intake secrets, a fixed session secret, plain runner."""
    options: dict[str, object] = {
        "intake_secrets": [SecretStr(SECRET), SecretStr(OLD_SECRET)],
        "session_secret": SecretStr("session-secret"), "runner": "plain",
        "audit_sample_percent": 100, "drain_interval_s": 0.2, **web}
    return Settings(data_dir=folder, web=WebSettings.model_validate(options))


@dataclass
class Seeded:
    """The world and the API tokens of the seeded users."""

    world: World
    tokens: dict[str, str]


def seed(folder: Path) -> Seeded:
    """A world with four leads (see the module docstring) and one user of each kind."""
    reps = [Rep(id="rep-ny", name="Nick", email="nick@example.com", time_zone="America/New_York"),
            Rep(id="rep-lx", name="Lena", email="lena@example.com", time_zone="Europe/Lisbon")]
    world = build_world(folder, reps=reps, max_concurrency=1)
    ids = []
    for index in range(4):
        received = receive(world.store, "google_forms", submission(index))
        assert received.lead_id is not None
        ids.append(received.lead_id)
    asyncio.run(advance_leads(world.chain, ids, bant_steps(), max_concurrency=1))
    world.clock.now += timedelta(days=3)
    for index, flagged in ((0, True), (1, False), (2, False)):
        world.transcripts.add(TRANSCRIPT, lead_email=f"lead{index}@example.com")
        world.extractor.queue(extraction(flagged=flagged))
        asyncio.run(advance_leads(world.chain, [ids[index]], bant_steps(), max_concurrency=1))
    with world.store.session() as session:
        for lead_id, rep in zip(ids, ("rep-ny", "rep-ny", "rep-lx", "rep-lx"), strict=True):
            update_lead(session, lead_id, rep=rep)
        for name, (role, rep_id) in USERS.items():
            add_user(session, name, PASSWORD, role, rep_id=rep_id)
        tokens = {name: add_token(session, name, "test") for name in USERS}
    # Back to before the calls, so new test submissions propose times in the future.
    world.clock.now = START
    return Seeded(world, tokens)
