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

# The columns that carry outside text: errors, reasons and raw answers lose known secrets and
# credential-shaped tokens...
TEXT_COLUMNS: dict[type, tuple[str, ...]] = {
    Lead: ("state_reason",),
    StepRun: ("error",),
    AuditEvent: ("reason",),
    LlmCall: ("error", "raw_response"),
}
# ...while audit data (a lead's fields before and after) loses only the known secret values: a
# shape there may be a customer's real data.
JSON_COLUMNS: dict[type, tuple[str, ...]] = {AuditEvent: ("before", "after", "detail")}


def redact_on_flush(sessions: sessionmaker[Any], redactor: Redactor) -> None:
    """Redact TEXT_COLUMNS and JSON_COLUMNS of new and changed rows before each flush."""

    def before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
        for row in (*session.new, *session.dirty):
            for columns, clean in ((TEXT_COLUMNS, redactor.secrets_in),
                                   (JSON_COLUMNS, redactor.known_in)):
                for name in columns.get(type(row), ()):
                    value = getattr(row, name)
                    cleaned = clean(value)
                    if cleaned != value:
                        setattr(row, name, cleaned)

    event.listen(sessions, "before_flush", before_flush)
