"""`POST /intake/{source}`: the signed form webhook. Stores, answers 202, runs the chain later."""

from __future__ import annotations

import logging
import time
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from leadflow.intake_limits import shown
from leadflow.web.intake_writer import IntakeWriter
from leadflow.web.services import Services
from leadflow.web.signing import SignatureError, check_body, check_header
from leadflow.web.sources import is_known_source

router = APIRouter(tags=["intake"])
log = logging.getLogger("leadflow.web.intake")


class Accepted(BaseModel):
    """A stored submission: its ids; `duplicate` for a re-delivery (nothing runs twice)."""

    submission_id: int
    lead_id: int
    duplicate: bool
    state: str | None = None


class Rejected(BaseModel):
    """A malformed submission, kept as a dead letter: the reason in one line, every error."""

    detail: str = "submission is malformed"
    dead_letter_id: int | None
    errors: list[str]

    @classmethod
    def of(cls, dead_letter_id: int | None, errors: list[str]) -> Rejected:
        """The answer for a dead letter: `detail` joins the errors, cut to one short line."""
        reason = "; ".join(errors)
        if len(reason) > _REASON_CHARS:
            reason = reason[:_REASON_CHARS - 1] + "…"
        return cls(detail=f"submission is malformed: {reason}", dead_letter_id=dead_letter_id,
                   errors=errors)


_REASON_CHARS = 300


@router.post(
    "/intake/{source}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={401: {"description": "unsigned, stale or wrongly signed"},
               404: {"description": "no such source (google_forms or LEADFLOW_WEB__SOURCES)"},
               413: {"description": "body over LEADFLOW_WEB__INTAKE_MAX_BYTES"},
               422: {"model": Rejected, "description": "malformed; kept as a dead letter"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object",
                   "description": "The Google Forms shape (CONNECTORS.md 4.1), or a generic "
                                  "form mapped by LEADFLOW_WEB__SOURCES"}}}}},
)
async def intake(
    source: str,
    request: Request,
    x_leadflow_signature: Annotated[str | None, Header()] = None,
    x_leadflow_timestamp: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Verify the signature on the raw body, store it verbatim, answer; the chain runs later.

    Cheapest refusals first: an unknown source, then the signature header (missing, malformed,
    stale), both before a byte of the body is read; the HMAC over it once it is.
    """
    # Not the ServicesDep dependency: a sync dependency costs a threadpool hop per request.
    svc: Services = request.app.state.services
    web = svc.settings.web
    if not is_known_source(svc.settings, source):
        log.warning("intake: unknown source %s refused", shown(source))
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such intake source")
    try:
        timestamp, signatures = check_header(
            x_leadflow_signature, web.intake_secrets, now=time.time(),
            tolerance_s=web.signature_tolerance_s, timestamp_header=x_leadflow_timestamp)
        body = await request.body()  # the app's BodyLimit stops it at INTAKE_MAX_BYTES
        check_body(timestamp, signatures, body, web.intake_secrets, source=source)
    except SignatureError as exc:
        # The reason and the sender's address only: never the body or a header's value.
        client = request.client.host if request.client else "?"
        log.warning("intake %s refused from %s: %s", source, client, exc)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, f"signature refused: {exc}") from None
    # One writer thread per process stores it, batched with its neighbours in one transaction
    # (group commit, see intake_writer); awaited until committed, so a 202 means stored.
    writer: IntakeWriter = request.app.state.intake_writer
    received = await writer.accept(source, body)
    if received.lead_id is None or received.submission_id is None:
        log.info("intake %s: dead letter %s (%d error(s))", source, received.dead_letter_id,
                 len(received.errors))
        rejected = Rejected.of(received.dead_letter_id, received.errors)
        return JSONResponse(rejected.model_dump(), status_code=422)
    if received.runnable and not received.duplicate and svc.drainer is not None:
        svc.drainer.submit([received.lead_id])
    if received.attached_to is not None and svc.drainer is not None:
        # Its lease decides: still running elsewhere, nothing happens; cut off, it resumes.
        svc.drainer.submit([received.attached_to])
    accepted = Accepted(submission_id=received.submission_id, lead_id=received.lead_id,
                        duplicate=received.duplicate, state=received.state)
    return JSONResponse(accepted.model_dump(), status_code=202)
