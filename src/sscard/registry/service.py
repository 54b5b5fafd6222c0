"""Registry use cases: register a person, attach a photo, look a person up (SPEC ID-0..6, APP-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, InvalidInput, NotFound, invalid
from sscard.kernel.masking import mask_name, mask_number, mask_phone, mask_ssn
from sscard.kernel.text import normalise_number
from sscard.platform import sequences
from sscard.platform.access import service as access
from sscard.platform.access.rules import Purpose, Subject, needs_grant, standing_purpose
from sscard.platform.history import Change, record
from sscard.registry import repository as repo
from sscard.registry.documents import (
    ASSIGNED_PREFIX,
    DocumentType,
    IdentityDocument,
    PersonCategory,
    age_on,
    assigned_number,
    check_document_fits_holder,
    examine_document,
    is_assigned_number,
)
from sscard.registry.entities import GuessableFacts
from sscard.registry.names import NameRefused, normalise_name
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


class DeclaredFactContradictsDocument(DomainError):
    code = "declared_fact_contradicts_document"
    status = 422
    rule = "ID-2"
    message_zh = "填写的{what_zh}与证件号码所载不一致，请核对证件"
    message_en = "The {what_en} given contradicts the document number; check the document"


class NationalityContradictsCategory(DomainError):
    code = "nationality_contradicts_category"
    status = 422
    rule = "ID-1"
    message_zh = "国籍“{nationality}”与人员类别“{category_zh}”矛盾：{reason_zh}"
    message_en = "Nationality '{nationality}' contradicts the category '{category_en}': {reason_en}"


EARLIEST_BIRTH = date(1900, 1, 1)
CHINESE = "CHN"


def examine_registration(reg: PersonRegistration, today: date) -> ExaminedPerson:
    """All the pure checks of a registration (SPEC ID-1, ID-2); raises on the first refusal.

    A birth date or gender given beside a number that carries them must agree with it
    (DeclaredFactContradictsDocument, never silently replaced); a foreigner is not of Chinese
    nationality and everyone else is (NationalityContradictsCategory).
    """
    facts = examine_document(reg.document, today=today, field="document")
    _check_declared_facts(reg, facts.birth_date, facts.gender)
    _check_nationality(reg)
    birth = facts.birth_date or reg.birth_date
    if birth is None:
        raise invalid(
            "birth_date",
            "证件号码不含出生日期，须填写",
            "the document number does not carry a birth date; give it",
        )
    if not EARLIEST_BIRTH <= birth <= today:
        raise invalid(
            "birth_date",
            f"出生日期须在{EARLIEST_BIRTH.isoformat()}至今天之间",
            f"the birth date must lie between {EARLIEST_BIRTH.isoformat()} and today",
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


def _check_declared_facts(reg: PersonRegistration, birth: date | None, gender: str | None) -> None:
    if birth is not None and reg.birth_date is not None and reg.birth_date != birth:
        raise DeclaredFactContradictsDocument(
            field="birth_date", what_zh="出生日期", what_en="birth date"
        )
    if gender is not None and reg.gender is not None and reg.gender != gender:
        raise DeclaredFactContradictsDocument(field="gender", what_zh="性别", what_en="gender")


def _check_nationality(reg: PersonRegistration) -> None:
    chinese = reg.nationality.upper() == CHINESE
    if reg.category == PersonCategory.FOREIGN and chinese:
        reason = ("外国人的国籍不能是中国", "a foreigner is not of Chinese nationality")
    elif reg.category != PersonCategory.FOREIGN and not chinese:
        reason = ("内地及港澳台居民的国籍为中国（CHN）", "Chinese residents' nationality is CHN")
    else:
        return
    raise NationalityContradictsCategory(
        field="nationality",
        nationality=reg.nationality.upper(),
        category_zh=reg.category.label_zh,
        category_en=reg.category.label_en,
        reason_zh=reason[0],
        reason_en=reason[1],
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
    ssn = examined.citizen_number or await _assign_ssn(ctx, city.area_code, examined)
    await _refuse_duplicates(ctx, ssn, reg.document.type, examined.number)
    if is_assigned_number(ssn) and examined.citizen_number:
        raise NeverAssigned(field="document.number")  # shown, yet no holder: not one we made
    person_id = await repo.insert_person(ctx.conn, _person_row(ctx, examined, ssn))
    await repo.insert_document(ctx.conn, _document_row(ctx, person_id, examined))
    here = {"id": person_id, "city_code": reg.city_code}
    await document_presented(ctx, here, Purpose.REGISTERED)
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


class NeverAssigned(DomainError):
    code = "social_security_number_never_assigned"
    status = 422
    rule = "ID-2"
    message_zh = "该社会保障号码不是本系统分配的号码，请出示护照、通行证等原证件"
    message_en = (
        "This social security number was never assigned here; present the passport or permit"
        " it was assigned for"
    )


class AssignedNumbersExhausted(DomainError):
    code = "assigned_numbers_exhausted"
    status = 409
    rule = "ID-2"
    message_zh = "本市当日出生人员的社会保障号码已分配完，请联系卡管中心"
    message_en = "No social security number is left for this city and birth date; call the centre"


async def _assign_ssn(ctx: Ctx, area_code: str, ex: ExaminedPerson) -> str:
    """A social security number for a holder whose document has no 18-digit citizen number:
    documents.assigned_number, which begins with a letter and so can never equal a citizen
    number (issue 11). AssignedNumbersExhausted past 999 in one city, category and birth date.
    """
    category = ex.reg.category
    (seq,) = await sequences.take(
        ctx.conn, f"ssn:{ASSIGNED_PREFIX[category]}{area_code}{ex.birth_date:%Y%m%d}"
    )
    try:
        return assigned_number(category, area_code, ex.birth_date, seq)
    except ValueError:
        raise AssignedNumbersExhausted(field="document.number") from None


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
    """人员识别号: 4-digit prefecture + 12 hex digits of the keyed index (unique, not the SSN);
    an assigned number's prefecture follows its category letter."""
    digits = ssn[1:] if ssn[:1].isalpha() else ssn
    return digits[:4] + ssn_index[:12].upper()


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


async def person_to_act_on(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """The person a procedure acts on, if the actor may act for them (a clerk after the
    person's document was presented at that outlet, a city's centre in its city; issue 11's
    rule for reads, kept for acts too); NotFound on person_id otherwise, as for no person."""
    person = await repo.get_person(ctx.conn, person_id)
    subject = Subject("person", str(person_id), person_id, person["city_code"] if person else None)
    if person is None or not await access.may_act(ctx, subject):
        raise NotFound(field="person_id", what_zh="人员", what_en="Person")
    return person


async def reach_person(ctx: Ctx, person: dict[str, Any], kind: str = "person") -> None:
    """Allow and log a read of this person's full record (`kind`: person, credit_record, ...),
    or NotFound on person_id as if there were no such person (issue 11, ID-6)."""
    subject = Subject(kind, str(person["id"]), person["id"], person["city_code"])
    await access.reach(ctx, subject, field="person_id", what_zh="人员", what_en="Person")


async def document_presented(ctx: Ctx, person: dict[str, Any], purpose: Purpose) -> None:
    """The person showed their document (a lookup) or was registered here: logged, and for
    counter and hotline staff it opens the record for GRANT_HOURS. A reader with no standing
    and no counter (a bank, a unit) is answered NotFound."""
    subject = Subject("person", str(person["id"]), person["id"], person["city_code"])
    standing = standing_purpose(ctx.actor, subject)
    if standing is None and not needs_grant(ctx.actor):
        raise NotFound(field="social_security_number", what_zh="人员", what_en="Person")
    await access.log_read(ctx, subject, purpose)


async def credential_shown(ctx: Ctx, person_id: int) -> dict[str, Any]:
    """The person whose card a scene was shown, as the credential for its record (SCN-1):
    logged, and opening nothing further (the scene reads this once, with the card)."""
    person = await require_person(ctx, person_id)
    subject = Subject("person", str(person["id"]), person["id"], person["city_code"])
    await access.log_read(ctx, subject, Purpose.CREDENTIAL_SHOWN)
    return person


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


async def person_id_of_number(ctx: Ctx, number: str) -> int | None:
    """The person with this social security number (by its keyed index), or None; for a system
    that names persons by their number (the medical fund's credits). Nothing is logged: only
    the id comes back."""
    return await repo.person_id_by_ssn_index(ctx.conn, ctx.vault.index(normalise_number(number)))


async def real_name_match(ctx: Ctx, number: str, name: str) -> int | None:
    """The person whose social security number and name these are and who has a phone on
    record to receive a code (the online hall's real-name check, issue 13), or None. Nothing is
    shown and nothing logged: the answer is only whether to send a code."""
    person_id = await repo.person_id_by_ssn_index(
        ctx.conn, ctx.vault.index(normalise_number(number))
    )
    person = await repo.get_person(ctx.conn, person_id) if person_id else None
    if person is None or person["phone_enc"] is None:
        return None
    try:
        given = normalise_name(name)
    except NameRefused:
        return None
    return person_id if ctx.vault.decrypt(person["name_enc"]) == given else None
