"""Checking a spec before anything runs: structure, actions, parameters, templates, order.

Every problem is one line: `line L, col C: <what is wrong>; <what is allowed>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from jinja2.exceptions import TemplateSyntaxError
from pydantic import BaseModel, TypeAdapter, ValidationError

from flows.spec import templating
from flows.spec.loading import SpecSource, read_spec_source
from flows.spec.model import FlowSpec, Scope, content_version
from flows.spec.registry import Registry
from leadflow.errors import ConfigError


class SpecInvalid(ConfigError):
    """A spec failed validation; `problems` holds every one-line problem."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1
                                        else ""), file=path)


def load_spec(path: Path, registry: Registry) -> FlowSpec:
    """Read and fully validate a spec file; raises SpecInvalid listing every problem."""
    source = read_spec_source(path)
    problems = check_source(source, registry)
    if problems:
        raise SpecInvalid(path, problems)
    spec = FlowSpec.model_validate(source.data)
    return spec.model_copy(update={"version": content_version(source.text)})


def _at(source: SpecSource, path: tuple[Any, ...], message: str, *, key: bool = False) -> str:
    line, column = source.locate(path, key=key)
    return f"line {line}, col {column}: {message}"


def check_source(source: SpecSource, registry: Registry) -> list[str]:
    """Every problem of a parsed spec, in file order."""
    if not isinstance(source.data, dict):
        return [_at(source, (), "a spec is a mapping with name, trigger and steps")]
    try:
        spec = FlowSpec.model_validate(source.data)
    except ValidationError as exc:
        return [_structure_problem(source, error) for error in exc.errors()]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, step in enumerate(spec.steps):
        where = ("steps", index)
        if step.name in seen:
            problems.append(_at(source, (*where, "name"), f"duplicate step name {step.name!r} "
                                f"(also step {seen[step.name] + 1}); step names must be unique"))
        seen.setdefault(step.name, index)
        problems += _check_action(source, registry, spec, index)
        problems += _check_templates(source, spec, index)
    return problems


def _structure_problem(source: SpecSource, error: Any) -> str:
    path = tuple(error["loc"])
    key = ".".join(str(part) for part in path)
    if error["type"] == "extra_forbidden":
        return _at(source, path, f"unknown key {path[-1]!r}", key=True)
    if error["type"] == "missing":
        return _at(source, path[:-1], f"{key}: missing; it is required")
    allowed = error.get("ctx", {}).get("expected")
    suffix = f"; allowed: {allowed}" if allowed else ""
    return _at(source, path, f"{key}: {error['msg']}{suffix}")


def _check_action(source: SpecSource, registry: Registry, spec: FlowSpec, index: int) -> list[str]:
    step = spec.steps[index]
    where = ("steps", index)
    action = registry.get(step.action)
    if action is None:
        hint = registry.suggest(step.action)
        advice = f"did you mean {hint!r}?" if hint else "see `leadflow flows list`"
        return [_at(source, (*where, "action"), f"unknown action {step.action!r}; {advice}")]
    if action.batch != (spec.scope is Scope.BATCH):
        kind = "batch" if action.batch else "per-lead"
        return [_at(source, (*where, "action"), f"{step.action!r} is a {kind} action, but the "
                     f"spec's scope is {spec.scope.value!r}")]
    return _check_params(source, action.params, step.params, (*where, "params"))


def _check_params(
    source: SpecSource, model: type[BaseModel], params: dict[str, Any], where: tuple[Any, ...]
) -> list[str]:
    problems = []
    fields = model.model_fields
    for name in params:
        if name not in fields:
            allowed = ", ".join(fields) or "none"
            problems.append(_at(source, (*where, name), f"unknown parameter {name!r}; "
                                f"allowed: {allowed}", key=True))
    for name, field in fields.items():
        if name not in params:
            if field.is_required():
                problems.append(_at(source, where, f"missing parameter {name!r}"))
            continue
        value = params[name]
        if any(templating.is_template(text) for text in templating.strings(value)):
            continue  # checked when rendered, with the earlier steps' real outputs
        try:
            # With the field's metadata, so constraints and validators apply at load time too.
            annotation = (Annotated[field.annotation, *field.metadata] if field.metadata
                          else field.annotation)
            TypeAdapter(annotation).validate_python(value)
        except ValidationError as exc:
            problems.append(_at(source, (*where, name), f"parameter {name!r}: "
                                f"{exc.errors()[0]['msg']}"))
    return problems


def _check_templates(source: SpecSource, spec: FlowSpec, index: int) -> list[str]:
    step = spec.steps[index]
    earlier = set(spec.step_names()[:index])
    later = set(spec.step_names()[index:])
    candidates: list[tuple[tuple[Any, ...], str, bool]] = [
        (("steps", index, "params", name), text, False)
        for name, value in step.params.items() for text in templating.strings(value)
        if templating.is_template(text)]
    if step.when:
        candidates.append((("steps", index, "when"), step.when, True))
    problems = []
    for path, text, is_condition in candidates:
        try:
            tree = templating.condition_tree(text) if is_condition else templating.parse(text)
        except TemplateSyntaxError as exc:
            problems.append(_at(source, path, f"template syntax error: {exc.message}"))
            continue
        for message in templating.static_problems(tree):
            problems.append(_at(source, path, f"template cannot run: {message}"))
        for name in templating.unsafe_accesses(tree):
            problems.append(_at(source, path, f"unsafe template: access to {name!r} is not "
                                "allowed (names starting with '_' are private)"))
        for name in sorted(templating.step_references(tree) - earlier):
            reason = ("refers to itself or a later step (a cycle)" if name in later
                      else "refers to a step that does not exist")
            problems.append(_at(source, path, f"template {reason}: steps.{name}; a step can "
                                f"use only steps before it: {sorted(earlier) or 'none'}"))
    return problems
