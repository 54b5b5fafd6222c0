"""Response shape of a photo supplement (SPEC APP-3, APP-5)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MemberPhotoView(BaseModel):
    batch_reference: str = Field(description="the batch")
    row_number: int = Field(description="the member's row in the uploaded file")
    name: str | None = Field(description="masked (ID-6)")
    number: str | None = Field(description="the document number, masked (ID-6)")
    photo_pending: bool = Field(description="false: the photo is kept, the member may be made")
