"""m007_accounts: login failures counted per address, and disabled users' tokens revoked.

Frozen: plain table stubs, never the current models.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from leadflow.store.migrations import operations
from leadflow.store.types import UTCDateTime, utc_now

_users = sa.table("users", sa.column("id", sa.Integer), sa.column("disabled", sa.Boolean))
_tokens = sa.table("api_tokens", sa.column("user_id", sa.Integer),
                   sa.column("revoked_at", UTCDateTime))


def upgrade(connection: Connection) -> None:
    """Index login_attempts by (ip, at); revoke the live tokens of users disabled today.

    Before this version disabling a user only hid their tokens, so enabling them again brought
    the tokens back; from now on disabling revokes them, and this applies that to the past.
    """
    operations(connection).create_index("ix_login_attempts_ip", "login_attempts", ["ip", "at"])
    disabled = sa.select(_users.c.id).where(_users.c.disabled.is_(True))
    connection.execute(
        _tokens.update()
        .where(_tokens.c.revoked_at.is_(None), _tokens.c.user_id.in_(disabled))
        .values(revoked_at=utc_now())
    )
