"""Generic LLM steps on the OpenAI-compatible path: strict schema sent, re-ask, audit rows."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path

import pytest

from connectors.llm import build_client
from connectors.llm.structured import OpenAIStructuredLLM
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.actions import builtin_registry
from flows.spec.actions.llm_actions import ClassifyAnswer
from flows.spec.engine import compile_spec
from flows.spec.validation import load_spec
from leadflow.errors import InvalidOutputError
from leadflow.store.llm_calls import list_llm_calls
from tests.flows.world import World, build_world, submission
from tests.llm.conftest import Sleeps, llm_settings
from tests.llm.fake_openai_server import FakeOpenAI, Reply

REGISTRY = builtin_registry()


@pytest.fixture
def world(tmp_path: Path) -> World:
    """A chain on in-memory fakes (the LLM under test is the real client on the fake server)."""
    return build_world(tmp_path)


def _spec(tmp_path: Path) -> Path:
    prompt = tmp_path / "triage"
    prompt.mkdir()
    (prompt / "system.j2").write_text("Pick one of {{ labels | join(', ') }}; quote the form.")
    (prompt / "user.j2").write_text("<form>{{ input.needs }}</form>")
    path = tmp_path / "triage.yaml"
    path.write_text(f"""
name: triage
trigger: {{kind: manual}}
steps:
  - name: intake
    action: lead.form
  - name: triage
    action: llm.classify
    params:
      prompt: "{prompt}"
      labels: [buying, researching]
      input: {{needs: "{{{{ steps.intake.needs }}}}"}}
""")
    return path


def _run(world: World, llm: OpenAIStructuredLLM, spec: Path) -> int:
    body = submission(4).replace('"Company 4"}', '"Company 4"}, {"title": "What do you need?", '
                                 '"value": "We need pricing for 40 seats"}')
    received = receive(world.store, "google_forms", body)
    steps = compile_spec(load_spec(spec, REGISTRY), REGISTRY)
    chain = dataclasses.replace(world.chain, llm=llm)
    [progress] = asyncio.run(advance_leads(chain, [received.lead_id], steps))
    assert progress.finished or progress.failed_at, progress
    return received.lead_id


def test_llm_classify_sends_a_strict_schema_and_audits_the_re_ask(
    fake_openai: FakeOpenAI, world: World, tmp_path: Path, sleeps: Sleeps
) -> None:
    settings = llm_settings(fake_openai)
    llm = OpenAIStructuredLLM(build_client(settings), settings, world.store, sleep=sleeps)
    fake_openai.queue(
        Reply.text('{"label": "buying"}'),  # missing reason and evidence: re-asked
        Reply.answer({"label": "buying", "reason": "asks for pricing",
                      "evidence": [{"quote": "pricing for 40 seats"}]}))
    lead_id = _run(world, llm, _spec(tmp_path))
    first, second = fake_openai.requests
    schema = first["response_format"]["json_schema"]
    assert schema["strict"] is True and schema["schema"]["additionalProperties"] is False
    assert "We need pricing for 40 seats" in first["messages"][1]["content"]
    assert "did not match the required JSON schema" in second["messages"][-1]["content"]
    with world.store.session(write=False) as session:
        calls = list_llm_calls(session, lead_id=lead_id)
    assert [call.status for call in calls] == ["invalid", "ok"]
    assert all(call.prompt_name == "triage" for call in calls)


def test_two_invalid_answers_raise_with_both_attempts(
    fake_openai: FakeOpenAI, world: World, sleeps: Sleeps
) -> None:
    settings = llm_settings(fake_openai)
    llm = OpenAIStructuredLLM(build_client(settings), settings, world.store, sleep=sleeps)
    fake_openai.queue(Reply.text("not json"), Reply.text(json.dumps({"label": 3})))
    with pytest.raises(InvalidOutputError) as caught:
        llm.complete([{"role": "user", "content": "x"}], ClassifyAnswer,
                     prompt_name="p", prompt_version="p@1")
    assert len(caught.value.attempts) == 2
