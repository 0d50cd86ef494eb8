"""A provider error that echoes a key: the key reaches neither the store nor the logs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlmodel import select

from flows.chain import StepFailed, run_step
from flows.qualification import qualify_leads
from flows.receive import receive
from flows.runner import advance_leads
from flows.spec.engine import bant_steps
from leadflow.errors import PermanentError, TransientError
from leadflow.logs import PREFECT_RUN_LOGGERS, JsonFormatter, redact_prefect_logs
from leadflow.redaction import Redactor
from leadflow.settings import LLMSettings, Settings, WebSettings
from leadflow.store import Store
from leadflow.store.audit import list_audit
from leadflow.store.leads import get_lead
from leadflow.store.llm_calls import add_llm_call
from leadflow.store.models import LlmCall
from leadflow.store.steps import list_step_runs
from tests.flows.world import World, build_world, submission

PATTERNED = "sk-live-123456789"  # the shape patterns know
CONFIGURED = "Zq9vLlmKey0042"  # only known because the settings hold it


@pytest.fixture
def redacting_world(tmp_path: Path) -> World:
    """The fakes' world with the store and chain a server builds: redacting the settings'
    secrets."""
    settings = Settings(data_dir=tmp_path, llm=LLMSettings(api_key=SecretStr(CONFIGURED)),
                        web=WebSettings(session_secret=SecretStr("session-secret-bbb")))
    redactor = Redactor.from_settings(settings)
    world = build_world(tmp_path)
    store = Store(f"sqlite:///{tmp_path / 'leadflow.db'}", redactor=redactor)
    world.chain = replace(world.chain, store=store, redactor=redactor)
    world.store = store
    return world


@pytest.fixture
def flow_logs(redacting_world: World) -> Iterator[io.StringIO]:
    """Our JSON log lines from the flows loggers, as configure_logging would write them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(redacting_world.chain.redactor))
    logger = logging.getLogger("flows")
    saved = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(saved)


def _echo(kind: type[Exception]) -> Exception:
    return kind(f'401 {{"error": "invalid api key {PATTERNED} / {CONFIGURED}", '
                '"contact": "lead0@example.com"}', connector="crm")


def test_a_key_echoed_by_a_provider_is_redacted_in_store_and_logs(
        redacting_world: World, flow_logs: io.StringIO) -> None:
    world = redacting_world
    lead_id = receive(world.store, "google_forms", submission(0)).lead_id
    assert lead_id is not None
    world.crm.fail_next("upsert_contact", _echo(TransientError))  # logged, then retried
    world.crm.fail_always("upsert_contact", _echo(PermanentError))
    [progress] = asyncio.run(advance_leads(world.chain, [lead_id], bant_steps()))
    assert progress.failed_at == "contact"
    with world.store.session(write=False) as session:
        lead = get_lead(session, lead_id)
        assert lead is not None
        stored = [lead.state_reason or ""]
        stored += [run.error or "" for run in list_step_runs(session, lead_id)]
        stored += [json.dumps([e.reason, e.before, e.after, e.detail])
                   for e in list_audit(session, lead_id=lead_id)]
    logged = flow_logs.getvalue()
    assert "transient error, retrying" in logged
    for text in [*stored, logged, progress.reason or ""]:
        assert PATTERNED not in text and CONFIGURED not in text, text
    assert "invalid api key [secret] / [secret]" in (lead.state_reason or "")
    assert "lead0@example.com" in (lead.state_reason or "")  # the store keeps personal data
    assert "lead0@example.com" not in logged  # logs do not


def test_the_exception_prefect_sees_carries_no_secret_nor_personal_data(
        redacting_world: World) -> None:
    world = redacting_world
    lead_id = receive(world.store, "google_forms", submission(0)).lead_id
    assert lead_id is not None

    def body(*_: object) -> dict[str, object]:
        raise _echo(PermanentError)

    with pytest.raises(StepFailed) as caught:
        run_step(world.chain, lead_id, "contact", body, lambda *_: None)
    message = str(caught.value)  # Prefect's task run state message is built from this
    assert "invalid api key [secret] / [secret]" in message and "[email]" in message
    assert CONFIGURED not in repr(caught.value) and "lead0@example.com" not in message
    assert "lead0@example.com" in caught.value.reason  # for the operator running the CLI


def test_llm_call_errors_and_raw_answers_are_stored_without_the_key(
        redacting_world: World) -> None:
    with redacting_world.store.session() as session:
        add_llm_call(session, prompt_name="bant", prompt_hash="h", model_requested="m",
                     status="error", error=f"AuthenticationError: bad key {CONFIGURED}",
                     raw_response=f'{{"echo": "{CONFIGURED}"}}')
    with redacting_world.store.session(write=False) as session:
        [call] = session.exec(select(LlmCall)).all()
    assert call.error == "AuthenticationError: bad key [secret]"
    assert call.raw_response == '{"echo": "[secret]"}'


async def _run_texts(flow_run_id: object, wanted: str) -> list[str]:
    """The flow run's log messages and its task runs' state messages, once `wanted` arrived."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.client.schemas.sorting import TaskRunSort
    from prefect.logging.handlers import APILogHandler

    await APILogHandler.aflush()
    texts: list[str] = []
    for _ in range(240):  # the server ingests logs and task-run events asynchronously
        async with get_client() as client:
            logs = await client.read_logs(log_filter=LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200, offset=0)
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])),
                sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=200)
        texts = [log.message for log in logs]
        texts += [run.state.message or "" for run in runs if run.state is not None]
        if any(wanted in text for text in texts) and any(
                "encountered an exception" in text for text in texts):
            break
        await asyncio.sleep(0.25)
    return texts


@pytest.mark.prefect
def test_prefect_logs_and_task_states_carry_no_secret(
        prefect_server: str, redacting_world: World) -> None:
    world = redacting_world
    saved = {name: logging.getLogger(name).filters[:] for name in PREFECT_RUN_LOGGERS}
    redact_prefect_logs(world.chain.redactor)  # what the CLI's configure_logging does
    try:
        lead_id = receive(world.store, "google_forms", submission(0)).lead_id
        world.crm.fail_always("upsert_contact", _echo(PermanentError))
        state = asyncio.run(qualify_leads([lead_id], world.chain, return_state=True))
        [progress] = state.result()
        assert progress.failed_at == "contact"
        texts = asyncio.run(_run_texts(state.state_details.flow_run_id,
                                       "invalid api key [secret]"))
    finally:
        for name, filters in saved.items():
            logging.getLogger(name).filters = filters
    joined = "\n".join(texts)
    assert "invalid api key [secret] / [secret]" in joined, joined
    assert "Task run encountered an exception" in joined, joined
    assert PATTERNED not in joined and CONFIGURED not in joined
    assert "lead0@example.com" not in joined


def test_audit_data_keeps_credential_shaped_customer_data_but_not_known_secrets(
        redacting_world: World) -> None:
    from leadflow.store.audit import append_audit

    with redacting_world.store.session() as session:
        append_audit(session, kind="lead_updated", reason=f"echo {PATTERNED}",
                     after={"company": "sk-innovation-group", "note": f"key {CONFIGURED}"})
    with redacting_world.store.session(write=False) as session:
        [event] = list_audit(session, kind="lead_updated")
    assert event.reason == "echo [secret]"
    assert event.after == {"company": "sk-innovation-group", "note": "key [secret]"}
