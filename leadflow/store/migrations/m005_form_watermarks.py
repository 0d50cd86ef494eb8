"""m005_form_watermarks: how far the Google Forms reconciler has read each form (frozen DDL)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from leadflow.store.migrations import operations


def upgrade(connection: Connection) -> None:
    """Create form_watermarks: one row per form id."""
    operations(connection).create_table(
        "form_watermarks",
        sa.Column("form_id", sa.String(length=255), nullable=False),
        sa.Column("last_submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("form_id"),
    )
