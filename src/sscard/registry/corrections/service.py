"""Base-data corrections at the base-data window, with the police certificate (SPEC REP-2b).

The registry changes at once; the card's printed data changes only through the exchange that
follows (JUR-3), so the card reads as out of date until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import invalid
from sscard.kernel.masking import mask_name, mask_number, mask_ssn
from sscard.platform.history import Change, record
from sscard.registry import repository as repo
from sscard.registry.corrections import repository as corrections_repo
from sscard.registry.corrections.permissions import CORRECT_BASE_DATA
from sscard.registry.documents import IdentityDocument, examine_document, is_certificate_number
from sscard.registry.service import (
    DocumentBelongsToAnother,
    PersonAlreadyRegistered,
    person_to_act_on,
)


@dataclass(frozen=True)
class Correction:
    person_id: int
    certificate_number: str  # 公安机关出具的变更证明
    name: str | None = None
    document: IdentityDocument | None = None


async def correct_base_data(ctx: Ctx, c: Correction) -> dict[str, Any]:
    """REP-2b: correct the name and/or the document number; the exchange comes after."""
    authorize(ctx.actor, CORRECT_BASE_DATA)
    if not is_certificate_number(c.certificate_number):
        raise invalid(
            "certificate_number",
            "须填写公安机关变更证明编号",
            "the police certificate number is required",
        )
    if c.name is None and c.document is None:
        raise invalid(
            "name", "至少变更姓名或证件号码之一", "correct the name, the document or both"
        )
    await person_to_act_on(ctx, c.person_id)
    fields: list[str] = []
    if c.name is not None:
        fields.append(await _correct_name(ctx, c.person_id, c.name))
    if c.document is not None:
        fields.append(await _correct_document(ctx, c.person_id, c.document))
    await corrections_repo.insert_correction(
        ctx.conn,
        {
            "person_id": c.person_id,
            "fields": fields,
            "certificate_number": c.certificate_number.strip(),
            "outlet_id": ctx.actor.outlet_id,
            "corrected_at": ctx.now,
        },
    )
    reason = f"基础信息变更：{','.join(fields)}"
    await record(
        ctx.conn,
        ctx.actor,
        ctx.now,
        Change("person", c.person_id, "base_data_corrected", None, None, reason),
    )
    return {"person_id": c.person_id, "corrected": fields, "corrected_at": ctx.now}


async def _correct_name(ctx: Ctx, person_id: int, name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise invalid("name", "姓名长度须为1至64个字符", "the name must be 1 to 64 characters")
    values = {**ctx.vault.seal("name", name, mask=mask_name), "updated_at": ctx.now}
    await repo.update_person(ctx.conn, person_id, values)
    return "name"


async def _correct_document(ctx: Ctx, person_id: int, doc: IdentityDocument) -> str:
    """A new number for a document type the person holds; a citizen number is also the SSN."""
    facts = examine_document(doc, today=ctx.today, field="document")
    sealed = ctx.vault.seal("number", facts.number, mask=mask_number, indexed=True)
    holder = await repo.person_id_by_document(ctx.conn, doc.type.value, sealed["number_index"])
    if holder is not None and holder != person_id:
        raise DocumentBelongsToAnother(field="document.number")
    values = {
        **sealed,
        "valid_from": doc.valid_from,
        "valid_until": doc.valid_until,
    }
    if await repo.update_document(ctx.conn, person_id, doc.type.value, values) == 0:
        raise invalid(
            "document.type", "该人员未登记此类证件", "the person holds no document of this type"
        )
    if facts.citizen_number:
        await _correct_ssn(ctx, person_id, facts.citizen_number, facts)
    return "document"


async def _correct_ssn(ctx: Ctx, person_id: int, ssn: str, facts: Any) -> None:
    sealed = ctx.vault.seal("ssn", ssn, mask=mask_ssn, indexed=True)
    other = await repo.person_id_by_ssn_index(ctx.conn, sealed["ssn_index"])
    if other is not None and other != person_id:
        raise PersonAlreadyRegistered(field="document.number", person_id=other)
    values = {
        **sealed,
        "birth_date": facts.birth_date,
        "gender": facts.gender,
        "updated_at": ctx.now,
    }
    await repo.update_person(
        ctx.conn, person_id, {k: v for k, v in values.items() if v is not None}
    )
