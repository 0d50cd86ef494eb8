"""Request body limits: a body over its route's limit is answered 413 before it is read.

Why an ASGI middleware: FastAPI reads a body whole before any handler runs (a form, JSON), so a
check in a handler comes after a 100 MB upload sat in memory. Here a declared Content-Length
over the limit is refused without reading a byte, and a chunked body (no Content-Length) is
counted as it streams in and refused as soon as the count passes the limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """A request body over its limit; an HTTPException so FastAPI passes it on untouched."""

    def __init__(self, limit: int) -> None:
        # Closing the connection spares the server reading (and dropping) the rest of the body.
        super().__init__(413, f"request body over the {limit}-byte limit",
                         headers={"Connection": "close"})


class BodyLimit:
    """Refuse bodies larger than `limit_for(path)` bytes with a one-line JSON 413."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, BodyTooLarge(limit))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:
            # Normally the app's HTTPException handler answers; this is for a read outside it.
            if started:
                raise
            await _refuse(send, exc)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before the app sees it
    return None


async def _refuse(send: Send, exc: BodyTooLarge) -> None:
    body = json.dumps({"detail": exc.detail}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
