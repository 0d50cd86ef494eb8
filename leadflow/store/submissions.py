"""Form submissions (verbatim, idempotent per source id) and the dead letters that failed."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, Insert, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from leadflow.store.models import DeadLetter, Submission
from leadflow.store.types import utc_now
from leadflow.store.unique import insert_once


def add_submission(
    session: Session, source: str, source_submission_id: str, raw_payload: str
) -> tuple[Submission, bool]:
    """Store a submission verbatim; a re-delivery returns (the first row, False)."""

    def find() -> Submission | None:
        return session.exec(
            select(Submission).where(
                Submission.source == source,
                Submission.source_submission_id == source_submission_id,
            )
        ).first()

    row = Submission(
        source=source, source_submission_id=source_submission_id, raw_payload=raw_payload
    )
    return insert_once(session, row, find)


_SUBMISSIONS = Submission.__table__  # type: ignore[attr-defined]
# The id only: the intake fast path needs no ORM object.
_FIND_SUBMISSION = select(_SUBMISSIONS.c.id).where(
    _SUBMISSIONS.c.source == bindparam("source"),
    _SUBMISSIONS.c.source_submission_id == bindparam("source_submission_id"))


def _insert_ignoring_conflict(dialect: str) -> Insert:
    module = postgresql if dialect == "postgresql" else sqlite
    return (module.insert(_SUBMISSIONS)
            .on_conflict_do_nothing(index_elements=["source", "source_submission_id"])
            .returning(_SUBMISSIONS.c.id))


_INSERTS = {name: _insert_ignoring_conflict(name) for name in ("sqlite", "postgresql")}


def insert_submission(
    connection: Connection, source: str, source_submission_id: str, raw_payload: str
) -> tuple[int, bool]:
    """add_submission for the intake hot path: (id, created) in one or two statements.

    Core, not the ORM (no unit of work, no savepoint): `ON CONFLICT DO NOTHING` makes a
    concurrent writer of the same (source, id) a re-delivery instead of an error.
    """
    key = {"source": source, "source_submission_id": source_submission_id}
    inserted = connection.execute(_INSERTS[connection.dialect.name], {
        **key, "raw_payload": raw_payload, "received_at": utc_now(), "status": "received",
    }).scalar()
    if inserted is not None:
        return inserted, True
    return connection.execute(_FIND_SUBMISSION, key).scalar_one(), False


def find_dead_letter(
    session: Session, source: str, raw_payload: str | bytes
) -> DeadLetter | None:
    """The oldest unreplayed dead letter of `source` with exactly this payload, if any."""
    stored, encoding = _stored_payload(raw_payload)
    encoded = col(DeadLetter.payload_encoding)
    return session.exec(
        select(DeadLetter)
        .where(DeadLetter.source == source, DeadLetter.raw_payload == stored,
               encoded == encoding if encoding else encoded.is_(None),
               col(DeadLetter.replayed_at).is_(None))
        .order_by(col(DeadLetter.id)).limit(1)
    ).first()


def get_submission(session: Session, submission_id: int) -> Submission | None:
    """The submission with this id, or None."""
    return session.get(Submission, submission_id)


def set_submission_status(session: Session, submission_id: int, status: str) -> Submission:
    """Record how far intake got with a submission (e.g. received, accepted, rejected)."""
    submission = session.get_one(Submission, submission_id)
    submission.status = status
    session.add(submission)
    session.flush()
    return submission


def add_dead_letter(
    session: Session, source: str, raw_payload: str | bytes, errors: Sequence[Any]
) -> DeadLetter:
    """Keep a submission that failed validation, verbatim, with its field errors.

    Text is kept as it is; bytes (a body that is not storable text) are kept in base64.
    """
    stored, encoding = _stored_payload(raw_payload)
    row = DeadLetter(source=source, raw_payload=stored, payload_encoding=encoding,
                     errors=to_jsonable_python(errors))
    session.add(row)
    session.flush()
    return row


def dead_letter_body(letter: DeadLetter) -> str | bytes:
    """A dead letter's body as it arrived: its text, or its bytes when they were not text."""
    if letter.payload_encoding == BASE64:
        return base64.b64decode(letter.raw_payload)
    return letter.raw_payload


BASE64 = "base64"


def _stored_payload(raw_payload: str | bytes) -> tuple[str, str | None]:
    if isinstance(raw_payload, bytes):
        return base64.b64encode(raw_payload).decode("ascii"), BASE64
    return raw_payload, None


def get_dead_letter(session: Session, dead_letter_id: int) -> DeadLetter | None:
    """The dead letter with this id, or None."""
    return session.get(DeadLetter, dead_letter_id)


def list_dead_letters(
    session: Session, *, source: str | None = None, include_replayed: bool = False
) -> Sequence[DeadLetter]:
    """Dead letters, oldest first; replayed ones only when asked."""
    query = select(DeadLetter).order_by(col(DeadLetter.id))
    if source is not None:
        query = query.where(DeadLetter.source == source)
    if not include_replayed:
        query = query.where(col(DeadLetter.replayed_at).is_(None))
    return session.exec(query).all()


def mark_dead_letter_replayed(
    session: Session, dead_letter_id: int, submission_id: int
) -> DeadLetter:
    """Record that a dead letter was replayed into `submission_id`."""
    row = session.get_one(DeadLetter, dead_letter_id)
    row.replayed_at = utc_now()
    row.replayed_submission_id = submission_id
    session.add(row)
    session.flush()
    return row
