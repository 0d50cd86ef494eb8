"""The Extractor role: BANT answers with evidence from a transcript (offline rules or an LLM)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from scoring.extraction import Extraction, ExtractionContext
from scoring.transcript import Transcript


@runtime_checkable
class Extractor(Protocol):
    """Turns a transcript into an Extraction; `name` is recorded with every result."""

    name: str

    def extract(self, transcript: Transcript, context: ExtractionContext) -> Extraction:
        """The BANT answers found in the transcript, each with evidence, status and confidence.

        Raises ExtractionError when no valid answer can be produced.
        """
        ...
