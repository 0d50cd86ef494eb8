"""Intake's field limits fit every column and CRM field the accepted values are stored in."""

from __future__ import annotations

import annotated_types
import pytest
from sqlalchemy import Column

from connectors.base.crm import ContactInput
from leadflow.intake_limits import FIELD_MAX_CHARS, RESPONSE_ID_MAX_CHARS, SOURCE_MAX_CHARS
from leadflow.store.connector_models import CrmCompany, CrmContact
from leadflow.store.models import DeadLetter, Lead, Submission


def length(column: Column) -> int:
    return column.type.length  # type: ignore[no-any-return, attr-defined]


def table(model: type) -> dict[str, Column]:
    return model.__table__.c  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize(("field", "column"), [
    ("email", table(Lead)["email"]), ("email", table(CrmContact)["email"]),
    ("name", table(Lead)["name"]), ("name", table(CrmContact)["first_name"]),
    ("name", table(CrmContact)["last_name"]), ("company", table(Lead)["company"]),
    ("company", table(CrmCompany)["name"]), ("language", table(Lead)["language"]),
])
def test_a_field_limit_fits_its_column(field: str, column: Column) -> None:
    assert FIELD_MAX_CHARS[field] <= length(column)


def test_the_email_limit_fits_the_crm_contact() -> None:
    [limit] = [meta.max_length for meta in ContactInput.model_fields["email"].metadata
               if isinstance(meta, annotated_types.MaxLen)]
    assert FIELD_MAX_CHARS["email"] <= limit


def test_the_id_and_source_limits_fit_their_columns() -> None:
    assert length(table(Submission)["source_submission_id"]) >= RESPONSE_ID_MAX_CHARS
    assert length(table(Submission)["source"]) >= SOURCE_MAX_CHARS
    assert length(table(DeadLetter)["source"]) >= SOURCE_MAX_CHARS
