"""m002_web builds exactly the web models' tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from leadflow.store import Store
from leadflow.web import models  # noqa: F401  (registers the tables)

WEB_TABLES = ["users", "api_tokens", "web_sessions", "lead_shares", "login_attempts",
              "scoring_configs"]


def test_migrated_web_tables_match_the_models(store: Store) -> None:
    inspector = sa.inspect(store.engine)
    for name in WEB_TABLES:
        table = SQLModel.metadata.tables[name]
        migrated = {column["name"]: column for column in inspector.get_columns(name)}
        assert set(migrated) == set(table.c.keys()), name
        for column in table.c:
            assert migrated[column.name]["nullable"] == column.nullable, (name, column.name)
        uniques = {tuple(sorted(c["column_names"]))
                   for c in inspector.get_unique_constraints(name)}
        expected = {(column.name,) for column in table.c if column.unique}
        expected |= {tuple(sorted(col.name for col in constraint.columns))
                     for constraint in table.constraints
                     if isinstance(constraint, sa.UniqueConstraint)}
        assert expected <= uniques, name
