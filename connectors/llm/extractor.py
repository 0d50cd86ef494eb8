"""LlmExtractor: BANT answers from any OpenAI-compatible endpoint, audited and cached.

Per chunk of the transcript: render the prompt, ask with `chat.completions.parse`, re-ask once
with the validation error, retry transient faults with backoff (honouring retry-after), and
record every attempt. Chunk answers are merged, evidence verified, and the result cached by
(transcript hash, prompt version, model, schema hash).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openai import OpenAI

from connectors.llm import attempt as attempts
from connectors.llm.asking import ask
from connectors.llm.audit import record, verified_evidence
from connectors.llm.chunking import (
    OUTPUT_RESERVE_TOKENS,
    Chunk,
    estimate_tokens,
    split_transcript,
    transcript_tokens,
)
from connectors.llm.client import LazyClient
from connectors.llm.merge import merge_answers
from connectors.llm.schema import BantExtraction, schema_hash
from leadflow.settings import LLMSettings
from leadflow.store import Store
from leadflow.store.extractions import find_extraction_by_cache_key, to_extraction
from prompts.rendering import prompt_version, render
from scoring.extraction import Extraction, ExtractionContext
from scoring.transcript import Transcript
from scoring.verify import TranscriptIndex, apply_verification

log = logging.getLogger("leadflow.llm")
PROMPT = "bant_extract"
# Well above the bundled prompt frame (~1,000 estimated tokens) plus typical form answers.
FIXED_PROMPT_BOUND = 4_000


@dataclass
class Usage:
    """What the attempts of one extraction took: requests, tokens and money."""

    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost: Decimal | None = None

    def add(self, attempt: attempts.Attempt) -> None:
        """Count one attempt's usage."""
        self.calls += 1
        self.tokens_in += attempt.tokens_in or 0
        self.tokens_out += attempt.tokens_out or 0
        if attempt.cost is not None:
            self.cost = (self.cost or Decimal(0)) + attempt.cost


@dataclass
class ExtractionRun:
    """An extraction and its usage; `cached` when the store answered without a call."""

    extraction: Extraction
    usage: Usage = field(default_factory=Usage)
    cached: bool = False
    chunks: int = 0


def transcript_hash(transcript: Transcript) -> str:
    """The cache key's transcript part: sha256 of the text evidence offsets refer to."""
    return transcript.content_hash()


class LlmExtractor:
    """The Extractor for an OpenAI-compatible endpoint (OpenAI, Azure-style, vLLM, Ollama...)."""

    name = "llm"

    def __init__(
        self,
        client: OpenAI | Callable[[], OpenAI],
        settings: LLMSettings,
        store: Store,
        *,
        use_cache: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = LazyClient(client)
        self.settings = settings
        self.model = settings.model
        self.store = store
        self.use_cache = use_cache
        self.sleep = sleep
        self.schema_hash = schema_hash(BantExtraction)
        # At most max_concurrency requests in flight from this process (one extractor each).
        self._slots = threading.BoundedSemaphore(settings.max_concurrency)

    @property
    def client(self) -> OpenAI:
        """The OpenAI client, built by the factory on first use."""
        return self._client.get()

    def extract(self, transcript: Transcript, context: ExtractionContext) -> Extraction:
        """The verified extraction; raises InvalidOutputError, TransientError, PermanentError."""
        return self.run(transcript, context).extraction

    def run(self, transcript: Transcript, context: ExtractionContext) -> ExtractionRun:
        """`extract` plus its cost: attempts, tokens, money, whether the cache answered."""
        context = context.with_transcript(transcript)
        digest = transcript_hash(transcript)
        version = prompt_version(PROMPT, self.settings.prompt_dir)
        if self.use_cache:
            with self.store.session(write=False) as session:
                row = find_extraction_by_cache_key(
                    session, transcript_hash=digest, prompt_version=version, model=self.model,
                    schema_hash=self.schema_hash)
            if row is not None:
                return ExtractionRun(to_extraction(row), cached=True)
        chunks = split_transcript(transcript, self._chunk_budget(transcript, context))
        index = TranscriptIndex(transcript)
        usage = Usage()
        answers = [self._ask(chunk, len(chunks), context, index, usage) for chunk in chunks]
        merged = merge_answers(answers).to_extraction(
            stated_on=context.call_date, extractor=self.name, model=self.model,
            prompt_version=version)
        # The chain stores the result with its schema hash: that row is the cache entry.
        extraction = apply_verification(merged, transcript).model_copy(
            update={"schema_hash": self.schema_hash})
        return ExtractionRun(extraction, usage, chunks=len(chunks))

    def _variables(
        self, transcript: Transcript, context: ExtractionContext, part: int, parts: int
    ) -> dict[str, Any]:
        call_date = context.call_date.isoformat() if context.call_date else None
        return {
            "transcript": transcript.text,
            "call_date": call_date,
            # The name before `call_date`: ops' own prompt copies (prompt_dir) still render.
            "stated_on": call_date,
            # Plain dicts: the variables are stored as JSON in the call record. The email
            # stays out: it tells the model nothing and need not leave the building.
            "participants": [
                person.model_dump(mode="json", include={"name", "side", "title", "company"})
                for person in context.participants
            ],
            "capabilities": list(context.product_capabilities),
            "form_answers": dict(context.form_answers),
            "part": part,
            "parts": parts,
        }

    def _chunk_budget(self, transcript: Transcript, context: ExtractionContext) -> int:
        """Transcript tokens one request can carry beside the fixed prompt and the answer."""
        if transcript_tokens(transcript) + FIXED_PROMPT_BOUND + OUTPUT_RESERVE_TOKENS \
                <= self.settings.context_tokens:
            return self.settings.context_tokens  # fits with room to spare: skip the rendering
        empty = transcript.model_copy(update={"segments": []})
        fixed = render(PROMPT, self._variables(empty, context, 2, 2), self.settings.prompt_dir)
        used = sum(estimate_tokens(m["content"]) for m in fixed.messages)
        return max(self.settings.context_tokens - used - OUTPUT_RESERVE_TOKENS, 200)

    def _ask(
        self, chunk: Chunk, parts: int, context: ExtractionContext,
        index: TranscriptIndex, usage: Usage,
    ) -> BantExtraction:
        """One chunk's answer: re-asked once when invalid, transient faults retried."""
        variables = self._variables(chunk.transcript, context, chunk.index + 1, parts)
        prompt = render(PROMPT, variables, self.settings.prompt_dir)

        def audit(attempt: attempts.Attempt, reask: bool) -> None:
            attempt.extra = {"chunk": chunk.index + 1, "chunks": parts, "reask": reask}
            usage.add(attempt)
            evidence = None
            if isinstance(attempt.parsed, BantExtraction):
                found = attempt.parsed.to_extraction(
                    stated_on=context.call_date, extractor=self.name, model=self.model,
                    prompt_version=prompt.version)
                evidence = verified_evidence(found, index)
            record(self.store, attempt, number=usage.calls, prompt_name=PROMPT,
                   prompt_version=prompt.version, variables=variables, model=self.model,
                   schema_hash=self.schema_hash, currency=self.settings.currency,
                   lead_id=context.lead_id, evidence=evidence)

        answer = ask(self.client, self.settings, list(prompt.messages), BantExtraction,
                     on_attempt=audit, slots=self._slots, sleep=self.sleep)
        assert isinstance(answer, BantExtraction)
        return answer
