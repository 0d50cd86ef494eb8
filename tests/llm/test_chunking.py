"""Long transcripts: token estimates, overlapping chunks, merged answers, bounded concurrency."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from connectors.llm.chunking import estimate_tokens, split_transcript, transcript_tokens
from connectors.llm.merge import merge_answers
from connectors.llm.schema import BantExtraction
from scoring.bant import NeedLevel
from scoring.extraction import ExtractionContext, FieldStatus
from scoring.transcript import Segment, Transcript
from tests.llm.answers import CALL, absent, quote, valid_answer
from tests.llm.fake_openai_server import FakeOpenAI, Reply


def long_call(turns: int) -> Transcript:
    return Transcript(segments=[
        Segment(speaker=f"Speaker {i % 2}", text=f"Sentence number {i} about the weather today.")
        for i in range(turns)
    ])


def test_the_estimate_rounds_up_at_three_characters_a_token() -> None:
    assert [estimate_tokens(text) for text in ("", "a", "abc", "abcd")] == [0, 1, 1, 2]


def test_a_short_transcript_is_one_chunk_and_a_long_one_overlaps() -> None:
    assert len(split_transcript(CALL, 10_000)) == 1
    call = long_call(400)
    chunks = split_transcript(call, 1_000)
    assert len(chunks) > 1
    assert all(transcript_tokens(chunk.transcript) <= 1_000 for chunk in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(call.segments)
    for before, after in itertools.pairwise(chunks):
        assert after.start < before.end  # overlap: a border statement is whole in one chunk


def test_one_giant_segment_is_cut_at_spaces() -> None:
    call = Transcript(segments=[Segment(speaker="Lead", text="word " * 3000)])
    chunks = split_transcript(call, 500)
    assert len(chunks) > 1 and all(c.transcript.segments[0].text for c in chunks)


def answer(**changes: Any) -> BantExtraction:
    return BantExtraction.model_validate(valid_answer(**changes))


def budget(status: str, amount: int, text: str) -> dict[str, Any]:
    return {"status": status, "confidence": 0.8, "kind": "amount", "amount": amount,
            "minimum": None, "maximum": None, "currency": "USD", "evidence": [quote(text)]}


def test_a_later_explicit_statement_beats_an_earlier_vague_one() -> None:
    vague = answer(budget=budget("ambiguous", 50000, "maybe fifty thousand"))
    explicit = answer(budget=budget("found", 120000, "we have 120k"))
    merged = merge_answers([vague, explicit])
    assert merged.budget.status == "found" and merged.budget.amount == 120000
    assert [q.quote for q in merged.budget.evidence] == ["maybe fifty thousand", "we have 120k"]


def test_conflicting_explicit_statements_become_ambiguous_and_keep_all_evidence() -> None:
    merged = merge_answers([answer(budget=budget("found", 50000, "50k")),
                            answer(budget=budget("found", 90000, "90k")),
                            answer(budget=absent("budget"))])
    assert merged.budget.status == "ambiguous" and merged.budget.amount == 90000
    assert len(merged.budget.evidence) == 2


def test_needs_accumulate_across_chunks() -> None:
    partial = {"status": "found", "confidence": 0.7, "level": "partial",
               "stated_needs": ["lead scoring"], "evidence": [quote("lead scoring")]}
    full = partial | {"level": "full", "stated_needs": ["crm sync"],
                      "evidence": [quote("crm sync")]}
    merged = merge_answers([answer(need=partial), answer(need=full)])
    assert merged.need.level is NeedLevel.FULL
    assert merged.need.stated_needs == ["lead scoring", "crm sync"]


def test_a_long_call_is_asked_per_chunk_and_merged(fake_openai: FakeOpenAI, make_extractor) -> None:
    segments = [*long_call(300).segments, *CALL.segments]
    call = Transcript(segments=segments)
    extractor = make_extractor(context_tokens=3_000)

    def last_has_it(body: dict[str, Any]) -> Reply:
        if "We have $150,000" in body["messages"][1]["content"]:
            return Reply.answer(valid_answer())
        return Reply.answer(valid_answer(budget=absent("budget"), authority=absent("authority"),
                                         need=absent("need"), timeline=absent("timeline")))
    fake_openai.responder = last_has_it  # only the last chunk holds the real statements
    run = extractor.run(call, ExtractionContext())
    assert run.chunks > 1 and len(fake_openai.requests) == run.chunks == run.usage.calls
    assert "This is part 1 of" in fake_openai.requests[0]["messages"][1]["content"]
    assert run.extraction.answers.budget.amount == 150000
    assert run.extraction.fields["budget"].status is FieldStatus.FOUND
    assert all(e.verified for e in run.extraction.answers.budget.evidence)


def test_no_more_than_max_concurrency_requests_are_in_flight(
    fake_openai: FakeOpenAI, make_extractor
) -> None:
    in_flight, peak, lock = [0], [0], threading.Lock()
    extractor = make_extractor(max_concurrency=2, use_cache=False)
    original = extractor._slots

    class Counting:
        def __enter__(self) -> None:
            original.acquire()
            with lock:
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])

        def __exit__(self, *exc: object) -> None:
            with lock:
                in_flight[0] -= 1
            original.release()

    extractor._slots = Counting()  # type: ignore[assignment]
    fake_openai.responder = lambda body: Reply.answer(valid_answer(), delay_s=0.05)
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda _: extractor.extract(CALL, ExtractionContext()), range(6)))
    assert peak[0] == 2 and len(fake_openai.requests) == 6
