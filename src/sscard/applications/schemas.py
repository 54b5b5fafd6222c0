"""Request and response bodies of applications (SPEC APP-1..8, ISS-1..4)."""

from __future__ import annotations

from pydantic import Field

from sscard.applications.lifecycle import RepresentativeRole
from sscard.applications.service import FirstApplication, RepresentativeInput
from sscard.platform.http.request import Body
from sscard.registry.schemas import DocumentIn


class RepresentativeIn(Body):
    role: RepresentativeRole
    relationship: str = Field(min_length=1, max_length=32, examples=["parent"])
    name: str = Field(min_length=1, max_length=64)
    document: DocumentIn
    proof: str | None = Field(
        None, max_length=32, examples=["household_register", "birth_certificate", "elderly"]
    )

    def domain(self) -> RepresentativeInput:
        return RepresentativeInput(
            self.role, self.relationship, self.name, self.document.domain(), self.proof
        )


class ApplicationIn(Body):
    person_id: int = Field(gt=0)
    bank_code: str = Field(min_length=2, max_length=16)
    representative: RepresentativeIn | None = None

    def domain(self) -> FirstApplication:
        rep = self.representative.domain() if self.representative else None
        return FirstApplication(self.person_id, self.bank_code.upper(), rep)


class CollectIn(Body):
    document: DocumentIn
