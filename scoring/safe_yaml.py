"""YAML that people write, read with limits, so a small file cannot hang or exhaust a process.

A 476-byte file of nested aliases ("billion laughs") becomes gigabytes as soon as anything walks
the data it loads to. Every YAML file ops write (flow specs, scoring configs, the reps file, the
transcript index, backtest mappings) is read here, and refused with one ConfigError naming the
file (and the line and column when known) when it breaks a limit:

- size: at most MAX_BYTES (1 MiB; the shipped files are under 4 KB);
- nesting: mappings and lists at most MAX_DEPTH (32) levels deep;
- aliases: an alias (`*name`) may only repeat a single value (a string, a number). An alias to a
  mapping or a list (merge keys `<<: *base` included) is refused altogether, so the loaded data
  is never larger than the file: counting expansions would also work, but a rule with no number
  in it is easier to explain and cannot be tuned into a hole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from leadflow.errors import ConfigError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32


@dataclass(frozen=True)
class YamlDocument:
    """A YAML file's text, its node tree (for line and column) and the data it holds."""

    text: str
    root: yaml.Node | None
    data: Any


class _LimitBreached(yaml.MarkedYAMLError):
    """A limit was broken at a mark; reported without the "not valid YAML" prefix."""


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that counts nesting and refuses aliases to collections while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if isinstance(target, yaml.CollectionNode):
                raise _LimitBreached(
                    problem=f"the alias *{event.anchor} repeats a mapping or list; an alias may "
                    "only repeat a single value (write the mapping or list out again)",
                    problem_mark=event.start_mark)
            return super().compose_node(parent, index)
        nests = self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent)
        if nests and self._depth >= MAX_DEPTH:
            raise _LimitBreached(problem=f"nested more than {MAX_DEPTH} levels deep",
                                 problem_mark=self.peek_event().start_mark)
        self._depth += nests
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= nests

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:
            # SafeConstructor lets Python's errors through for values such as `2024-13-01`
            # (a date with month 13), `!!bool maybe` or `!!int ''`.
            raise ConstructorError(None, None, f"cannot read {_shown(node)} as {_tag(node)}: "
                                   f"{exc or type(exc).__name__}", node.start_mark) from exc


def _tag(node: yaml.Node) -> str:
    return node.tag.rsplit(":", 1)[-1]


def _shown(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        return "the value"
    text = repr(node.value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_text(path: Path | str, *, max_bytes: int = MAX_BYTES) -> str:
    """A text file's content, at most `max_bytes`; any problem is a ConfigError naming it."""
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise ConfigError("file not found", file=path) from None
    except IsADirectoryError:
        raise ConfigError("is a directory; expected a file", file=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read ({exc.strerror or type(exc).__name__})",
                          file=path) from None
    if len(raw) > max_bytes:
        raise ConfigError(f"larger than {max_bytes:,} bytes, the limit for this file",
                          file=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read as UTF-8 text (byte {exc.start} is not UTF-8); "
                          "is it a text file?", file=path) from None


def parse_yaml(text: str, *, file: Path | str | None = None) -> YamlDocument:
    """One YAML document parsed within the limits; a problem is a one-line ConfigError."""
    if len(text) > MAX_BYTES:
        raise ConfigError(f"larger than {MAX_BYTES:,} characters, the limit for YAML", file=file)
    loader = None
    try:
        loader = _LimitedLoader(text)  # its reader refuses control characters at once
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except _LimitBreached as exc:
        raise ConfigError(_located(exc.problem_mark, exc.problem), file=file) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or type(exc).__name__
        if exc.problem and exc.context and exc.context.startswith("expected"):
            problem = f"{exc.context}, {exc.problem}"  # "expected a single document ..., but"
        raise ConfigError(_located(mark, f"not valid YAML: {problem}"), file=file) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigError(f"line {line}: not valid YAML: character #x{exc.character:04x} is "
                          f"not allowed ({exc.reason})", file=file) from None
    except yaml.YAMLError as exc:
        raise ConfigError(_one_line(f"not valid YAML: {exc}"), file=file) from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(text=text, root=root, data=data)


def read_yaml(path: Path | str) -> YamlDocument:
    """Read and parse a YAML file within the limits (see the module's docstring)."""
    return parse_yaml(read_text(path), file=path)


def load_yaml(path: Path | str) -> Any:
    """The data in a YAML file read within the limits; None for an empty file."""
    return read_yaml(path).data


def _located(mark: Any, message: str) -> str:
    where = f"line {mark.line + 1}, col {mark.column + 1}: " if mark is not None else ""
    return _one_line(where + message)


def _one_line(message: str) -> str:
    return " ".join(message.split())
