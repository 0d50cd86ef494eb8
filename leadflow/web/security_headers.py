"""Security headers on every response, as a plain ASGI middleware (intake is throughput-bound).

The pages load only /static/app.js and /static/app.css: no inline script, no style attribute,
no on...= handler (a test walks the templates), so the policy allows nothing inline. Swagger
UI and ReDoc are off (create_app): they load scripts from a CDN onto our origin, where a
script could read a reviewer's CSRF token. /openapi.json stays for any OpenAPI viewer.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Only over HTTPS (cookie_secure says the service is behind TLS): a year, this host only.
HSTS = "max-age=31536000"


class SecurityHeaders:
    """Adds HEADERS (and HSTS when `https`) to every HTTP response that lacks them."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.headers = HEADERS | ({"Strict-Transport-Security": HSTS} if https else {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:  # a route's own choice wins
                        headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
