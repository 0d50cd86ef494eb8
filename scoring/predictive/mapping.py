"""The mapping file of a backtest: how a history CSV's columns are to be read.

```yaml
rename: {old name: new name}          # applied first; every other key uses the new names
drop: [column, ...]                   # never used
post_outcome:                         # filled only after the sales contact: excluded by default
  duration: "call length, known only after the call"
missing_values: ["n/a"]               # extra placeholders, on top of Select / unknown / ""
column_missing_values: {pdays: ["999"]}
outcome: y                            # the CLI's --outcome / --positive / --time-column win
positive: "yes"
negative: []                          # other values; when given, rows with neither are dropped
time_column: null
rows_in_time_order: false             # the file is ordered oldest first (no time column needed)
rules:                                # the rule-based score to backtest: bant or signals
  bant: {budget_amount: col, currency: USD, authority_level: col, need_level: col,
         timeline_months: col, authority_values: {CEO: c_level}, need_values: {high: full}}
  signals: [{column: poutcome, equals: success, points: 40}, {column: age, below: 30, points: 5}]
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from leadflow.errors import ConfigError
from scoring.bant import AuthorityLevel, NeedLevel
from scoring.safe_yaml import load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BantColumns(_Strict):
    """Which columns hold the four BANT answers, and how their values map to levels."""

    budget_amount: str | None = None
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    authority_level: str | None = None
    authority_values: dict[str, AuthorityLevel] = Field(default_factory=dict)
    need_level: str | None = None
    need_values: dict[str, NeedLevel] = Field(default_factory=dict)
    timeline_months: str | None = None

    def columns(self) -> list[str]:
        cols = (self.budget_amount, self.authority_level, self.need_level, self.timeline_months)
        return [c for c in cols if c]


class Signal(_Strict):
    """Points given when a column's value matches: equals / one_of / below / at_least."""

    column: str
    points: float
    equals: str | None = None
    one_of: list[str] | None = None
    below: float | None = None
    at_least: float | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Signal:
        tests = [t for t in (self.equals, self.one_of, self.below, self.at_least) if t is not None]
        if len(tests) != 1:
            raise ValueError("a signal needs exactly one of equals, one_of, below, at_least")
        return self

    @property
    def label(self) -> str:
        if self.equals is not None:
            return f"{self.column} = {self.equals}"
        if self.one_of is not None:
            return f"{self.column} in {', '.join(self.one_of)}"
        if self.below is not None:
            return f"{self.column} < {self.below:g}"
        return f"{self.column} >= {self.at_least:g}"


class RuleColumns(_Strict):
    """The rule-based score to backtest: BANT answer columns, or signal columns with points."""

    bant: BantColumns | None = None
    signals: list[Signal] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_kind(self) -> RuleColumns:
        if self.bant is not None and self.signals:
            raise ValueError("give either bant or signals, not both")
        return self

    def columns(self) -> list[str]:
        if self.bant is not None:
            return self.bant.columns()
        return sorted({s.column for s in self.signals})


class Mapping(_Strict):
    """A validated mapping file (every key optional)."""

    rename: dict[str, str] = Field(default_factory=dict)
    drop: list[str] = Field(default_factory=list)
    post_outcome: dict[str, str] = Field(default_factory=dict)
    missing_values: list[str] = Field(default_factory=list)
    column_missing_values: dict[str, list[str]] = Field(default_factory=dict)
    outcome: str | None = None
    positive: str | None = None
    negative: list[str] = Field(default_factory=list)
    time_column: str | None = None
    rows_in_time_order: bool = False
    rules: RuleColumns | None = None

    @field_validator("post_outcome", mode="before")
    @classmethod
    def _list_or_dict(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {str(v): "marked post-outcome in the mapping" for v in value}
        return value

    @field_validator("positive", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # YAML reads yes/no/true as booleans; the CSV holds text.
        if isinstance(value, bool):
            return "yes" if value else "no"
        return None if value is None else str(value)

    @field_validator("column_missing_values", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: [str(v) for v in (vs if isinstance(vs, list) else [vs])]
                for k, vs in value.items()
            }
        return value

    def referenced_columns(self) -> dict[str, list[str]]:
        """Key -> the column names that key mentions (checked against the CSV's header)."""
        refs = {
            "drop": list(self.drop),
            "post_outcome": list(self.post_outcome),
            "column_missing_values": list(self.column_missing_values),
        }
        if self.rules is not None:
            refs["rules"] = self.rules.columns()
        return refs


def load_mapping(path: Path | str | None) -> Mapping:
    """Read a mapping file (an empty Mapping when `path` is None); ConfigError names the key."""
    if path is None:
        return Mapping()
    path = Path(path)
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise ConfigError("a mapping file is a YAML mapping of keys", file=path)
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or None
        allowed = ", ".join(Mapping.model_fields)
        hint = f" (allowed keys: {allowed})" if first["type"] == "extra_forbidden" else ""
        raise ConfigError(f"{first['msg']}{hint}", file=path, key=key) from exc


def check_columns(mapping: Mapping, header: list[str], file: Path | str | None) -> None:
    """Raise ConfigError when the mapping names a column the history file does not have."""
    known = set(header)
    for key, names in mapping.referenced_columns().items():
        missing = [n for n in names if n not in known]
        if missing:
            raise ConfigError(
                f"no column named {', '.join(map(repr, missing))} in the history file "
                f"(columns: {', '.join(header)})",
                file=file,
                key=key,
            )
