"""Migrations build exactly the models' schema, are recorded, and refuse a newer database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from leadflow.errors import StoreError
from leadflow.store import Store
from leadflow.store.migrations import applied_versions, available, schema_migrations
from leadflow.store.types import utc_now
from tests.store.conftest import StoreFactory

STORE_TABLES = [
    table for table in SQLModel.metadata.sorted_tables
    if table.c and table.name in {
        "submissions", "dead_letters", "leads", "step_runs", "extractions", "llm_calls",
        "scores", "reviews", "audit_events", "crm_companies", "crm_contacts", "crm_deals",
        "crm_activities", "calendar_events", "notifications", "lead_leases",
    }
]  # fmt: skip


def test_every_table_is_checked() -> None:
    assert len(STORE_TABLES) == 16


def test_migrated_schema_has_every_model_column(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    for table in STORE_TABLES:
        migrated = {column["name"]: column for column in inspector.get_columns(table.name)}
        assert set(migrated) == set(table.c.keys()), table.name
        for column in table.c:
            assert migrated[column.name]["nullable"] == column.nullable, (table.name, column.name)


def test_migrated_schema_has_every_model_unique_key(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    for table in STORE_TABLES:
        expected = {
            tuple(sorted(column.name for column in constraint.columns))
            for constraint in table.constraints
            if isinstance(constraint, sa.UniqueConstraint)
        }
        expected |= {(column.name,) for column in table.c if column.unique}
        found = {
            tuple(sorted(c["column_names"])) for c in inspector.get_unique_constraints(table.name)
        }
        found |= {
            tuple(sorted(index["column_names"]))
            for index in inspector.get_indexes(table.name) if index["unique"]
        }  # fmt: skip
        assert expected <= found, table.name
        indexes = {index.name for index in table.indexes}
        assert indexes <= {index["name"] for index in inspector.get_indexes(table.name)}


def test_migrations_are_recorded_once(new_store: StoreFactory) -> None:
    first = new_store()
    assert first.applied_migrations == [migration.name for migration in available()]
    second = new_store()
    assert second.applied_migrations == []
    with first.engine.connect() as connection:
        assert applied_versions(connection) == [migration.version for migration in available()]


def test_a_newer_schema_is_refused(new_store: StoreFactory) -> None:
    store = new_store()
    with store.engine.begin() as connection:
        connection.execute(
            schema_migrations.insert().values(version=999, name="m999_future", applied_at=utc_now())
        )
    with pytest.raises(StoreError, match="schema is at version 999"):
        new_store()


def test_a_store_can_skip_migrating(new_store: StoreFactory) -> None:
    store = new_store(migrate_on_start=False)
    assert not sa.inspect(store.engine).has_table("leads")
