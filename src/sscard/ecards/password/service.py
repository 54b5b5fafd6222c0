"""The ecard password's use cases (SPEC ECARD-3, PWD-2/3): the holder sets and changes it in the
online hall; it is asked before a code that pays at a hospital is shown; too many wrong tries
lock it, and an outlet resets it with the card and the holder's ID.

Stored as argon2id of a pepper (HMAC-SM3 under the data key of the ecard id and the six
digits), as the hr password is; never logged, recorded or returned. A wrong try stays counted
although the caller is told "no": answers come back as data (`outcome`), the unit commits, and
the HTTP adapter turns them into their problem (`refusal_of`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from argon2.exceptions import VerifyMismatchError

from sscard.cards import service as cards
from sscard.cards.passwords import rules as pw
from sscard.cards.passwords.service import HASHER
from sscard.ecards import qr
from sscard.ecards import service as ecards
from sscard.ecards.password import repository as store
from sscard.ecards.password.permissions import RESET_ECARD_PASSWORD, SET_ECARD_PASSWORD
from sscard.ecards.permissions import SHOW_ECARD_QR
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, NotFound, invalid
from sscard.platform.history import Change, record
from sscard.registry.documents import IdentityDocument
from sscard.registry.reference.service import policy_on
from sscard.registry.service import guessable_facts, require_holders_document

WEAKNESS = {
    pw.Weakness.REPEATED_DIGIT: ("不能是同一数字重复", "must not be one digit repeated"),
    pw.Weakness.RUN: ("不能是连续递增或递减的数字", "must not be a run of digits"),
    pw.Weakness.PATTERN: ("不能是简单重复或对称的组合", "must not be a short pattern"),
    pw.Weakness.BIRTHDAY: ("不能含有出生日期", "must not contain the birthday"),
    pw.Weakness.PHONE: ("不能是手机号码中的连续6位", "must not be 6 digits of the phone"),
    pw.Weakness.ID_NUMBER: ("不能是社会保障号码中的连续6位", "must not be 6 digits of the ID"),
}


class EcardPasswordRefused(DomainError):
    """A new ecard password that is not six digits or is easy to guess (PWD-2)."""

    code = "ecard_password_weak"
    rule = "PWD-2"
    message_zh = "电子社保卡密码须为6位数字，且{reason_zh}"
    message_en = "The ecard password must be 6 digits and {reason_en}"


class EcardPasswordNotSet(DomainError):
    code = "ecard_password_not_set"
    status = 409
    rule = "ECARD-3"
    message_zh = "尚未设置电子社保卡密码，请先在网上服务大厅设置"
    message_en = "No ecard password yet: set it in the online hall first"


class EcardPasswordWrong(DomainError):
    code = "ecard_password_wrong"
    status = 403
    rule = "PWD-3"
    message_zh = "电子社保卡密码不正确，还可尝试{remaining_tries}次"
    message_en = "The ecard password is wrong; tries left: {remaining_tries}"

    def extra(self) -> dict[str, Any]:
        return {"remaining_tries": self.params["remaining_tries"]}


class EcardPasswordLocked(DomainError):
    code = "ecard_password_locked"
    status = 423
    rule = "PWD-3"
    message_zh = "电子社保卡密码已因连续输错被锁定，请持卡和本人有效身份证件到社保卡服务网点重置"
    message_en = (
        "The ecard password is locked after too many wrong tries; reset it at a card outlet "
        "with the card and the holder's ID"
    )


async def set_password(ctx: Ctx, new: str, old: str | None) -> dict[str, Any]:
    """The holder sets the ecard password (the first time) or changes it (with the current
    one, counted as a try, PWD-3). EcardPasswordRefused for a weak one (PWD-2)."""
    authorize(ctx.actor, SET_ECARD_PASSWORD)
    ecard = await ecards.own_ecard(ctx)
    row = await store.get(ctx.conn, ecard["id"])
    if row is not None:
        if old is None:
            raise invalid(
                "old_password", "修改密码须输入原密码", "changing it needs the current one"
            )
        outcome = await _check(ctx, ecard, row, old, "old_password")
        if outcome["outcome"] != "verified":
            return outcome
    await _put(ctx, ecard, new, "new_password")
    return {"outcome": "set", "password_set": True}


async def password_state(ctx: Ctx) -> dict[str, bool]:
    """Whether the holder's ecard has a password, and whether it is locked; never the password."""
    authorize(ctx.actor, SET_ECARD_PASSWORD)
    row = await store.get(ctx.conn, (await ecards.own_ecard(ctx))["id"])
    return {"password_set": row is not None, "locked": bool(row and row["locked_at"])}


async def show_medical_qr(ctx: Ctx, password: str, channel: str | None = None) -> dict[str, Any]:
    """SPEC ECARD-3: a code that pays at a hospital, shown only against the ecard password (in
    a `channel`, only under the holder's consent to it, ECARD-1, before any password is tried);
    a wrong try is counted (the answer says how many are left), the last one locks."""
    authorize(ctx.actor, SHOW_ECARD_QR)
    ecard = await ecards.own_ecard(ctx)
    await ecards.require_consent(ctx, ecard, channel)
    row = await store.get(ctx.conn, ecard["id"])
    if row is None:
        raise EcardPasswordNotSet(field="password")
    outcome = await _check(ctx, ecard, row, password, "password")
    if outcome["outcome"] != "verified":
        return outcome
    return {"outcome": "shown"} | await ecards.mint_qr(ctx, ecard, qr.Scope.MEDICAL)


async def reset_password(
    ctx: Ctx, card_number: str, new: str, document: IdentityDocument
) -> dict[str, Any]:
    """SPEC PWD-3 at an outlet: with the card and the holder's own ID, the holder types a new
    ecard password on the pad; unlocked, no wrong tries."""
    authorize(ctx.actor, RESET_ECARD_PASSWORD)
    card = await cards.load(ctx, card_number)
    await require_holders_document(ctx, card.person_id, document, field="document", rule="PWD-3")
    ecard = await ecards.ecard_of_card(ctx, card.id)
    if ecard is None:
        raise NotFound(field="card_number", what_zh="电子社保卡", what_en="Ecard")
    await _put(ctx, ecard, new, "new_password")
    return {"outcome": "set", "password_set": True}


async def _put(ctx: Ctx, ecard: dict[str, Any], new: str, field: str) -> None:
    holder = await guessable_facts(ctx, ecard["person_id"])
    if not pw.is_well_formed(new):
        raise EcardPasswordRefused(field=field, reason_zh="只能是数字", reason_en="digits only")
    weak = pw.weakness(new, holder)
    if weak is not None:
        zh, en = WEAKNESS[weak]
        raise EcardPasswordRefused(field=field, reason_zh=zh, reason_en=en)
    hashed = await asyncio.to_thread(HASHER.hash, _peppered(ctx, ecard, new))
    await store.put(ctx.conn, ecard["id"], hashed, ctx.now)
    await record(ctx.conn, ctx.actor, ctx.now, Change("ecard", ecard["id"], "password_set",
                                                      None, "set"))  # fmt: skip


async def _check(
    ctx: Ctx, ecard: dict[str, Any], row: dict[str, Any], password: str, field: str
) -> dict[str, Any]:
    card = await cards.behind(ctx, ecard["card_id"])
    most = (await policy_on(ctx, card.city_code)).password_max_attempts
    if row["locked_at"] is not None:
        return {"outcome": "locked", "field": field}
    if not pw.is_well_formed(password):  # it cannot match: refused without a count
        raise EcardPasswordRefused(field=field, reason_zh="只能是数字", reason_en="digits only")
    if await _matches(ctx, ecard, row, password):
        if row["failed_attempts"]:
            await store.clear_wrong_tries(ctx.conn, ecard["id"], ctx.now)
        return {"outcome": "verified"}
    counted = await store.count_wrong_try(ctx.conn, ecard["id"], row["password_hash"], most,
                                          ctx.now)  # fmt: skip
    if counted is None or counted["locked_at"] is not None:
        return {"outcome": "locked", "field": field}
    return {"outcome": "wrong", "field": field,
            "remaining_tries": pw.remaining_tries(counted["failed_attempts"], most)}  # fmt: skip


def _peppered(ctx: Ctx, ecard: dict[str, Any], password: str) -> str:
    return ctx.vault.index(f"ecard-password\0{ecard['id']}\0{password}")


async def _matches(ctx: Ctx, ecard: dict[str, Any], row: dict[str, Any], password: str) -> bool:
    try:
        peppered = _peppered(ctx, ecard, password)
        return await asyncio.to_thread(HASHER.verify, row["password_hash"], peppered)
    except VerifyMismatchError:
        return False


def refusal_of(answer: dict[str, Any]) -> DomainError | None:
    """The problem to report for an answer whose changes (a counted try, a lock) are committed."""
    if answer.get("outcome") == "locked":
        return EcardPasswordLocked(field=answer["field"])
    if answer.get("outcome") == "wrong":
        return EcardPasswordWrong(field=answer["field"], remaining_tries=answer["remaining_tries"])
    return None
