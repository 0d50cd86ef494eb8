"""HubSpotCRM beyond the contract: the calls it makes, replays, races and typed wire values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.base import ActivityKind, ContactInput, ObjectType
from connectors.hubspot import HubSpotCRM
from leadflow import wiring
from leadflow.errors import ConfigError, PermanentError
from leadflow.settings import Settings
from leadflow.store import Store
from tests.connectors.hubspot_world import declare, fresh_stub, provisioned_crm
from tests.stubs.hubspot import HubSpotStub


@pytest.fixture
def hubspot() -> HubSpotStub:
    return fresh_stub()


@pytest.fixture
def crm(hubspot: HubSpotStub) -> HubSpotCRM:
    return provisioned_crm(hubspot)


def _lead(crm: HubSpotCRM, email: str = "ana@acme.com") -> tuple[str, str]:
    contact = crm.upsert_contact(ContactInput(email=email, first_name="Ana"), idempotency_key="c")
    deal = crm.ensure_open_deal(contact.id, name="Acme: leadflow inquiry", idempotency_key="s1:d",
                                properties={"leadflow_submission_id": "s1"})  # fmt: skip
    return contact.id, deal.id


@pytest.mark.parametrize(("version", "objects", "links"), [
    ("2026-03", "/crm/objects/2026-03/", "/crm/objects/2026-03/deals/"),
    ("v3", "/crm/v3/objects/", "/crm/v4/objects/deals/"),
])  # fmt: skip
def test_paths_follow_the_configured_api_version(
    hubspot: HubSpotStub, version: str, objects: str, links: str
) -> None:
    _lead(provisioned_crm(hubspot, api_version=version))
    assert hubspot.calls("POST", f"{objects}contacts/batch/upsert") == 1
    assert hubspot.calls("POST", f"{objects}deals/batch/upsert") == 1
    assert hubspot.calls("PUT", links) == 1
    assert hubspot.calls("POST", f"{objects}contacts") == 1  # only the upsert: no create-then-409


def test_contacts_are_upserted_by_email_never_created_directly(
    hubspot: HubSpotStub, crm: HubSpotCRM
) -> None:
    crm.upsert_contact(ContactInput(email="Ana@Acme.com"), idempotency_key="k")
    (upsert,) = [body for method, path, body in hubspot.requests if path.endswith("batch/upsert")
                 and "contacts" in path]  # fmt: skip
    assert upsert["inputs"][0]["idProperty"] == "email"
    assert upsert["inputs"][0]["id"] == "ana@acme.com"


def test_deal_is_keyed_on_the_submission_id_and_linked_to_its_contact(
    hubspot: HubSpotStub, crm: HubSpotCRM
) -> None:
    contact_id, deal_id = _lead(crm)
    deal = hubspot.objects.records["deals"][deal_id]["properties"]
    assert deal["leadflow_submission_id"] == "s1"
    assert (deal["dealstage"], deal["pipeline"]) == ("appointmentscheduled", "default")
    assert ("deals", deal_id, "contacts", contact_id) in hubspot.objects.links


def test_a_replay_never_resets_a_stage_a_rep_moved(hubspot: HubSpotStub, crm: HubSpotCRM) -> None:
    contact_id, deal_id = _lead(crm)
    hubspot.objects.records["deals"][deal_id]["properties"]["dealstage"] = "closedwon"
    again = crm.ensure_open_deal(contact_id, name="x", idempotency_key="s1:d",
                                 properties={"leadflow_submission_id": "s1"})  # fmt: skip
    assert (again.id, again.stage, again.is_open, again.created) == (deal_id, "closedwon", False,
                                                                     False)  # fmt: skip
    assert hubspot.calls("POST", "deals/batch/upsert") == 1


def test_a_replay_links_a_deal_a_crashed_run_left_unlinked(
    hubspot: HubSpotStub, crm: HubSpotCRM
) -> None:
    contact_id, deal_id = _lead(crm)
    hubspot.objects.links.clear()
    crm.ensure_open_deal(contact_id, name="x", idempotency_key="s1:d",
                         properties={"leadflow_submission_id": "s1"})  # fmt: skip
    assert ("deals", deal_id, "contacts", contact_id) in hubspot.objects.links


def test_a_deal_key_owned_by_another_contact_is_refused(crm: HubSpotCRM) -> None:
    _lead(crm)
    other = crm.upsert_contact(ContactInput(email="bo@acme.com"), idempotency_key="b").id
    with pytest.raises(PermanentError, match="belongs to contact"):
        crm.ensure_open_deal(other, name="x", idempotency_key="s1:d",
                             properties={"leadflow_submission_id": "s1"})  # fmt: skip


def test_a_note_made_by_a_concurrent_run_is_returned_not_duplicated(
    hubspot: HubSpotStub, crm: HubSpotCRM
) -> None:
    contact_id, deal_id = _lead(crm)
    first = crm.log_activity(contact_id, deal_id, ActivityKind.MEETING, "booked",
                             idempotency_key="s1:meeting")  # fmt: skip
    # The existence check misses it (as if the other run had not finished), the create gets 409.
    hubspot.fail_next(404, {"status": "error", "message": "Object not found.",
                            "category": "OBJECT_NOT_FOUND"}, path="/notes/")  # fmt: skip
    again = crm.log_activity(contact_id, deal_id, ActivityKind.MEETING, "booked",
                             idempotency_key="s1:meeting")  # fmt: skip
    assert (again.id, again.created, again.kind) == (first.id, False, ActivityKind.MEETING)
    assert len(hubspot.objects.records["notes"]) == 1


def test_values_travel_as_hubspot_strings(hubspot: HubSpotStub, crm: HubSpotCRM) -> None:
    contact_id, _ = _lead(crm)
    declare(hubspot, "contacts", "leadflow_flag", bool)
    crm.update_properties(ObjectType.CONTACT, contact_id, {
        "leadflow_score": 80, "leadflow_flag": True,
        "leadflow_scored_at": datetime(2030, 1, 7, 15, 30, tzinfo=UTC),
    }, idempotency_key="w")  # fmt: skip
    (patch,) = [body for method, _, body in hubspot.requests if method == "PATCH"]
    assert patch["properties"] == {
        "leadflow_score": "80",
        "leadflow_flag": "true",
        "leadflow_scored_at": "2030-01-07T15:30:00.000Z",
    }
    got = crm.get_properties(ObjectType.CONTACT, contact_id, ["leadflow_score", "leadflow_flag"])
    assert got == {"leadflow_score": 80, "leadflow_flag": True}


def test_hubspot_normalised_numbers_read_back_equal(hubspot: HubSpotStub, crm: HubSpotCRM) -> None:
    _, deal_id = _lead(crm)
    crm.update_properties(ObjectType.DEAL, deal_id, {"amount": Decimal("50000.00")},
                          idempotency_key="a")  # fmt: skip
    assert hubspot.objects.records["deals"][deal_id]["properties"]["amount"] == "50000"
    assert crm.get_properties(ObjectType.DEAL, deal_id, ["amount"]) == {"amount": 50000}


def test_writing_an_unprovisioned_property_says_to_provision(crm: HubSpotCRM) -> None:
    contact_id, _ = _lead(crm)
    with pytest.raises(PermanentError, match="leadflow hubspot provision"):
        crm.update_properties(ObjectType.CONTACT, contact_id, {"leadflow_nope": "x"},
                              idempotency_key="n")  # fmt: skip


def test_idempotency_never_depends_on_the_lagging_search_index(
    hubspot: HubSpotStub, crm: HubSpotCRM
) -> None:
    hubspot.search_lag_s = 3600
    ids = {crm.upsert_contact(ContactInput(email="ana@acme.com"), idempotency_key="k").id
           for _ in range(3)}  # fmt: skip
    assert len(ids) == 1 and hubspot.calls("POST", "/search") == 0


def test_a_batch_input_error_is_permanent_with_hubspot_s_message(hubspot: HubSpotStub) -> None:
    crm = HubSpotCRM(provisioned_crm(hubspot).client)
    hubspot.definitions["contacts"].pop("jobtitle")
    with pytest.raises(PermanentError, match=r"jobtitle.*does not exist.*provision"):
        crm.upsert_contact(ContactInput(email="li@acme.com", job_title="CTO"), idempotency_key="k")


def test_wiring_builds_it_from_settings_and_requires_a_token(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'leadflow.db'}")
    try:
        settings = Settings(_env_file=None, crm="hubspot",  # type: ignore[call-arg]
                            hubspot={"access_token": "pat-na1-x", "api_version": "v3"})
        crm = wiring.CRMS["hubspot"](settings, store)
        assert isinstance(crm, HubSpotCRM) and crm.client.api_version == "v3"
        with pytest.raises(ConfigError, match="LEADFLOW_HUBSPOT__ACCESS_TOKEN"):
            wiring.CRMS["hubspot"](Settings(_env_file=None), store)  # type: ignore[call-arg]
    finally:
        store.close()


def test_open_deals_skips_a_deal_a_rep_closed_and_reads_no_search(
    hubspot: HubSpotStub, crm: HubSpotCRM
) -> None:
    contact_id, closed_id = _lead(crm)
    still_open = crm.ensure_open_deal(contact_id, name="Acme: again", idempotency_key="s2:d",
                                      properties={"leadflow_submission_id": "s2"})  # fmt: skip
    hubspot.search_lag_s = 3600  # a search would not see either deal yet
    crm.client.call("PATCH", crm.client.objects("deals", closed_id), operation="test",
                    json={"properties": {"dealstage": "closedlost"}})  # fmt: skip
    [listed] = crm.open_deals(contact_id)
    assert (listed.id, listed.idempotency_key) == (still_open.id, "s2")
    assert hubspot.calls("POST", "/search") == 0


def test_open_deals_lists_a_deal_a_rep_made_in_hubspot(
    hubspot: HubSpotStub, crm: HubSpotCRM
) -> None:
    contact_id, deal_id = _lead(crm)
    hubspot.objects.records["deals"][deal_id]["properties"]["dealstage"] = "closedwon"
    manual = crm.client.call("POST", crm.client.objects("deals"), operation="test", json={
        "properties": {"dealname": "Renewal", "dealstage": "qualifiedtobuy"},
        "associations": [{"to": {"id": contact_id}, "types": [
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}]}]})  # fmt: skip
    [listed] = crm.open_deals(contact_id)
    assert (listed.id, listed.name, listed.stage) == (manual["id"], "Renewal", "qualifiedtobuy")
    assert listed.idempotency_key is None
