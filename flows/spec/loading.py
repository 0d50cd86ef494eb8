"""Reading a spec file: YAML with every node's line and column, so errors can point at them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scoring.safe_yaml import read_yaml

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
    """Parse the file within scoring.safe_yaml's limits (size, nesting, aliases); a problem is
    a ConfigError with its line and column."""
    document = read_yaml(path)
    values: dict[tuple[Any, ...], Location] = {}
    keys: dict[tuple[Any, ...], Location] = {}
    if document.root is not None:
        _walk(document.root, (), values, keys)
    return SpecSource(path, document.text, document.data, values, keys)
