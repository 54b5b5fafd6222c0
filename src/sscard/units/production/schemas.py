"""Response shapes of a batch's progress and its production (issue 13 item 8; APP-3, APP-7)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class UnitRef(BaseModel):
    credit_code: str = Field(description="the unit's unified social credit code (GB 32100)")
    name: str = Field(description="the unit's registered name")


class OutletRef(BaseModel):
    code: str = Field(description="the outlet's code")
    name: str = Field(description="the outlet's name (Chinese)")


class BatchProgressView(BaseModel):
    reference: str = Field(description="the batch's reference (PC + city + date + sequence)")
    unit: UnitRef
    city_code: str = Field(description="the city whose card centre produces the batch")
    outlet: OutletRef = Field(description="where the unit collects the batch's cards")
    bank_code: str = Field(description="the one cooperating bank of every member (APP-3)")
    delivery: str = Field(description="unit_agent (collected at the outlet) or logistics")
    file_name: str = Field(description="the uploaded file's name")
    status: str = Field(description="the upload's own status (validation)")
    rows_total: int = Field(description="rows in the uploaded file")
    accepted_on: date = Field(description="the day the batch was accepted")
    uploaded_at: datetime
    by_status: dict[str, int] = Field(
        description="accepted members per application status: accepted, in_production,"
        " produced, ready_for_collection (at the outlet), with_unit, collected, withdrawn"
    )
    accepted_rows: int = Field(description="members accepted (an application each)")
    refused_rows: int = Field(description="rows refused at upload (fix and upload again)")
    photos_pending: int = Field(
        description="members waiting for production whose photo the unit still owes (APP-5)"
    )
    due_date: date = Field(description="accepted_on + 30 calendar days (APP-3), not working days")
    due_in_calendar_days: int = Field(description="30: calendar days (APP-3)")
    overdue: bool = Field(description="past the due date with cards still waiting (APP-7)")
    waiting: int = Field(description="members whose card the centre has not yet delivered")


class BatchPage(BaseModel):
    items: list[BatchProgressView]
    next_after: int | None = Field(description="cursor of the next page; null at the end")


class RowRefusalView(BaseModel):
    code: str = Field(description="the refusal's stable code")
    zh: str | None = Field(description="the reason in Chinese")
    en: str | None = Field(description="the reason in English")


class MemberView(BaseModel):
    row_number: int = Field(description="the row in the uploaded file, 1-based")
    outcome: str = Field(description="accepted or refused")
    name: str | None = Field(description="masked (ID-6)")
    number: str | None = Field(description="the document number, masked (ID-6)")
    photo_pending: bool = Field(description="the unit still owes a photo meeting the standard")
    refusal: RowRefusalView | None = Field(description="why a refused row was refused")
    application_reference: str | None = Field(description="the application of an accepted row")
    application_status: str | None = Field(description="its status (APP-7)")
    application_status_zh: str | None = Field(description="its status in Chinese")


class MemberPage(BaseModel):
    items: list[MemberView]
    next_after: int | None = Field(description="the last row number of this page; null at end")


class StartedView(BaseModel):
    started: int = Field(description="members whose production started")
    skipped_photo_pending: int = Field(
        description="accepted members left waiting: the unit still owes their photo (APP-5)"
    )
    skipped_reason_zh: str = Field(description="why they were skipped, in Chinese")
    skipped_reason_en: str = Field(description="why they were skipped, in English")
    batch: BatchProgressView


class FinishedView(BaseModel):
    finished: int = Field(description="cards produced (ISS-1), at most 1,000 a call")
    remaining: int = Field(description="members still in production: call again to finish")
    batch: BatchProgressView


class DeliveredView(BaseModel):
    delivered: int = Field(description="cards delivered to the batch's outlet")
    batch: BatchProgressView
