"""Registry use cases: register a person, attach a photo, look a person up (SPEC ID-0..6, APP-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, InvalidInput, NotFound, invalid
from sscard.kernel.masking import mask_name, mask_number, mask_phone, mask_ssn
from sscard.platform import sequences
from sscard.platform.history import Change, record
from sscard.registry import repository as repo
from sscard.registry.documents import (
    DocumentType,
    IdentityDocument,
    PersonCategory,
    age_on,
    check_document_fits_holder,
    examine_document,
    gb11643_check_digit,
)
from sscard.registry.entities import GuessableFacts
from sscard.registry.permissions import ATTACH_PHOTO, REGISTER_PERSON
from sscard.registry.photo import Background, check_photo
from sscard.registry.reference import repository as reference
from sscard.registry.reference.service import policy_on

MAX_PHOTO_BYTES = 1_000_000
NO_PHONE = {"phone_enc": None, "phone_masked": None}


class PersonAlreadyRegistered(DomainError):
    code = "person_already_registered"
    status = 409
    rule = "ID-3"
    message_zh = "该人员已登记（人员编号{person_id}），请直接办理业务"
    message_en = "The person is already registered (person {person_id}); use that record"


class DocumentBelongsToAnother(DomainError):
    code = "document_already_registered"
    status = 409
    rule = "ID-1"
    message_zh = "该证件已登记在其他人员名下"
    message_en = "This document is already registered to another person"


class NotTheHoldersDocument(DomainError):
    """The holder's own document was asked for (cancellation CAN-4, the hr password PWD-3,
    a city transfer JUR-1); the one shown is someone else's or unknown."""

    code = "not_the_holders_document"
    status = 422
    message_zh = "所出示的证件不是持卡人本人登记的证件"
    message_en = "The document shown is not one registered to the cardholder"


class UnknownCity(InvalidInput):
    rule = "CITY-1"


@dataclass(frozen=True)
class PersonRegistration:
    name: str
    document: IdentityDocument
    category: PersonCategory
    nationality: str
    city_code: str
    birth_date: date | None = None
    gender: str | None = None
    phone: str | None = None
    full_civil_capacity: bool = True


@dataclass(frozen=True)
class ExaminedPerson:
    """A registration whose document has passed every check; ready to store."""

    reg: PersonRegistration
    number: str
    birth_date: date
    gender: str | None
    citizen_number: str | None


def examine_registration(reg: PersonRegistration, today: date) -> ExaminedPerson:
    """All the pure checks of a registration (SPEC ID-1, ID-2); raises on the first refusal."""
    facts = examine_document(reg.document, today=today, field="document")
    birth = facts.birth_date or reg.birth_date
    if birth is None:
        raise invalid(
            "birth_date",
            "证件号码不含出生日期，须填写",
            "the document number does not carry a birth date; give it",
        )
    if birth > today:
        raise invalid(
            "birth_date",
            "出生日期晚于今天",
            "the birth date is in the future",
        )
    check_document_fits_holder(
        reg.document.type,
        facts,
        declared_category=reg.category,
        today=today,
        field="document.type",
    )
    return ExaminedPerson(
        reg, facts.number, birth, facts.gender or reg.gender, facts.citizen_number
    )


async def register_person(ctx: Ctx, reg: PersonRegistration) -> int:
    """Store a new person with their document; refused if either is already known."""
    authorize(ctx.actor, REGISTER_PERSON)
    examined = examine_registration(reg, ctx.today)
    city = await reference.get_city(ctx.conn, reg.city_code)
    if city is None:
        raise UnknownCity(
            field="city_code",
            field_name="city_code",
            reason_zh="未知城市",
            reason_en="unknown city",
        )
    ssn = examined.citizen_number or await _assign_ssn(ctx, city.area_code, examined.birth_date)
    await _refuse_duplicates(ctx, ssn, reg.document.type, examined.number)
    person_id = await repo.insert_person(ctx.conn, _person_row(ctx, examined, ssn))
    await repo.insert_document(ctx.conn, _document_row(ctx, person_id, examined))
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("person", person_id, "registered", None, None)
    )
    return person_id


async def holder_of(ctx: Ctx, doc: IdentityDocument, field: str) -> tuple[str, int | None]:
    """A presented document, validated (ID-1/2): its number and the registered holder, if any."""
    number = examine_document(doc, today=ctx.today, field=field).number
    holder = await repo.person_id_by_document(ctx.conn, doc.type.value, ctx.vault.index(number))
    return number, holder


async def require_holders_document(
    ctx: Ctx, person_id: int, doc: IdentityDocument, *, field: str, rule: str
) -> str:
    """The document shown must be valid (ID-1/2) and registered to this person, not to an agent
    or another holder: NotTheHoldersDocument, under the rule that asks for it. Its number."""
    number, holder = await holder_of(ctx, doc, field)
    if holder != person_id:
        raise NotTheHoldersDocument(field=f"{field}.number", rule=rule)
    return number


async def _refuse_duplicates(ctx: Ctx, ssn: str, doc_type: DocumentType, number: str) -> None:
    existing = await repo.person_id_by_ssn_index(ctx.conn, ctx.vault.index(ssn))
    if existing is not None:
        raise PersonAlreadyRegistered(field="document.number", person_id=existing)
    holder = await repo.person_id_by_document(ctx.conn, doc_type.value, ctx.vault.index(number))
    if holder is not None:
        raise DocumentBelongsToAnother(field="document.number")


async def _assign_ssn(ctx: Ctx, area_code: str, birth: date) -> str:
    """A social security number for a holder whose document has no 18-digit citizen number.

    Design choice: the shape of a citizen number under the city's own six-digit code (e.g.
    320400), which no county uses, so it can never collide with a real citizen's number.
    """
    prefix = f"{area_code}{birth:%Y%m%d}"
    (seq,) = await sequences.take(ctx.conn, f"ssn:{prefix}")
    first17 = f"{prefix}{seq:03d}"
    return first17 + gb11643_check_digit(first17)


def _person_row(ctx: Ctx, ex: ExaminedPerson, ssn: str) -> dict[str, Any]:
    reg, v = ex.reg, ctx.vault
    sealed_ssn = v.seal("ssn", ssn, mask=mask_ssn, indexed=True)
    return {
        **sealed_ssn,
        "person_code": _person_code(ssn, sealed_ssn["ssn_index"]),
        **v.seal("name", reg.name.strip(), mask=mask_name),
        "gender": ex.gender,
        "birth_date": ex.birth_date,
        "category": reg.category.value,
        "nationality": reg.nationality.upper(),
        **(v.seal("phone", reg.phone, mask=mask_phone) if reg.phone else NO_PHONE),
        "city_code": reg.city_code,
        "civil_capacity": "full" if reg.full_civil_capacity else "limited",
        "created_at": ctx.now,
        "updated_at": ctx.now,
    }


def _person_code(ssn: str, ssn_index: str) -> str:
    """人员识别号: 4-digit prefecture + 12 hex digits of the keyed index (unique, not the SSN)."""
    return ssn[:4] + ssn_index[:12].upper()


def _document_row(ctx: Ctx, person_id: int, ex: ExaminedPerson) -> dict[str, Any]:
    doc = ex.reg.document
    return {
        "person_id": person_id,
        "doc_type": doc.type.value,
        **ctx.vault.seal("number", ex.number, mask=mask_number, indexed=True),
        "valid_from": doc.valid_from,
        "valid_until": doc.valid_until,
        "created_at": ctx.now,
    }


async def attach_photo(ctx: Ctx, person_id: int, photo: bytes) -> None:
    """Check a photo against the standard of the person's city (SPEC APP-5) and keep it.

    InvalidInput on `photo` for an empty file or one over MAX_PHOTO_BYTES, before any check.
    """
    authorize(ctx.actor, ATTACH_PHOTO)
    if not photo or len(photo) > MAX_PHOTO_BYTES:
        raise invalid("photo", "须为1 MB以内的JPEG文件", "must be a JPEG file of at most 1 MB")
    await store_photo(ctx, person_id, photo)


async def store_photo(ctx: Ctx, person_id: int, photo: bytes) -> None:
    person = await require_person(ctx, person_id)
    policy = await policy_on(ctx, person["city_code"])
    background = Background(policy.photo_background)
    check_photo(photo, background=background, field="photo")
    await repo.save_photo(
        ctx.conn,
        {
            "person_id": person_id,
            "photo_enc": ctx.vault.encrypt(photo),  # not masked or indexed: shown to no one
            "byte_size": len(photo),
            "background": background.value,
            "checked_at": ctx.now,
        },
    )
    await record(
        ctx.conn, ctx.actor, ctx.now, Change("person", person_id, "photo_attached", None, None)
    )


async def require_person(ctx: Ctx, person_id: int) -> dict[str, Any]:
    person = await repo.get_person(ctx.conn, person_id)
    if person is None:
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    return person


async def guessable_facts(ctx: Ctx, person_id: int) -> GuessableFacts:
    """The person's guessable facts, decrypted for a check (NotFound for no such person)."""
    person = await require_person(ctx, person_id)
    phone = person["phone_enc"]
    return GuessableFacts(
        birth_date=person["birth_date"],
        phone=ctx.vault.decrypt(phone) if phone else None,
        ssn=ctx.vault.decrypt(person["ssn_enc"]),
    )


def person_age(person: dict[str, Any], today: date) -> int:
    return age_on(person["birth_date"], today)


def person_view(person: dict[str, Any], today: date) -> dict[str, Any]:
    """What a listing shows: masked (SPEC ID-6)."""
    return {
        "person_id": person["id"],
        "person_code": person["person_code"],
        "name": person["name_masked"],
        "social_security_number": person["ssn_masked"],
        "gender": person["gender"],
        "age": age_on(person["birth_date"], today),
        "category": person["category"],
        "nationality": person["nationality"],
        "city_code": person["city_code"],
        "phone": person["phone_masked"],
    }
