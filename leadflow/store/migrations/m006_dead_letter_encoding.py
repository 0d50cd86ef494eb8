"""m006_dead_letter_encoding: how a dead letter's payload is stored (frozen DDL)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from leadflow.store.migrations import operations


def upgrade(connection: Connection) -> None:
    """Add dead_letters.payload_encoding: NULL for text as sent, "base64" for other bytes."""
    operations(connection).add_column(
        "dead_letters", sa.Column("payload_encoding", sa.String(length=20), nullable=True))
