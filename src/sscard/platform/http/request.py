"""What requests share in every context: strict JSON objects, a reason given with a change,
and ids and cursors bounded to what the databases store."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from sscard.kernel.db import MAX_ID

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]


def cursor() -> Any:
    """The `after` query parameter of a keyset page: 0 for the first page."""
    return Query(0, ge=0, le=MAX_ID, description="cursor from the previous page")


def id_filter(description: str | None = None) -> Any:
    """An optional query parameter naming a row by its id."""
    return Query(None, ge=1, le=MAX_ID, description=description)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TransitionIn(Body):
    reason: str | None = Field(None, max_length=200)
