"""Last-resort answers: a request that breaks a parameter's bounds or hits a bug never gets a
traceback, and the log keeps no personal data from it.

Bounds on every parameter (leadflow.web.params) turn bad input into a 422 before any handler
runs; browsers get it as the error page, the API and intake keep FastAPI's JSON. Anything still
unexpected is logged with its type, the route's pattern and the code locations (never the
exception's message or the URL, which can hold an email or a token) and answered with a short
500.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("leadflow.web")
UNEXPECTED = "something went wrong on the server; it has been logged"


def wants_html(headers: Any) -> bool:
    """Whether the client is a browser (asks for HTML)."""
    return "text/html" in (headers.get("accept") or "")


def _first_problem(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "the request is not valid"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("path", "query",
                                                                                 "body"))
    return f"{where}: {first.get('msg', 'not valid')}" if where else first.get("msg", "")


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """A parameter out of its bounds (an id above 2^63, a negative limit): 422."""
    if wants_html(request.headers):
        from leadflow.web.templating import render

        return render(request, "error.html", None, status_code=422, code=422,
                      message=_first_problem(exc))
    # Without the offending input: it may be personal data, or not even JSON (Infinity).
    detail = [{"loc": list(error.get("loc", ())), "msg": error.get("msg", ""),
               "type": error.get("type", "")} for error in exc.errors()]
    return JSONResponse({"detail": detail}, status_code=422)


class UnexpectedErrors:
    """ASGI middleware: an exception nothing handled becomes a logged, short 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            route = getattr(scope.get("route"), "path", "an unknown route")
            # The frames say where; the message is left out, it may quote personal data.
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("unexpected %s on %s %s\n%s", type(exc).__name__, scope.get("method"),
                      route, frames)
            if started:  # the answer is on its way (a background task failed after it)
                return
            response = self._answer(scope)
            await response(scope, receive, send)

    @staticmethod
    def _answer(scope: Scope) -> Response:
        if wants_html(Headers(scope=scope)):
            return HTMLResponse(f"<!doctype html><title>500</title><h1>500</h1><p>{UNEXPECTED}"
                                "</p><p><a href=\"/\">Back</a></p>", status_code=500)
        return JSONResponse({"detail": UNEXPECTED}, status_code=500)
