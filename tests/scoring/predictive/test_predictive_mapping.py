from pathlib import Path

import pytest

from leadflow.errors import ConfigError
from scoring.predictive.mapping import check_columns, load_mapping


def test_mapping_reads_lists_dicts_and_yes(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text("post_outcome: [duration]\npositive: yes\ncolumn_missing_values: {p: 999}\n")
    mapping = load_mapping(path)
    assert mapping.post_outcome == {"duration": "marked post-outcome in the mapping"}
    assert mapping.positive == "yes"
    assert mapping.column_missing_values == {"p": ["999"]}


def test_unknown_key_names_the_key(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text("post_outcomes: [duration]\n")
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert info.value.key == "post_outcomes" and "allowed keys" in str(info.value)


def test_bad_signal_names_its_key(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text("rules: {signals: [{column: a, points: 3}]}\n")
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert info.value.key.startswith("rules.signals.0")


def test_column_not_in_file_names_key_and_columns(tmp_path: Path):
    path = tmp_path / "m.yaml"
    path.write_text("drop: [nope]\n")
    with pytest.raises(ConfigError, match="drop: no column named 'nope'"):
        check_columns(load_mapping(path), ["a", "b"], path)
