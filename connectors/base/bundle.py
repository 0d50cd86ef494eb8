"""One implementation of each connector role, as the flows use them (built by leadflow.wiring)."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base.calendars import Calendar
from connectors.base.crm import CRM
from connectors.base.extractor import Extractor
from connectors.base.notifier import Notifier
from connectors.base.transcripts import Transcripts


@dataclass(frozen=True)
class Connectors:
    """One implementation of each connector role, as the flows use them."""

    crm: CRM
    calendar: Calendar
    transcripts: Transcripts
    notifier: Notifier
    extractor: Extractor
