"""Jinja2 sandboxes that bound the work a template may do (flow spec and prompt templates).

Jinja's sandbox keeps a template away from Python's internals, not from the CPU or memory:
`{{ 10 ** (10 ** 7) }}` took 17 s and `{{ 'x' * 10**10 }}` asks for 10 GB. Python cannot stop
a thread from outside, so the work is bounded from inside, wherever a template makes it grow:

- integers: `**` and `*` are refused before computing when the result would pass
  `max_int_bits`;
- text and lists: repetition (`*`), `+`, `~`, `%` and `.format` (their widths and precisions
  included), the padding methods (ljust, center, zfill, expandtabs), `replace`, `join`, and the
  filters that build text (center, indent, format, join, replace, tojson, wordwrap, batch,
  slice) are refused when the result would pass `max_string`; `lipsum` is not offered;
- work: each loop iteration, each call and each `{{ }}` output is a step; a render stops at
  `max_steps` steps or after `max_seconds` (checked at every step, so a render overruns by at
  most one bounded step: this is the render timeout, enforced inside the rendering thread);
- output: every `{{ }}` and literal text a render produces (inside `{% set %}` blocks and macros
  too) counts towards `max_output`.

A breach raises TemplateLimitError (a SecurityError, so a TemplateError). render_template and
evaluate also turn any other error a template raises (`1 / 0`, `'a' + 1`) into a TemplateError,
so callers catch one class; `static_problems` finds breaches in constant parts before a run.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import math
import operator
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.environment import Template, TemplateExpression
from jinja2.exceptions import SecurityError, TemplateError, TemplateRuntimeError
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.utils import pass_eval_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup


@dataclass(frozen=True)
class RenderLimits:
    """How much one render may build and do (see the module's docstring)."""

    max_string: int
    max_output: int
    max_int_bits: int = 4096
    max_steps: int = 1_000_000
    max_seconds: float = 2.0


# Spec parameters are short (an email, a CRM note, a message): 1M characters is far above them.
SPEC_LIMITS = RenderLimits(max_string=1_000_000, max_output=1_000_000)
# A prompt holds a whole transcript chunk (context_tokens of ~4 characters each).
PROMPT_LIMITS = RenderLimits(max_string=16_000_000, max_output=16_000_000, max_seconds=5.0)


class TemplateLimitError(SecurityError):
    """A template would pass one of its RenderLimits."""


class _Budget:
    """One render's steps, deadline and output so far."""

    __slots__ = ("deadline", "limits", "output", "steps")

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.steps = 0
        self.output = 0
        self.deadline = time.monotonic() + limits.max_seconds

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise TemplateLimitError(f"more than {self.limits.max_steps:,} loop iterations, "
                                     "calls and outputs in one render")
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"the render took longer than {self.limits.max_seconds:g} s")

    def produce(self, size: int) -> None:
        self.output += size
        if self.output > self.limits.max_output:
            raise TemplateLimitError(f"the render would produce more than "
                                     f"{self.limits.max_output:,} characters")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("render_budget",
                                                                        default=None)


@contextmanager
def _budgeted(limits: RenderLimits) -> Iterator[_Budget]:
    budget = _Budget(limits)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def _step() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.step()


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple | dict | set) else None


# `%` conversions: an optional (key), flags, width, precision; `*` takes them from the values.
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")
_DIGITS = re.compile(r"\d+")


class _Checks:
    """Size checks against one RenderLimits; each raises TemplateLimitError."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits

    def length(self, size: int, what: str = "the result") -> None:
        if size > self.limits.max_string:
            raise TemplateLimitError(f"{what} would be {size:,} characters or items long; "
                                     f"templates are limited to {self.limits.max_string:,}")

    def bits(self, bits: float) -> None:
        if bits > self.limits.max_int_bits:
            raise TemplateLimitError(f"the result would be a {bits:,.0f}-bit number; templates "
                                     f"are limited to {self.limits.max_int_bits:,} bits")

    def grown(self, result: Any, *inputs: Any) -> Any:
        """`result`, unless it is over a limit and larger than every input: data passed
        through (a long transcript) is not refused, text a template makes longer is."""
        size = _sized(result)
        if size is not None and size > self.limits.max_string:
            if size > max((_sized(item) or 0 for item in inputs), default=0):
                self.length(size)
        elif isinstance(result, int) and result.bit_length() > self.limits.max_int_bits:
            widest = max((item.bit_length() for item in inputs if isinstance(item, int)),
                         default=0)
            if result.bit_length() > widest:
                self.bits(result.bit_length())
        return result

    def width(self, number: Any, what: str = "a width") -> None:
        if isinstance(number, int) and number > self.limits.max_string:
            raise TemplateLimitError(f"{what} of {number:,} is over the limit of "
                                     f"{self.limits.max_string:,}")

    def format_spec(self, spec: str) -> None:
        for digits in _DIGITS.findall(spec):
            self.width(int(digits), "a format width or precision")

    def percent(self, text: str, values: Any) -> None:
        for match in _PERCENT_SPEC.finditer(text):
            for part in match.groups():
                if part == "*":
                    raise TemplateLimitError("'*' widths in % formatting are not allowed")
                if part:
                    self.width(int(part), "a % width or precision")

    def power(self, base: Any, exponent: Any) -> None:
        if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
            if exponent > self.limits.max_int_bits:
                self.bits(exponent)
            self.bits(exponent * math.log2(abs(base)))

    def product(self, left: Any, right: Any) -> None:
        if isinstance(left, int) and isinstance(right, int):
            self.bits(left.bit_length() + right.bit_length() - 1)
            return
        for times, sequence in ((left, right), (right, left)):
            size = _sized(sequence)
            if isinstance(times, int) and size is not None and times > 0:
                self.length(size * times, "the repetition")

    def replacement(self, text: Any, old: Any, new: Any, count: Any = None) -> None:
        if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
            return
        found = len(text) + 1 if old == "" else text.count(old)
        if isinstance(count, int) and count >= 0:
            found = min(found, count)
        self.length(len(text) + found * max(len(new) - len(old), 0), "the replacement")

    def joined(self, separator: Any, items: list[Any]) -> None:
        if isinstance(separator, str):
            self.length(len(separator) * max(len(items) - 1, 0), "the join")


def _limited_formatter(base: type[SandboxedFormatter], checks: _Checks) -> type:
    class LimitedFormatter(base):  # type: ignore[valid-type, misc]
        def format_field(self, value: Any, format_spec: str) -> Any:
            checks.format_spec(format_spec)
            return checks.grown(super().format_field(value, format_spec), value)

    return LimitedFormatter


_PADDING_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})


class _LimitsMixin:
    """What both sandboxes add: checked operators, calls, filters, loops and outputs."""

    limits: RenderLimits
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def _init_limits(self, limits: RenderLimits) -> None:
        self.limits = limits
        self._checks = _Checks(limits)
        env: Any = self
        env.globals.pop("lipsum", None)  # it writes any number of paragraphs; nothing uses it
        for name, check in _FILTER_CHECKS.items():
            env.filters[name] = _checked_filter(env.filters[name], check, self._checks)
        self._formatters = {
            False: _limited_formatter(SandboxedFormatter, self._checks),
            True: _limited_formatter(SandboxedEscapeFormatter, self._checks),
        }

    # Parsed templates are rewritten so that loops, `~` and outputs go through the methods
    # below (Jinja documents _generate as the hook for changing how a template is generated).
    def _generate(self, source: nodes.Template, name: str | None, filename: str | None,
                  defer_init: bool = False) -> Any:
        source = _Rewriter(self).visit(source)
        return super()._generate(source, name, filename, defer_init)  # type: ignore[misc]

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        checks = self._checks
        if operator == "**":
            checks.power(left, right)
        elif operator == "*":
            checks.product(left, right)
        elif operator == "%" and isinstance(left, str):
            checks.percent(left, right)
        result = super().call_binop(context, operator, left, right)  # type: ignore[misc]
        return checks.grown(result, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _step()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and isinstance(__obj, types.BuiltinMethodType):
            args = __self._check_str_method(owner, __obj.__name__, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)  # type: ignore[misc]
        return __self._checks.grown(result, owner, *args, *kwargs.values())

    def _check_str_method(self, text: str, name: str, args: tuple[Any, ...],
                          kwargs: dict[str, Any]) -> tuple[Any, ...]:
        checks = self._checks
        if name in _PADDING_METHODS and args:
            checks.width(args[0])
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            if isinstance(size, int):
                checks.length(len(text) + text.count("\t") * max(size, 0), "the expansion")
        elif name == "replace" and len(args) >= 2:
            checks.replacement(text, *args[:3])
        elif name == "join" and args:
            items = list(args[0])
            checks.joined(text, items)
            args = (items, *args[1:])
        return args

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # As Jinja's own, with a formatter that checks every width and precision first.
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) or (
                value.__name__ not in ("format", "format_map")):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        if isinstance(text, Markup):
            formatter = self._formatters[True](self, escape=text.escape)
        else:
            formatter = self._formatters[False](self)
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            result = formatter.vformat(text, args, kwargs)
            return type(text)(self._checks.grown(result, text, *args, *kwargs.values()))

        return functools.update_wrapper(wrapper, value)

    # Called from rewritten templates (see _Rewriter).
    def leadflow_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            _step()
            yield item

    @pass_eval_context
    def leadflow_concat(self, eval_ctx: Any, *parts: Any) -> str:
        self._checks.length(sum(len(str(part)) for part in parts), "the joined text")
        return markup_join(parts) if eval_ctx.autoescape else str_join(parts)

    def leadflow_output(self, value: Any, literal: int = 0) -> Any:
        budget = _BUDGET.get()
        if budget is not None:
            budget.produce(literal + (len(value) if isinstance(value, str) else len(str(value))))
        return value


_PASSED_NAMES = frozenset({"eval_ctx", "environment", "env", "context"})


def _checked_filter(original: Callable[..., Any],
                    check: Callable[[_Checks, inspect.BoundArguments], None],
                    checks: _Checks) -> Callable[..., Any]:
    signature = inspect.signature(original)
    parameters = list(signature.parameters.values())
    if getattr(original, "jinja_pass_arg", None) is not None and (
            not parameters or parameters[0].name not in _PASSED_NAMES):
        # An async-variant filter whose sync body takes no eval context is marked to get one.
        parameters.insert(0, inspect.Parameter("passed", inspect.Parameter.POSITIONAL_ONLY))
        signature = signature.replace(parameters=parameters)

    @functools.wraps(original)  # keeps Jinja's pass_eval_context / pass_environment marks
    def checked(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        check(checks, bound)
        return checks.grown(original(*bound.args, **bound.kwargs), *bound.arguments.values())

    return checked


def _check_join(checks: _Checks, bound: inspect.BoundArguments) -> None:
    items = list(bound.arguments["value"])
    bound.arguments["value"] = items
    checks.joined(bound.arguments.get("d", ""), items)


def _check_indent(checks: _Checks, bound: inspect.BoundArguments) -> None:
    text, width = str(bound.arguments["s"]), bound.arguments.get("width", 4)
    each = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    checks.length(len(text) + (text.count("\n") + 1) * max(each, 0), "the indented text")


def _check_wordwrap(checks: _Checks, bound: inspect.BoundArguments) -> None:
    text, wrap = str(bound.arguments["s"]), bound.arguments.get("wrapstring") or "\n"
    checks.length(len(text) + (len(text) + 1) * len(str(wrap)), "the wrapped text")


def _check_format(checks: _Checks, bound: inspect.BoundArguments) -> None:
    checks.percent(str(bound.arguments["value"]), bound.arguments.get("args"))


def _check_tojson(checks: _Checks, bound: inspect.BoundArguments) -> None:
    indent = bound.arguments.get("indent")
    if isinstance(indent, int) and indent > 64:
        raise TemplateLimitError(f"a JSON indent of {indent:,} is over the limit of 64")


_FILTER_CHECKS: dict[str, Callable[[_Checks, inspect.BoundArguments], None]] = {
    "center": lambda checks, bound: checks.width(bound.arguments.get("width")),
    "indent": _check_indent,
    "format": _check_format,
    "join": _check_join,
    "replace": lambda checks, bound: checks.replacement(
        bound.arguments["s"], bound.arguments["old"], bound.arguments["new"],
        bound.arguments.get("count")),
    "tojson": _check_tojson,
    "wordwrap": _check_wordwrap,
    "batch": lambda checks, bound: checks.width(bound.arguments.get("linecount"), "a batch"),
    "slice": lambda checks, bound: checks.width(bound.arguments.get("slices"), "a slice count"),
}


class _Rewriter(NodeTransformer):
    """Routes loops, `~` and outputs through the environment's counting methods."""

    def __init__(self, environment: Any) -> None:
        self.environment = environment

    def _call(self, method: str, *args: nodes.Expr, lineno: int) -> nodes.Call:
        call = nodes.Call(nodes.EnvironmentAttribute(method), list(args), [], None, None)
        call.set_lineno(lineno)
        call.set_environment(self.environment)
        return call

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        node.iter = self._call("leadflow_loop", node.iter, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return self._call("leadflow_concat", *node.nodes, lineno=node.lineno)

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        node = self.generic_visit(node)
        children: list[nodes.Expr] = []
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                # Counted by an empty output in front of it: literal text stays unescaped.
                children += [self._call("leadflow_output", nodes.Const(""),
                                        nodes.Const(len(child.data)), lineno=child.lineno),
                             child]
            else:
                children.append(self._call("leadflow_output", child, lineno=child.lineno))
        node.nodes = children
        return node


class LimitedSandbox(_LimitsMixin, SandboxedEnvironment):
    """SandboxedEnvironment with RenderLimits (prompt templates)."""

    def __init__(self, *args: Any, limits: RenderLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_limits(limits)


class ImmutableLimitedSandbox(_LimitsMixin, ImmutableSandboxedEnvironment):
    """ImmutableSandboxedEnvironment with RenderLimits (flow spec templates)."""

    def __init__(self, *args: Any, limits: RenderLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_limits(limits)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, TemplateError):
        return text or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _limits_of(environment: Any) -> RenderLimits:
    limits = getattr(environment, "limits", None)
    if not isinstance(limits, RenderLimits):
        raise TypeError("render with a LimitedSandbox or an ImmutableLimitedSandbox")
    return limits


def render_template(template: Template, variables: Mapping[str, Any]) -> str:
    """The template's text within its environment's limits; every failure a TemplateError."""
    with _budgeted(_limits_of(template.environment)):
        try:
            return template.render(**variables)
        except TemplateError as exc:
            if "\n" in str(exc):
                raise TemplateRuntimeError(_one_line(exc)) from exc
            raise
        except Exception as exc:  # the template's own error: 1 / 0, 'a' + 1, recursion
            raise TemplateRuntimeError(_one_line(exc)) from exc


def evaluate(environment: Any, expression: TemplateExpression,
             variables: Mapping[str, Any]) -> Any:
    """The value of an expression compiled by `environment`, within its limits (see
    render_template)."""
    with _budgeted(_limits_of(environment)):
        try:
            return expression(**variables)
        except TemplateError as exc:
            if "\n" in str(exc):
                raise TemplateRuntimeError(_one_line(exc)) from exc
            raise
        except Exception as exc:
            raise TemplateRuntimeError(_one_line(exc)) from exc


class _NotConstant(Exception):
    pass


_UNARY: dict[str, Callable[[Any], Any]] = {"-": operator.neg, "+": operator.pos,
                                           "not": operator.not_}


def _fold(environment: Any, node: nodes.Node) -> Any:
    """The value of a constant expression, computed with the environment's checks."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.List | nodes.Tuple):
        items = [_fold(environment, item) for item in node.items]
        return items if isinstance(node, nodes.List) else tuple(items)
    if isinstance(node, nodes.BinExpr) and node.operator in environment.binop_table:
        left, right = _fold(environment, node.left), _fold(environment, node.right)
        if node.operator in environment.intercepted_binops:
            return environment.call_binop(None, node.operator, left, right)
        return environment.binop_table[node.operator](left, right)
    if isinstance(node, nodes.UnaryExpr) and node.operator in _UNARY:
        return _UNARY[node.operator](_fold(environment, node.node))
    if isinstance(node, nodes.Concat):
        parts = [_fold(environment, part) for part in node.nodes]
        environment._checks.length(sum(len(str(part)) for part in parts), "the joined text")
        return "".join(map(str, parts))
    raise _NotConstant


def static_problems(environment: Any, tree: nodes.Template) -> list[str]:
    """Limit breaches and errors in a template's constant parts (`{{ 10 ** 10**7 }}`), found
    without running it; at most one per template."""
    for node in tree.find_all((nodes.BinExpr, nodes.Concat, nodes.UnaryExpr)):
        try:
            _fold(environment, node)
        except _NotConstant:
            continue
        except Exception as exc:
            return [_one_line(exc)]
    return []
