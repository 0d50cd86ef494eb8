"""ScriptedLLM: answers (or errors) a test queued, validated like a real model's output."""

from __future__ import annotations

from collections import deque
from typing import Any

from pydantic import ValidationError

from connectors.base.llm import M
from connectors.fakes.scripting import Scripted, synchronized
from leadflow.errors import ExtractionError, InvalidOutputError


class ScriptedLLM(Scripted):
    """A StructuredLLM whose answers are queued dicts; a bad answer is re-asked once."""

    def __init__(self, answers: list[dict[str, Any] | Exception] | None = None) -> None:
        super().__init__()
        self.name = "scripted-llm"
        self._answers: deque[dict[str, Any] | Exception] = deque(answers or [])

    @synchronized
    def queue(self, *answers: dict[str, Any] | Exception) -> None:
        """Add answers (dicts the schema should accept, or errors to raise)."""
        self._answers.extend(answers)

    @synchronized
    def complete(
        self,
        messages: list[dict[str, str]],
        schema: type[M],
        *,
        prompt_name: str,
        prompt_version: str,
        lead_id: int | None = None,
    ) -> M:
        """The next queued answer parsed into `schema` (one re-ask on a validation error)."""
        attempts: list[str] = []
        for _ in range(2):
            self._call("complete", messages=messages, schema=schema.__name__,
                       prompt_name=prompt_name, prompt_version=prompt_version, lead_id=lead_id)
            if not self._answers:
                raise ExtractionError(f"{self.name}: no scripted answer left")
            answer = self._answers.popleft()
            if isinstance(answer, Exception):
                raise answer
            try:
                return schema.model_validate(answer)
            except ValidationError as exc:
                attempts.append(str(exc))
        raise InvalidOutputError(f"{self.name}: answer failed validation twice",
                                 attempts=attempts)
