"""Request dependencies: the app's services, who is asking (cookie or bearer token), CSRF.

Every route declares the roles it allows; the check runs on the server for every request.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from leadflow.store.types import utc_now
from leadflow.web.accounts import needs_touch, session_user, token_user, touch_token
from leadflow.web.models import Role, User, WebSession
from leadflow.web.services import Services
from leadflow.web.signing import unsign_value

SESSION_COOKIE = "leadflow_session"
LOGIN_CSRF_COOKIE = "leadflow_login_csrf"


class LoginRequired(Exception):
    """A page needs a logged-in user: the app answers with a redirect to /login."""


def services(request: Request) -> Services:
    """The app's store, chain, settings and drainer."""
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(services)]


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a user and, for a browser, their session (which holds the CSRF token)."""

    user: User
    web_session: WebSession | None = None

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def name(self) -> str:
        return self.user.username


def _browser_viewer(request: Request, svc: Services) -> Viewer | None:
    token = unsign_value(svc.cookie_key, request.cookies.get(SESSION_COOKIE))
    if token is None:
        return None
    with svc.store.session(write=False) as session:
        found = session_user(session, token)
    return Viewer(found[0], found[1]) if found else None


def page_roles(*roles: Role) -> Callable[..., Viewer]:
    """A dependency for HTML pages: the logged-in viewer in `roles`; else login or 403."""

    def dependency(request: Request, svc: ServicesDep) -> Viewer:
        viewer = _browser_viewer(request, svc)
        if viewer is None:
            raise LoginRequired
        if viewer.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role cannot open this page")
        return viewer

    return dependency


_bearer = HTTPBearer(auto_error=False, description="An API token from `leadflow users token`.")


def api_roles(*roles: Role) -> Callable[..., Viewer]:
    """A dependency for the JSON API: a bearer token of a user in `roles`; else 401 or 403."""

    def dependency(
        svc: ServicesDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Viewer:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bearer token required",
                                headers={"WWW-Authenticate": "Bearer"})
        with svc.store.session(write=False) as session:
            found = token_user(session, credentials.credentials)
        if found is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        user, token = found
        now = utc_now()
        if needs_touch(token, now):  # a write at most once a minute per token
            with svc.store.session() as session:
                touch_token(session, token.id or 0, now)
        if Role(user.role) not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "your role cannot use this endpoint")
        return Viewer(user)

    return dependency


def check_csrf(viewer: Viewer, token: str | None) -> None:
    """403 unless the form's token is this session's CSRF token."""
    expected = viewer.web_session.csrf_token if viewer.web_session else ""
    if not token or not expected or not hmac.compare_digest(token, expected):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF token missing or wrong; reload the "
                            "page and try again")


def form_roles(*roles: Role) -> Callable[..., Viewer]:
    """A dependency for form posts: a page viewer in `roles` whose form carries its CSRF token."""
    page = page_roles(*roles)

    def dependency(
        request: Request, svc: ServicesDep,
        csrf_token: Annotated[str | None, Form()] = None,
    ) -> Viewer:
        viewer = page(request, svc)
        check_csrf(viewer, csrf_token)
        return viewer

    return dependency


ALL_ROLES = (Role.OPS, Role.REVIEWER, Role.REP)
REVIEWERS = (Role.OPS, Role.REVIEWER)
OPS = (Role.OPS,)
