"""Every YAML file ops write is read within limits: size, nesting, aliases to collections.

Each loader gets the same hostile files; each must answer one ConfigError line naming the file,
quickly (a "billion laughs" file used to grow to 840 MB before anything answered).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors.base.calendars import Meeting
from connectors.folder_transcripts import INDEX_FILE, FolderTranscripts
from connectors.local_calendar import load_reps
from flows.spec.actions import builtin_registry
from flows.spec.validation import load_spec
from leadflow.errors import ConfigError
from scoring.config import load_config
from scoring.predictive.mapping import load_mapping
from scoring.safe_yaml import MAX_BYTES, MAX_DEPTH, parse_yaml

# 9 levels of 9 aliases: 9**9 (387 million) strings once expanded, from 342 bytes.
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True))
DEEP = "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
MERGE = "base: &base {weights: {budget: 30}}\nother:\n  <<: *base\n"


def _index(path: Path) -> Any:
    folder = path.parent / "transcripts"
    folder.mkdir()
    path.rename(folder / INDEX_FILE)
    meeting = Meeting(id="m1", rep_id="r", lead_email="a@x.io", title="t",
                      start_at="2030-01-07T10:00:00Z", end_at="2030-01-07T10:30:00Z")
    return FolderTranscripts(folder).locate(meeting, "a@x.io")


LOADERS: dict[str, Callable[[Path], Any]] = {
    "scoring-config": load_config,
    "flow-spec": lambda path: load_spec(path, builtin_registry()),
    "reps": load_reps,
    "mapping": load_mapping,
    "transcript-index": _index,
}
HOSTILE = {
    "billion-laughs": (LAUGHS, r"line 2, col \d+: the alias \*a repeats a mapping or list"),
    "too-deep": (DEEP, rf"line 1, col \d+: nested more than {MAX_DEPTH} levels deep"),
    "merge-key": (MERGE, r"line 3, col \d+: the alias \*base repeats a mapping or list"),
    "too-large": ("# padding\n" * (MAX_BYTES // 10 + 1), r"larger than 1,048,576 bytes"),
    "bad-date": ("when: 2024-13-01\n", r"line 1, col 7: not valid YAML: cannot read "
                 r"'2024-13-01' as timestamp: month must be in 1..12"),
    "bad-bool": ("x: !!bool maybe\n", r"line 1, col 4: not valid YAML: cannot read 'maybe'"),
    "control-character": ("a: \x00\n", r"line 1: not valid YAML: character #x0000"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\xff", r"cannot read as UTF-8 text"),
    "two-documents": ("a: 1\n---\nb: 2\n", r"line 2, col 1: not valid YAML: expected a single "
                      r"document"),
}


@pytest.mark.parametrize("loader", LOADERS.values(), ids=LOADERS.keys())
@pytest.mark.parametrize(("content", "expected"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_yaml_file_is_one_config_error_naming_the_file(
        tmp_path: Path, loader: Callable[[Path], Any], content: str | bytes,
        expected: str) -> None:
    path = tmp_path / "ops.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ConfigError, match=expected) as caught:
        loader(path)
    assert time.monotonic() - started < 5
    assert Path(caught.value.file or "").name in (path.name, INDEX_FILE)
    assert "\n" not in str(caught.value)


FILE_LOADERS = {name: loader for name, loader in LOADERS.items() if loader is not _index}


@pytest.mark.parametrize("loader", FILE_LOADERS.values(), ids=FILE_LOADERS.keys())
def test_a_directory_is_one_config_error(tmp_path: Path,
                                         loader: Callable[[Path], Any]) -> None:
    with pytest.raises(ConfigError, match="is a directory; expected a file"):
        loader(tmp_path)


def test_an_alias_to_a_single_value_is_still_allowed() -> None:
    data = parse_yaml("owner: &owner ana@x.io\nbackup: *owner\n").data
    assert data == {"owner": "ana@x.io", "backup": "ana@x.io"}


def test_nesting_up_to_the_limit_is_allowed() -> None:
    depth = MAX_DEPTH - 1  # the top-level mapping is one level
    data = parse_yaml("a: " + "[" * depth + "]" * depth).data
    for _ in range(depth):
        data = data["a"] if isinstance(data, dict) else data[0] if data else []
    assert data == []


def test_an_anchored_collection_that_is_never_aliased_is_fine() -> None:
    assert parse_yaml("a: &a [1, 2]\nb: 3\n").data == {"a": [1, 2], "b": 3}
