"""Request bodies of base-data corrections (SPEC REP-2b)."""

from __future__ import annotations

from pydantic import Field

from sscard.platform.http.request import Body
from sscard.registry.corrections.service import Correction
from sscard.registry.schemas import DocumentIn, PersonName


class CorrectionIn(Body):
    certificate_number: str = Field(
        min_length=1, max_length=64, description="police certificate of the change (REP-2b)"
    )
    name: PersonName | None = None
    document: DocumentIn | None = Field(None, description="the document with its new number")

    def domain(self, person_id: int) -> Correction:
        doc = self.document.domain() if self.document else None
        return Correction(person_id, self.certificate_number, self.name, doc)
