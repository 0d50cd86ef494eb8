"""The StructuredLLM behind generic LLM steps, on the same endpoint, retries and audit as BANT."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from openai import OpenAI

from connectors.base.llm import M
from connectors.llm import attempt as attempts
from connectors.llm.asking import ask
from connectors.llm.audit import record
from connectors.llm.client import LazyClient
from connectors.llm.schema import schema_hash
from leadflow.settings import LLMSettings
from leadflow.store import Store


class OpenAIStructuredLLM:
    """`complete(messages, schema)` on an OpenAI-compatible endpoint; one audit row per attempt."""

    def __init__(
        self,
        client: OpenAI | Callable[[], OpenAI],
        settings: LLMSettings,
        store: Store,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = LazyClient(client)
        self.settings = settings
        self.store = store
        self.sleep = sleep
        self.name = f"llm:{settings.model}"
        self._slots = threading.BoundedSemaphore(settings.max_concurrency)

    @property
    def client(self) -> OpenAI:
        """The OpenAI client, built by the factory on first use (no I/O at construction)."""
        return self._client.get()

    def complete(
        self,
        messages: list[dict[str, str]],
        schema: type[M],
        *,
        prompt_name: str,
        prompt_version: str,
        lead_id: int | None = None,
    ) -> M:
        """The answer parsed into `schema` (see StructuredLLM.complete)."""
        calls = 0
        digest = schema_hash(schema)

        def audit(attempt: attempts.Attempt, reask: bool) -> None:
            nonlocal calls
            calls += 1
            attempt.extra = {"reask": reask}
            record(self.store, attempt, number=calls, prompt_name=prompt_name,
                   prompt_version=prompt_version, variables={}, model=self.settings.model,
                   schema_hash=digest, currency=self.settings.currency, lead_id=lead_id)

        answer = ask(self.client, self.settings, messages, schema, on_attempt=audit,
                     slots=self._slots, sleep=self.sleep)
        assert isinstance(answer, schema)
        return answer
