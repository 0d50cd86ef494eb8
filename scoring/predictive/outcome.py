"""Turn an outcome column into labels: 1 for a positive outcome (won, yes), 0 otherwise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from leadflow.errors import InputError
from scoring.predictive.table import MISSING_TOKENS, Table

_POSITIVE_WORDS = ("yes", "y", "true", "1", "won", "win", "success", "converted", "closed won")


@dataclass(frozen=True)
class Outcome:
    """Labels for the rows kept (`rows` indexes the table), and what was decided on the way."""

    column: str
    positive: str
    labels: np.ndarray
    rows: np.ndarray
    notes: list[str]

    @property
    def n_positive(self) -> int:
        return int(self.labels.sum())


def read_outcome(
    table: Table, column: str, positive: str | None = None, negative: list[str] | None = None
) -> Outcome:
    """Labels from `column`; rows with a missing outcome (or neither value) are left out."""
    if column not in table.columns:
        raise InputError(
            f"no outcome column {column!r} in {table.source} (columns: {', '.join(table.columns)})"
        )
    raw = [str(v).strip() for v in table[column].raw]
    lowered = np.array([v.lower() for v in raw], dtype=object)
    present = np.array([v not in MISSING_TOKENS for v in lowered], dtype=bool)
    counts = Counter(lowered[present])
    if not counts:
        raise InputError(f"outcome column {column!r} has no values")
    positive_value = _choose_positive(column, counts, positive)
    notes: list[str] = []
    is_positive = lowered == positive_value
    keep = present.copy()
    if negative:
        negatives = {v.strip().lower() for v in negative}
        keep &= is_positive | np.isin(lowered, list(negatives))
        left_out = sorted(set(counts) - negatives - {positive_value})
        if left_out:
            notes.append(f"outcome values left out (neither positive nor negative): {left_out}")
    else:
        others = sorted(set(counts) - {positive_value})
        if len(others) > 1:
            notes.append(
                f"outcome {positive_value!r} is positive; all of {others} count as negative "
                "(use --negative to keep only some)"
            )
    if (~present).any():
        notes.append(f"{int((~present).sum())} rows with a missing outcome were left out")
    rows = np.flatnonzero(keep)
    labels = is_positive[rows].astype(np.int8)
    n_pos = int(labels.sum())
    if n_pos == 0 or n_pos == len(labels):
        raise InputError(
            f"outcome column {column!r}: every kept row has the same outcome "
            f"(positive value {positive_value!r}); both outcomes are needed"
        )
    return Outcome(column, positive_value, labels, rows, notes)


def _choose_positive(column: str, counts: Counter, positive: str | None) -> str:
    if positive is not None:
        wanted = positive.strip().lower()
        if wanted not in counts:
            shown = ", ".join(sorted(counts)[:10])
            raise InputError(f"outcome column {column!r} has no value {positive!r} (has: {shown})")
        return wanted
    for word in _POSITIVE_WORDS:
        if word in counts:
            return word
    shown = ", ".join(sorted(counts)[:10])
    raise InputError(
        f"cannot tell the positive outcome of column {column!r} (values: {shown}); "
        "pass --positive VALUE"
    )
