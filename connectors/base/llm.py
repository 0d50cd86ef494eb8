"""The StructuredLLM role: one chat call whose answer must validate against a pydantic model."""

from __future__ import annotations

from typing import Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


@runtime_checkable
class StructuredLLM(Protocol):
    """A language model behind generic LLM steps (llm.classify, llm.extract, llm.generate)."""

    name: str

    def complete(
        self,
        messages: list[dict[str, str]],
        schema: type[M],
        *,
        prompt_name: str,
        prompt_version: str,
        lead_id: int | None = None,
    ) -> M:
        """The model's answer parsed into `schema`; every attempt is audited.

        An answer that fails validation is re-asked once; a second failure raises
        InvalidOutputError. Transient failures raise TransientError, others PermanentError.
        """
        ...
