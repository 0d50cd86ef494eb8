"""m008_lead_leases: which process runs a lead, until when, how often taken (frozen DDL)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from leadflow.store.migrations import operations


def upgrade(connection: Connection) -> None:
    """Create lead_leases: at most one row per lead, while it runs or was left mid-run."""
    ops = operations(connection)
    ops.create_table(
        "lead_leases",
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"]),
        sa.PrimaryKeyConstraint("lead_id"),
    )
    ops.create_index("ix_lead_leases_expires", "lead_leases", ["expires_at"])
