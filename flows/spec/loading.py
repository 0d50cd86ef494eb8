"""Reading a spec file: YAML with every node's line and column, so errors can point at them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from leadflow.errors import ConfigError

Location = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class SpecSource:
    """A spec file's text, its data, and where each key path's value (and key) starts."""

    path: Path
    text: str
    data: Any
    value_at: dict[tuple[Any, ...], Location]
    key_at: dict[tuple[Any, ...], Location]

    def locate(self, path: tuple[Any, ...], *, key: bool = False) -> Location:
        """The closest known location of a key path (falls back to its parents)."""
        table = self.key_at if key else self.value_at
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.value_at.get(path[:end])
            if found:
                return found
        return (1, 1)


def _mark(node: yaml.Node) -> Location:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(node: yaml.Node, path: tuple[Any, ...], values: dict, keys: dict) -> None:
    values[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            keys[child] = _mark(key_node)
            _walk(value_node, child, values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), values, keys)


def read_spec_source(path: Path) -> SpecSource:
    """Parse the file; a YAML syntax error becomes a ConfigError with its line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the spec: {exc.strerror}", file=path) from exc
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, col {mark.column + 1}: " if mark else ""
        raise ConfigError(f"{where}not valid YAML: {exc.problem}", file=path) from exc
    values: dict[tuple[Any, ...], Location] = {}
    keys: dict[tuple[Any, ...], Location] = {}
    if root is not None:
        _walk(root, (), values, keys)
    return SpecSource(path, text, data, values, keys)
