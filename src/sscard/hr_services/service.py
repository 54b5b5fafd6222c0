"""HR services through the card's ecard (SPEC ECARD-5, SCN-1): the holder reads the catalogue,
takes an insurance certificate (参保证明) whose verification code anyone can check, and starts
an unemployment registration for the HR agency of the card's city. Each needs the ecard in use
and the card usable for HR services (LOSS-5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sscard.ecards import service as ecards
from sscard.hr_services import repository as repo
from sscard.hr_services import rules
from sscard.hr_services.catalogue import AREA_ZH, CARD_PAGES, SERVICES
from sscard.hr_services.permissions import USE_HR_SERVICES
from sscard.hr_services.rules import UnemploymentReason
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import NotFound
from sscard.registry import service as registry
from sscard.registry.documents import validate_uscc
from sscard.registry.reference import service as reference


def catalogue(ctx: Ctx) -> dict[str, Any]:
    """SCN-1: the HR services done with the card, by area; `here` marks those done in sscard,
    `page` those done on another of sscard's pages; the rest are the HR department's."""
    authorize(ctx.actor, USE_HR_SERVICES)
    return {
        "areas": [
            {
                "area": area,
                "area_zh": name,
                "services": [
                    {
                        "code": s.code,
                        "name_zh": s.name_zh,
                        "name_en": s.name_en,
                        "here": s.here,
                        "page": CARD_PAGES.get(s.code),
                    }
                    for s in SERVICES
                    if s.area == area
                ],
            }
            for area, name in AREA_ZH.items()
        ]
    }


async def issue_certificate(ctx: Ctx) -> dict[str, Any]:
    """ECARD-5: an insurance certificate of the holder, with a verification code that answers
    for rules.CERTIFICATE_DAYS days (GET /api/v1/insurance-certificates/{code})."""
    authorize(ctx.actor, USE_HR_SERVICES)
    card = await ecards.reach_hr_services(ctx)
    row = {
        "code": rules.verification_code(),
        "person_id": card.person_id,
        "card_id": card.id,
        "insured_city_code": card.city_code,
        "issued_at": ctx.now,
        "valid_until": ctx.today + timedelta(days=rules.CERTIFICATE_DAYS),
    }
    await repo.insert_certificate(ctx.conn, row)
    return await certificate(ctx, str(row["code"]))


async def certificate(ctx: Ctx, code: str) -> dict[str, Any]:
    """One of the holder's certificates with what it certifies, the holder in full (their own
    record, logged); NotFound for a code that is not the holder's."""
    authorize(ctx.actor, USE_HR_SERVICES)
    found = await repo.certificate(ctx.conn, rules.normalised(code))
    if found is None or found["person_id"] != ctx.actor.person_id:
        raise NotFound(field="code", what_zh="参保证明", what_en="Certificate")
    person = await registry.require_person(ctx, found["person_id"])
    await registry.reach_person(ctx, person)
    body = await _facts(ctx, found, person)
    body["holder"] = {
        "name": ctx.vault.decrypt(person["name_enc"]),
        "social_security_number": ctx.vault.decrypt(person["ssn_enc"]),
    }
    return body


async def verify_certificate(ctx: Ctx, code: str) -> dict[str, Any]:
    """Anyone checks a printed certificate by its code: what it certifies, the holder masked,
    and whether the code still answers; NotFound for a code never issued."""
    found = await repo.certificate(ctx.conn, rules.normalised(code))
    if found is None:
        raise NotFound(field="code", what_zh="参保证明", what_en="Certificate")
    person = await registry.require_person(ctx, found["person_id"])
    body = await _facts(ctx, found, person)
    body["holder"] = {"name": person["name_masked"], "social_security_number": person["ssn_masked"]}
    return body


async def _facts(ctx: Ctx, found: dict[str, Any], person: dict[str, Any]) -> dict[str, Any]:
    city = await reference.require_city(ctx, found["insured_city_code"])
    return {
        "code": rules.grouped(found["code"]),
        "issued_at": found["issued_at"],
        "valid_until": found["valid_until"],
        "answers": ctx.today <= found["valid_until"],
        "insured_city_code": city.code,
        "insured_city_zh": city.name_zh,
        "certifies_zh": f"该人员为{city.name_zh}社会保险参保人员，持有第三代社会保障卡，"
        "社会保障卡状态正常。",
        "certifies_en": f"The person is insured in {city.name_en} and holds a third-generation "
        "social security card in use.",
    }


async def my_certificates(ctx: Ctx) -> list[dict[str, Any]]:
    authorize(ctx.actor, USE_HR_SERVICES)
    rows = await repo.certificates_of(ctx.conn, ctx.actor.person_id or 0)
    return [{"code": rules.grouped(r["code"]), "issued_at": r["issued_at"],
             "valid_until": r["valid_until"]} for r in rows]  # fmt: skip


@dataclass(frozen=True)
class Unemployment:
    """An unemployment registration asked for: why, since when, the last employer (if any)."""

    reason: UnemploymentReason
    unemployed_since: date
    last_unit_code: str | None


async def register_unemployment(ctx: Ctx, asked: Unemployment) -> dict[str, Any]:
    """ECARD-5: the holder starts an unemployment registration; it goes to the HR agency of the
    card's city as submitted. InvalidInput for a date or an employer code the rules refuse."""
    authorize(ctx.actor, USE_HR_SERVICES)
    card = await ecards.reach_hr_services(ctx)
    rules.check_unemployed_since(asked.unemployed_since, ctx.today)
    unit = validate_uscc(asked.last_unit_code, "last_unit_code") if asked.last_unit_code else None
    row = {
        "person_id": card.person_id,
        "city_code": card.city_code,
        "reason": asked.reason.value,
        "unemployed_since": asked.unemployed_since,
        "last_unit_code": unit,
        "status": "submitted",
        "submitted_at": ctx.now,
    }
    row["id"] = await repo.insert_registration(ctx.conn, row)
    return _registration(row)


def _registration(row: dict[str, Any]) -> dict[str, Any]:
    reason = UnemploymentReason(row["reason"])
    return {
        "id": row["id"],
        "city_code": row["city_code"],
        "reason": reason.value,
        "reason_zh": rules.REASON_ZH[reason],
        "unemployed_since": row["unemployed_since"],
        "last_unit_code": row["last_unit_code"],
        "status": row["status"],
        "submitted_at": row["submitted_at"],
    }


async def my_registrations(ctx: Ctx) -> list[dict[str, Any]]:
    authorize(ctx.actor, USE_HR_SERVICES)
    rows = await repo.registrations_of(ctx.conn, ctx.actor.person_id or 0)
    return [_registration(r) for r in rows]
