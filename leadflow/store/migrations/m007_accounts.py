"""m007_accounts: login failures counted per address (frozen DDL)."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from leadflow.store.migrations import operations


def upgrade(connection: Connection) -> None:
    """Index login_attempts by (ip, at): failures are also counted per address."""
    operations(connection).create_index("ix_login_attempts_ip", "login_attempts", ["ip", "at"])
