"""Parameters and `when:` conditions as Jinja2 expressions, rendered in a sandbox.

`"{{ steps.score.total }}"` alone renders to the native value (an int here); a string with text
around expressions renders to a string. Templates see `steps` (earlier outputs) and `lead`.
Rendering is bounded by leadflow.sandbox's SPEC_LIMITS (sizes, steps, time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import TemplateError

from leadflow import sandbox
from leadflow.errors import InputError

_SOLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>.*)\}\}\s*$", re.DOTALL)


@lru_cache(maxsize=1)
def environment() -> sandbox.ImmutableLimitedSandbox:
    """The one sandboxed environment: undefined names fail loudly, nothing can be mutated, and
    the work a template does is bounded."""
    return sandbox.ImmutableLimitedSandbox(undefined=StrictUndefined, autoescape=False,
                                           limits=sandbox.SPEC_LIMITS)


@lru_cache(maxsize=1024)
def _compiled_expression(source: str) -> Any:
    # Compiling is the expensive part (Jinja parses to Python and calls compile()); a spec has a
    # fixed set of templates, rendered once per lead and step.
    return environment().compile_expression(source, undefined_to_none=False)


@lru_cache(maxsize=1024)
def _compiled_template(source: str) -> Any:
    return environment().from_string(source)


def is_template(value: str) -> bool:
    """True when a string contains Jinja syntax."""
    return "{{" in value or "{%" in value


def _expression_source(text: str) -> str | None:
    match = _SOLE_EXPRESSION.match(text)
    return match.group("expr") if match and "{{" not in match.group("expr") else None


def parse(text: str) -> nodes.Template:
    """The template's syntax tree (raises TemplateSyntaxError)."""
    expression = _expression_source(text)
    source = f"{{{{ {expression} }}}}" if expression is not None else text
    return environment().parse(source)


def condition_tree(expression: str) -> nodes.Template:
    """The syntax tree of a `when:` condition (with or without surrounding braces)."""
    inner = _expression_source(expression)
    return environment().parse(f"{{{{ {inner if inner is not None else expression} }}}}")


def step_references(tree: nodes.Template) -> set[str]:
    """Names of the steps a template reads through `steps.<name>` or `steps["name"]`."""
    found: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if isinstance(target, nodes.Name) and target.name == "steps":
            if isinstance(node, nodes.Getattr):
                found.add(node.attr)
            elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                found.add(node.arg.value)
    return found


def unsafe_accesses(tree: nodes.Template) -> list[str]:
    """Attribute or item accesses to private or dunder names (refused before anything runs)."""
    bad: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) else None)
        if isinstance(name, str) and name.startswith("_"):
            bad.append(name)
    return bad


def static_problems(tree: nodes.Template) -> list[str]:
    """A limit breach or error in the template's constant parts, e.g. `{{ 10 ** 10**7 }}`."""
    return sandbox.static_problems(environment(), tree)


def _shown(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def strings(value: Any) -> Iterator[str]:
    """Every string inside a parameter value (nested dicts and lists included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def render(value: Any, context: dict[str, Any]) -> Any:
    """Render templates inside a parameter value; a sole expression keeps its native type."""
    if isinstance(value, dict):
        return {key: render(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, context) for item in value]
    if not isinstance(value, str) or not is_template(value):
        return value
    try:
        expression = _expression_source(value)
        if expression is not None:
            return sandbox.evaluate(environment(), _compiled_expression(expression), context)
        return sandbox.render_template(_compiled_template(value), context)
    except TemplateError as exc:
        raise InputError(f"template {_shown(value)}: {_one_line(exc)}") from exc


def evaluate(condition: str, context: dict[str, Any]) -> bool:
    """The truth of a `when:` condition."""
    inner = _expression_source(condition)
    try:
        compiled = _compiled_expression(inner if inner is not None else condition)
        return bool(sandbox.evaluate(environment(), compiled, context))
    except TemplateError as exc:
        raise InputError(f"condition {_shown(condition)}: {_one_line(exc)}") from exc
