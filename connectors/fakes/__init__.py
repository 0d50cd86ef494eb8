"""In-memory fakes of every connector Protocol, for tests only: dicts and scriptable faults."""

from connectors.fakes.calendars import InMemoryCalendar
from connectors.fakes.crm import InMemoryCRM
from connectors.fakes.extractor import ScriptedExtractor
from connectors.fakes.llm import ScriptedLLM
from connectors.fakes.notifier import InMemoryNotifier
from connectors.fakes.scripting import Scripted
from connectors.fakes.transcripts import InMemoryTranscripts

__all__ = [
    "InMemoryCRM",
    "InMemoryCalendar",
    "InMemoryNotifier",
    "InMemoryTranscripts",
    "Scripted",
    "ScriptedExtractor",
    "ScriptedLLM",
]
