"""Shared fixtures: small synthetic lead histories with a known signal, written as CSV files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

BANK = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "bank_marketing"
BANK_FULL = BANK / "bank-additional-full.csv"

TITLES = ["CEO", "VP Sales", "Manager", "Analyst", "Select"]
NEEDS = ["full", "partial", "low", ""]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "bank_full: trains on the whole bank-marketing file (about 15 s)"
    )


def synthetic_rows(n: int, seed: int = 0) -> list[dict[str, str]]:
    """Leads whose outcome depends on authority, budget, need and a region, plus noise; the
    `call_minutes` column is filled after the call and nearly gives the outcome away."""
    rng = np.random.default_rng(seed)
    rows = []
    start = date(2024, 1, 1)
    for i in range(n):
        title = TITLES[rng.integers(len(TITLES))]
        need = NEEDS[rng.integers(len(NEEDS))]
        budget = float(rng.choice([20_000, 60_000, 150_000]))
        months = int(rng.integers(1, 13))
        region = str(rng.choice(["north", "south", "east"]))
        z = (
            -3.0
            + {"CEO": 2.4, "VP Sales": 1.5, "Manager": 0.6}.get(title, 0.0)
            + (1.2 if budget >= 100_000 else 0.5 if budget >= 50_000 else 0.0)
            + {"full": 1.3, "partial": 0.6}.get(need, 0.0)
            + (0.7 if region == "north" else 0.0)
            - 0.08 * months
        )
        won = rng.random() < 1 / (1 + np.exp(-z))
        rows.append(
            {
                "lead_id": f"L{i:05d}",
                "created": (start + timedelta(days=i // 3)).isoformat(),
                "title": title,
                "budget": f"{budget:.0f}" if rng.random() > 0.1 else "",
                "need": need,
                "timeline_months": str(months),
                "region": region,
                "age": str(int(rng.integers(25, 65))),
                "call_minutes": f"{(30 if won else 8) + rng.normal(0, 3):.1f}",
                "outcome": "won" if won else "lost",
            }
        )
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    header = list(rows[0])
    lines = [delimiter.join(header)]
    lines += [delimiter.join(row[k] for k in header) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """600 synthetic leads as a `,` CSV."""
    return write_csv(tmp_path / "history.csv", synthetic_rows(600))


@pytest.fixture
def mapping_file(tmp_path: Path) -> Path:
    """A mapping marking call_minutes post-outcome, with BANT rule columns."""
    path = tmp_path / "mapping.yaml"
    path.write_text(
        """
drop: [lead_id]
post_outcome:
  call_minutes: "length of the sales call"
rules:
  bant:
    budget_amount: budget
    authority_level: title
    authority_values: {CEO: c_level, VP Sales: vp_director, Manager: manager,
                       Analyst: individual_contributor}
    need_level: need
    timeline_months: timeline_months
""",
        encoding="utf-8",
    )
    return path
