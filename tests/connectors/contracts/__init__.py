"""Behaviour suites every connector implementation must pass: subclass one and supply its fixture.

Like Prefect's standard test suites: the fake, the local and every real implementation (HubSpot,
Google Calendar, Gong, Slack, ...) run the same tests, so swapping one for another is safe.
"""

from tests.connectors.contracts.calendars import CalendarContract, contract_reps
from tests.connectors.contracts.crm import CRMContract
from tests.connectors.contracts.extractor import ExtractorContract
from tests.connectors.contracts.notifier import NotifierContract
from tests.connectors.contracts.transcripts import TranscriptsContract

__all__ = [
    "CRMContract",
    "CalendarContract",
    "ExtractorContract",
    "NotifierContract",
    "TranscriptsContract",
    "contract_reps",
]
