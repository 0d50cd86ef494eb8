"""The scoring config (weights, tiers, bands, currency) loaded from YAML; its hash is its version.

Every problem is one ConfigError naming the file, the key path and what is allowed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from leadflow.errors import ConfigError
from scoring.bands import DEFAULT_BANDS, Band, check_bands
from scoring.bant import Criterion
from scoring.safe_yaml import load_yaml
from scoring.tiers import Tiers, check_tiers

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.yaml")
_CURRENCY = r"^[A-Z]{3}$"
# A capability is a short phrase ("lead scoring"); one per line in the ops console.
Capability = typing.Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=120, pattern=r"^[^\n\r]+$"),
]


class Weights(BaseModel):
    """Points each criterion is worth; they must sum to 100."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: int = Field(default=30, ge=0, le=100)
    authority: int = Field(default=25, ge=0, le=100)
    need: int = Field(default=25, ge=0, le=100)
    timeline: int = Field(default=20, ge=0, le=100)

    def of(self, criterion: Criterion) -> int:
        """The weight of one criterion."""
        return getattr(self, criterion.value)


class ScoringConfig(BaseModel):
    """One validated scoring config; construct it or load it with `load_config`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: str = Field(default="USD", pattern=_CURRENCY)
    # Units of `currency` per one unit of the key's currency, e.g. {EUR: 1.08} when currency: USD.
    fx_rates: dict[
        typing.Annotated[str, Field(pattern=_CURRENCY)], typing.Annotated[Decimal, Field(gt=0)]
    ] = Field(default_factory=dict)
    weights: Weights = Field(default_factory=Weights)
    tiers: Tiers = Field(default_factory=Tiers)
    bands: tuple[Band, ...] = DEFAULT_BANDS
    # What the product does: need extraction matches the lead's stated needs against these.
    capabilities: tuple[Capability, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        # Raised as ConfigError (not ValueError) so the key path of a cross-field rule survives.
        weights = [self.weights.of(criterion) for criterion in Criterion]
        if sum(weights) != 100:
            terms = " + ".join(str(weight) for weight in weights)
            raise ConfigError(f"{terms} = {sum(weights)}, weights must sum to 100", key="weights")
        check_tiers(self.tiers, {criterion: self.weights.of(criterion) for criterion in Criterion})
        check_bands(self.bands)
        return self

    @property
    def version(self) -> str:
        """Short sha256 of the canonical JSON of this config: equal content, equal version."""
        # Left out while empty, so a config saved before capabilities existed keeps its version.
        data = self.model_dump(mode="python", exclude={"capabilities"} if not self.capabilities
                               else None)
        canonical = json.dumps(_canonical(data), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _canonical(value: Any) -> Any:
    # 100000, 100000.00 and 1E+5 are the same bound, so they must hash the same.
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def parse_config(data: Any, file: Path | str | None = None) -> ScoringConfig:
    """Validate already-parsed YAML/JSON data; any problem is one ConfigError naming `file`."""
    if data is None:
        raise ConfigError(
            "the file is empty; expected a mapping with " + _allowed(ScoringConfig), file=file
        )
    if not isinstance(data, dict):
        raise ConfigError(
            f"expected a mapping with {_allowed(ScoringConfig)}, got a {_kind(data)}", file=file
        )
    try:
        return ScoringConfig.model_validate(data)
    except ConfigError as exc:
        raise ConfigError(exc.detail, file=file, key=exc.key) from None
    except ValidationError as exc:
        raise _from_validation(exc, file) from None


def load_config(path: Path | str) -> ScoringConfig:
    """Read and validate a YAML scoring config file (within scoring.safe_yaml's limits)."""
    return parse_config(load_yaml(path), file=path)


@functools.cache
def default_config() -> ScoringConfig:
    """The bundled default config (DESIGN.md's seed facts), loaded once."""
    return load_config(DEFAULT_CONFIG_PATH)


def _from_validation(exc: ValidationError, file: Path | str | None) -> ConfigError:
    # pydantic's text spans many lines; keep the first error, its key path and what is allowed.
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = [part for part in first["loc"] if part != "[key]"]
    key = "".join(_key_part(part) for part in loc).lstrip(".")
    if first["type"] == "extra_forbidden":
        message = f"unknown key; allowed keys: {_allowed(_model_at(loc[:-1]))}"
    elif first["type"] == "missing":
        message = "required key is missing"
    elif first["type"] == "string_pattern_mismatch" and loc and loc[0] == "capabilities":
        message = "a capability is one line of text, e.g. lead scoring"
    elif first["type"] == "string_pattern_mismatch":
        # The other patterns here are currency codes.
        message = f"{first['input']!r} is not allowed; use an ISO 4217 code in capitals, e.g. USD"
    else:
        message = first["msg"].removeprefix("Value error, ")
        if not isinstance(first.get("input"), dict | list):
            message += f" (got {first['input']!r})"
    more = len(errors) - 1
    if more:
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    return ConfigError(message, file=file, key=key or None)


def _key_part(part: Any) -> str:
    """`.name` or `[0]`; a key that is not a plain word is quoted, so the path stays one line."""
    if isinstance(part, int):
        return f"[{part}]"
    text = str(part)
    return f".{text}" if re.fullmatch(r"[\w-]+", text) else f"[{text!r}]"


def _model_at(loc: list[Any]) -> type[BaseModel] | None:
    """The model class found at `loc` inside ScoringConfig (for listing allowed keys)."""
    current: Any = ScoringConfig
    for part in loc:
        if isinstance(part, str) and isinstance(current, type) and issubclass(current, BaseModel):
            current = current.model_fields[part].annotation
        elif isinstance(part, int):
            current = typing.get_args(current)[0]
        if isinstance(current, types.UnionType):
            current = typing.get_args(current)[0]
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _allowed(model: type[BaseModel] | None) -> str:
    return ", ".join(model.model_fields) if model else "none"


def _kind(data: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(data), type(data).__name__
    )
