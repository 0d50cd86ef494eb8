"""Score bands: contiguous by construction; moving a minimum moves the neighbour's maximum."""

from __future__ import annotations

import pytest

from leadflow.errors import ConfigError
from scoring.bands import DEFAULT_BANDS, Band, BandRange, band_for, band_ranges, with_band_min


def test_default_bands_cover_0_to_100() -> None:
    assert band_ranges(DEFAULT_BANDS) == [
        BandRange("Good", 70, 100),
        BandRange("Fair", 40, 69),
        BandRange("Poor", 0, 39),
    ]


@pytest.mark.parametrize(
    ("total", "band"),
    [(100, "Good"), (70, "Good"), (69, "Fair"), (40, "Fair"), (39, "Poor"), (0, "Poor")],
)
def test_band_for_each_boundary(total: int, band: str) -> None:
    assert band_for(total, DEFAULT_BANDS) == band


def test_moving_good_to_50_sets_fair_max_to_49() -> None:
    moved = with_band_min(DEFAULT_BANDS, "Good", 50)
    assert band_ranges(moved) == [
        BandRange("Good", 50, 100),
        BandRange("Fair", 40, 49),
        BandRange("Poor", 0, 39),
    ]
    assert DEFAULT_BANDS[0].min == 70  # the input is untouched


def test_moving_fair_up_to_just_below_good_is_allowed() -> None:
    assert band_ranges(with_band_min(DEFAULT_BANDS, "Fair", 69))[1] == BandRange("Fair", 69, 69)


@pytest.mark.parametrize(
    ("name", "new_min", "key", "words"),
    [
        ("Good", 40, "bands[0].min", "between 41 and 100"),  # would empty Fair
        ("Good", 30, "bands[0].min", "between 41 and 100"),  # would overlap Fair
        ("Good", 101, "bands[0].min", "between 41 and 100"),
        ("Fair", 70, "bands[1].min", "between 1 and 69"),  # would empty Fair
        ("Fair", 0, "bands[1].min", "between 1 and 69"),  # would empty Poor
        ("Poor", 5, "bands[2].min", "must keep min 0"),  # would leave a gap at 0-4
        ("Great", 80, "bands", "bands are: Good, Fair, Poor"),
    ],
)
def test_a_move_that_empties_a_band_or_leaves_a_gap_is_refused(
    name: str, new_min: int, key: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        with_band_min(DEFAULT_BANDS, name, new_min)
    assert caught.value.key == key
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_band_names_and_count_are_configurable() -> None:
    bands = [
        Band(name="A", min=90),
        Band(name="B", min=75),
        Band(name="C", min=50),
        Band(name="D", min=25),
        Band(name="E", min=0),
    ]
    assert [band_for(total, bands) for total in (95, 90, 89, 50, 49, 24, 0)] == list("AABCDEE")
    assert band_ranges(bands)[2] == BandRange("C", 50, 74)
