"""`leadflow doctor` checks for Google Calendar: token, free/busy visibility, attendees and Meet."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from connectors.base.health import CheckResult, CheckStatus
from leadflow.errors import LeadflowError
from leadflow.store.types import utc_now

if TYPE_CHECKING:
    from connectors.google_calendar.calendar import GoogleCalendar

CONNECTOR = "google_calendar"


def calendar_checks(calendar: GoogleCalendar) -> list[CheckResult]:
    """Every check, read-only; a failure is reported, never raised."""
    tokens = calendar.api.tokens
    who = getattr(tokens, "client_email", "the configured credentials")
    try:
        tokens.token()
    except LeadflowError as exc:
        return [_result("credentials", CheckStatus.FAIL, str(exc),
                        "fix the service-account key or delegation (see README, Google Calendar)")]
    checks = [_result("credentials", CheckStatus.OK, f"token issued for {who}")]
    now, rep_ids = utc_now(), [rep.id for rep in calendar.reps()]
    try:
        busy = calendar.free_busy(rep_ids, now, now + timedelta(hours=1))
    except LeadflowError as exc:
        checks.append(_result("free/busy", CheckStatus.FAIL, str(exc),
                              "enable the Calendar API and grant the calendar.freebusy scope"))
    else:
        unreadable = sorted(rep_id for rep_id, spans in busy.items() if spans is None)
        if unreadable:
            checks.append(_result(
                "free/busy", CheckStatus.FAIL, f"cannot read: {', '.join(unreadable)}",
                f"share these reps' calendars with {who} (see free/busy), or use delegation"))
        else:
            checks.append(_result("free/busy", CheckStatus.OK,
                                  f"{len(busy)} rep calendar(s) readable"))
    has_delegation = getattr(tokens, "has_delegation", None)
    delegated = calendar.impersonate_reps or bool(has_delegation and has_delegation())
    wants = [name for name, on in (("attendees", calendar.invite_attendees),
                                   ("Meet links", calendar.create_meet)) if on]
    if tokens.is_service_account and not delegated and wants:
        checks.append(_result(
            "attendees and Meet", CheckStatus.WARN,
            f"a service account without domain-wide delegation cannot add {' or '.join(wants)}",
            "grant DWD and set LEADFLOW_GOOGLE__SUBJECT or __IMPERSONATE_REPS=true, or set "
            "LEADFLOW_GOOGLE__INVITE_ATTENDEES=false / __CREATE_MEET=false"))
    else:
        checks.append(_result("attendees and Meet", CheckStatus.OK,
                              ", ".join(wants) + " enabled" if wants else "disabled by settings"))
    return checks


def _result(check: str, status: CheckStatus, detail: str, fix: str = "") -> CheckResult:
    return CheckResult(connector=CONNECTOR, check=check, status=status, detail=detail,
                       fix=fix if status != CheckStatus.OK else "")
