"""The web service's tables (accounts, sessions, tokens, shares, login attempts) beside their
in/out models. Created by migration m002_web (which also creates `scoring_configs`, whose model
lives in leadflow/store/scoring_configs.py because every command reads it).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from leadflow.store.types import UTCDateTime, utc_now


class Role(StrEnum):
    """ops: everything; reviewer: the review queue and all leads; rep: own and shared leads."""

    OPS = "ops"
    REVIEWER = "reviewer"
    REP = "rep"


def _created() -> Any:
    return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class User(SQLModel, table=True):
    """A person who logs in; a rep's `rep_id` is the id leads carry in `Lead.rep`."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    rep_id: str | None = Field(default=None, max_length=100)
    disabled: bool = False
    created_at: datetime = _created()


class UserOut(BaseModel):
    """A user as shown to people and the API (never the password hash)."""

    id: int
    username: str
    role: Role
    rep_id: str | None
    disabled: bool


class ApiToken(SQLModel, table=True):
    """A machine token: only its sha256 is kept; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created()
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TokenOut(BaseModel):
    """An API token as ops see it: never the token or its hash."""

    id: int
    user: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken, user: User) -> TokenOut:
        """The view of a token row and its user."""
        return cls(id=token.id or 0, user=user.username, label=token.name,
                   created_at=token.created_at, last_used_at=token.last_used_at,
                   revoked_at=token.revoked_at)


class WebSession(SQLModel, table=True):
    """A logged-in browser: the cookie carries the id, the store its hash and CSRF token."""

    __tablename__ = "web_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    token_hash: str = Field(max_length=64, unique=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class LeadShare(SQLModel, table=True):
    """Ops shared a lead with a rep who is not its owner."""

    __tablename__ = "lead_shares"
    __table_args__ = (UniqueConstraint("lead_id", "rep_id", name="uq_lead_shares_lead_rep"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id")
    rep_id: str = Field(max_length=100)
    shared_by: str = Field(max_length=255)
    created_at: datetime = _created()


class LoginAttempt(SQLModel, table=True):
    """One login attempt (user name as typed, client address), for rate limiting."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_key", "username", "ip", "at"),
        # m007: failures are also counted per address (across user names).
        Index("ix_login_attempts_ip", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=255)
    ip: str = Field(max_length=64)
    ok: bool = False
    at: datetime = _created()
