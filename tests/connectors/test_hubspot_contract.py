"""HubSpotCRM passes the CRM contract against the HubSpot stub (date-versioned and legacy paths)."""

from __future__ import annotations

import pytest

from connectors.hubspot import HubSpotCRM
from tests.connectors.contracts import CRMContract
from tests.connectors.hubspot_world import declare, fresh_stub, provisioned_crm
from tests.stubs.hubspot import HubSpotStub


def declare_suite_properties(stub: HubSpotStub, request: pytest.FixtureRequest) -> None:
    """HubSpot only stores declared, typed properties; declare the ad-hoc ones the suite writes.

    The contract writes `leadflow_value` with a different type per case, so each case declares
    it with that type (a real portal holds one type per property).
    """
    callspec = getattr(request.node, "callspec", None)
    value = callspec.params.get("value") if callspec else None
    declare(stub, "contacts", "leadflow_value", type(value) if value is not None else str)
    declare(stub, "contacts", "a", int)
    declare(stub, "contacts", "b", str)
    declare(stub, "deals", "leadflow_score", int)


class TestHubSpotCRM(CRMContract):
    @pytest.fixture(params=["2026-03", "v3"])
    def crm(self, request: pytest.FixtureRequest) -> HubSpotCRM:
        stub = fresh_stub()
        declare_suite_properties(stub, request)
        return provisioned_crm(stub, api_version=request.param)
