"""The config in force as people read it: one (setting, value, from) row per part, for
`leadflow config show`, the ops page and the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from leadflow.config_in_force import InForce
from scoring.bands import band_ranges
from scoring.bant import Criterion
from scoring.config import ScoringConfig


class ConfigRow(BaseModel):
    """One part of the config in force and where it came from."""

    setting: str
    value: str
    source: str


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value.normalize():,f}"


def tier_lines(config: ScoringConfig, criterion: Criterion) -> list[str]:
    """Each tier of one criterion as "label: condition = points", best first."""
    lines = []
    for tier in getattr(config.tiers, criterion.value):
        if hasattr(tier, "min_amount"):
            condition = f">= {_number(tier.min_amount)} {config.currency}"
        elif hasattr(tier, "max_months"):
            condition = ("later" if tier.max_months is None
                         else f"<= {_number(tier.max_months)} months")
        else:
            condition = ", ".join(level.value for level in tier.levels)
        lines.append(f"{tier.label}: {condition} = {tier.points}")
    return lines


def config_rows(in_force: InForce) -> list[ConfigRow]:
    """The version, weights, tiers, bands, currency, fx rates and capabilities in force."""
    config, source = in_force.config, in_force.config_from
    rows = [ConfigRow(setting="version", value=config.version, source=source)]
    if in_force.saved is not None and in_force.saved.reason:
        rows.append(ConfigRow(setting="saved because", value=in_force.saved.reason,
                              source=source))
    weights = ", ".join(f"{c.value} {config.weights.of(c)}" for c in Criterion)
    rows.append(ConfigRow(setting="weights", value=weights, source=source))
    rows += [ConfigRow(setting=f"tiers.{c.value}", value="; ".join(tier_lines(config, c)),
                       source=source) for c in Criterion]
    bands = ", ".join(f"{r.name} {r.min}-{r.max}" for r in band_ranges(config.bands))
    rows.append(ConfigRow(setting="bands", value=bands, source=source))
    rates = ", ".join(f"{code} {_number(rate)}" for code, rate in sorted(config.fx_rates.items()))
    rows.append(ConfigRow(setting="currency", value=config.currency, source=source))
    rows.append(ConfigRow(setting="fx_rates", value=rates or "none (other currencies: unknown)",
                          source=source))
    rows.append(ConfigRow(setting="capabilities",
                          value="; ".join(in_force.capabilities) or "none (need is ambiguous)",
                          source=in_force.capabilities_from))
    return rows
