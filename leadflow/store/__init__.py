"""The store: sqlmodel tables, numbered migrations and small query functions by concept.

    from leadflow.store import Store, leads
    store = Store.from_settings(settings)
    with store.session() as session:          # one transaction
        lead = leads.create_lead(session, submission_id=1, email="a@b.co")

Query functions take the session first so several of them can share one transaction.
"""

from leadflow.store.connector_models import (
    CalendarEvent,
    CrmActivity,
    CrmCompany,
    CrmContact,
    CrmDeal,
    Notification,
)
from leadflow.store.database import Store
from leadflow.store.leases import LeadLease
from leadflow.store.models import (
    AuditEvent,
    DeadLetter,
    ExtractionRow,
    Lead,
    LeadState,
    LlmCall,
    Review,
    ScoreRow,
    StepRun,
    Submission,
)
from leadflow.store.scoring_configs import ScoringConfigRow

__all__ = [
    "AuditEvent",
    "CalendarEvent",
    "CrmActivity",
    "CrmCompany",
    "CrmContact",
    "CrmDeal",
    "DeadLetter",
    "ExtractionRow",
    "Lead",
    "LeadLease",
    "LeadState",
    "LlmCall",
    "Notification",
    "Review",
    "ScoreRow",
    "ScoringConfigRow",
    "StepRun",
    "Store",
    "Submission",
]
