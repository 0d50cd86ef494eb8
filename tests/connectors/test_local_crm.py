"""LocalCRM passes the CRM contract on the store, and survives concurrent upserts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlmodel import select

from connectors.base import ContactInput, ObjectType
from connectors.local_crm import LocalCRM
from leadflow.errors import PermanentError
from leadflow.store import CrmContact, Store
from leadflow.store import crm as crm_queries
from tests.connectors.contracts import CRMContract


class TestLocalCRM(CRMContract):
    @pytest.fixture
    def crm(self, store: Store) -> LocalCRM:
        return LocalCRM(store)


def test_properties_are_stored_as_json_with_their_type(store: Store) -> None:
    crm = LocalCRM(store)
    contact = crm.upsert_contact(ContactInput(email="ana@acme.com"), idempotency_key="k")
    crm.update_properties(
        ObjectType.CONTACT, contact.id, {"leadflow_score": 80}, idempotency_key="p"
    )
    with store.session(write=False) as session:
        row = session.exec(select(CrmContact)).one()
    assert row.properties["leadflow_score"] == {"type": "int", "value": "80"}


def test_concurrent_upserts_of_one_email_make_one_contact(store: Store) -> None:
    crm = LocalCRM(store)
    emails = [" Ana@Acme.com", "ana@acme.com ", "ANA@ACME.COM"] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        records = list(
            pool.map(
                lambda email: crm.upsert_contact(ContactInput(email=email), idempotency_key="k"),
                emails,
            )
        )
    assert len({record.id for record in records}) == 1
    assert sum(record.created for record in records) == 1
    with store.session(write=False) as session:
        assert len(session.exec(select(CrmContact)).all()) == 1


def test_company_custom_properties_are_refused_with_a_hint(store: Store) -> None:
    crm = LocalCRM(store)
    contact = crm.upsert_contact(ContactInput(email="ana@acme.com"), idempotency_key="k")
    assert contact.company_id is not None
    with pytest.raises(PermanentError, match="contact or the deal"):
        crm.update_properties(
            ObjectType.COMPANY, contact.company_id, {"tier": "gold"}, idempotency_key="c"
        )
    assert crm.get_properties(ObjectType.COMPANY, contact.company_id, ["name", "domain"]) == {
        "name": "Acme", "domain": "acme.com"
    }  # fmt: skip


def test_job_title_and_phone_are_kept_as_properties(store: Store) -> None:
    crm = LocalCRM(store)
    contact = crm.upsert_contact(
        ContactInput(email="li@acme.com", job_title="CTO", phone="+55 11 91234-5678"),
        idempotency_key="k",
    )
    assert crm.get_properties(ObjectType.CONTACT, contact.id, ["job_title", "phone"]) == {
        "job_title": "CTO", "phone": "+55 11 91234-5678"
    }  # fmt: skip


@pytest.mark.parametrize("stage", ["closed_won", "closed_lost"])
def test_a_closed_deal_is_not_an_open_deal(store: Store, stage: str) -> None:
    crm = LocalCRM(store)
    contact = crm.upsert_contact(ContactInput(email="ana@acme.com"), idempotency_key="k")
    closed = crm.ensure_open_deal(contact.id, name="First", idempotency_key="d1")
    still_open = crm.ensure_open_deal(contact.id, name="Second", idempotency_key="d2")
    with store.session() as session:  # a rep closing it: the Protocol has no call for that
        crm_queries.update_deal(session, int(closed.id), stage=stage, is_open=False)
    assert [deal.id for deal in crm.open_deals(contact.id)] == [still_open.id]


def test_a_deal_name_longer_than_its_column_is_shortened_not_refused(tmp_path: Path) -> None:
    crm = LocalCRM(Store(f"sqlite:///{tmp_path / 'crm.db'}"))
    contact = crm.upsert_contact(ContactInput(email="a@b.example"), idempotency_key="c")
    deal = crm.ensure_open_deal(contact.id, name="x" * 300 + ": leadflow inquiry",
                                idempotency_key="d")
    assert len(deal.name) == 255 and deal.name.endswith("…")
