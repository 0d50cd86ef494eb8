"""The connector Protocols and their shared data types, one module per role."""

from connectors.base.calendars import (
    BusyInterval,
    Calendar,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Rep,
    Weekday,
    WorkingHours,
)
from connectors.base.crm import (
    CRM,
    ActivityKind,
    ActivityRecord,
    ContactInput,
    ContactRecord,
    DealRecord,
    ObjectType,
)
from connectors.base.extractor import Extractor
from connectors.base.notifier import LeadNotification, NotificationReceipt, Notifier
from connectors.base.shared import (
    ConnectorModel,
    PropertyValue,
    UTCDateTime,
    email_domain,
    normalise_email,
)
from connectors.base.transcripts import Transcripts

__all__ = [
    "CRM",
    "ActivityKind",
    "ActivityRecord",
    "BusyInterval",
    "Calendar",
    "ConnectorModel",
    "ContactInput",
    "ContactRecord",
    "DealRecord",
    "Extractor",
    "LeadNotification",
    "Meeting",
    "MeetingRequest",
    "MeetingStatus",
    "NotificationReceipt",
    "Notifier",
    "ObjectType",
    "PropertyValue",
    "Rep",
    "Transcripts",
    "UTCDateTime",
    "Weekday",
    "WorkingHours",
    "email_domain",
    "normalise_email",
]
