"""What a call cost, from `settings.llm.prices` (per 1,000 tokens, in `settings.llm.currency`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from leadflow.settings import ModelPrice

_THOUSAND = Decimal(1000)


def price_for(prices: Mapping[str, ModelPrice], *models: str | None) -> ModelPrice | None:
    """The price of the first model named that has one (resolved before requested)."""
    for model in models:
        if model and model in prices:
            return prices[model]
    return None


def call_cost(
    prices: Mapping[str, ModelPrice],
    tokens_in: int | None,
    tokens_out: int | None,
    *models: str | None,
) -> Decimal | None:
    """The cost of one call, or None when no price is configured (unknown is not free)."""
    price = price_for(prices, *models)
    if price is None or (tokens_in is None and tokens_out is None):
        return None
    cost = (Decimal(tokens_in or 0) * price.input_per_1k
            + Decimal(tokens_out or 0) * price.output_per_1k) / _THOUSAND
    return cost.quantize(Decimal("0.000001"))
