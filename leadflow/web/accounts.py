"""Accounts: users (argon2 passwords), API tokens and browser sessions (sha256 of random
tokens), lead shares and the login rate limits. Query functions take the session first.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, func, select

from leadflow.errors import InputError
from leadflow.store.audit import append_audit
from leadflow.store.types import utc_now
from leadflow.store.unique import insert_once
from leadflow.web.models import ApiToken, LeadShare, LoginAttempt, Role, User, WebSession
from leadflow.web.passwords import check_password, check_username

_HASHER = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("not a password")


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
    """Change a user's role, rep id or disabled flag (audited); disabling ends their sessions."""
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
    token = "lf_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id or 0, name=name, token_hash=token_hash(token)))
    append_audit(session, kind="api_token_added", actor="cli", detail={"user": username,
                                                                        "name": name})
    return token


def token_user(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The enabled user of an unrevoked API token, or None; notes when it was last used."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    row.last_used_at = now or utc_now()
    session.add(row)
    return user


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
