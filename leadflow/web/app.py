"""The app factory: one FastAPI app for intake, review, leads, accounts and the JSON API."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from flows.chain import Chain
from leadflow import __version__
from leadflow.settings import Settings
from leadflow.store import Store
from leadflow.web import api, auth, intake, leads, ops, review, tokens
from leadflow.web.body_limit import BodyLimit
from leadflow.web.deps import LoginRequired
from leadflow.web.drainer import BatchRunner, Drainer, plain_runner, prefect_runner
from leadflow.web.failures import UnexpectedErrors, invalid_request
from leadflow.web.intake_writer import IntakeWriter
from leadflow.web.security_headers import SecurityHeaders
from leadflow.web.services import Services

log = logging.getLogger("leadflow.web")


class _App(FastAPI):
    """FastAPI with the security headers outermost: outside Starlette's ServerErrorMiddleware
    (which add_middleware cannot wrap), so an unhandled error's 500 carries them too."""

    https: bool = False

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), https=self.https)


def create_app(
    settings: Settings,
    store: Store | None = None,
    chain: Chain | None = None,
    *,
    runner: BatchRunner | None = None,
) -> FastAPI:
    """The web app. Pass a store/chain (tests, demo) or they are built from settings; `runner`
    replaces how the drainer runs a batch (default: by `settings.web.runner`).
    """
    if chain is None:
        from flows.assembly import build_chain

        chain = build_chain(settings, store=store)
    store = store or chain.store
    services = Services(settings=settings, store=store, chain=chain)
    secret = settings.web.session_secret
    if secret is not None:
        services.cookie_key = secret.get_secret_value().encode()
    else:
        log.warning("LEADFLOW_WEB__SESSION_SECRET is not set: sessions end when the server stops")
    if settings.web.drain:
        chosen = runner or (prefect_runner if settings.web.runner == "prefect" else plain_runner)
        services.drainer = Drainer(chain, chosen, batch=settings.web.drain_batch,
                                   interval_s=settings.web.drain_interval_s)

    intake_writer = IntakeWriter(store, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        intake_writer.start()
        if services.drainer is not None:
            services.drainer.start()
        yield
        if services.drainer is not None:
            await services.drainer.stop()
        await asyncio.to_thread(intake_writer.stop)  # stores whatever is still queued

    # No /docs or /redoc: both load scripts from a CDN (see leadflow/web/security_headers.py).
    app = _App(title="leadflow", version=__version__, lifespan=lifespan,
               docs_url=None, redoc_url=None,
               description="Signed form intake, the reviewers' audit queue, the reps' leads "
                           "and a token-authenticated JSON API.")
    app.https = settings.web.cookie_secure
    web = settings.web
    app.add_middleware(BodyLimit, limit_for=lambda path: web.intake_max_bytes
                       if path.startswith("/intake/") else web.request_max_bytes)
    app.state.services = services
    app.state.intake_writer = intake_writer
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (intake, auth, review, leads, ops, api, tokens):
        app.include_router(module.router)

    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    app.add_middleware(UnexpectedErrors)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        # Browsers get a page; the API and intake keep FastAPI's JSON.
        if "text/html" in request.headers.get("accept", ""):
            from leadflow.web.templating import render

            return render(request, "error.html", None, status_code=exc.status_code,
                          code=exc.status_code, message=exc.detail)
        from fastapi.exception_handlers import http_exception_handler

        return await http_exception_handler(request, exc)

    @app.get("/", include_in_schema=False)
    async def _home() -> HTMLResponse:
        return RedirectResponse("/leads", status_code=303)  # type: ignore[return-value]

    return app
