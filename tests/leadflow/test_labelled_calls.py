"""The labelled discovery calls in examples/calls: every format parses, and the offline
extractor never quotes an injected instruction and never quotes what is not in the call."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.offline import OfflineExtractor
from leadflow.evaluation.gold import load_gold_dir
from leadflow.evaluation.run import evaluate_case, summarise

CALLS = Path(__file__).parents[2] / "examples" / "calls"


@pytest.mark.parametrize("half", ["dev", "test"])
def test_every_labelled_call_parses_and_is_evaluated(half: str) -> None:
    folder = CALLS / half
    cases = load_gold_dir(folder)
    results = [evaluate_case(OfflineExtractor(), case, folder) for case in cases]
    summary = summarise(results, "offline")
    assert summary["errors"] == 0
    assert summary["evidence_verified_rate"] == 1.0
    assert summary["injected_used"] == 0


def test_the_set_covers_every_language_and_format() -> None:
    dev, test = load_gold_dir(CALLS / "dev"), load_gold_dir(CALLS / "test")
    assert (len(dev), len(test)) == (79, 39)  # as examples/calls/README.md says
    cases = [*dev, *test]
    assert {case.language for case in cases} == {"en", "pt", "es", "de", "fr", "it", "fi"}
    suffixes = {Path(case.transcript).suffix for case in cases}
    assert suffixes == {".txt", ".vtt", ".srt", ".json"}
    assert sum(bool(case.injected_text) for case in cases) >= 4
