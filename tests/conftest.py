"""Shared fixtures: a `store` on SQLite and (when configured) PostgreSQL, and a network guard."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from leadflow.store import Store

PG_URL_VARIABLE = "LEADFLOW_TEST_DATABASE_URL"
PG_SKIP_REASON = f"{PG_URL_VARIABLE} not set"
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _allowed(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path
        return True
    host = str(address[0]) if isinstance(address, tuple) and address else str(address)
    return host in _LOOPBACK or host.startswith("127.")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond loopback fails loudly: tests never reach a real service."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_create = socket.create_connection

    def refuse(address: Any) -> None:
        raise RuntimeError(f"test tried to open a network connection to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        if not _allowed(address):
            refuse(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _allowed(address):
            refuse(address)
        return real_connect_ex(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if not _allowed(address):
            refuse(address)
        return real_create(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[tuple[str, str]]:
    """(url, schema): a fresh PostgreSQL schema for this test session, dropped at its end."""
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(PG_SKIP_REASON)
    schema = f"lf_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield url, schema
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty Store: a SQLite file, or the session's PostgreSQL schema emptied."""
    if request.param == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 'store' / 'leadflow.db'}")
    else:
        url, schema = request.getfixturevalue("pg_schema")
        store = Store(url, schema=schema)
        tables = ", ".join(
            f'"{name}"' for name in sa.inspect(store.engine).get_table_names()
            if name != "schema_migrations"
        )  # fmt: skip
        with store.engine.begin() as connection:
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    try:
        yield store
    finally:
        store.close()
