"""No secret enters the store: the text columns that hold error messages and reasons are
redacted on every flush, whichever code wrote them (a provider's error body may echo a key).

Personal data stays: the store is where it belongs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from leadflow.redaction import Redactor
from leadflow.store.models import AuditEvent, Lead, LlmCall, StepRun

# The columns that carry outside text: errors, reasons, raw answers, audit before/after.
REDACTED_COLUMNS: dict[type, tuple[str, ...]] = {
    Lead: ("state_reason",),
    StepRun: ("error",),
    AuditEvent: ("reason", "before", "after", "detail"),
    LlmCall: ("error", "raw_response"),
}


def redact_on_flush(sessions: sessionmaker[Any], redactor: Redactor) -> None:
    """Redact REDACTED_COLUMNS of new and changed rows before each flush of these sessions."""

    def before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
        for row in (*session.new, *session.dirty):
            for name in REDACTED_COLUMNS.get(type(row), ()):
                value = getattr(row, name)
                cleaned = redactor.secrets_in(value)
                if cleaned != value:
                    setattr(row, name, cleaned)

    event.listen(sessions, "before_flush", before_flush)
