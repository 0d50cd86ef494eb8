"""Insert-once: the one pattern behind every idempotent add in the store."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

T = TypeVar("T", bound=SQLModel)


def insert_once(session: Session, row: T, find: Callable[[], T | None]) -> tuple[T, bool]:
    """Return (the existing row `find` sees, False), else insert `row` and return (row, True).

    The insert runs in a savepoint, so a concurrent writer that wins the unique key just
    makes this call return its row instead of failing the caller's transaction.
    """
    existing = find()
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing, False
    return row, True
