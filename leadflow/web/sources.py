"""Intake sources: the Google Forms shape as is, or a generic JSON form mapped by settings.

The chain re-reads a lead's stored payload in the Google Forms shape (CONNECTORS.md 4.1), so a
mapped form is stored as that shape with the body it arrived with kept verbatim under
`raw_body`. A body that fails mapping or validation is dead-lettered as it arrived, so a replay
after a mapping fix (`leadflow dead-letters replay ID`) maps it again.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlmodel import Session

from connectors.google_forms.mapping import SOURCE as GOOGLE_FORMS
from flows.receive import Received, keep_dead_letter, receive, store_form
from leadflow.errors import InputError
from leadflow.intake import DEFAULT_FIELD_TITLES, LeadForm, parse_submission
from leadflow.intake_limits import body_text, load_json
from leadflow.settings import IntakeSource, Settings
from leadflow.store import Store
from leadflow.store.submissions import (
    dead_letter_body,
    get_dead_letter,
    mark_dead_letter_replayed,
)

log = logging.getLogger("leadflow.web.intake")


def is_known_source(settings: Settings, source: str) -> bool:
    """True for the sources intake takes: Google Forms, and each in LEADFLOW_WEB__SOURCES."""
    return source == GOOGLE_FORMS or source in settings.web.sources


def _at(payload: Any, path: str) -> Any:
    value = payload
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def map_generic(source: str, mapping: IntakeSource, body: str) -> str:
    """The Google Forms shape of a generic form body; InputError lists every field problem."""
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise InputError("submission must be a JSON object", errors=["body: not an object"])
    errors: list[str] = []
    response_id = _at(payload, mapping.response_id)
    if response_id in (None, ""):
        errors.append(f"{mapping.response_id}: missing (the submission's id)")
    submitted_at = _at(payload, mapping.submitted_at) if mapping.submitted_at else None
    answers = []
    for field, path in mapping.fields.items():
        titles = DEFAULT_FIELD_TITLES.get(field)
        if titles is None:
            errors.append(f"mapping: unknown field {field!r}; allowed: "
                          + ", ".join(DEFAULT_FIELD_TITLES))
            continue
        value = _at(payload, path)
        if value is not None:
            text = value if isinstance(value, str | list) else str(value)
            answers.append({"title": titles[0], "value": text})
    if errors:
        raise InputError("submission is malformed: " + "; ".join(errors), errors=errors)
    return json.dumps({
        "source": source, "response_id": str(response_id),
        "submitted_at": submitted_at or payload.get("submitted_at"),
        "answers": answers, "raw_body": body,
    }, ensure_ascii=False)


def accept_in(session: Session, settings: Settings, source: str, body: bytes) -> Received:
    """Store one submission (or its dead letter) inside the caller's transaction.

    A generic form that fails mapping or validation is dead-lettered as it arrived (its body),
    a Google Forms one as the raw submission it is; a body that is not text, as its bytes.
    """
    try:
        text = body_text(body)
    except InputError as exc:
        return keep_dead_letter(session, source, body, exc.errors)
    try:
        raw, form = _validated(settings, source, text)
    except InputError as exc:
        return keep_dead_letter(session, source, text, exc.errors or [str(exc)])
    except Exception:
        # A validation bug, not the sender's fault: keep the body to replay after the fix
        # rather than answer 500 and lose a signed submission.
        log.exception("intake %s: validating a submission failed", source)
        return keep_dead_letter(session, source, text, [
            "body: could not be validated (an intake error, logged); replay it once fixed"])
    return store_form(session, source, raw, form)


def _validated(settings: Settings, source: str, text: str) -> tuple[str, LeadForm]:
    """The body to store (a mapped form's Google Forms shape) and its LeadForm."""
    mapping = settings.web.sources.get(source)
    raw = map_generic(source, mapping, text) if mapping is not None else text
    return raw, parse_submission(raw, default_timezone=settings.form_timezone)


def replay(store: Store, settings: Settings, dead_letter_id: int) -> Received:
    """Validate a dead letter again under today's settings; on success mark it replayed."""
    with store.session(write=False) as session:
        letter = get_dead_letter(session, dead_letter_id)
    if letter is None:
        raise InputError(f"no dead letter with id {dead_letter_id} (see `leadflow dead-letters "
                         "list`)")
    if letter.replayed_at is not None:
        raise InputError(f"dead letter {dead_letter_id} was already replayed into submission "
                         f"{letter.replayed_submission_id}")
    body = dead_letter_body(letter)
    try:
        text = body if isinstance(body, str) else body_text(body)
        canonical, _ = _validated(settings, letter.source, text)
    except InputError as exc:
        return Received(dead_letter_id=dead_letter_id, errors=exc.errors or [str(exc)])
    received = receive(store, letter.source, canonical, default_timezone=settings.form_timezone)
    with store.session() as session:
        mark_dead_letter_replayed(session, dead_letter_id, received.submission_id or 0)
    return received.model_copy(update={"dead_letter_id": dead_letter_id})
