"""Store-only fixtures: an empty, never-migrated database on each backend."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from leadflow.store import Store

StoreFactory = Callable[..., Store]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """A factory of Stores on one empty database (a new SQLite file or PostgreSQL schema)."""
    stores: list[Store] = []
    if request.param == "sqlite":
        url, schema = f"sqlite:///{tmp_path / 'empty.db'}", None
    else:
        url, session_schema = request.getfixturevalue("pg_schema")
        schema = f"{session_schema}_{uuid.uuid4().hex[:6]}"
        admin = sa.create_engine(url)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')

    def make(**kwargs: object) -> Store:
        store = Store(url, schema=schema, **kwargs)  # type: ignore[arg-type]
        stores.append(store)
        return store

    try:
        yield make
    finally:
        for store in stores:
            store.close()
        if schema:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
