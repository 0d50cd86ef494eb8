"""Logging in and out. The login form uses a double-submit CSRF cookie (there is no session
yet); every later form uses its session's token. Failed logins are limited per account (from
any address: guessing one password from many) and per address (at any account: spraying), in
the store, so the limits hold across restarts and several server processes.

The address is the connection's: `leadflow serve` believes X-Forwarded-For only from
LEADFLOW_WEB__TRUSTED_PROXIES (leadflow/web/serving.py), so a client cannot pick its own.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from leadflow.store.audit import append_audit
from leadflow.web.accounts import (
    account_failures,
    address_failures,
    authenticate,
    end_session,
    record_attempt,
    start_session,
)
from leadflow.web.deps import (
    ALL_ROLES,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ServicesDep,
    Viewer,
    form_roles,
)
from leadflow.web.models import Role
from leadflow.web.signing import sign_value, unsign_value
from leadflow.web.templating import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("leadflow.web.auth")


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect would let a link send a user elsewhere after login.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _cookie(response: Response, svc: ServicesDep, name: str, value: str, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax",
                        secure=svc.settings.web.cookie_secure, path="/")


def _too_many(window_s: int) -> HTTPException:
    minutes = max(1, window_s // 60)
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "too many failed logins; try again "
                         f"in {minutes} minute{'s' if minutes > 1 else ''}",
                         headers={"Retry-After": str(window_s)})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, svc: ServicesDep, next: str = "/") -> Response:
    """The login form, with a fresh double-submit CSRF token."""
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", None, login_csrf=token, next=_safe_next(next))
    _cookie(response, svc, LOGIN_CSRF_COOKIE, sign_value(svc.cookie_key, token), 3600)
    return response


@router.post("/login")
def login(
    request: Request, svc: ServicesDep,
    username: Annotated[str, Form()], password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password; too many recent failures at this account, or from this address,
    answer 429 before the password is looked at."""
    cookie = unsign_value(svc.cookie_key, request.cookies.get(LOGIN_CSRF_COOKIE))
    if not cookie or not csrf_token or not hmac.compare_digest(cookie, csrf_token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF token missing or wrong; reload "
                            "the login page")
    ip = request.client.host if request.client else "unknown"
    web = svc.settings.web
    with svc.store.session() as session:
        if address_failures(session, ip, web.login_address_window_s) \
                >= web.login_address_max_failures:
            log.warning("login rate limit hit by an address", extra={"ip": ip})
            raise _too_many(web.login_address_window_s)
        if account_failures(session, username, web.login_window_s) >= web.login_max_failures:
            # The account, not the address: the same limit whichever address guesses.
            log.warning("login rate limit hit for an account", extra={"ip": ip})
            raise _too_many(web.login_window_s)
        user = authenticate(session, username, password)
        record_attempt(session, username, ip, ok=user is not None)
        if user is None:
            failed = True
        else:
            failed = False
            token, _ = start_session(session, user, web.session_max_age_s)
            append_audit(session, kind="login", actor=user.username, detail={"ip": ip})
    if failed:
        fresh = secrets.token_urlsafe(24)
        response = render(request, "login.html", None, status_code=401, login_csrf=fresh,
                          next=_safe_next(next), error="wrong user name or password")
        _cookie(response, svc, LOGIN_CSRF_COOKIE, sign_value(svc.cookie_key, fresh), 3600)
        return response
    home = "/review" if Role(user.role) is Role.REVIEWER else "/leads"
    response = RedirectResponse(_safe_next(next) if next != "/" else home, status_code=303)
    _cookie(response, svc, SESSION_COOKIE, sign_value(svc.cookie_key, token),
            web.session_max_age_s)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(
    request: Request, svc: ServicesDep,
    viewer: Annotated[Viewer, Depends(form_roles(*ALL_ROLES))],
) -> Response:
    """End this browser session."""
    token = unsign_value(svc.cookie_key, request.cookies.get(SESSION_COOKIE))
    if token:
        with svc.store.session() as session:
            end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
