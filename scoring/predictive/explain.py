"""Why a model scores a lead as it does: the same method for every model.

A field's effect on one lead is how much the model's log-odds drop when that field alone is set
to its typical value (the median number, the most common category). The top features overall
are the fields with the largest mean absolute effect over a sample of leads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Reason:
    """One field's push on one lead's score, in log-odds (positive raises the score)."""

    field: str
    value: str
    typical: str
    effect: float

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.field} = {self.value} ({self.effect:+.2f} vs typical {self.typical})"


@dataclass(frozen=True)
class Explanation:
    """The top reasons up and down for one lead."""

    up: list[Reason]
    down: list[Reason]

    def as_dict(self) -> dict:
        return {"up": [r.as_dict() for r in self.up], "down": [r.as_dict() for r in self.down]}


def typical_row(x: np.ndarray, n_numeric: int) -> np.ndarray:
    """The reference lead: the median of each numeric field, the mode of each categorical."""
    out = np.empty(x.shape[1], dtype=object)
    for j in range(x.shape[1]):
        if j < n_numeric:
            column = np.asarray(x[:, j], dtype=float)
            present = column[~np.isnan(column)]
            out[j] = float(np.median(present)) if len(present) else np.nan
        else:
            out[j] = Counter(x[:, j]).most_common(1)[0][0]
    return out


def effects(model, x: np.ndarray, typical: np.ndarray) -> np.ndarray:
    """Per row and field, the log-odds change that field's value causes against `typical`."""
    n, p = x.shape
    base = model.decision_function(x)
    stacked = np.repeat(x, p, axis=0)
    field = np.tile(np.arange(p), n)
    stacked[np.arange(n * p), field] = typical[field]
    moved = model.decision_function(stacked).reshape(n, p)
    return base[:, None] - moved


def top_features(
    model, x: np.ndarray, names: list[str], typical: np.ndarray, *, sample: int = 400, seed: int = 0
) -> list[tuple[str, float]]:
    """Fields by mean absolute effect on a random sample of rows, largest first."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(x), size=min(sample, len(x)), replace=False)
    mean_abs = np.abs(effects(model, x[rows], typical)).mean(axis=0)
    order = np.argsort(-mean_abs)
    return [(names[j], float(mean_abs[j])) for j in order]


def explain(
    model, x: np.ndarray, names: list[str], typical: np.ndarray, *, top: int = 5
) -> list[Explanation]:
    """The `top` reasons each way for every row of `x`."""
    table = effects(model, x, typical)
    out = []
    for row, row_effects in zip(x, table, strict=True):
        order = np.argsort(-row_effects)
        reasons = [
            Reason(names[j], _show(row[j]), _show(typical[j]), float(row_effects[j])) for j in order
        ]
        up = [r for r in reasons if r.effect > 1e-9][:top]
        down = [r for r in reversed(reasons) if r.effect < -1e-9][:top]
        out.append(Explanation(up, down))
    return out


def _show(value: object) -> str:
    if isinstance(value, float):
        return "missing" if np.isnan(value) else f"{value:g}"
    return str(value)
