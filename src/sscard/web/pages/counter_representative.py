"""The guardian or agent on the counter's card forms (SPEC ID-4): replacement, exchange and
upgrade, as the first application has it. The form's inputs are the API's RepresentativeIn,
flattened (representative.document.number is the input representative_document_number), so a
refusal naming a part of it is shown next to that input.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from sscard.kernel.errors import DomainError
from sscard.web import i18n
from sscard.web.pages import counter_labels as labels

INPUTS = (
    "representative_role",
    "representative_relationship",
    "representative_name",
    "representative_document_type",
    "representative_document_number",
    "representative_document_valid_until",
    "representative_proof",
)


def body(values: dict[str, str]) -> dict[str, Any] | None:
    """The API's representative object from the form, or None when nobody acts for the holder
    ("Acting as" left empty); empty inputs are left out, for the schema to name."""
    if not values.get("representative_role"):
        return None
    document = {
        "type": values.get("representative_document_type") or "resident_id",
        "number": values.get("representative_document_number", ""),
        "valid_until": values.get("representative_document_valid_until", ""),
    }
    found = {
        "role": values["representative_role"],
        "relationship": values.get("representative_relationship", ""),
        "name": values.get("representative_name", ""),
        "proof": values.get("representative_proof", ""),
        "document": {k: v for k, v in document.items() if v},
    }
    return {k: v for k, v in found.items() if v not in ("", None)}


def needed(found: DomainError | None) -> bool:
    """Whether a dry run without anyone acting was refused for want of a representative."""
    return found is not None and (found.field or "").split(".")[0] == "representative"


def choices(request: Request) -> dict[str, list[tuple[str, str]]]:
    """The form's choices in the page language: who acts, how related, which proof, which
    document (the domain's own sets, counter_labels)."""
    _ = i18n.translator(request)
    return {
        "roles": [("", _("Nobody: the applicant in person"))]
        + [(code, _(label)) for code, label in labels.ROLES.items()],
        "relationships": [("", _("Not given"))]
        + [(c, _(labels.RELATIONSHIPS[c])) for c in labels.relationship_choices()],
        "proofs": [("", _("None"))] + [(c, _(labels.PROOFS[c])) for c in labels.proof_choices()],
        "documents": labels.document_choices(i18n.language(request)),
    }
