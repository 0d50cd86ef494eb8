"""What `leadflow doctor` reports: one line per check of a configured connector."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol, runtime_checkable

from connectors.base.shared import ConnectorModel


class CheckStatus(StrEnum):
    """ok: works; warn: works but something should be fixed; fail: does not work."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


class CheckResult(ConnectorModel):
    """One check, e.g. ("hubspot", "properties provisioned", fail, "run leadflow hubspot ...")."""

    connector: str
    check: str
    status: CheckStatus
    detail: str = ""
    fix: str = ""


@runtime_checkable
class SelfChecking(Protocol):
    """A connector that can check its credentials, reachability and scopes without side effects."""

    def doctor(self) -> list[CheckResult]:
        """Run every check; never raise for a failed check, report it."""
        ...
