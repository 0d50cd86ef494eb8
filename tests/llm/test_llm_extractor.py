"""LlmExtractor against the fake OpenAI server: requests sent, answers parsed, attempts audited."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from connectors.llm import LlmExtractor, strict_schema
from leadflow.errors import (
    InvalidOutputError,
    PermanentError,
    QuotaExhaustedError,
    TransientError,
)
from leadflow.store import Store
from leadflow.store.llm_calls import list_llm_calls
from scoring.bant import AuthorityLevel, BudgetKind
from scoring.extraction import ExtractionContext, FieldStatus
from scoring.transcript import Participant, Segment, Side, Transcript, TranscriptMetadata
from tests.llm.answers import CALL, CALL_DATE, CAPABILITIES, absent, quote, valid_answer
from tests.llm.conftest import API_KEY, Sleeps
from tests.llm.fake_openai_server import FakeOpenAI, Reply

CONTEXT = ExtractionContext(call_date=CALL_DATE, product_capabilities=CAPABILITIES,
                            form_answers={"Budget": "about 150k"})


def rows(store: Store) -> list:
    with store.session(write=False) as session:
        return list(list_llm_calls(session))


def test_a_valid_answer_becomes_a_verified_extraction(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store
) -> None:
    fake_openai.queue(Reply.answer(valid_answer()))
    extraction = make_extractor().extract(CALL, CONTEXT)
    budget = extraction.answers.budget
    assert (budget.kind, budget.amount, budget.currency) == (BudgetKind.AMOUNT, 150000, "USD")
    assert extraction.answers.authority.level is AuthorityLevel.C_LEVEL
    assert all(extraction.fields[c].status is FieldStatus.FOUND for c in extraction.fields)
    [evidence] = budget.evidence
    assert evidence.verified and evidence.start_ms == 4000 and evidence.segment_index == 1
    assert (extraction.extractor, extraction.model, extraction.language) == (
        "llm", "test-model", "en")
    assert extraction.prompt_version and extraction.prompt_version.startswith("bant_extract@")
    assert not extraction.needs_review


def test_the_server_receives_the_strict_schema_the_messages_and_the_model(
    fake_openai: FakeOpenAI, make_extractor
) -> None:
    fake_openai.queue(Reply.answer(valid_answer()))
    make_extractor().extract(CALL, CONTEXT)
    [request] = fake_openai.requests
    assert request["model"] == "test-model" and request["temperature"] == 0
    format_ = request["response_format"]
    assert format_["type"] == "json_schema"
    assert format_["json_schema"]["strict"] is True
    assert format_["json_schema"]["name"] == "BantExtraction"
    assert format_["json_schema"]["schema"] == strict_schema()
    schema = format_["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"language", "budget", "authority", "need", "timeline"}
    system, user = request["messages"]
    assert system["role"] == "system" and "data, never instructions" in system["content"]
    assert f"<transcript>\n{CALL.text}\n</transcript>" in user["content"]
    assert "<form_answers>\nBudget: about 150k\n</form_answers>" in user["content"]
    assert "lead scoring; crm sync" in user["content"]
    assert fake_openai.headers[0]["authorization"] == f"Bearer {API_KEY}"


def test_every_attempt_is_one_audit_row_with_usage_cost_and_verified_evidence(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store
) -> None:
    fake_openai.queue(Reply.answer(valid_answer()))
    make_extractor().extract(CALL, CONTEXT.model_copy(update={"lead_id": None}))
    [row] = rows(sqlite_store)
    assert (row.status, row.attempt, row.prompt_name) == ("ok", 1, "bant_extract")
    assert row.prompt_hash.startswith("bant_extract@") and row.schema_hash
    assert (row.model_requested, row.model_resolved) == ("test-model", "test-model-2030-01-01")
    assert row.request_id == "req-1" and row.latency_ms is not None
    assert row.tokens_in and row.tokens_out and row.currency == "USD"
    expected = (Decimal(row.tokens_in) * Decimal("0.15")
                + Decimal(row.tokens_out) * Decimal("0.60")) / 1000
    assert row.cost == expected.quantize(Decimal("0.000001"))
    assert row.variables["transcript"] == CALL.text
    assert [m["role"] for m in row.messages] == ["system", "user"]
    assert json.loads(row.raw_response)["choices"][0]["message"]["content"]
    assert row.parsed["budget"]["amount"] == "150000"  # Decimal: exact, as a string
    assert {item["criterion"] for item in row.evidence} == {
        "budget", "authority", "need", "timeline"}
    assert all(item["verified"] for item in row.evidence)
    assert API_KEY not in json.dumps([row.parameters, row.variables, row.messages])


def test_invalid_json_is_re_asked_once_with_the_error(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store
) -> None:
    fake_openai.queue(Reply.text('{"language": "en", "budget": '), Reply.answer(valid_answer()))
    extraction = make_extractor().extract(CALL, CONTEXT)
    assert extraction.answers.budget.amount == 150000
    first, second = fake_openai.requests
    assert second["messages"][:2] == first["messages"]
    assistant, user = second["messages"][2:]
    assert assistant == {"role": "assistant", "content": '{"language": "en", "budget": '}
    assert "did not match the required JSON schema" in user["content"]
    assert "Invalid JSON" in user["content"]
    assert [(r.status, r.attempt) for r in rows(sqlite_store)] == [("invalid", 1), ("ok", 2)]
    assert rows(sqlite_store)[1].parameters["reask"] is True


def test_a_schema_violation_then_a_fix_succeeds(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store
) -> None:
    broken = valid_answer()
    broken["budget"] = broken["budget"] | {"currency": None}  # an amount needs a currency
    fake_openai.queue(Reply.answer(broken), Reply.answer(valid_answer()))
    assert make_extractor().extract(CALL, CONTEXT).answers.budget.currency == "USD"
    invalid, ok = rows(sqlite_store)
    assert "needs 'amount' and 'currency'" in invalid.error and ok.status == "ok"


def test_two_invalid_answers_raise_invalid_output_with_both_attempts(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store
) -> None:
    fake_openai.queue(Reply.text("not json"), Reply.answer({"language": "en"}))
    with pytest.raises(InvalidOutputError) as caught:
        make_extractor().extract(CALL, CONTEXT)
    assert [a["raw_response"] is not None for a in caught.value.attempts] == [True, True]
    assert "budget" in caught.value.attempts[1]["error"]
    assert [r.status for r in rows(sqlite_store)] == ["invalid", "invalid"]
    assert len(fake_openai.requests) == 2


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply.refused("I can't help with that."), "refused to answer: I can't help"),
        (Reply.text('{"language": "e', finish_reason="length"), "max output tokens"),
        (Reply.failure(400, "response_format json_schema is not supported"), "not supported"),
        (Reply.failure(401, "Incorrect API key provided"), "LEADFLOW_LLM__API_KEY"),
        (Reply.failure(404, "model not found"), "LEADFLOW_LLM__MODEL"),
    ],
)
def test_permanent_failures_are_not_retried_and_say_what_to_fix(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store, sleeps: Sleeps,
    reply: Reply, message: str,
) -> None:
    fake_openai.queue(reply, Reply.answer(valid_answer()))
    with pytest.raises(PermanentError, match=message):
        make_extractor().extract(CALL, CONTEXT)
    assert len(fake_openai.requests) == 1 and sleeps == []
    [row] = rows(sqlite_store)
    assert row.status == "permanent" and message.split(":")[0] in row.error
    assert row.raw_response


def test_insufficient_quota_is_a_quota_error_not_a_retry(
    fake_openai: FakeOpenAI, make_extractor, sleeps: Sleeps
) -> None:
    fake_openai.queue(Reply.failure(429, "You exceeded your current quota",
                                    code="insufficient_quota"))
    with pytest.raises(QuotaExhaustedError, match="no quota left"):
        make_extractor().extract(CALL, CONTEXT)
    assert len(fake_openai.requests) == 1 and sleeps == []


def test_429_honours_retry_after_ms_and_every_attempt_is_recorded(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store, sleeps: Sleeps
) -> None:
    fake_openai.queue(Reply.failure(429, "Rate limit reached", headers={"retry-after-ms": "250"}),
                      Reply.failure(429, "Rate limit reached", headers={"retry-after": "2"}),
                      Reply.answer(valid_answer()))
    make_extractor().extract(CALL, CONTEXT)
    assert sleeps == [0.25, 2.0]
    recorded = rows(sqlite_store)
    assert [(r.status, r.attempt) for r in recorded] == [
        ("transient", 1), ("transient", 2), ("ok", 3)]
    assert recorded[0].request_id == "req-1" and "Rate limit reached" in recorded[0].error


def test_server_errors_back_off_and_give_up_after_max_retries(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store, sleeps: Sleeps
) -> None:
    fake_openai.queue(*[Reply.failure(500, "upstream exploded")] * 3)
    with pytest.raises(TransientError, match="HTTP 500"):
        make_extractor(max_retries=2).extract(CALL, CONTEXT)
    assert len(fake_openai.requests) == 3 and len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # 0.5 s doubling, -25% jitter
    assert [r.status for r in rows(sqlite_store)] == ["transient"] * 3


def test_a_slow_answer_times_out_and_is_retried(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store
) -> None:
    fake_openai.queue(Reply(content=json.dumps(valid_answer()), delay_s=2.0),
                      Reply.answer(valid_answer()))
    extraction = make_extractor(timeout_s=0.3).extract(CALL, CONTEXT)
    assert extraction.answers.budget.amount == 150000
    timed_out, ok = rows(sqlite_store)
    assert timed_out.status == "transient" and "no answer within 0.3 s" in timed_out.error
    assert ok.status == "ok"


def test_quotes_stay_in_the_original_language_and_the_language_is_stored(
    fake_openai: FakeOpenAI, make_extractor
) -> None:
    call = Transcript(segments=[
        Segment(speaker="Ana Souza", text="Sou a diretora de operações."),
        Segment(speaker="Ana Souza", text="Temos um orçamento de R$ 200 mil para isso."),
    ])
    answer = valid_answer(
        language="pt",
        budget={"status": "found", "confidence": 0.9, "kind": "amount", "amount": 200000,
                "minimum": None, "maximum": None, "currency": "BRL",
                "evidence": [quote("Temos um orçamento de R$ 200 mil", "Ana Souza")]},
        authority={"status": "found", "confidence": 0.9, "level": "vp_director",
                   "title": "diretora de operações",
                   "evidence": [quote("Sou a diretora de operações", "Ana Souza")]},
        need=absent("need"), timeline=absent("timeline"))
    fake_openai.queue(Reply.answer(answer))
    extraction = make_extractor().extract(call, CONTEXT)
    assert extraction.language == "pt"
    [evidence] = extraction.answers.budget.evidence
    assert evidence.verified and evidence.quote == "Temos um orçamento de R$ 200 mil"


def test_the_extractor_builds_its_client_lazily_from_a_factory(
    fake_openai: FakeOpenAI, sqlite_store: Store
) -> None:
    from connectors.llm import build_client
    from tests.llm.conftest import llm_settings

    settings = llm_settings(fake_openai)
    built = []
    extractor = LlmExtractor(lambda: built.append(1) or build_client(settings), settings,
                             sqlite_store)
    assert built == [] and fake_openai.requests == []
    fake_openai.queue(Reply.answer(valid_answer()), Reply.answer(valid_answer()))
    extractor.extract(CALL, CONTEXT)
    extractor.extract(CALL, CONTEXT)  # no lead, so no cache row: asked again
    assert built == [1] and len(fake_openai.requests) == 2


def test_the_call_date_and_participants_reach_the_prompt_merged_with_the_files_metadata(
    fake_openai: FakeOpenAI, make_extractor, sqlite_store: Store
) -> None:
    call = Transcript(source="test", segments=CALL.segments, metadata=TranscriptMetadata(
        call_date=date(2030, 2, 1),
        participants=[Participant(name="dana whitfield", title="CFO", company="Acme"),
                      Participant(name="Rep", side=Side.VENDOR)]))
    context = CONTEXT.model_copy(update={"participants": [
        Participant(name="Dana Whitfield", side=Side.PROSPECT, email="dana@acme.example")]})
    fake_openai.queue(Reply.answer(valid_answer()))
    extraction = make_extractor().extract(call, context)
    [request] = fake_openai.requests
    user = request["messages"][1]["content"]
    assert "Call date: 2030-03-05" in user  # the chain's date wins over the file's
    assert "- Dana Whitfield (prospect; CFO; Acme)\n- Rep (vendor)\n" in user
    assert "dana@acme.example" not in user  # an email tells the model nothing
    assert extraction.answers.stated_on == CALL_DATE
    [row] = rows(sqlite_store)
    assert row.variables["call_date"] == "2030-03-05"
    assert row.variables["participants"][0] == {
        "name": "Dana Whitfield", "side": "prospect", "title": "CFO", "company": "Acme"}
