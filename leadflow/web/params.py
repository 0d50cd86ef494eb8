"""Ids and counts in paths, queries and bodies, bounded: out of range is a 422, never a 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from leadflow.store.types import MAX_ROW_ID

_ID = "A row id, 1 to 2^63 - 1."

PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description=_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description=_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ROW_ID, description=_ID)]
