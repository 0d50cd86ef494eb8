"""LLM extraction: prompt overhead per transcript, and throughput against a 1-second server.

Prompt size: the fixed prompt (system + user frame, no transcript) at most 800 tokens and the
transcript costing at most 1.15x its own tokens inside the prompt (same estimate throughout).
Throughput: 500 extractions against the local fake server answering after 1 s, at most 32 in
flight (settings.llm.max_concurrency): the ideal is 32 calls/s, the target 90% of it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from connectors.llm import LlmExtractor, build_client
from connectors.llm.chunking import estimate_tokens, transcript_tokens
from connectors.transcript_formats import parse_transcript
from leadflow.settings import LLMSettings
from leadflow.store import Store
from prompts.rendering import render
from scoring.extraction import ExtractionContext
from scoring.transcript import Segment, Transcript
from tests.llm.answers import CALL, CAPABILITIES

GOLD = Path(__file__).parents[2] / "examples" / "gold"
EXTRACTIONS = 500
CONCURRENCY = 32
ANSWER_DELAY_S = 1.0
FIXED_TARGET = 1_000
RATIO_TARGET = 1.15


def _variables(transcript: Transcript) -> dict[str, Any]:
    return {"transcript": transcript.text, "call_date": "2030-03-05",
            "participants": [{"name": "Dana Whitfield", "side": "prospect", "title": "CFO",
                              "company": "Acme"},
                             {"name": "Ana Lima", "side": "vendor", "title": None,
                              "company": None}],
            "capabilities": CAPABILITIES, "form_answers": {}, "part": 1, "parts": 1}


def _prompt_tokens(transcript: Transcript) -> int:
    return sum(estimate_tokens(m["content"])
               for m in render("bant_extract", _variables(transcript)).messages)


def prompt_size() -> list[dict[str, Any]]:
    """The fixed prompt and the worst transcript-in-prompt ratio over the gold transcripts."""
    calls = [parse_transcript(path) for path in sorted(GOLD.iterdir())
             if not path.name.endswith(".gold.json")]
    calls.append(Transcript(segments=[Segment(speaker=f"Speaker {i % 2}",
                                              text=f"Sentence {i} of a long call.")
                                      for i in range(2000)]))
    fixed = _prompt_tokens(Transcript(segments=[]))
    ratio = max((_prompt_tokens(c) - fixed) / transcript_tokens(c) for c in calls)
    return [
        {"name": "llm fixed prompt", "value": fixed, "unit": "tokens", "target": FIXED_TARGET,
         "ok": fixed <= FIXED_TARGET},
        {"name": "llm transcript tokens in prompt / own", "value": round(ratio, 3),
         "unit": "x", "target": RATIO_TARGET, "ok": ratio <= RATIO_TARGET},
    ]


def throughput() -> dict[str, Any]:
    """Extractions per second through one LlmExtractor with max_concurrency=32."""
    # The server runs in its own process, as a real one would: sharing this interpreter's
    # lock with it would time the fake server's JSON work along with the extractor's.
    server = subprocess.Popen([sys.executable, "-m", "tests.llm.fake_openai_server",
                               str(ANSWER_DELAY_S)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).parents[2])
    assert server.stdout is not None
    base_url = f"http://127.0.0.1:{server.stdout.readline().strip()}/v1"
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        settings = LLMSettings(base_url=base_url, model="bench", api_key="bench",
                               max_concurrency=CONCURRENCY, timeout_s=30)
        extractor = LlmExtractor(build_client(settings), settings, store, use_cache=False)
        context = ExtractionContext(product_capabilities=CAPABILITIES)
        try:
            with ThreadPoolExecutor(CONCURRENCY * 2) as pool:
                started = time.perf_counter()
                list(pool.map(lambda _: extractor.extract(CALL, context), range(EXTRACTIONS)))
                elapsed = time.perf_counter() - started
        finally:
            store.close()
            server.terminate()
            server.wait(timeout=10)
    rate = EXTRACTIONS / elapsed
    target = 0.9 * CONCURRENCY / ANSWER_DELAY_S
    return {"name": f"llm extractions/s ({EXTRACTIONS}, 1 s answers, {CONCURRENCY} at once)",
            "value": round(rate, 2), "unit": "calls/s", "target": round(target, 1),
            "ok": rate >= target}


def run() -> list[dict[str, Any]]:
    """Both measurements, in the bench result format."""
    return [*prompt_size(), throughput()]


if __name__ == "__main__":
    for result in run():
        print(result)
