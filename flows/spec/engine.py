"""Running a spec's steps for a lead: render parameters from earlier outputs, then run_step.

Each step is recorded under `<submission>:<spec>.<step>`, so specs never share a record and a
step that succeeded is never repeated. Batch specs run once over everything, in one task each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from flows.chain import Chain, Outcome, Waiting, run_step, snapshot
from flows.retrying import call_with_retries
from flows.spec import templating
from flows.spec.actions import builtin_registry
from flows.spec.model import FlowSpec, StepSpec
from flows.spec.registry import Action, ActionContext, Registry
from flows.spec.validation import load_spec
from leadflow.errors import InputError
from leadflow.settings import RetrySettings
from leadflow.store.leads import get_lead
from leadflow.store.models import Lead, StepRun
from leadflow.store.steps import StepStatus, get_step_run, step_key

SPECS_DIR = Path(__file__).resolve().parent.parent / "specs"
BANT_SPEC = SPECS_DIR / "bant_qualification.yaml"


@dataclass(frozen=True)
class SpecStep:
    """One step of a loaded spec, bound to its action; `run` is what runners call."""

    spec: FlowSpec
    step: StepSpec
    action: Action

    @property
    def name(self) -> str:
        """The step's name (also its task name in the Prefect UI)."""
        return self.step.name

    def run(self, chain: Chain, lead_id: int) -> Outcome:
        """Run this step for one lead."""
        return run_spec_step(chain, self, lead_id)

    def is_done(self, chain: Chain, lead_id: int) -> bool:
        """True when this step already succeeded for the lead (so no task needs to run)."""
        with chain.store.session(write=False) as session:
            lead = get_lead(session, lead_id)
            if lead is None:
                return False
            run = get_step_run(session, step_key(lead.submission_id, self.record_name))
        return run is not None and run.status == StepStatus.SUCCEEDED

    @property
    def record_name(self) -> str:
        """What the step's outcome is recorded under (unique across specs)."""
        return f"{self.spec.name}.{self.step.name}"


def compile_spec(spec: FlowSpec, registry: Registry) -> list[SpecStep]:
    """The spec's steps bound to their actions (the spec was validated when loaded)."""
    return [SpecStep(spec, step, registry.actions[step.action]) for step in spec.steps]


def load_steps(path: Path = BANT_SPEC, registry: Registry | None = None) -> list[SpecStep]:
    """Load, validate and compile a spec file (the BANT qualification spec by default)."""
    registry = registry or builtin_registry()
    return compile_spec(load_spec(path, registry), registry)


@lru_cache(maxsize=1)
def bant_steps() -> tuple[SpecStep, ...]:
    """The compiled steps of the shipped BANT spec (loaded on first use, not at import)."""
    return tuple(load_steps())


def _record_prefix(lead: Lead, spec: FlowSpec) -> str:
    return f"{lead.submission_id}:{spec.name}."


def lead_outputs(session: Session, lead: Lead, spec: FlowSpec) -> dict[str, Any]:
    """Results of the spec's steps that succeeded for this lead, by step name."""
    prefix = _record_prefix(lead, spec)
    runs = session.exec(select(StepRun).where(
        StepRun.lead_id == lead.id, col(StepRun.key).startswith(prefix),
        StepRun.status == StepStatus.SUCCEEDED)).all()
    return {run.key.removeprefix(prefix): run.result or {} for run in runs}


def _retry_policy(step: StepSpec) -> RetrySettings | None:
    if step.retries is None:
        return None
    return RetrySettings(max_attempts=step.retries.attempts, base_delay_s=step.retries.delay_s,
                         max_delay_s=step.retries.max_delay_s)


def _rendered(bound: SpecStep, render: Callable[[], Any]) -> Any:
    """`render()`, a template's InputError naming the step it belongs to."""
    try:
        return render()
    except InputError as exc:
        raise InputError(f"step {bound.name}: {exc}", errors=exc.errors) from exc


def _runs(bound: SpecStep, context: dict[str, Any]) -> bool:
    """Whether the step's `when:` (if any) holds."""
    when = bound.step.when
    return not when or _rendered(bound, lambda: templating.evaluate(when, context))


def _params(bound: SpecStep, context: dict[str, Any]) -> Any:
    rendered = _rendered(bound, lambda: templating.render(bound.step.params, context))
    try:
        return bound.action.params.model_validate(rendered)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InputError(
            f"step {bound.name}: parameters invalid after rendering: {problems}") from exc


def run_spec_step(chain: Chain, bound: SpecStep, lead_id: int) -> Outcome:
    """Render the step's parameters and `when:` from earlier outputs, then run it once."""
    with chain.store.session(write=False) as session:
        lead = get_lead(session, lead_id)
        if lead is None:
            raise InputError(f"no lead with id {lead_id}")
        outputs = lead_outputs(session, lead, bound.spec)
        lead = snapshot(lead)
    if bound.name in outputs:  # it succeeded before: nothing to render, nothing to run
        return Outcome.ALREADY_DONE
    context = {"steps": outputs, "lead": lead.model_dump(mode="json")}
    if not _runs(bound, context):
        return Outcome.SKIPPED

    def body(chain: Chain, current: Lead) -> dict[str, Any]:
        ctx = ActionContext(chain, current, bound.spec.name, bound.name, outputs)
        return bound.action.handler(ctx, _params(bound, context))

    return run_step(chain, lead_id, bound.name, body, bound.action.apply,
                    retry=_retry_policy(bound.step), on_error=bound.step.on_error.value,
                    record_as=bound.record_name)


def run_batch(chain: Chain, steps: list[SpecStep]) -> dict[str, Any]:
    """Run a batch spec's steps once, in order; returns every step's output."""
    outputs: dict[str, Any] = {}
    for bound in steps:
        context = {"steps": outputs, "lead": None}
        if not _runs(bound, context):
            continue
        ctx = ActionContext(chain, None, bound.spec.name, bound.name, outputs)
        params = _params(bound, context)
        try:
            outputs[bound.name] = call_with_retries(
                lambda handler=bound.action.handler, ctx=ctx, params=params: handler(ctx, params),
                _retry_policy(bound.step) or chain.retry, what=bound.name, sleep=chain.sleep)
        except Waiting:
            break
    return outputs
