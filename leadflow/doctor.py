"""`leadflow doctor`'s checks: the store, then each configured connector, one result per check.

Connectors that implement SelfChecking check themselves (credentials, reachability, scopes);
the local ones get simple checks here. Each role is built on its own, so one broken role
does not hide the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from connectors.base.health import CheckResult, CheckStatus, SelfChecking
from leadflow import wiring
from leadflow.errors import LeadflowError
from leadflow.settings import Settings
from leadflow.store import Store

# (role, its registry, its setting); the settings attribute is the role's name.
ROLES: tuple[tuple[str, Mapping[str, Any], str], ...] = (
    ("crm", wiring.CRMS, "LEADFLOW_CRM"),
    ("calendar", wiring.CALENDARS, "LEADFLOW_CALENDAR"),
    ("transcripts", wiring.TRANSCRIPTS, "LEADFLOW_TRANSCRIPTS"),
    ("notifier", wiring.NOTIFIERS, "LEADFLOW_NOTIFIER"),
    ("extractor", wiring.EXTRACTORS, "LEADFLOW_EXTRACTOR"),
)


def _ok(connector: str, check: str, detail: str = "") -> CheckResult:
    return CheckResult(connector=connector, check=check, status=CheckStatus.OK, detail=detail)


def _fail(connector: str, check: str, detail: str, fix: str) -> CheckResult:
    return CheckResult(connector=connector, check=check, status=CheckStatus.FAIL, detail=detail,
                       fix=fix)  # fmt: skip


def run_doctor(settings: Settings, open_store: Callable[[Settings], Store] = Store.from_settings
               ) -> list[CheckResult]:  # fmt: skip
    """Every check, in order; never raises for a failed check."""
    url = str(settings.masked()["database_url"])  # password masked
    try:
        store = open_store(settings)
    except (LeadflowError, SQLAlchemyError, OSError) as exc:
        return [
            _fail(
                "store",
                "store reachable",
                f"{url}: {exc}",
                "check LEADFLOW_DATABASE_URL (or LEADFLOW_DATA_DIR is writable)",
            )
        ]
    results = [_ok("store", "store reachable", f"{url}, migrations applied"),
               _prefect_check(settings)]
    try:
        for role, registry, setting in ROLES:
            results += _role_checks(settings, store, role, registry, setting)
    finally:
        store.close()
    return results


def _prefect_check(settings: Settings) -> CheckResult:
    """The Prefect API the flows report to (the embedded server may simply not be started yet)."""
    from flows.server import api_url_for, is_healthy

    if settings.prefect_api_url:
        url = settings.prefect_api_url
        if is_healthy(url):
            return _ok("prefect", "API reachable", url)
        return _fail("prefect", "API reachable", f"{url} does not answer /health",
                     "start that server, or unset LEADFLOW_PREFECT_API_URL for the embedded one")
    url = api_url_for(settings.prefect_port)
    if is_healthy(url):
        return _ok("prefect", "embedded server running", url)
    return CheckResult(connector="prefect", check="embedded server running",
                       status=CheckStatus.WARN, detail=f"{url} is not up yet",
                       fix="nothing to do: flows start it; `leadflow prefect start` starts it now")


def _role_checks(settings: Settings, store: Store, role: str, registry: Mapping[str, Any],
                 setting: str) -> list[CheckResult]:  # fmt: skip
    name = str(getattr(settings, role)).strip().lower()
    label = f"{role}:{name}"
    try:
        connector = wiring.pick(registry, setting, name)(settings, store)
    except LeadflowError as exc:
        return [_fail(label, "configured", str(exc), f"fix {setting} or the setting named above")]
    if isinstance(connector, SelfChecking):
        try:
            return [result.model_copy(update={"connector": f"{label}"})
                    for result in connector.doctor()]  # fmt: skip
        except LeadflowError as exc:  # a check that raised instead of reporting
            return [_fail(label, "self-check", str(exc), "see the message")]
    return _local_checks(settings, role, name, label)


def _local_checks(settings: Settings, role: str, name: str, label: str) -> list[CheckResult]:
    if role == "calendar" and name == "local":
        return [_ok(label, "reps file valid", str(wiring.reps_file(settings)))]
    if role == "transcripts" and name == "folder":
        folder = wiring.transcripts_dir(settings)
        if folder.is_dir():
            return [_ok(label, "transcripts folder exists", str(folder))]
        return [CheckResult(connector=label, check="transcripts folder exists",
                            status=CheckStatus.WARN, detail=f"{folder} does not exist yet",
                            fix=f"create {folder} or set LEADFLOW_TRANSCRIPTS_DIR")]  # fmt: skip
    if role == "crm" and name == "local":
        return [_ok(label, "store reachable", "contacts and deals live in the store")]
    return [_ok(label, "configured")]
