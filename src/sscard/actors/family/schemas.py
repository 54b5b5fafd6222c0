"""Family binding over HTTP (SPEC ECARD-4, ID-4)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from sscard.actors.family.rules import Proof, Relation
from sscard.actors.family.service import NewBinding
from sscard.platform.http.request import Body, IdField


class BindingIn(Body):
    relative_social_security_number: str = Field(
        min_length=15,
        max_length=40,
        description="the relative's number as on the document shown (full-width digits and"
        " spaces are taken); an adult of full civil capacity (ID-4)",
    )
    dependant_social_security_number: str = Field(
        min_length=15,
        max_length=40,
        description="the number of the child under 16 or the elderly person (60 or over)",
    )
    relation: Relation = Field(description="what the relative is to the dependant")
    proof: Proof = Field(description="the document the clerk saw that proves the relation")
    proof_reference: str | None = Field(
        None, max_length=32, description="its number, if it has one (stored sealed, shown masked)"
    )

    def to_new_binding(self) -> NewBinding:
        return NewBinding(
            self.relative_social_security_number,
            self.dependant_social_security_number,
            self.relation,
            self.proof,
            self.proof_reference,
        )


class BoundPerson(BaseModel):
    person_id: int
    name: str = Field(description="masked (ID-6)")
    social_security_number: str = Field(description="masked (ID-6)")


class BindingView(BaseModel):
    id: int
    status: str = Field(description="active; ended (by someone); expired (the child turned 16)")
    kind: str = Field(description="child (under 16) or elderly (60 or over), at creation")
    kind_zh: str
    kind_en: str
    relation: str = Field(description="what the relative is to the dependant")
    relation_zh: str
    relation_en: str
    proof: str = Field(description="the document shown for the relation")
    proof_zh: str
    proof_en: str
    proof_reference: str | None = Field(description="its number, masked")
    relative: BoundPerson = Field(description="who acts")
    dependant: BoundPerson = Field(description="for whom")
    outlet_code: str = Field(description="where the proof was checked")
    created_at: datetime
    ends_on: date | None = Field(
        description="a child's 16th birthday: the first day it no longer works; null: until ended"
    )
    ended_at: datetime | None
    ended_reason: str | None = Field(description="at_outlet, by_dependant or by_relative")


class BindingsView(BaseModel):
    person_id: int
    items: list[BindingView] = Field(description="as relative or as dependant, newest first")


class ActingForIn(Body):
    binding_id: IdField | None = Field(
        description="an active binding of the signed-in relative; null: back to oneself"
    )


class ActingForView(BaseModel):
    acting_for: BindingView | None = Field(
        description="the binding the session now acts under (GET /api/v1/me/record answers the"
        " dependant's record); null: the signed-in person themself"
    )
