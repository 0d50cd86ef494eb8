"""Which columns become features, why the others do not, and the design matrix.

Post-outcome columns (filled only after the sales contact: a call's duration, a sales tag) make a
model look far better in a backtest than it can be on a new lead, so they are left out unless
forced in, and forcing them in is reported as leakage. A column that predicts the outcome almost
on its own is flagged too: it is the usual sign of a post-outcome column nobody marked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scoring.predictive.metrics import auc
from scoring.predictive.table import MISSING_TOKENS, ColumnKind, Table

MISSING_LABEL = "(missing)"
#: A single column with an AUC this high on its own is flagged as possible leakage.
LEAKAGE_AUC = 0.8
_MAX_MISSING_SHARE = 0.99


@dataclass(frozen=True)
class Exclusion:
    column: str
    reason: str


@dataclass(frozen=True)
class FeaturePlan:
    """The feature columns (numeric first, then categorical) and every column left out."""

    numeric: list[str]
    categorical: list[str]
    excluded: list[Exclusion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    missing_tokens: frozenset[str] = MISSING_TOKENS
    column_missing: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [*self.numeric, *self.categorical]


def plan_features(
    table: Table,
    labels: np.ndarray,
    rows: np.ndarray,
    *,
    outcome: str,
    time_column: str | None = None,
    drop: Iterable[str] = (),
    post_outcome: Mapping[str, str] | None = None,
    include_post_outcome: bool = False,
    extra_missing: Iterable[str] = (),
    column_missing: Mapping[str, Iterable[str]] | None = None,
) -> FeaturePlan:
    """Decide the feature columns for `table` restricted to `rows` with outcome `labels`."""
    post_outcome = dict(post_outcome or {})
    dropped = set(drop)
    numeric: list[str] = []
    categorical: list[str] = []
    excluded: list[Exclusion] = []
    warnings: list[str] = []
    leaked: list[str] = []
    n = len(rows)
    for name, column in table.columns.items():
        reason = None
        if name == outcome:
            reason = "the outcome"
        elif name == time_column:
            reason = "the time column (orders the evaluation)"
        elif name in dropped:
            reason = "dropped in the mapping"
        elif name in post_outcome and not include_post_outcome:
            reason = f"post-outcome: {post_outcome[name]}"
        if reason is None:
            reason = _unusable(column.kind, column.values[rows], n)
        if reason is not None:
            excluded.append(Exclusion(name, reason))
            continue
        values = column.values[rows]
        if name in post_outcome:
            leaked.append(name)
            warnings.append(
                f"LEAKAGE: post-outcome column {name!r} ({post_outcome[name]}) is used as a "
                "feature; these metrics overstate what the model can do on a new lead"
            )
        else:
            alone = _single_column_auc(column.kind, values, labels)
            if alone >= LEAKAGE_AUC:
                warnings.append(
                    f"possible leakage: column {name!r} alone predicts the outcome with AUC "
                    f"{alone:.2f}; if it is filled after the sales contact, mark it post_outcome"
                )
        (numeric if column.kind is ColumnKind.NUMERIC else categorical).append(name)
    tokens = MISSING_TOKENS | {t.strip().lower() for t in extra_missing}
    per_column = {
        k: frozenset(v.strip().lower() for v in vs) for k, vs in (column_missing or {}).items()
    }
    return FeaturePlan(
        numeric, categorical, excluded, warnings, leaked, frozenset(tokens), per_column
    )


def _unusable(kind: ColumnKind, values: np.ndarray, n: int) -> str | None:
    if kind is ColumnKind.DATE:
        return "a date column (not used as a feature)"
    if kind is ColumnKind.CATEGORICAL:
        present = [v for v in values if v is not None]
        distinct = len(set(present))
    else:
        present = values[~np.isnan(values)]
        distinct = len(np.unique(present))
    if len(present) == 0 or len(present) < n * (1 - _MAX_MISSING_SHARE):
        return f"missing in {100 * (1 - len(present) / max(n, 1)):.0f}% of rows"
    if distinct <= 1 and len(present) == n:
        return "the same value in every row"
    if kind is ColumnKind.CATEGORICAL and distinct > max(50, 0.5 * len(present)):
        return f"identifier-like ({distinct} distinct values)"
    return None


def _single_column_auc(kind: ColumnKind, values: np.ndarray, labels: np.ndarray) -> float:
    if kind is ColumnKind.NUMERIC:
        filled = np.where(np.isnan(values), np.nanmedian(values), values)
        score = filled
    else:
        keys = np.array([MISSING_LABEL if v is None else v for v in values], dtype=object)
        levels, codes = np.unique(keys, return_inverse=True)
        if len(levels) > 50:
            return 0.5
        rates = np.bincount(codes, weights=labels, minlength=len(levels)) / np.bincount(codes)
        score = rates[codes]
    a = auc(labels, score)
    return max(a, 1 - a)


def design_matrix(table: Table, plan: FeaturePlan, rows: np.ndarray | None = None) -> np.ndarray:
    """An object array, one column per feature: floats (NaN = missing), then category text."""
    n = table.n_rows if rows is None else len(rows)
    out = np.empty((n, len(plan.names)), dtype=object)
    for j, name in enumerate(plan.names):
        values = table[name].values if rows is None else table[name].values[rows]
        if j < len(plan.numeric):
            out[:, j] = values
        else:
            out[:, j] = [MISSING_LABEL if v is None else v for v in values]
    return out


def records_matrix(records: Iterable[Mapping[str, Any]], plan: FeaturePlan) -> np.ndarray:
    """The design matrix of new leads given as dicts (field name -> value, as in the CSV)."""
    records = list(records)
    out = np.empty((len(records), len(plan.names)), dtype=object)
    for i, record in enumerate(records):
        for j, name in enumerate(plan.names):
            value = record.get(name)
            text = "" if value is None else str(value).strip()
            lowered = text.lower()
            missing = lowered in plan.missing_tokens or lowered in plan.column_missing.get(
                name, frozenset()
            )
            if j < len(plan.numeric):
                try:
                    out[i, j] = np.nan if missing else float(text)
                except ValueError:
                    out[i, j] = np.nan
            else:
                out[i, j] = MISSING_LABEL if missing else text
    return out
