"""ScriptedExtractor: returns the extractions (or raises the errors) a test queued, in order."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from connectors.fakes.scripting import Scripted, synchronized
from leadflow.errors import ExtractionError
from scoring.extraction import Extraction, ExtractionContext
from scoring.transcript import Transcript


class ScriptedExtractor(Scripted):
    """An Extractor whose answers a test scripts; running out raises ExtractionError."""

    def __init__(
        self, answers: Iterable[Extraction | Exception] = (), *, name: str = "scripted"
    ) -> None:
        super().__init__()
        self.name = name
        self._answers: deque[Extraction | Exception] = deque(answers)

    @synchronized
    def queue(self, *answers: Extraction | Exception) -> None:
        """Add answers (or errors to raise) to the end of the script."""
        self._answers.extend(answers)

    @synchronized
    def extract(self, transcript: Transcript, context: ExtractionContext) -> Extraction:
        """The next scripted answer; an exception in the script is raised instead."""
        self._call("extract", transcript=transcript, context=context)
        if not self._answers:
            raise ExtractionError(f"{self.name}: no scripted answer left for this transcript")
        answer = self._answers.popleft()
        if isinstance(answer, Exception):
            raise answer
        return answer
