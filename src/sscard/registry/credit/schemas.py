"""Request and response shapes of the HR credit record (SPEC REP-5, GOV-4)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body
from sscard.registry.credit.rules import NOTE_MAX, CreditKind


class CreditEntryIn(Body):
    kind: CreditKind = Field(description="malicious_repeat_exchange (REP-5) or a GOV-4 misuse")
    note: str | None = Field(
        None,
        max_length=NOTE_MAX,
        description="why, in free text; no ID numbers or phone numbers (ID-6)",
    )


class CreditEntryView(BaseModel):
    id: int
    kind: str
    kind_zh: str | None
    kind_en: str | None
    rule: str = Field(description="REP-5 or GOV-4")
    note: str | None
    at: datetime
    recorded_by: int | None = Field(description="actor id; null when recorded from the CLI")
    role: str
    channel: str
    outlet_code: str | None


class CreditRecordView(BaseModel):
    person_id: int
    entries: list[CreditEntryView]
