"""What changed between two scoring configs, one line per setting, for the config history."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ConfigDiffLine(BaseModel):
    """One setting that differs: its dotted key and both values (None: absent)."""

    key: str
    before: Any = None
    after: Any = None

    def __str__(self) -> str:
        return f"{self.key}: {_shown(self.before)} -> {_shown(self.after)}"


def diff_configs(before: dict[str, Any], after: dict[str, Any]) -> list[ConfigDiffLine]:
    """Every leaf that differs, in key order. Pass both as `model_dump(mode="json")` of a
    parsed config, so equal values have equal forms. Bands are keyed by name
    ("bands.Good.min"), other lists of mappings by position, lists of plain values
    (capabilities) as one value."""
    old, new = _flatten(before), _flatten(after)
    return [ConfigDiffLine(key=key, before=old.get(key), after=new.get(key))
            for key in sorted(old.keys() | new.keys()) if old.get(key) != new.get(key)]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat |= _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return flat
    if isinstance(value, list | tuple) and value and all(isinstance(i, dict) for i in value):
        named = all("name" in item for item in value)
        flat = {}
        for index, item in enumerate(value):
            flat |= _flatten(item, f"{prefix}.{item['name']}" if named else f"{prefix}[{index}]")
        return flat
    if isinstance(value, list | tuple):
        return {prefix: list(value)}
    return {prefix: value}


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)
