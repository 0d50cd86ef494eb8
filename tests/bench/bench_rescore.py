"""Rescore 100,000 SQLite-stored leads after a weight change (target < 5 s, reads and writes).

Seeding (submissions, leads, extractions with evidence, and a first score under the default
config) is not timed; the timed part is `rescore_all` under the changed weights.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from leadflow.rescore import rescore_all
from leadflow.store import ExtractionRow, Lead, Store, Submission
from leadflow.store.types import RawJSON, utc_now
from scoring.bant import BantAnswers
from scoring.config import ScoringConfig, default_config, parse_config

LEADS = 100_000
TARGET_S = 5.0
_WORDS = "we need a tool for pipeline visibility forecasting and reporting across teams"


def changed_weights() -> ScoringConfig:
    """The default config with Budget 35 / Need 20 (tiers adjusted to the new weights)."""
    data = default_config().model_dump(mode="json")
    data["weights"] = {"budget": 35, "authority": 25, "need": 20, "timeline": 20}
    data["tiers"]["budget"][0]["points"] = 35
    data["tiers"]["need"][0]["points"] = 20
    return parse_config(data)


def _quote(rng: random.Random) -> list[dict[str, Any]]:
    start = rng.randrange(0, 20_000)
    text = " ".join(rng.choices(_WORDS.split(), k=rng.randrange(4, 14)))
    return [
        {
            "quote": text,
            "speaker": "Lead",
            "start_char": start,
            "end_char": start + len(text),
            "verified": True,
        }
    ]


def answers_json(rng: random.Random) -> str:
    """One realistic answer set (every kind, with evidence quotes) as JSON text."""
    kind = rng.choices(["amount", "range", "no_budget", "unknown"], weights=[60, 15, 5, 20])[0]
    budget: dict[str, Any] = {"kind": kind}
    if kind == "amount":
        budget |= {"amount": str(rng.randrange(0, 400_000, 500)), "currency": "USD"}
    elif kind == "range":
        low = rng.randrange(0, 300_000, 1_000)
        budget |= {"minimum": str(low), "maximum": str(low + 50_000), "currency": "USD"}
    if kind != "unknown":
        budget["evidence"] = _quote(rng)
    stated_on = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
    timeline: dict[str, Any] = rng.choice(
        [
            {"kind": "months", "months": str(rng.randrange(1, 18)), "evidence": _quote(rng)},
            {
                "kind": "date",
                "by_date": str(stated_on + timedelta(days=rng.randrange(10, 400))),
                "evidence": _quote(rng),
            },
            {"kind": "unknown"},
        ]
    )
    data = {
        "budget": budget,
        "authority": {
            "level": rng.choice(
                ["c_level", "vp_director", "manager", "individual_contributor", "unknown"]
            ),
            "title": "Head of Sales",
            "evidence": _quote(rng),
        },
        "need": {
            "level": rng.choice(["full", "partial", "low", "unknown"]),
            "stated_needs": ["forecasting"],
            "evidence": _quote(rng),
        },
        "timeline": timeline,
        "stated_on": str(stated_on),
    }
    return BantAnswers.model_validate(data).model_dump_json()


def seed_leads(store: Store, count: int, *, seed: int = 11, batch: int = 10_000) -> None:
    """Insert `count` submissions, leads and extractions in bulk (ids start after existing ones)."""
    rng = random.Random(seed)
    now = utc_now()
    with store.session() as session:
        connection = session.connection()
        base = connection.scalar(sa.select(sa.func.coalesce(sa.func.max(Lead.__table__.c.id), 0)))
        base_sub = connection.scalar(
            sa.select(sa.func.coalesce(sa.func.max(Submission.__table__.c.id), 0))
        )
    for offset in range(0, count, batch):
        ids = range(offset + 1, min(offset + batch, count) + 1)
        with store.session() as session:
            connection = session.connection()
            connection.execute(
                sa.insert(Submission.__table__),
                [
                    {
                        "id": base_sub + i,
                        "source": "bench",
                        "source_submission_id": f"b{base_sub + i}",
                        "raw_payload": "{}",
                        "received_at": now,
                        "status": "accepted",
                    }
                    for i in ids
                ],
            )
            connection.execute(
                sa.insert(Lead.__table__),
                [
                    {
                        "id": base + i,
                        "submission_id": base_sub + i,
                        "email": f"lead{base + i}@example.com",
                        "rep": f"rep{i % 7}",
                        "state": "scored",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            connection.execute(
                sa.insert(ExtractionRow.__table__),
                [
                    {
                        "lead_id": base + i,
                        "transcript_hash": f"t{base + i}",
                        "extractor": "offline",
                        "answers": RawJSON(answers_json(rng)),
                        "fields": {},
                        "flags": [],
                        "needs_review": False,
                        "created_at": now,
                    }
                    for i in ids
                ],
            )
    if store.dialect == "postgresql":  # explicit ids leave the id sequences behind
        with store.session() as session:
            for table in ("submissions", "leads", "extractions"):
                session.connection().exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )


def run() -> list[dict[str, Any]]:
    """Seed 100,000 leads, score them once, change a weight and time the rescore."""
    with tempfile.TemporaryDirectory(prefix="leadflow-bench-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            seed_leads(store, LEADS)
            first = rescore_all(store, default_config())
            started = time.perf_counter()
            report = rescore_all(store, changed_weights())
            seconds = time.perf_counter() - started
        finally:
            store.close()
    ok = seconds < TARGET_S and report.leads == LEADS and first.rescored == LEADS
    return [
        {
            "name": "rescore 100k leads after a weight change",
            "value": round(seconds, 2),
            "unit": "s",
            "target": TARGET_S,
            "ok": ok,
        },
        {
            "name": "rescore throughput",
            "value": round(LEADS / seconds),
            "unit": "leads/s",
            "target": round(LEADS / TARGET_S),
            "ok": ok,
        },
        {
            "name": "scores written by the rescore",
            "value": report.rescored,
            "unit": "rows",
            "target": None,
            "ok": report.rescored > 0,
        },
    ]


if __name__ == "__main__":
    for result in run():
        print(result)
