"""Numbered schema migrations (`mNNN_name.py`, each with `upgrade(connection)`) and their runner.

Applied versions are recorded in `schema_migrations`. A migration's DDL is frozen: it never imports
the current models, so editing a model means adding a migration (a test checks they agree).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.engine import Connection, Engine

from leadflow.errors import StoreError
from leadflow.store.types import UTCDateTime, utc_now

_NAME = re.compile(r"^m(\d{3})_(\w+)$")
# Any constant works; it only has to be the same for every leadflow process.
_PG_LOCK_KEY = 0x1EADF10


@dataclass(frozen=True)
class Migration:
    """One numbered migration module."""

    version: int
    name: str
    upgrade: Callable[[Connection], None]


schema_migrations = sa.Table(
    "schema_migrations",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)


def operations(connection: Connection) -> Operations:
    """Alembic's portable DDL operations bound to `connection`, without env.py or alembic.ini."""
    return Operations(MigrationContext.configure(connection))


def available() -> list[Migration]:
    """Every migration shipped with this code, in version order."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        match = _NAME.match(info.name)
        if match:
            module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
            found.append(Migration(int(match.group(1)), info.name, module.upgrade))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two migrations share a version number: {versions}")
    return found


def applied_versions(connection: Connection) -> list[int]:
    """Versions recorded in `schema_migrations` (empty for a new database)."""
    if not sa.inspect(connection).has_table("schema_migrations"):
        return []
    return list(connection.scalars(sa.select(schema_migrations.c.version).order_by("version")))


def migrate(engine: Engine) -> list[str]:
    """Apply every pending migration in one transaction; return the names applied.

    Raises StoreError when the database was migrated by a newer leadflow than this one.
    """
    migrations = available()
    newest = migrations[-1].version if migrations else 0
    with engine.connect() as connection:
        # SQLite: take the write lock up front so two starting processes cannot interleave.
        connection = connection.execution_options(leadflow_sqlite_begin="BEGIN IMMEDIATE")
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}
                )
            schema_migrations.create(connection, checkfirst=True)
            done = set(applied_versions(connection))
            if done and max(done) > newest:
                raise StoreError(
                    f"the database schema is at version {max(done)} but this leadflow only knows "
                    f"migrations up to {newest}: upgrade leadflow (or point it at another database)"
                )
            names: list[str] = []
            for migration in migrations:
                if migration.version in done:
                    continue
                migration.upgrade(connection)
                connection.execute(
                    schema_migrations.insert().values(
                        version=migration.version, name=migration.name, applied_at=utc_now()
                    )
                )
                names.append(migration.name)
    return names
