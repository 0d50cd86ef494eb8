"""`leadflow doctor` for HubSpot: read-only checks, each with what to fix."""

from __future__ import annotations

from connectors.base.health import CheckResult, CheckStatus
from connectors.hubspot.client import HubSpotClient
from connectors.hubspot.errors import NAME, TOKEN_SETTING, HubSpotForbidden
from connectors.hubspot.provision import check_properties
from leadflow.errors import ConnectorError, PermanentError, TransientError

# Only read scopes are probed: a write scope cannot be checked without writing something.
_READ_PROBES = ("contacts", "companies", "deals", "notes")


def _result(check: str, status: CheckStatus, detail: str = "", fix: str = "") -> CheckResult:
    return CheckResult(connector=NAME, check=check, status=status, detail=detail, fix=fix)


def run_checks(client: HubSpotClient) -> list[CheckResult]:
    """Credentials present, endpoint reachable, scopes sufficient, properties provisioned."""
    if not client.has_token:
        return [_result("credentials present", CheckStatus.FAIL, "no access token",
                        f"create a HubSpot service key (README: Connect your tools) and set "
                        f"{TOKEN_SETTING}")]  # fmt: skip
    results = [_result("credentials present", CheckStatus.OK, "access token set (value hidden)")]
    missing_scopes: list[str] = []
    for object_type in _READ_PROBES:
        try:
            client.call("GET", client.objects(object_type), operation="doctor",
                        params={"limit": "1"})  # fmt: skip
        except HubSpotForbidden as exc:
            missing_scopes += exc.scopes or [f"read access to {object_type}"]
        except (TransientError, PermanentError) as exc:
            fix = (f"check {TOKEN_SETTING}" if isinstance(exc, PermanentError)
                   else "check the network and LEADFLOW_HUBSPOT__BASE_URL")  # fmt: skip
            results.append(_result("endpoint reachable", CheckStatus.FAIL, str(exc), fix))
            return results
    results.append(_result("endpoint reachable", CheckStatus.OK,
                           f"HubSpot API version {client.api_version}"))  # fmt: skip
    results.append(_properties(client, missing_scopes))
    if missing_scopes:
        scopes = ", ".join(dict.fromkeys(missing_scopes))
        results.insert(
            2,
            _result(
                "scopes sufficient",
                CheckStatus.FAIL,
                f"missing: {scopes}",
                f"grant {scopes} to the key behind {TOKEN_SETTING}",
            ),
        )
    else:
        results.insert(
            2,
            _result(
                "scopes sufficient",
                CheckStatus.OK,
                "read scopes work; write scopes show on the first write",
            ),
        )
    results.append(_limits(client))
    return results


def _properties(client: HubSpotClient, missing_scopes: list[str]) -> CheckResult:
    check = "properties provisioned"
    try:
        missing, mismatched = check_properties(client)
    except HubSpotForbidden as exc:
        missing_scopes += exc.scopes or ["crm.schemas.contacts.read"]
        return _result(
            check,
            CheckStatus.FAIL,
            "cannot read property definitions",
            "grant the schema read scopes, then run doctor again",
        )
    except ConnectorError as exc:
        return _result(check, CheckStatus.FAIL, str(exc), "run doctor again")
    if missing or mismatched:
        detail = "; ".join(filter(None, [
            f"missing {_some(missing)}" if missing else "", *mismatched]))  # fmt: skip
        return _result(check, CheckStatus.FAIL, detail, "run `leadflow hubspot provision`")
    return _result(check, CheckStatus.OK, "every leadflow property exists")


def _limits(client: HubSpotClient) -> CheckResult:
    limits = client.limits
    if limits.daily is None or limits.daily_remaining is None:
        return _result("API limits", CheckStatus.OK, "no daily-limit headers (OAuth token)")
    detail = f"{limits.daily_remaining:,} of {limits.daily:,} calls left today"
    if limits.daily_remaining < limits.daily // 10:
        return _result("API limits", CheckStatus.WARN, detail,
                       "leadflow stops calling at 0 until the daily reset")  # fmt: skip
    return _result("API limits", CheckStatus.OK, detail)


def _some(names: list[str], shown: int = 4) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
