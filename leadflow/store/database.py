"""The Store: one engine (SQLite by default, PostgreSQL by URL), migrated at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from leadflow.errors import StoreError
from leadflow.store import connector_models, models  # noqa: F401  (register every table)
from leadflow.store.migrations import migrate
from leadflow.store.types import json_dumps

if TYPE_CHECKING:
    from leadflow.redaction import Redactor
    from leadflow.settings import Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


class Store:
    """The database behind leadflow. Build one per process and share it; it is thread-safe."""

    def __init__(self, url: str, *, schema: str | None = None, migrate_on_start: bool = True,
                 redactor: Redactor | None = None):
        """Connect to `url` (creating a SQLite file's folder) and apply pending migrations.

        `schema` (PostgreSQL only) puts every table in that schema via the search_path.
        `redactor` masks secrets in the error and reason columns of every write
        (leadflow/store/redacting.py); from_settings passes the settings' one.
        """
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {exc}") from exc
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        connect_args: dict[str, Any] = {}
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            connect_args["check_same_thread"] = False
        elif self.dialect == "postgresql":
            if schema:
                connect_args["options"] = f"-csearch_path={schema}"
        else:
            raise StoreError(f"unsupported database {self.dialect!r}: use sqlite or postgresql")
        self.engine: Engine = sa.create_engine(
            parsed,
            connect_args=connect_args,
            json_serializer=json_dumps,
            pool_pre_ping=self.dialect == "postgresql",
        )
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self._write_engine = self.engine.execution_options(leadflow_sqlite_begin="BEGIN IMMEDIATE")
        self._sessions = sessionmaker(class_=Session, expire_on_commit=False)
        if redactor is not None:
            from leadflow.store.redacting import redact_on_flush

            redact_on_flush(self._sessions, redactor)
        if migrate_on_start:
            try:
                self.applied_migrations = migrate(self.engine)
            except OperationalError as exc:
                raise StoreError(f"cannot open the store at {parsed!r}: {exc.orig}") from exc

    @classmethod
    def from_settings(cls, settings: Settings, redactor: Redactor | None = None) -> Store:
        """The store at `settings.effective_database_url`, redacting the settings' secrets
        (or `redactor`'s) from what it stores."""
        from leadflow.redaction import Redactor

        return cls(settings.effective_database_url,
                   redactor=redactor or Redactor.from_settings(settings))

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises.

        On SQLite a write session takes the write lock at its start, so read-then-write code
        cannot fail half-way; pass `write=False` for read-only work that must not wait.
        """
        with self._sessions(bind=self._write_engine if write else self.engine) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL and breaks SAVEPOINT; take over
    # (the SQLAlchemy-documented recipe) so transactions, savepoints and DDL work as on PostgreSQL.
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(
            connection.get_execution_options().get("leadflow_sqlite_begin", "BEGIN")
        )
