"""Form intake: turn a raw submission (the Google Forms / generic webhook JSON) into a LeadForm.

The accepted shape is CONNECTORS.md section 4.1: `{source, form_id, response_id, submitted_at,
respondent_email, answers: [{item_id, title, type, value}]}`. Answers are mapped to our fields by
question title (case-insensitive), never by position, so ops can reword or reorder their form.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from leadflow.errors import InputError

# Our field -> the question titles that fill it (lower case). Settings may extend these.
DEFAULT_FIELD_TITLES: dict[str, tuple[str, ...]] = {
    "email": ("work email", "email", "e-mail", "email address"),
    "name": ("name", "full name", "your name", "nome", "nombre"),
    "company": ("company", "company name", "organisation", "organization", "empresa"),
    "title": ("job title", "title", "role", "cargo", "puesto"),
    "phone": ("phone", "phone number", "telefone", "teléfono"),
    "needs": ("what do you need?", "needs", "what are you looking for?", "message"),
    "budget": ("budget", "orçamento", "presupuesto"),
    "proposed_times": ("preferred meeting time", "preferred meeting times", "proposed times"),
    "timezone": ("time zone", "timezone"),
    "language": ("language", "idioma"),
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FormAnswer(BaseModel):
    """One answered question as the form sent it."""

    item_id: int | str | None = None
    title: str
    type: str | None = None
    value: str | list[str] | list[list[str]] | None = None


class RawSubmission(BaseModel):
    """The wire shape of a submission (validated before mapping)."""

    model_config = ConfigDict(extra="allow")

    source: str = Field(min_length=1)
    form_id: str | None = None
    response_id: str = Field(min_length=1)
    submitted_at: datetime
    respondent_email: str | None = None
    answers: list[FormAnswer]


class LeadForm(BaseModel):
    """A validated lead: who, what they need, and when they can meet (UTC, in their order)."""

    model_config = ConfigDict(frozen=True)

    source: str
    response_id: str
    submitted_at: datetime
    email: str
    name: str
    company: str | None = None
    title: str | None = None
    phone: str | None = None
    needs: str | None = None
    budget: str | None = None
    language: str | None = None
    timezone: str = "UTC"
    proposed_times: list[datetime]
    answers: dict[str, str] = Field(default_factory=dict)


def normalise_email(email: str) -> str:
    """Emails match case-insensitively and ignoring surrounding spaces."""
    return email.strip().lower()


def parse_submission(raw: str | bytes, *, default_timezone: str = "UTC") -> LeadForm:
    """Validate a raw submission body; InputError lists every problem, field by field."""
    try:
        payload = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"submission is not valid JSON: {exc}", errors=[f"body: {exc}"]) from exc
    if not isinstance(payload, dict):
        raise InputError("submission must be a JSON object", errors=["body: not an object"])
    try:
        submission = RawSubmission.model_validate(payload)
    except ValidationError as exc:
        errors = [_pydantic_error(error) for error in exc.errors()]
        raise InputError("submission is malformed: " + "; ".join(errors), errors=errors) from exc
    return _map_fields(submission, default_timezone)


def _pydantic_error(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "body"
    return f"{location}: {error['msg']}"


def _answer_text(value: str | list[Any] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        flat = [item if isinstance(item, str) else ", ".join(item) for item in value]
        return "; ".join(part for part in flat if part) or None
    return value.strip() or None


def _map_fields(submission: RawSubmission, default_timezone: str) -> LeadForm:
    by_title = {answer.title.strip().lower(): answer for answer in submission.answers}
    found: dict[str, FormAnswer] = {}
    for field, titles in DEFAULT_FIELD_TITLES.items():
        for title in titles:
            if title in by_title:
                found[field] = by_title[title]
                break
    errors: list[str] = []
    texts = {field: _answer_text(answer.value) for field, answer in found.items()}
    email = texts.get("email") or submission.respondent_email
    if not email:
        errors.append("email: missing (no 'Work email' answer and no respondent_email)")
    elif not _EMAIL.match(email.strip()):
        errors.append(f"email: {email!r} is not an email address")
    name = texts.get("name")
    if not name:
        errors.append("name: missing (no 'Name' answer)")
    timezone = texts.get("timezone") or default_timezone
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"timezone: {timezone!r} is not an IANA time zone (e.g. Europe/Lisbon)")
        zone = ZoneInfo("UTC")
    times_answer = found.get("proposed_times")
    proposed = _parse_times(times_answer.value if times_answer else None, zone, errors)
    if errors:
        raise InputError("submission is malformed: " + "; ".join(errors), errors=errors)
    return LeadForm(
        source=submission.source,
        response_id=submission.response_id,
        submitted_at=submission.submitted_at.astimezone(UTC),
        email=normalise_email(email or ""),
        name=name or "",
        company=texts.get("company"),
        title=texts.get("title"),
        phone=texts.get("phone"),
        needs=texts.get("needs"),
        budget=texts.get("budget"),
        language=texts.get("language"),
        timezone=timezone,
        proposed_times=proposed,
        answers={answer.title: _answer_text(answer.value) or "" for answer in submission.answers},
    )


def _parse_times(value: Any, zone: ZoneInfo, errors: list[str]) -> list[datetime]:
    if not value:
        errors.append("proposed_times: missing (no 'Preferred meeting time' answer)")
        return []
    items = value if isinstance(value, list) else re.split(r"[;\n]", value)
    times: list[datetime] = []
    for item in items:
        text = item.strip() if isinstance(item, str) else ""
        if not text:
            continue
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            errors.append(f"proposed_times: {text!r} is not a date and time (YYYY-MM-DD HH:MM)")
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        times.append(moment.astimezone(UTC))
    if not times and not any("proposed_times" in error for error in errors):
        errors.append("proposed_times: no usable time given")
    return times
