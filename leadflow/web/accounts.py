"""Accounts: users (argon2 passwords), API tokens and browser sessions (sha256 of random
tokens), lead shares and the login rate limits. Query functions take the session first.

A revoked token stays revoked: disabling a user revokes their tokens, and enabling them again
does not bring those back (they get new ones).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, func, or_, select, update

from leadflow.errors import InputError
from leadflow.store.audit import append_audit
from leadflow.store.types import utc_now
from leadflow.store.unique import insert_once
from leadflow.web.models import (
    ApiToken,
    LeadShare,
    LoginAttempt,
    Role,
    TokenOut,
    User,
    WebSession,
)
from leadflow.web.passwords import check_password, check_username

_HASHER = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("not a password")
# A token's last use is written at most this often: an API client must not turn every request
# into a write (SQLite has one writer).
LAST_USE_RESOLUTION = timedelta(seconds=60)


def token_hash(token: str) -> str:
    """The stored form of a random token (high entropy, so a fast hash is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    session: Session, username: str, password: str, role: Role | str, *, rep_id: str | None = None
) -> User:
    """Create a user; InputError for a bad or taken name, a weak password (see
    leadflow/web/passwords.py) or a rep without rep id."""
    role = Role(role)
    check_username(username)
    check_password(password, username)
    if role is Role.REP and not rep_id:
        raise InputError("a rep needs --rep-id (the rep id leads are assigned to)")
    if get_user(session, username) is not None:
        raise InputError(f"user {username!r} exists")
    user = User(username=username, password_hash=_HASHER.hash(password), role=role.value,
                rep_id=rep_id)
    session.add(user)
    session.flush()
    append_audit(session, kind="user_added", actor="cli", after={"user": username, "role": role})
    return user


def get_user(session: Session, username: str) -> User | None:
    """The user with this name, or None."""
    return session.exec(select(User).where(User.username == username)).first()


def list_users(session: Session) -> Sequence[User]:
    """Every user, by name."""
    return session.exec(select(User).order_by(col(User.username))).all()


def change_user(
    session: Session, username: str, *, actor: str, role: Role | str | None = None,
    rep_id: str | None = None, disabled: bool | None = None,
) -> User:
    """Change a user's role, rep id or disabled flag (audited); disabling ends their sessions
    and revokes their API tokens for good."""
    user = get_user(session, username)
    if user is None:
        raise InputError(f"no user {username!r} (see `leadflow users list`)")
    before = {"role": user.role, "rep_id": user.rep_id, "disabled": user.disabled}
    if role is not None:
        user.role = Role(role).value
    if rep_id is not None:
        user.rep_id = rep_id
    if disabled is not None:
        user.disabled = disabled
    if user.role == Role.REP and not user.rep_id:
        raise InputError("a rep needs a rep id (--rep-id)")
    session.add(user)
    if user.disabled:
        session.exec(delete(WebSession).where(col(WebSession.user_id) == user.id))
        _revoke_user_tokens(session, user, actor=actor)
    append_audit(session, kind="user_changed", actor=actor, before=before,
                 after={"role": user.role, "rep_id": user.rep_id, "disabled": user.disabled},
                 detail={"user": username})
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The enabled user whose password this is, or None (same work either way)."""
    user = get_user(session, username)
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
        session.add(user)
    return user


def _failures(session: Session, window_s: int, *where: Any) -> int:
    since = utc_now() - timedelta(seconds=window_s)
    query = select(func.count()).select_from(LoginAttempt).where(
        col(LoginAttempt.ok).is_(False), LoginAttempt.at >= since, *where)
    return int(session.exec(query).one())


def account_failures(session: Session, username: str, window_s: int) -> int:
    """Failed attempts at this user name in the window, from any address."""
    return _failures(session, window_s, LoginAttempt.username == username[:255])


def address_failures(session: Session, ip: str, window_s: int) -> int:
    """Failed attempts from this address in the window, at any user name (spraying)."""
    return _failures(session, window_s, LoginAttempt.ip == ip[:64])


def record_attempt(session: Session, username: str, ip: str, ok: bool) -> None:
    """Record an attempt; a success clears that (user, address) pair's failures only, so an
    attacker's own account cannot reset what their address or another account has counted."""
    username, ip = username[:255], ip[:64]
    if ok:
        session.exec(delete(LoginAttempt).where(col(LoginAttempt.username) == username,
                                                col(LoginAttempt.ip) == ip))
    session.add(LoginAttempt(username=username, ip=ip, ok=ok))


def start_session(session: Session, user: User, max_age_s: int) -> tuple[str, WebSession]:
    """A new browser session: (the random token for the cookie, its row)."""
    token = secrets.token_urlsafe(32)
    row = WebSession(user_id=user.id or 0, token_hash=token_hash(token),
                     csrf_token=secrets.token_urlsafe(32),
                     expires_at=utc_now() + timedelta(seconds=max_age_s))
    session.add(row)
    session.flush()
    return token, row


def session_user(session: Session, token: str) -> tuple[User, WebSession] | None:
    """(user, session) for a live session token of an enabled user, else None."""
    row = session.exec(select(WebSession).where(WebSession.token_hash == token_hash(token))).first()
    if row is None or row.expires_at <= utc_now():
        return None
    user = session.get(User, row.user_id)
    return (user, row) if user is not None and not user.disabled else None


def end_session(session: Session, token: str) -> None:
    """Log a browser session out."""
    session.exec(delete(WebSession).where(col(WebSession.token_hash) == token_hash(token)))


def add_token(session: Session, username: str, name: str) -> str:
    """Create an API token for a user and return it; only its hash is stored."""
    user = get_user(session, username)
    if user is None:
        raise InputError(f"no user {username!r} (see `leadflow users list`)")
    if user.disabled:
        raise InputError(f"user {username!r} is disabled (`leadflow users disable "
                         f"{username} --enable` first)")
    if not name.strip() or len(name) > 100:
        raise InputError("token name: 1-100 characters")
    token = "lf_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id or 0, name=name, token_hash=token_hash(token))
    session.add(row)
    session.flush()
    append_audit(session, kind="api_token_added", actor="cli",
                 detail={"user": username, "name": name, "token_id": row.id})
    return token


def token_user(session: Session, token: str) -> tuple[User, ApiToken] | None:
    """(user, token row) for an unrevoked API token of an enabled user, else None."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    return user, row


def needs_touch(row: ApiToken, now: datetime) -> bool:
    """True when the token's recorded last use is older than LAST_USE_RESOLUTION."""
    return row.last_used_at is None or now - row.last_used_at >= LAST_USE_RESOLUTION


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    """Record a use of the token, unless a use within LAST_USE_RESOLUTION is recorded."""
    session.exec(update(ApiToken).where(
        col(ApiToken.id) == token_id,
        or_(col(ApiToken.last_used_at).is_(None),
            col(ApiToken.last_used_at) <= now - LAST_USE_RESOLUTION),
    ).values(last_used_at=now))


def list_tokens(session: Session, username: str | None = None) -> list[TokenOut]:
    """API tokens (revoked ones too), by id, optionally of one user."""
    query = select(ApiToken, User).join(User, col(User.id) == col(ApiToken.user_id)) \
        .order_by(col(ApiToken.id))
    if username is not None:
        if get_user(session, username) is None:
            raise InputError(f"no user {username!r} (see `leadflow users list`)")
        query = query.where(User.username == username)
    return [TokenOut.of(token, user) for token, user in session.exec(query).all()]


def revoke_token(session: Session, token_id: int, *, actor: str) -> TokenOut:
    """Revoke one API token for good (audited; revoking it again changes nothing)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise InputError(f"no API token {token_id} (see `leadflow users token list`)")
    user = session.get(User, row.user_id)
    assert user is not None  # a foreign key
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        session.add(row)
        append_audit(session, kind="api_token_revoked", actor=actor,
                     detail={"user": user.username, "name": row.name, "token_id": row.id})
    return TokenOut.of(row, user)


def _revoke_user_tokens(session: Session, user: User, *, actor: str) -> None:
    live = session.exec(select(ApiToken).where(ApiToken.user_id == user.id,
                                               col(ApiToken.revoked_at).is_(None))).all()
    now = utc_now()
    for row in live:
        row.revoked_at = now
        session.add(row)
    if live:
        append_audit(session, kind="api_token_revoked", actor=actor,
                     detail={"user": user.username, "token_ids": [row.id for row in live],
                             "why": "user disabled"})


def share_lead(session: Session, lead_id: int, rep_id: str, *, actor: str) -> LeadShare:
    """Share a lead with a rep (idempotent; audited once)."""
    row = LeadShare(lead_id=lead_id, rep_id=rep_id, shared_by=actor)
    found, created = insert_once(session, row, lambda: session.exec(
        select(LeadShare).where(LeadShare.lead_id == lead_id, LeadShare.rep_id == rep_id)).first())
    if created:
        append_audit(session, kind="lead_shared", lead_id=lead_id, actor=actor,
                     after={"rep": rep_id})
    return found


def shared_lead_ids(session: Session, rep_id: str) -> set[int]:
    """Ids of leads shared with a rep."""
    return set(session.exec(select(LeadShare.lead_id).where(LeadShare.rep_id == rep_id)).all())


def lead_shares(session: Session, lead_id: int) -> list[str]:
    """Rep ids a lead is shared with."""
    return list(session.exec(select(LeadShare.rep_id).where(LeadShare.lead_id == lead_id)).all())
