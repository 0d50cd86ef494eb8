"""Pure scoring throughput: 1,000,000 varied answer sets under one config (target 200,000/s).

Rescoring every stored lead after a weight change runs this path (DESIGN invariant 1).
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from scoring.bant import BantAnswers
from scoring.config import ScoringConfig, default_config
from scoring.engine import Scorer

LEADS = 1_000_000
# Distinct answer sets, cycled to LEADS: building 1M pydantic models would time the setup,
# not the scoring. The Scorer is compiled inside the timing, so its memos start cold.
POOL = 50_000
TARGET_PER_S = 200_000


def varied_answers(count: int, seed: int = 7) -> list[BantAnswers]:
    """`count` answer sets spread over every kind, tier, currency and boundary."""
    rng = random.Random(seed)
    return [BantAnswers.model_validate(_one(rng)) for _ in range(count)]


def _amount(rng: random.Random) -> Decimal:
    roll = rng.random()
    if roll < 0.7:  # people mostly state round numbers
        return Decimal(rng.randrange(0, 500_001, 5_000))
    if roll < 0.9:
        return Decimal(rng.randrange(0, 300_000))
    return Decimal(rng.randrange(0, 30_000_000)) / 100


def _one(rng: random.Random) -> dict[str, Any]:
    currency = rng.choices(["USD", "EUR", "BRL"], weights=[85, 10, 5])[0]
    kind = rng.choices(["amount", "range", "no_budget", "unknown"], weights=[60, 15, 5, 20])[0]
    budget: dict[str, Any] = {"kind": kind}
    if kind == "amount":
        budget |= {"amount": _amount(rng), "currency": currency}
    elif kind == "range":
        low = _amount(rng)
        budget |= {"minimum": low, "maximum": low + _amount(rng), "currency": currency}
    stated_on = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
    timeline_kind = rng.choices(["months", "date", "unknown"], weights=[60, 20, 20])[0]
    timeline: dict[str, Any] = {"kind": timeline_kind}
    if timeline_kind == "months":
        timeline["months"] = Decimal(rng.randrange(0, 49)) / 2
    elif timeline_kind == "date":
        timeline["by_date"] = stated_on + timedelta(days=rng.randrange(0, 400))
    return {
        "budget": budget,
        "authority": {
            "level": rng.choice(
                ["c_level", "vp_director", "manager", "individual_contributor", "unknown"]
            )
        },
        "need": {"level": rng.choice(["full", "partial", "low", "unknown"])},
        "timeline": timeline,
        "stated_on": stated_on if rng.random() < 0.9 else None,
    }


def run() -> list[dict[str, Any]]:
    """Score LEADS answer sets once; report leads per second."""
    config = ScoringConfig.model_validate(
        default_config().model_dump() | {"fx_rates": {"EUR": Decimal("1.08")}}
    )
    pool = varied_answers(POOL)
    leads = [pool[index % POOL] for index in range(LEADS)]
    started = time.perf_counter()
    scores = Scorer(config).score_many(leads)
    elapsed = time.perf_counter() - started
    assert len(scores) == LEADS
    rate = LEADS / elapsed
    return [
        {
            "name": f"score {LEADS:,} answer sets",
            "value": round(rate),
            "unit": "leads/s",
            "target": TARGET_PER_S,
            "ok": rate >= TARGET_PER_S,
        }
    ]
