"""Google Calendar: free/busy and idempotent bookings on Calendar API v3 (google-auth + httpx)."""

from connectors.google_calendar.calendar import GoogleCalendar
from connectors.google_calendar.events import event_id_for

__all__ = ["GoogleCalendar", "event_id_for"]
