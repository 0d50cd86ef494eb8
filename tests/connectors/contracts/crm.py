"""The CRM contract: dedupe by email, idempotent deals and activities, typed properties, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from connectors.base import CRM, ActivityKind, ContactInput, ObjectType, PropertyValue
from leadflow.errors import PermanentError

UNICODE_NAMES = [("João", "Çelik"), ("María", "Ñúñez"), ("Åsa", "Öberg")]

TYPED_VALUES: list[PropertyValue] = [
    "café — 東京",
    0,
    -42,
    10**12,
    Decimal("100000.50"),
    Decimal("0.0001"),
    True,
    False,
    datetime(2030, 1, 7, 15, 30, tzinfo=UTC),
    datetime(2030, 1, 7, 12, 30, tzinfo=timezone(timedelta(hours=-3))),
]


class CRMContract:
    """Subclass and override the `crm` fixture with a fresh, empty CRM."""

    @pytest.fixture
    def crm(self) -> CRM:
        raise NotImplementedError("override the `crm` fixture")

    @staticmethod
    def _contact(crm: CRM, email: str = "ana.souza@example.com", **fields: str) -> str:
        return crm.upsert_contact(
            ContactInput(email=email, **fields), idempotency_key=f"contact:{email}"
        ).id

    def test_satisfies_the_protocol(self, crm: CRM) -> None:
        assert isinstance(crm, CRM)

    def test_upsert_creates_then_updates_the_same_contact(self, crm: CRM) -> None:
        first = crm.upsert_contact(
            ContactInput(email="ana@acme.com", first_name="Ana"), idempotency_key="k1"
        )
        second = crm.upsert_contact(
            ContactInput(email="ana@acme.com", last_name="Souza"), idempotency_key="k2"
        )
        assert first.created and not second.created
        assert second.id == first.id
        assert (second.first_name, second.last_name) == ("Ana", "Souza")

    def test_same_email_in_other_case_and_spaces_is_one_contact(self, crm: CRM) -> None:
        ids = {
            crm.upsert_contact(ContactInput(email=email), idempotency_key=f"k{i}").id
            for i, email in enumerate(
                ["ana.souza@example.com", "  Ana.Souza@Example.COM ", "ANA.SOUZA@EXAMPLE.COM\t"]
            )
        }
        assert len(ids) == 1
        (contact_id,) = ids
        assert crm.get_properties(ObjectType.CONTACT, contact_id, ["email"]) == {
            "email": "ana.souza@example.com"
        }

    def test_replaying_the_same_key_does_not_duplicate(self, crm: CRM) -> None:
        contact = ContactInput(email="bo@acme.com")
        first = crm.upsert_contact(contact, idempotency_key="same")
        again = crm.upsert_contact(contact, idempotency_key="same")
        assert again.id == first.id and not again.created

    @pytest.mark.parametrize(("first", "last"), UNICODE_NAMES)
    def test_unicode_names_round_trip(self, crm: CRM, first: str, last: str) -> None:
        record = crm.upsert_contact(
            ContactInput(email=f"{last.lower()}@example.org", first_name=first, last_name=last),
            idempotency_key=f"k:{last}",
        )
        assert (record.first_name, record.last_name) == (first, last)
        names = crm.get_properties(ObjectType.CONTACT, record.id, ["first_name", "last_name"])
        assert names == {"first_name": first, "last_name": last}

    def test_contacts_at_one_domain_share_a_company(self, crm: CRM) -> None:
        ana = crm.upsert_contact(ContactInput(email="ana@acme.com"), idempotency_key="a")
        bo = crm.upsert_contact(ContactInput(email="bo@ACME.com"), idempotency_key="b")
        assert ana.company_id is not None and ana.company_id == bo.company_id

    def test_company_name_from_the_form_wins(self, crm: CRM) -> None:
        record = crm.upsert_contact(
            ContactInput(email="li@gmail.com", company="Ñandú Ltda"), idempotency_key="k"
        )
        assert record.company == "Ñandú Ltda"
        assert crm.get_properties(ObjectType.CONTACT, record.id, ["company"]) == {
            "company": "Ñandú Ltda"
        }

    def test_free_mail_domain_is_not_a_company(self, crm: CRM) -> None:
        ana = crm.upsert_contact(ContactInput(email="ana@gmail.com"), idempotency_key="a")
        bo = crm.upsert_contact(ContactInput(email="bo@gmail.com"), idempotency_key="b")
        assert ana.company_id is None and bo.company_id is None

    def test_open_deal_is_created_once_per_key(self, crm: CRM) -> None:
        contact_id = self._contact(crm)
        first = crm.ensure_open_deal(contact_id, name="Acme — inbound", idempotency_key="deal:1")
        again = crm.ensure_open_deal(contact_id, name="Acme — inbound", idempotency_key="deal:1")
        other = crm.ensure_open_deal(contact_id, name="Acme — renewal", idempotency_key="deal:2")
        assert first.created and not again.created
        assert again.id == first.id and first.is_open and first.contact_id == contact_id
        assert other.id != first.id

    def test_deal_keeps_its_creation_properties(self, crm: CRM) -> None:
        contact_id = self._contact(crm)
        deal = crm.ensure_open_deal(
            contact_id,
            name="Deal",
            idempotency_key="deal:p",
            properties={"amount": Decimal("50000"), "leadflow_submission_id": "sub-1"},
        )
        got = crm.get_properties(ObjectType.DEAL, deal.id, ["amount", "leadflow_submission_id"])
        assert got == {"amount": Decimal("50000"), "leadflow_submission_id": "sub-1"}

    def test_deal_for_an_unknown_contact_is_a_permanent_error(self, crm: CRM) -> None:
        with pytest.raises(PermanentError, match="no-such-contact"):
            crm.ensure_open_deal("no-such-contact", name="x", idempotency_key="deal:x")

    def test_a_contact_without_deals_has_no_open_deals(self, crm: CRM) -> None:
        assert crm.open_deals(self._contact(crm)) == []

    def test_open_deals_lists_the_contacts_deals_newest_first(self, crm: CRM) -> None:
        contact_id = self._contact(crm)
        first = crm.ensure_open_deal(contact_id, name="Acme — inbound", idempotency_key="deal:1")
        second = crm.ensure_open_deal(contact_id, name="Acme — again", idempotency_key="deal:2")
        listed = crm.open_deals(contact_id)
        assert [deal.id for deal in listed] == [second.id, first.id]
        newest = listed[0]
        assert (newest.contact_id, newest.name, newest.is_open, newest.created) == (
            contact_id, "Acme — again", True, False)  # fmt: skip
        assert [deal.idempotency_key for deal in listed] == ["deal:2", "deal:1"]
        assert first.idempotency_key == "deal:1"

    def test_another_contacts_deal_is_not_listed(self, crm: CRM) -> None:
        ana = self._contact(crm, "ana@acme.com")
        bo = self._contact(crm, "bo@acme.com")
        deal = crm.ensure_open_deal(ana, name="Ana's", idempotency_key="deal:ana")
        assert crm.open_deals(bo) == []
        assert [listed.id for listed in crm.open_deals(ana)] == [deal.id]

    def test_open_deals_of_an_unknown_contact_is_a_permanent_error(self, crm: CRM) -> None:
        with pytest.raises(PermanentError, match="missing-42"):
            crm.open_deals("missing-42")

    @pytest.mark.parametrize("value", TYPED_VALUES, ids=repr)
    def test_typed_properties_round_trip(self, crm: CRM, value: PropertyValue) -> None:
        contact_id = self._contact(crm)
        crm.update_properties(
            ObjectType.CONTACT, contact_id, {"leadflow_value": value}, idempotency_key="p"
        )
        got = crm.get_properties(ObjectType.CONTACT, contact_id, ["leadflow_value"])
        assert type(got["leadflow_value"]) is type(value)
        assert got["leadflow_value"] == value
        if isinstance(value, datetime):
            assert got["leadflow_value"].utcoffset() == timedelta(0)

    def test_update_merges_with_existing_properties(self, crm: CRM) -> None:
        contact_id = self._contact(crm)
        crm.update_properties(
            ObjectType.CONTACT, contact_id, {"a": 1, "b": "x"}, idempotency_key="p1"
        )
        crm.update_properties(ObjectType.CONTACT, contact_id, {"b": "y"}, idempotency_key="p2")
        crm.update_properties(ObjectType.CONTACT, contact_id, {"b": "y"}, idempotency_key="p2")
        got = crm.get_properties(ObjectType.CONTACT, contact_id, ["a", "b", "never_set"])
        assert got == {"a": 1, "b": "y", "never_set": None}

    def test_deal_properties_are_separate_from_contact_properties(self, crm: CRM) -> None:
        contact_id = self._contact(crm)
        deal = crm.ensure_open_deal(contact_id, name="D", idempotency_key="deal:s")
        crm.update_properties(ObjectType.DEAL, deal.id, {"leadflow_score": 80}, idempotency_key="s")
        assert crm.get_properties(ObjectType.DEAL, deal.id, ["leadflow_score"]) == {
            "leadflow_score": 80
        }
        assert crm.get_properties(ObjectType.CONTACT, contact_id, ["leadflow_score"]) == {
            "leadflow_score": None
        }

    @pytest.mark.parametrize("object_type", [ObjectType.CONTACT, ObjectType.DEAL])
    def test_updating_an_unknown_object_is_a_permanent_error(
        self, crm: CRM, object_type: ObjectType
    ) -> None:
        with pytest.raises(PermanentError, match="missing-42"):
            crm.update_properties(object_type, "missing-42", {"a": 1}, idempotency_key="u")

    def test_reading_an_unknown_object_is_a_permanent_error(self, crm: CRM) -> None:
        with pytest.raises(PermanentError, match="missing-42"):
            crm.get_properties(ObjectType.CONTACT, "missing-42", ["email"])

    def test_a_float_is_refused_use_decimal(self, crm: CRM) -> None:
        contact_id = self._contact(crm)
        with pytest.raises(PermanentError, match="Decimal"):
            crm.update_properties(
                ObjectType.CONTACT,
                contact_id,
                {"budget": 1.5},  # type: ignore[dict-item]
                idempotency_key="f",
            )

    def test_activity_is_logged_once_per_key(self, crm: CRM) -> None:
        contact_id = self._contact(crm)
        deal = crm.ensure_open_deal(contact_id, name="D", idempotency_key="deal:a")
        first = crm.log_activity(
            contact_id, deal.id, ActivityKind.NOTE, "Score 80 — Åsa", idempotency_key="act:1"
        )
        again = crm.log_activity(
            contact_id, deal.id, ActivityKind.NOTE, "Score 80 — Åsa", idempotency_key="act:1"
        )
        other = crm.log_activity(contact_id, None, ActivityKind.CALL, "call", idempotency_key="a2")
        assert first.created and not again.created and again.id == first.id
        assert (first.kind, first.body) == (ActivityKind.NOTE, "Score 80 — Åsa")
        assert first.deal_id == deal.id
        assert other.id != first.id and other.deal_id is None
        assert first.occurred_at.utcoffset() == timedelta(0)

    def test_activity_for_an_unknown_contact_is_a_permanent_error(self, crm: CRM) -> None:
        with pytest.raises(PermanentError, match="missing-7"):
            crm.log_activity("missing-7", None, ActivityKind.NOTE, "x", idempotency_key="a")
