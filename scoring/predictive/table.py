"""Read a history CSV into typed columns: sniff the delimiter, treat placeholders as missing.

A history file comes from anywhere (a CRM export, a spreadsheet, a public data set), so nothing
is assumed: the delimiter is sniffed (`;`, `,`, tab or `|`), values such as `Select`, `unknown`
and empty strings count as missing, and each column is typed as numeric, date or categorical
from the values it holds.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np

from leadflow.errors import InputError

#: Values that mean "nobody filled this in", compared after strip() and lower().
MISSING_TOKENS = frozenset(
    {"", "select", "-- select --", "unknown", "n/a", "na", "nan", "null", "?"}
)

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")
_EPOCH = date(1970, 1, 1)


class ColumnKind(StrEnum):
    NUMERIC = "numeric"
    DATE = "date"
    CATEGORICAL = "categorical"


@dataclass(frozen=True)
class Column:
    """One typed column. `values` is float (NaN = missing; dates as days since 1970-01-01) for
    numeric and date columns, and an object array of str or None for categorical ones.
    `raw` keeps the stripped text as read, for the outcome and the rule mapping."""

    name: str
    kind: ColumnKind
    values: np.ndarray
    raw: np.ndarray

    @property
    def missing(self) -> np.ndarray:
        """A boolean mask of the missing values."""
        if self.kind is ColumnKind.CATEGORICAL:
            return np.array([v is None for v in self.values], dtype=bool)
        return np.isnan(self.values)

    def take(self, rows: np.ndarray) -> Column:
        """The same column restricted to `rows` (indices or a mask)."""
        return Column(self.name, self.kind, self.values[rows], self.raw[rows])


@dataclass(frozen=True)
class Table:
    """A history file: named typed columns in file order, with where it came from."""

    columns: dict[str, Column]
    source: str
    delimiter: str
    sha256: str
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        first = next(iter(self.columns.values()), None)
        return 0 if first is None else len(first.values)

    def __getitem__(self, name: str) -> Column:
        return self.columns[name]

    def take(self, rows: np.ndarray) -> Table:
        """The same table restricted to `rows`."""
        cols = {name: col.take(rows) for name, col in self.columns.items()}
        return Table(cols, self.source, self.delimiter, self.sha256, list(self.notes))


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: `;`, `,`, tab or `|` (`,` when nothing is conclusive)."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in ";,\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def load_table(
    path: Path | str,
    *,
    missing_values: Iterable[str] = (),
    column_missing_values: Mapping[str, Iterable[str]] | None = None,
    rename: Mapping[str, str] | None = None,
) -> Table:
    """Read and type a CSV file; raises InputError when it cannot be read as a table."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the history file ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return parse_table(
        text,
        source=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        missing_values=missing_values,
        column_missing_values=column_missing_values,
        rename=rename,
    )


def parse_table(
    text: str,
    *,
    source: str = "<text>",
    sha256: str | None = None,
    missing_values: Iterable[str] = (),
    column_missing_values: Mapping[str, Iterable[str]] | None = None,
    rename: Mapping[str, str] | None = None,
) -> Table:
    """Type the CSV `text`; see `load_table`."""
    delimiter = sniff_delimiter(text[:20_000])
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:  # a NUL byte, a binary file read as latin-1
        raise InputError(f"{source}: not a CSV table ({exc})") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise InputError(f"{source}: no data rows (a header line and at least one row needed)")
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    width = len(header)
    if len(set(header)) != width or any(not h for h in header):
        raise InputError(f"{source}: the header has empty or repeated column names")
    bad = next((i for i, r in enumerate(body) if len(r) != width), None)
    if bad is not None:
        raise InputError(
            f"{source}: line {bad + 2} has {len(body[bad])} fields, the header has {width} "
            f"(delimiter {delimiter!r})"
        )
    rename = dict(rename or {})
    unknown = sorted(set(rename) - set(header))
    if unknown:
        raise InputError(f"{source}: cannot rename missing column(s): {', '.join(unknown)}")
    tokens = MISSING_TOKENS | {v.strip().lower() for v in missing_values}
    per_column = {
        k: {v.strip().lower() for v in vs} for k, vs in (column_missing_values or {}).items()
    }
    columns: dict[str, Column] = {}
    for j, name in enumerate(header):
        new_name = rename.get(name, name)
        raw = np.array([r[j].strip() for r in body], dtype=object)
        missing_here = tokens | per_column.get(new_name, set()) | per_column.get(name, set())
        columns[new_name] = type_column(new_name, raw, missing_here)
    digest = sha256 or hashlib.sha256(text.encode()).hexdigest()
    return Table(columns, source, delimiter, digest)


def type_column(name: str, raw: np.ndarray, missing_tokens: frozenset[str] | set[str]) -> Column:
    """Infer the kind of one column from its non-missing values."""
    cleaned = [None if v.lower() in missing_tokens else v for v in raw]
    present = [v for v in cleaned if v is not None]
    numbers = _as_numbers(cleaned, present)
    if numbers is not None:
        return Column(name, ColumnKind.NUMERIC, numbers, raw)
    dates = _as_dates(cleaned, present)
    if dates is not None:
        return Column(name, ColumnKind.DATE, dates, raw)
    return Column(name, ColumnKind.CATEGORICAL, np.array(cleaned, dtype=object), raw)


def _as_numbers(cleaned: list[str | None], present: list[str]) -> np.ndarray | None:
    if not present:
        return None
    try:
        return np.array([np.nan if v is None else float(v) for v in cleaned], dtype=float)
    except ValueError:
        return None


def _as_dates(cleaned: list[str | None], present: list[str]) -> np.ndarray | None:
    if not present:
        return None
    for fmt in _DATE_FORMATS:
        try:
            parsed = {
                v: _days(datetime.strptime(v[:10] if fmt == "%Y-%m-%d" else v, fmt))
                for v in set(present)
            }
        except ValueError:
            continue
        return np.array([np.nan if v is None else parsed[v] for v in cleaned], dtype=float)
    return None


def _days(moment: datetime) -> float:
    return float((moment.date() - _EPOCH).days)
