"""Column types shared by the store's tables: UTC timestamps and exact decimals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# The largest id a row can have: Postgres BIGINT and SQLite INTEGER are signed 64-bit. A larger
# number given as an id (by a URL or a command) can name no row, and the database drivers raise
# OverflowError on it rather than finding nothing.
MAX_ROW_ID = 2**63 - 1


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC and returned aware in UTC; naive ones are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps timezone-aware UTC only")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: keep the UTC wall time, re-attached on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal kept as its canonical text (money, costs): never a float on any dialect."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class RawJSON(str):
    """Already serialised JSON text, stored in a JSON column as is (bulk writes skip encoding)."""


def json_dumps(value: Any) -> str:
    """The store's JSON encoder: Decimals, datetimes and models become JSON; RawJSON is kept."""
    if isinstance(value, RawJSON):
        return str(value)
    return json.dumps(value, default=to_jsonable_python, ensure_ascii=False)
