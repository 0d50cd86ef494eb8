"""Flow specs: validation messages, the shipped specs, and specs run end to end on fakes."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from connectors.base.crm import ObjectType
from connectors.fakes import ScriptedLLM
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.actions import builtin_registry
from flows.spec.engine import SPECS_DIR, bant_steps, compile_spec, run_batch
from flows.spec.validation import SpecInvalid, load_spec
from leadflow.commands import flows_cmd
from leadflow.errors import ConfigError, InputError
from leadflow.store.leads import get_lead
from leadflow.store.models import LeadState
from leadflow.store.scoring_configs import save_config
from scoring.bant import AuthorityLevel
from scoring.config import default_config, parse_config
from tests.flows.test_chain import TRANSCRIPT, strong_extraction
from tests.flows.world import START, World, submission

REGISTRY = builtin_registry()
HEAD = "name: t\ntrigger: {kind: manual}\nsteps:\n"


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_spec(path, REGISTRY)
    return caught.value.problems if isinstance(caught.value, SpecInvalid) else [str(caught.value)]


@pytest.mark.parametrize(("body", "expected"), [
    ("  - {name: a, action: crm.upsrt_contact, params: {email: x@y.z}}\n",
     r"line 4, col \d+: unknown action 'crm.upsrt_contact'; did you mean 'crm.upsert_contact'\?"),
    ("  - {name: a, action: crm.log_activity, params: {contact_id: '1'}}\n",
     r"line 4, col \d+: missing parameter 'body'"),
    ("  - {name: a, action: notify.send, params: {title: [1], text: hi}}\n",
     r"line 4, col \d+: parameter 'title': Input should be a valid string"),
    ("  - {name: a, action: notify.send, params: {title: '{{ steps.b.x }}', text: t}}\n"
     "  - {name: b, action: score.latest}\n",
     r"line 4, col \d+: template refers to itself or a later step \(a cycle\): steps.b"),
    ("  - {name: a, action: notify.send, params: {title: '{{ steps.zz }}', text: t}}\n",
     r"refers to a step that does not exist: steps.zz"),
    ("  - {name: a, action: score.latest}\n  - {name: a, action: score.latest}\n",
     r"line 5, col \d+: duplicate step name 'a'"),
    ("  - {name: a, action: notify.send, params: {title: '{{ lead.__class__ }}', text: t}}\n",
     r"unsafe template: access to '__class__' is not allowed"),
    ("  - {name: a, action: score.latest, colour: red}\n",
     r"line 4, col \d+: unknown key 'colour'"),
    ("  - {name: a, action: score.latest, on_error: explode}\n",
     r"steps.0.on_error: .*allowed: 'fail', 'review' or 'skip'"),
    ("  - {name: a, action: score.rescore_all}\n",
     r"'score.rescore_all' is a batch action, but the spec's scope is 'lead'"),
    ("  - {name: a, action: crm.update, params: {properties: {leadflow_review_status: final}}}\n",
     r"leadflow_review_status: written only by crm.write_score with the lead's review status"),
])
def test_each_invalid_spec_gets_a_precise_one_line_message(
    tmp_path: Path, body: str, expected: str
) -> None:
    problems = problems_of(tmp_path, HEAD + body)
    assert any(re.search(expected, problem) for problem in problems), problems
    assert all("\n" not in problem for problem in problems)


def test_a_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, HEAD + "  - name: a\n    action: [unclosed\n")
    assert re.search(r"line \d+, col \d+: not valid YAML", problem)


@pytest.mark.parametrize("path", sorted(SPECS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_the_shipped_specs_are_valid(path: Path) -> None:
    spec = load_spec(path, REGISTRY)
    assert spec.version and spec.steps


def test_a_new_four_step_spec_runs_end_to_end_on_fakes(world: World, tmp_path: Path) -> None:
    prompt = tmp_path / "intent"
    prompt.mkdir()
    (prompt / "system.j2").write_text("Classify the intent as one of {{ labels | join(', ') }}.")
    (prompt / "user.j2").write_text("<form>{{ input.needs }}</form>")
    spec_path = tmp_path / "intent.yaml"
    spec_path.write_text(f"""
name: intent-routing
trigger: {{kind: form, source: google_forms}}
steps:
  - name: intake
    action: lead.form
  - name: intent
    action: llm.classify
    params:
      prompt: "{prompt}"
      labels: [buying, researching, support]
      input: {{needs: "{{{{ steps.intake.needs }}}}"}}
  - name: tag
    action: crm.update
    params:
      email: "{{{{ steps.intake.email }}}}"
      properties: {{leadflow_intent: "{{{{ steps.intent.label }}}}"}}
  - name: tell
    action: notify.send
    when: "steps.intent.label == 'buying'"
    params:
      recipient: sales@example.com
      title: "{{{{ steps.intake.name }}}} is buying"
      text: "{{{{ steps.intent.reason }}}}"
""")
    llm = ScriptedLLM([{"label": "buying", "reason": "asks for pricing",
                        "evidence": [{"quote": "pricing for 40 seats"}]}])
    chain = dataclasses.replace(world.chain, llm=llm)
    body = submission(1).replace('"Company 1"}', '"Company 1"}, {"title": "What do you need?", '
                                 '"value": "Need pricing for 40 seats this month"}')
    received = receive(world.store, "google_forms", body)
    steps = compile_spec(load_spec(spec_path, REGISTRY), REGISTRY)
    [progress] = asyncio.run(advance_leads(chain, [received.lead_id], steps))
    assert progress.finished, progress
    [call] = llm.calls_to("complete")
    assert "Need pricing for 40 seats this month" in call["messages"][1]["content"]
    assert call["prompt_name"] == "intent" and call["prompt_version"].startswith("intent@")
    contact_id = world.crm.calls_to("update_properties")[0]["object_id"]
    assert world.crm.get_properties(ObjectType.CONTACT, contact_id, ["leadflow_intent"]) == {
        "leadflow_intent": "buying"}
    [(sent, _)] = world.notifier.sent
    assert sent.recipient == "sales@example.com" and sent.text == "asks for pricing"


def _scored_lead(world: World, index: int = 1) -> int:
    received = receive(world.store, "google_forms", submission(index))
    world.transcripts.add(TRANSCRIPT, lead_email=f"lead{index}@example.com")
    weak = strong_extraction()
    # An individual contributor buying in a year: 30 + 0 + 25 + 5 = 60, Fair.
    answers = weak.answers.model_copy(update={
        "authority": weak.answers.authority.model_copy(
            update={"level": AuthorityLevel.INDIVIDUAL_CONTRIBUTOR}),
        "timeline": weak.answers.timeline.model_copy(update={"months": Decimal(12)})})
    world.extractor.queue(weak.model_copy(update={"answers": answers}))
    asyncio.run(advance_leads(world.chain, [received.lead_id], bant_steps()))
    world.clock.now += timedelta(days=5)
    asyncio.run(advance_leads(world.chain, [received.lead_id], bant_steps()))
    return received.lead_id


def test_nurture_routes_a_lead_by_its_weakest_criterion(world: World) -> None:
    lead_id = _scored_lead(world)  # authority scores 0 of 25: the weakest
    steps = compile_spec(load_spec(SPECS_DIR / "nurture.yaml", REGISTRY), REGISTRY)
    [progress] = asyncio.run(advance_leads(world.chain, [lead_id], steps))
    assert progress.finished
    contact = world.crm.calls_to("update_properties")[-1]["object_id"]
    assert world.crm.get_properties(ObjectType.CONTACT, contact, ["leadflow_nurture_track"]) \
        == {"leadflow_nurture_track": "find-the-decision-maker"}
    assert world.notifier.sent[-1][0].title.endswith("moves to the find-the-decision-maker track")


def test_rescore_spec_rescores_without_any_extractor_call_and_writes_changes(
    world: World,
) -> None:
    lead_id = _scored_lead(world)
    extractor_calls = len(world.extractor.calls)
    heavier_budget = default_config().model_dump(mode="json")
    heavier_budget["weights"] = {"budget": 40, "authority": 15, "need": 25, "timeline": 20}
    heavier_budget["tiers"]["budget"][0]["points"] = 40
    heavier_budget["tiers"]["authority"] = [
        {"levels": ["c_level"], "points": 15, "label": "C-level"},
        {"levels": ["vp_director", "manager"], "points": 10, "label": "manager+"},
        {"levels": ["individual_contributor", "unknown"], "points": 0, "label": "other"}]
    with world.store.session() as session:
        save_config(session, heavier_budget, version=parse_config(heavier_budget).version,
                    actor="ops", reason="budget matters more")
    steps = compile_spec(load_spec(SPECS_DIR / "rescore.yaml", REGISTRY), REGISTRY)
    outputs = run_batch(world.chain, steps)
    assert outputs["rescore"]["changed_lead_ids"] == [lead_id]
    assert outputs["write_back"]["written"] == 1
    assert len(world.extractor.calls) == extractor_calls
    with world.store.session(write=False) as session:
        lead = get_lead(session, lead_id)
        assert lead is not None and int(lead.score_total) == 70  # 40 + 0 + 25 + 5
    assert world.crm.calls_to("update_properties")[-1]["properties"]["leadflow_score"] == 70


def test_a_rescore_keeps_a_lead_in_review_pending_in_the_crm(world: World) -> None:
    received = receive(world.store, "google_forms", submission(3))
    world.transcripts.add(TRANSCRIPT, lead_email="lead3@example.com")
    world.extractor.queue(strong_extraction(flagged=True))  # 100 points, held for review
    asyncio.run(advance_leads(world.chain, [received.lead_id], bant_steps()))
    world.clock.now += timedelta(days=5)
    asyncio.run(advance_leads(world.chain, [received.lead_id], bant_steps()))
    world.clock.now = START  # back before the next lead's proposed meeting times
    scored_id = _scored_lead(world)  # 60, final
    data = default_config().model_dump(mode="json")
    data["tiers"]["timeline"][0]["max_months"] = 1  # 2 months: 20 -> 10 points
    data["bands"] = [{"name": "Good", "min": 95}, {"name": "Fair", "min": 65},
                     {"name": "Poor", "min": 0}]
    with world.store.session() as session:
        save_config(session, data, version=parse_config(data).version, actor="ops",
                    reason="stricter bands")
    outputs = run_batch(world.chain, compile_spec(
        load_spec(SPECS_DIR / "rescore.yaml", REGISTRY), REGISTRY))
    assert set(outputs["rescore"]["changed_lead_ids"]) == {received.lead_id, scored_id}
    assert outputs["write_back"] == {"written": 2, "held": 0}
    with world.store.session(write=False) as session:
        in_review, scored = get_lead(session, received.lead_id), get_lead(session, scored_id)
    assert in_review is not None and in_review.state == LeadState.NEEDS_REVIEW
    assert scored is not None
    names = ["leadflow_review_status", "leadflow_score", "leadflow_band"]
    # The lead in review still reads "pending review" in the CRM, with no score to act on.
    assert world.crm.get_properties(ObjectType.CONTACT, in_review.crm_contact_id, names) == {
        "leadflow_review_status": "pending_review", "leadflow_score": None,
        "leadflow_band": None}
    assert world.crm.get_properties(ObjectType.CONTACT, scored.crm_contact_id, names) == {
        "leadflow_review_status": "final", "leadflow_score": 60, "leadflow_band": "Poor"}


def test_on_error_review_sends_the_lead_to_a_reviewer(world: World, tmp_path: Path) -> None:
    spec_path = tmp_path / "s.yaml"
    spec_path.write_text(HEAD + "  - {name: s, action: score.latest, on_error: review}\n")
    received = receive(world.store, "google_forms", submission(2))
    steps = compile_spec(load_spec(spec_path, REGISTRY), REGISTRY)
    [progress] = asyncio.run(advance_leads(world.chain, [received.lead_id], steps))
    assert progress.failed_at == "s"
    with world.store.session(write=False) as session:
        lead = get_lead(session, received.lead_id)
        assert lead is not None and lead.state == LeadState.NEEDS_REVIEW
        assert "has no score yet" in (lead.state_reason or "")


def test_only_a_schedule_spec_can_be_served(tmp_path: Path) -> None:
    app = typer.Typer()
    flows_cmd.register(app)
    result = CliRunner().invoke(app, ["flows", "serve", str(SPECS_DIR / "nurture.yaml")])
    assert isinstance(result.exception, InputError)
    assert "only a spec with `trigger: {kind: schedule" in str(result.exception)
