"""Form intake: turn a raw submission (the Google Forms / generic webhook JSON) into a LeadForm.

The accepted shape is CONNECTORS.md section 4.1: `{source, form_id, response_id, submitted_at,
respondent_email, answers: [{item_id, title, type, value}]}`. Answers are mapped to our fields by
question title (case-insensitive), never by position, so ops can reword or reorder their form.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from leadflow.errors import InputError
from leadflow.intake_limits import (
    MAX_PROPOSED_TIMES,
    RESPONSE_ID_MAX_CHARS,
    SOURCE_MAX_CHARS,
    load_json,
    shown,
    text_error,
    year_error,
    zone,
)

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

    source: str = Field(min_length=1, max_length=SOURCE_MAX_CHARS)
    form_id: str | None = None
    response_id: str = Field(min_length=1, max_length=RESPONSE_ID_MAX_CHARS)
    submitted_at: datetime
    respondent_email: str | None = None
    answers: list[FormAnswer]

    @field_validator("source", "response_id")
    @classmethod
    def _storable(cls, value: str, info: ValidationInfo) -> str:
        # Stored as the submission's key: held to the same rule as every answer's text.
        problem = text_error(info.field_name or "value", value)
        if problem:
            raise ValueError(problem.split(": ", 1)[-1])
        return value


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
    """Validate a raw submission body; InputError lists every problem, field by field.

    InputError is the only error any body raises (tests/web/test_intake_fuzz.py holds it to
    that), and a LeadForm it returns fits the store (leadflow/intake_limits.py).
    """
    payload = load_json(raw)
    if not isinstance(payload, dict):
        raise InputError("submission must be a JSON object", errors=["body: not an object"])
    try:
        submission = RawSubmission.model_validate(payload)
    except ValidationError as exc:
        raise _malformed([_pydantic_error(error) for error in exc.errors()]) from exc
    return _map_fields(submission, default_timezone)


_MAX_ERRORS = 20  # a body of 10,000 bad answers is one dead letter, not 10,000 errors


def _malformed(errors: list[str]) -> InputError:
    if len(errors) > _MAX_ERRORS:
        errors = [*errors[:_MAX_ERRORS], f"... and {len(errors) - _MAX_ERRORS} more error(s)"]
    return InputError("submission is malformed: " + "; ".join(errors), errors=errors)


def _pydantic_error(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "body"
    return f"{location}: {error['msg'].removeprefix('Value error, ')}"


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
    # Too long or unstorable: reported once here, not again as missing or malformed below.
    refused: set[str] = set()
    for field, text in texts.items():
        problem = text_error(field, text) if text and field != "email" else None
        if problem:
            errors.append(problem)
            refused.add(field)
    email = normalise_email(texts.get("email") or submission.respondent_email or "")
    email_problem = text_error("email", email)
    if not email:
        errors.append("email: missing (no 'Work email' answer and no respondent_email)")
    elif email_problem:
        errors.append(email_problem)
    elif not _EMAIL.match(email):
        errors.append(f"email: {shown(email)} is not an email address")
    name = texts.get("name")
    if not name and "name" not in refused:
        errors.append("name: missing (no 'Name' answer)")
    timezone = texts.get("timezone") or default_timezone
    found_zone = zone(timezone)
    if found_zone is None and "timezone" not in refused:
        errors.append(f"timezone: {shown(timezone)} is not an IANA time zone like Europe/Lisbon "
                      "(a region and a city)")
    submitted_year = year_error("submitted_at", submission.submitted_at.isoformat(),
                                submission.submitted_at.year)
    if submitted_year:
        errors.append(submitted_year)
    times_answer = found.get("proposed_times")
    proposed = _parse_times(times_answer.value if times_answer else None,
                            found_zone or ZoneInfo("UTC"), errors)
    if errors:
        raise _malformed(errors)
    return LeadForm(
        source=submission.source,
        response_id=submission.response_id,
        submitted_at=submission.submitted_at.astimezone(UTC),
        email=email,
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
    if any(error.startswith("proposed_times:") for error in errors):
        return []  # too long or unreadable: said once already
    items = value if isinstance(value, list) else re.split(r"[;\n]", value)
    times: list[datetime] = []
    for item in items:
        text = item.strip() if isinstance(item, str) else ""
        if not text:
            continue
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            errors.append(f"proposed_times: {shown(text)} is not a date and time "
                          "(YYYY-MM-DD HH:MM)")
            continue
        problem = year_error("proposed_times", text, moment.year)
        if problem:
            errors.append(problem)
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        times.append(moment.astimezone(UTC))
    if len(times) > MAX_PROPOSED_TIMES:
        errors.append(f"proposed_times: {len(times)} times, at most {MAX_PROPOSED_TIMES}")
    if not times and not any(error.startswith("proposed_times:") for error in errors):
        errors.append("proposed_times: no usable time given")
    return times
