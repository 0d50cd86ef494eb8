"""Score bands (Good / Fair / Poor): contiguous over 0-100, each band's max derived from the next.

Bands are listed from the highest to the lowest and store only their minimum; a band's maximum
is the next higher band's minimum - 1 (100 for the top band). A gap or an overlap therefore
cannot be written down; the checks only refuse empty bands and a lowest band that misses 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from leadflow.errors import ConfigError

MAX_TOTAL = 100


class Band(BaseModel):
    """One named band: every total from `min` up to the next higher band's min - 1."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    min: int = Field(ge=0, le=MAX_TOTAL)


class BandRange(NamedTuple):
    """A band with its derived maximum, for display and lookups."""

    name: str
    min: int
    max: int


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(name="Good", min=70),
    Band(name="Fair", min=40),
    Band(name="Poor", min=0),
)


def check_bands(bands: Sequence[Band], key: str = "bands") -> None:
    """Raise ConfigError unless the bands are non-empty, uniquely named and cover 0-100 exactly."""
    if not bands:
        raise ConfigError("at least one band is required, e.g. [{name: Good, min: 0}]", key=key)
    seen: set[str] = set()
    for index, band in enumerate(bands):
        if band.name in seen:
            raise ConfigError(
                f"duplicate band name {band.name!r}; band names must be unique",
                key=f"{key}[{index}].name",
            )
        seen.add(band.name)
        if index and band.min >= bands[index - 1].min:
            above = bands[index - 1]
            raise ConfigError(
                f"{band.min} must be lower than {above.name}'s min {above.min}: list bands from "
                f"highest to lowest with strictly decreasing mins (an empty band is refused)",
                key=f"{key}[{index}].min",
            )
    if bands[-1].min != 0:
        raise ConfigError(
            f"the lowest band must start at 0 (got {bands[-1].min}), "
            f"else totals 0 to {bands[-1].min - 1} have no band",
            key=f"{key}[{len(bands) - 1}].min",
        )


def band_ranges(bands: Sequence[Band]) -> list[BandRange]:
    """Each band with its derived maximum, highest band first."""
    maxima = [MAX_TOTAL] + [band.min - 1 for band in bands[:-1]]
    return [BandRange(band.name, band.min, top) for band, top in zip(bands, maxima, strict=True)]


def band_for(total: int, bands: Sequence[Band]) -> str:
    """The name of the band that holds `total`."""
    for band in bands:
        if total >= band.min:
            return band.name
    raise ValueError(f"total {total} is below every band")  # unreachable once checked


def with_band_min(bands: Sequence[Band], name: str, new_min: int) -> tuple[Band, ...]:
    """A copy of `bands` with one band's minimum moved; its lower neighbour's max follows.

    Raises ConfigError when the move would empty a band or leave a gap below the lowest band.
    """
    names = [band.name for band in bands]
    if name not in names:
        raise ConfigError(f"no band named {name!r}; bands are: {', '.join(names)}", key="bands")
    index = names.index(name)
    lower = bands[index + 1].min + 1 if index + 1 < len(bands) else 0
    upper = bands[index - 1].min - 1 if index else MAX_TOTAL
    if index + 1 == len(bands) and new_min != 0:
        raise ConfigError(
            f"{name} is the lowest band and must keep min 0; moving it to {new_min} "
            f"would leave totals 0 to {new_min - 1} without a band",
            key=f"bands[{index}].min",
        )
    if not lower <= new_min <= upper:
        raise ConfigError(
            f"{name}'s min must be between {lower} and {upper} (got {new_min}), "
            f"else a neighbouring band would be empty",
            key=f"bands[{index}].min",
        )
    moved = list(bands)
    moved[index] = bands[index].model_copy(update={"min": new_min})
    return tuple(moved)
