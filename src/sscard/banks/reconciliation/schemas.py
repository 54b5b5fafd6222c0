"""Request and response shapes of reconciliation (SPEC ISS-2)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body


class ReconcileIn(Body):
    source: Literal["api"] = Field(
        description="api: fetch the statement from the bank's statement_url (signed both ways); "
        "to reconcile a file, send it as the text/csv body instead"
    )


class RunView(BaseModel):
    id: int
    bank_code: str
    source: str = Field(description="api | file")
    as_of: datetime = Field(description="the moment the bank's statement describes")
    status: str = Field(description="running | finished | failed")
    bank_rows: int = Field(description="lines in the statement")
    registry_rows: int = Field(description="the bank's cards in the registry at as_of")
    differences: int
    repaired: int = Field(description="differences repaired or answered by a resent message")
    error: str | None = Field(description="why a failed run failed (zh / en)")
    actor_id: int | None
    started_at: datetime
    finished_at: datetime | None


class KindCount(BaseModel):
    kind: str
    repair: str
    count: int


class RunSummary(RunView):
    by_kind: list[KindCount]


class DifferenceView(BaseModel):
    id: int
    card_number: str
    kind: str = Field(description="one of the kinds in banks/reconciliation/rules.py")
    kind_zh: str
    kind_en: str
    rule: str = Field(description="the SPEC rule the repair serves")
    registry_value: str | None = Field(description="what the registry says (masked account)")
    bank_value: str | None = Field(description="what the bank says (masked account)")
    repair: str = Field(description="repaired | resent | queued | deferred | manual")
    repair_zh: str
    repair_en: str
    note: str | None
    note_zh: str | None
    note_en: str | None


class DifferencePage(BaseModel):
    items: list[DifferenceView]
    next_after: int | None = Field(description="pass as `after` for the next page; null at the end")


class RunReport(RunSummary):
    differences_page: DifferencePage


class RunPage(BaseModel):
    items: list[RunView]
    next_before: int | None = Field(
        description="pass as `before` for the next (older) page; null at the end"
    )
