from pathlib import Path

import numpy as np
import pytest

from leadflow.errors import InputError
from scoring.predictive.table import ColumnKind, load_table, parse_table, sniff_delimiter


def test_sniffs_semicolon_and_comma():
    assert sniff_delimiter('"a";"b"\n1;2\n') == ";"
    assert sniff_delimiter("a,b\n1,2\n") == ","


def test_placeholders_are_missing_and_types_are_inferred():
    text = "n;plan;day;note\n1;Select;2024-01-02;x\n2.5;pro;2024-02-01;unknown\n;basic;;y\n"
    table = parse_table(text)
    assert table.delimiter == ";"
    assert table["n"].kind is ColumnKind.NUMERIC
    assert np.isnan(table["n"].values[2])
    assert table["plan"].kind is ColumnKind.CATEGORICAL
    assert table["plan"].values.tolist() == [None, "pro", "basic"]
    assert table["day"].kind is ColumnKind.DATE
    assert table["note"].missing.tolist() == [False, True, False]


def test_extra_and_per_column_missing_values_and_rename():
    text = "pdays,x\n999,n/a\n3,a\n"
    table = parse_table(text, column_missing_values={"days": ["999"]}, rename={"pdays": "days"})
    assert np.isnan(table["days"].values[0]) and table["days"].values[1] == 3


def test_ragged_row_is_an_input_error(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3\n")
    with pytest.raises(InputError, match="line 3 has 1 fields"):
        load_table(path)


def test_missing_file_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read"):
        load_table(tmp_path / "nope.csv")
