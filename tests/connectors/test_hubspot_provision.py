"""`provision` is safe to run twice and reports conflicts; HubSpotCRM.doctor() checks the setup."""

from __future__ import annotations

import pytest

from connectors.base.health import CheckStatus
from connectors.hubspot import HubSpotCRM, provision
from connectors.hubspot.schema import LEADFLOW_PROPERTIES
from tests.connectors.hubspot_world import declare, fresh_stub, make_client
from tests.stubs.hubspot import HubSpotStub


@pytest.fixture
def hubspot() -> HubSpotStub:
    return fresh_stub()


def test_provision_creates_the_group_and_every_property(hubspot: HubSpotStub) -> None:
    report = provision(make_client(hubspot))
    assert report.ok and not report.existing
    assert len(report.created) == len(LEADFLOW_PROPERTIES)
    assert "leadflow" in hubspot.groups["contacts"]
    deal_key = hubspot.definitions["deals"]["leadflow_submission_id"]
    assert deal_key["hasUniqueValue"] is True and deal_key["groupName"] == "leadflow"
    score = hubspot.definitions["contacts"]["leadflow_score"]
    assert (score["type"], score["fieldType"]) == ("number", "number")
    status = hubspot.definitions["contacts"]["leadflow_review_status"]
    assert [option["value"] for option in status["options"]] == ["pending_review", "final"]
    for criterion in ("budget", "authority", "need", "timeline"):
        assert f"leadflow_{criterion}_tier" in hubspot.definitions["contacts"]


def test_provision_twice_creates_nothing_the_second_time(hubspot: HubSpotStub) -> None:
    client = make_client(hubspot)
    provision(client)
    posts = hubspot.calls("POST", "/crm/properties/")
    again = provision(client)
    assert again.ok and not again.created and not again.created_groups
    assert len(again.existing) == len(LEADFLOW_PROPERTIES)
    # Only the group creations (answered 409) were attempted again, no property.
    assert hubspot.calls("POST", "/crm/properties/") - posts == len(hubspot.groups)


def test_a_property_with_another_type_is_reported_not_changed(hubspot: HubSpotStub) -> None:
    declare(hubspot, "contacts", "leadflow_score", str)
    report = provision(make_client(hubspot))
    assert not report.ok
    assert report.mismatched == [
        "contacts.leadflow_score: exists as type string, leadflow writes number; "
        "rename or delete the HubSpot property, then provision again"
    ]
    assert hubspot.definitions["contacts"]["leadflow_score"]["type"] == "string"


def _statuses(crm: HubSpotCRM) -> dict[str, CheckStatus]:
    return {result.check: result.status for result in crm.doctor()}


def test_doctor_passes_on_a_provisioned_portal(hubspot: HubSpotStub) -> None:
    client = make_client(hubspot)
    provision(client)
    checks = HubSpotCRM(client).doctor()
    assert {r.check: r.status for r in checks} == {
        "credentials present": CheckStatus.OK, "endpoint reachable": CheckStatus.OK,
        "scopes sufficient": CheckStatus.OK, "properties provisioned": CheckStatus.OK,
        "API limits": CheckStatus.OK,
    }  # fmt: skip
    assert "calls left today" in checks[-1].detail


def test_doctor_says_to_provision(hubspot: HubSpotStub) -> None:
    (check,) = [r for r in HubSpotCRM(make_client(hubspot)).doctor()
                if r.check == "properties provisioned"]  # fmt: skip
    assert check.status == CheckStatus.FAIL and "leadflow hubspot provision" in check.fix
    assert "contacts.leadflow_score" in check.detail


def test_doctor_names_a_missing_scope(hubspot: HubSpotStub) -> None:
    hubspot.scopes.discard("crm.objects.deals.read")
    (check,) = [r for r in HubSpotCRM(make_client(hubspot)).doctor()
                if r.check == "scopes sufficient"]  # fmt: skip
    assert check.status == CheckStatus.FAIL and "crm.objects.deals.read" in check.detail


def test_doctor_without_a_token_or_a_server(hubspot: HubSpotStub) -> None:
    assert _statuses(HubSpotCRM(make_client(hubspot, token=None))) == {
        "credentials present": CheckStatus.FAIL
    }
    assert _statuses(HubSpotCRM(make_client(hubspot, token="wrong")))["endpoint reachable"] == (
        CheckStatus.FAIL)  # fmt: skip
