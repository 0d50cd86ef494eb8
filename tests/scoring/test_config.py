"""Loading and validating scoring configs: every problem is one line naming file, key and rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from leadflow.errors import ConfigError
from scoring.bant import Criterion
from scoring.config import DEFAULT_CONFIG_PATH, ScoringConfig, default_config, load_config


def _default_data() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())


def _write(tmp_path: Path, data: Any, name: str = "scoring.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def _error(tmp_path: Path, data: Any) -> ConfigError:
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith(f"{path}: "), message
    return caught.value


def test_bundled_yaml_is_the_seed_facts() -> None:
    config = default_config()
    assert config == ScoringConfig()
    assert [config.weights.of(criterion) for criterion in Criterion] == [30, 25, 25, 20]
    assert [tier.points for tier in config.tiers.budget] == [30, 15, 0]
    assert [tier.points for tier in config.tiers.authority] == [25, 20, 15, 0]
    assert [tier.points for tier in config.tiers.need] == [25, 15, 5]
    assert [tier.points for tier in config.tiers.timeline] == [20, 10, 5]
    assert [(band.name, band.min) for band in config.bands] == [
        ("Good", 70),
        ("Fair", 40),
        ("Poor", 0),
    ]


def test_version_is_a_content_hash() -> None:
    data = _default_data()
    assert ScoringConfig.model_validate(data).version == default_config().version
    assert len(default_config().version) == 12
    # The same bound written differently is the same config.
    data["tiers"]["budget"][0]["min_amount"] = "100000.00"
    assert ScoringConfig.model_validate(data).version == default_config().version
    data["bands"][0]["min"] = 71
    assert ScoringConfig.model_validate(data).version != default_config().version


def test_weights_must_sum_to_100(tmp_path: Path) -> None:
    data = _default_data()
    data["weights"]["budget"] = 35
    data["tiers"]["budget"][0]["points"] = 35
    error = _error(tmp_path, data)
    assert error.key == "weights"
    assert error.detail == "35 + 25 + 25 + 20 = 105, weights must sum to 100"


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    data = _default_data()
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "key", "words"),
    [
        (["tiers", "budget", 1, "min_amount"], 100000, "tiers.budget[1].min_amount", "overlaps"),
        (
            ["tiers", "budget", 1, "min_amount"],
            150000,
            "tiers.budget[1].min_amount",
            "strictly decreasing",
        ),
        (
            ["tiers", "budget", 2, "min_amount"],
            -1,
            "tiers.budget[2].min_amount",
            "greater than or equal to 0",
        ),
        (["tiers", "budget", 2, "min_amount"], 10, "tiers.budget[2].min_amount", "must start at 0"),
        (
            ["tiers", "budget", 0, "points"],
            25,
            "tiers.budget[0].points",
            "must equal the criterion's weight",
        ),
        (["tiers", "budget", 2, "points"], 20, "tiers.budget[2].points", "never increase"),
        (["tiers", "timeline", 1, "max_months"], 3, "tiers.timeline[1].max_months", "overlaps"),
        (
            ["tiers", "timeline", 0, "max_months"],
            -3,
            "tiers.timeline[0].max_months",
            "greater than or equal to 0",
        ),
        (
            ["tiers", "timeline", 2, "max_months"],
            12,
            "tiers.timeline[2].max_months",
            "must have no max_months",
        ),
        (
            ["tiers", "timeline", 0, "max_months"],
            None,
            "tiers.timeline[0].max_months",
            "only the last",
        ),
        (
            ["tiers", "authority", 1, "levels"],
            ["c_level"],
            "tiers.authority[1].levels[0]",
            "exactly one tier",
        ),
        (["tiers", "authority", 2, "levels"], ["ceo"], "tiers.authority[2].levels[0]", "'c_level'"),
        (
            ["tiers", "authority", 0, "levels"],
            ["c_level", "unknown"],
            "tiers.authority[0].levels[1]",
            "last",
        ),
        (["tiers", "need", 1, "levels"], ["low"], "tiers.need[2].levels[0]", "exactly one tier"),
        (["tiers", "need", 2, "levels"], ["unknown"], "tiers.need", "low not in any tier"),
        (["tiers", "budget"], [], "tiers.budget", "at least one tier"),
        (["bands", 1, "min"], 70, "bands[1].min", "an empty band is refused"),
        (["bands", 1, "min"], 80, "bands[1].min", "strictly decreasing"),
        (["bands", 2, "min"], 10, "bands[2].min", "must start at 0"),
        (["bands", 0, "min"], 101, "bands[0].min", "less than or equal to 100"),
        (["bands", 1, "name"], "Good", "bands[1].name", "unique"),
        (["bands"], [], "bands", "at least one band"),
        (["currency"], "usd", "currency", "ISO 4217"),
        (["fx_rates"], {"EUR": 0}, "fx_rates.EUR", "greater than 0"),
        (["fx_rates"], {"euro": 1.1}, "fx_rates.euro", "ISO 4217"),
        (["weights", "need"], "lots", "weights.need", "valid integer"),
    ],
)
def test_each_bad_value_names_its_key(
    tmp_path: Path, path: list[Any], value: Any, key: str, words: str
) -> None:
    error = _error(tmp_path, _with(path, value))
    assert error.key == key
    assert words in error.detail


def test_unknown_keys_list_what_is_allowed(tmp_path: Path) -> None:
    error = _error(tmp_path, _with(["tiers", "budget", 0, "minimum"], 5))
    assert error.key == "tiers.budget[0].minimum"
    assert error.detail == "unknown key; allowed keys: points, label, min_amount"
    error = _error(tmp_path, _with(["weigths"], {}))
    assert error.detail == (
        "unknown key; allowed keys: currency, fx_rates, weights, tiers, bands, capabilities")


def test_a_missing_required_key_is_named(tmp_path: Path) -> None:
    data = _default_data()
    del data["tiers"]["need"][0]["label"]
    assert _error(tmp_path, data).key == "tiers.need[0].label"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- 1\n- 2\n", "got a list"),
        ("just some words", "got a string"),
        ("weights: {budget: 30\n", "not valid YAML"),
        ("a: b: c\n", "not valid YAML"),
    ],
)
def test_a_file_that_is_not_a_yaml_mapping(tmp_path: Path, text: str, words: str) -> None:
    assert words in _error(tmp_path, text).detail


def test_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(ConfigError, match=r"image\.png: cannot read as UTF-8 text"):
        load_config(path)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: file not found"):
        load_config(tmp_path / "nope.yaml")


def test_partial_config_keeps_defaults_for_the_rest(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, {"currency": "EUR", "fx_rates": {"USD": "0.92"}}))
    assert config.currency == "EUR"
    assert config.fx_rates == {"USD": Decimal("0.92")}
    assert config.tiers == default_config().tiers


def test_direct_construction_raises_config_error_with_key() -> None:
    with pytest.raises(ConfigError) as caught:
        ScoringConfig.model_validate({"weights": {"timeline": 25}})
    assert caught.value.key == "weights"
