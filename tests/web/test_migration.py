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


def test_m007_revokes_the_live_tokens_of_users_disabled_before_it(store: Store) -> None:
    from leadflow.store.migrations import migrate, schema_migrations
    from leadflow.web.models import ApiToken, User

    with store.session() as session:
        for name, disabled in (("gone", True), ("here", False)):
            user = User(username=name, password_hash="x", role="ops", disabled=disabled)
            session.add(user)
            session.flush()
            session.add(ApiToken(user_id=user.id or 0, name="t", token_hash=name))
    # Back to before m007, when disabling left a user's tokens unrevoked.
    with store.engine.begin() as connection:
        connection.execute(schema_migrations.delete().where(schema_migrations.c.version == 7))
        connection.exec_driver_sql("DROP INDEX ix_login_attempts_ip")
    assert migrate(store.engine) == ["m007_accounts"]
    with store.session(write=False) as session:
        revoked = {row.token_hash: row.revoked_at is not None
                   for row in session.exec(sa.select(ApiToken)).scalars()}
    assert revoked == {"gone": True, "here": False}
    assert "ix_login_attempts_ip" in {i["name"] for i in
                                      sa.inspect(store.engine).get_indexes("login_attempts")}
