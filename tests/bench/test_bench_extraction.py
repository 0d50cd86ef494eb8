"""The extraction benchmark builds real 50-turn calls and reports in the runner's shape."""

from __future__ import annotations

from tests.bench import bench_extraction
from tests.bench.__main__ import RESULT_KEYS


def test_calls_have_fifty_turns_and_a_seed_builds_the_same_call() -> None:
    call = bench_extraction.build_call(1)
    assert len(call.segments) == bench_extraction.TURNS
    assert call == bench_extraction.build_call(1) and call != bench_extraction.build_call(2)
    assert "$" in call.text and "VP of Sales" in call.text


def test_run_reports_ms_per_call_and_that_every_criterion_was_read() -> None:
    timing, found = bench_extraction.run(calls=2)
    assert set(RESULT_KEYS) <= set(timing) and timing["unit"] == "ms/call"
    assert found["ok"], found
