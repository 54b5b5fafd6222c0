"""The hr password's use cases: set, change, verify, reset (SPEC PWD-1..3).

The password is stored as argon2id of a pepper: HMAC-SM3 under the data key of the card id and
the six digits. A six-digit PIN alone falls to a million guesses; without the key, a copy of the
table gives nothing to guess against. Nothing here logs, records or returns the password.

A wrong try must stay counted although the caller is told "no": such answers come back as data
(`outcome`), the request's unit commits, and only then does the HTTP adapter turn a `locked` or
`wrong_old_password` outcome into its problem document (`refusal_of`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from sscard.cards.entities import Card
from sscard.cards.passwords import repository as store
from sscard.cards.passwords import rules as pw
from sscard.cards.passwords.permissions import (
    RESET_HR_PASSWORD,
    SET_HR_PASSWORD,
    VERIFY_HR_PASSWORD,
)
from sscard.cards.service import load, look
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import Conflict, DomainError, invalid
from sscard.platform.history import Change, record
from sscard.registry.documents import IdentityDocument
from sscard.registry.reference.service import policy_on
from sscard.registry.service import guessable_facts, require_holders_document

# OWASP's argon2id setting (19 MiB, 2 passes, 1 lane): about 20 ms a hash on one core, so a
# server verifying for hotlines and banks all day keeps its memory at 19 MiB per verification
# in flight. The lock (PWD-3), not the hash, is what stops guessing online.
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

SET, CHANGED, RESET = "hr_password_set", "hr_password_changed", "hr_password_reset"
LOCKED = "hr_password_locked"


class HrPasswordLocked(DomainError):
    code = "hr_password_locked"
    status = 423
    rule = "PWD-3"
    message_zh = "社保密码已因连续输错被锁定，请持卡和本人有效身份证件到社保卡服务网点重置"
    message_en = (
        "The hr password is locked after too many wrong tries; reset it at a card outlet "
        "with the card and the holder's ID"
    )


class WrongOldHrPassword(DomainError):
    code = "hr_password_wrong"
    status = 403
    rule = "PWD-3"
    message_zh = "原社保密码不正确，还可尝试{remaining_tries}次"
    message_en = "The old hr password is wrong; tries left: {remaining_tries}"

    def extra(self) -> dict[str, Any]:
        return {"remaining_tries": self.params["remaining_tries"]}


class HrPasswordNotSet(DomainError):
    code = "hr_password_not_set"
    status = 409
    rule = "PWD-1"
    message_zh = "该卡尚未设置社保密码，请先到社保卡服务网点设置"
    message_en = "This card has no hr password yet; set it at a card outlet first"


# ---- use cases ----


async def state_of(ctx: Ctx, card_number: str) -> dict[str, Any]:
    """Whether the card has an hr password, and whether it is locked; never the password."""
    card = await look(ctx, card_number)
    row = await store.get(ctx.conn, card.id)
    return _view(card, row, await _max_attempts(ctx, card))


async def set_password(
    ctx: Ctx,
    card_number: str,
    new_password: str,
    old_password: str | None = None,
    document: IdentityDocument | None = None,
) -> dict[str, Any]:
    """SPEC PWD-1/2: first setting against the holder's ID; a change against the old password."""
    authorize(ctx.actor, SET_HR_PASSWORD)
    card = await _usable_card(ctx, card_number)
    row = await store.get(ctx.conn, card.id)
    if document is not None:
        await _check_holders_document(ctx, card, document)
    elif row is None:
        raise invalid(
            "document",
            "首次设置社保密码须出示持卡人本人有效身份证件",
            "the holder's ID is required to set the hr password the first time",
        )
    max_attempts = await _max_attempts(ctx, card)
    if row is None and old_password is not None:
        raise invalid(
            "old_password",
            "该卡尚未设置社保密码，无原密码可填",
            "the card has no hr password yet; leave the old one out",
        )
    if row is None:
        pw.check_new_password(new_password, await _holder(ctx, card), field="new_password")
        row = await store.insert_password(
            ctx.conn, card.id, await _hash(ctx, card, new_password), ctx.now
        )
        await _record(ctx, card, SET, None, "set")
        return _view(card, row, max_attempts, outcome="set")
    if row["locked_at"] is not None:
        return _view(card, row, max_attempts, outcome="locked")
    if old_password is None:
        raise invalid(
            "old_password",
            "已设置社保密码，修改须提供原密码（忘记请办理重置）",
            "the card has an hr password; give the old one to change it (or reset it)",
        )
    pw.check_new_password(new_password, await _holder(ctx, card), field="new_password")
    if not pw.is_well_formed(old_password) or not await _matches(ctx, card, row, old_password):
        row = await _count_wrong_try(ctx, card, row, max_attempts)
        outcome = "locked" if row["locked_at"] else "wrong_old_password"
        return _view(card, row, max_attempts, outcome=outcome)
    row = await store.replace_password(ctx.conn, row, await _hash(ctx, card, new_password), ctx.now)
    await _record(ctx, card, CHANGED, "set", "set")
    return _view(card, row, max_attempts, outcome="changed")


async def verify(ctx: Ctx, card_number: str, password: str) -> dict[str, Any]:
    """SPEC PWD-3: right, wrong (counted, with the tries left) or locked."""
    authorize(ctx.actor, VERIFY_HR_PASSWORD)
    card = await _usable_card(ctx, card_number)
    return await _check(ctx, card, password, "password")


async def check_at_scene(ctx: Ctx, card: Card, password: str) -> dict[str, Any]:
    """SPEC PWD-3 on a designated institution's pad (MED-2: paying from the personal account):
    right, wrong (counted) or locked, as `verify`, for a card the caller has already found
    usable. HrPasswordNotSet, HrPasswordFormat. No authorization: the settlement has checked."""
    return await _check(ctx, card, password, "hr_password")


async def _check(ctx: Ctx, card: Card, password: str, field: str) -> dict[str, Any]:
    row = await _existing(ctx, card)
    max_attempts = await _max_attempts(ctx, card)
    if row["locked_at"] is not None:
        return _verdict(card, row, max_attempts, "locked")
    if not pw.is_well_formed(password):
        # It cannot match, so refusing it without a count tells a guesser nothing.
        raise pw.HrPasswordFormat(field=field)
    if not await _matches(ctx, card, row, password):
        row = await _count_wrong_try(ctx, card, row, max_attempts)
        return _verdict(card, row, max_attempts, "locked" if row["locked_at"] else "wrong")
    rehashed = None
    if HASHER.check_needs_rehash(row["password_hash"]):
        rehashed = await _hash(ctx, card, password)
    if row["failed_attempts"] or rehashed:
        if not await store.clear_wrong_tries(
            ctx.conn, card.id, row["password_hash"], ctx.now, rehashed
        ):
            return _verdict(card, await _after_race(ctx, card), max_attempts, "locked")
        row = {**row, "failed_attempts": 0}
    return _verdict(card, row, max_attempts, "verified")


async def reset(
    ctx: Ctx, card_number: str, new_password: str, document: IdentityDocument
) -> dict[str, Any]:
    """SPEC PWD-3: at an outlet, with the card and the holder's ID: new password, unlocked."""
    authorize(ctx.actor, RESET_HR_PASSWORD)
    card = await _usable_card(ctx, card_number)
    await _check_holders_document(ctx, card, document)
    row = await _existing(ctx, card)
    pw.check_new_password(new_password, await _holder(ctx, card), field="new_password")
    was = "locked" if row["locked_at"] else "set"
    row = await store.replace_password(ctx.conn, row, await _hash(ctx, card, new_password), ctx.now)
    await _record(ctx, card, RESET, was, "set")
    return _view(card, row, await _max_attempts(ctx, card), outcome="reset")


def refusal_of(answer: dict[str, Any]) -> DomainError | None:
    """The problem to report for an answer whose changes (a counted try, a lock) are committed."""
    if answer.get("outcome") == "locked":
        return HrPasswordLocked(field="card_number")
    if answer.get("outcome") == "wrong_old_password":
        return WrongOldHrPassword(field="old_password", remaining_tries=answer["remaining_tries"])
    return None


# ---- steps ----


async def _usable_card(ctx: Ctx, card_number: str) -> Card:
    card = await load(ctx, card_number)
    pw.require_usable(card.hr_status)
    return card


async def _existing(ctx: Ctx, card: Card) -> dict[str, Any]:
    row = await store.get(ctx.conn, card.id)
    if row is None:
        raise HrPasswordNotSet(field="card_number")
    return row


async def _max_attempts(ctx: Ctx, card: Card) -> int:
    return (await policy_on(ctx, card.city_code)).password_max_attempts


async def _check_holders_document(ctx: Ctx, card: Card, document: IdentityDocument) -> None:
    """The document must be valid and registered to the card's own person (not an agent's)."""
    await require_holders_document(ctx, card.person_id, document, field="document", rule="PWD-3")


async def _holder(ctx: Ctx, card: Card) -> pw.Holder:
    """What a guesser could know of the holder, decrypted for the check only (SPEC ID-6)."""
    return await guessable_facts(ctx, card.person_id)


def _peppered(ctx: Ctx, card: Card, password: str) -> str:
    return ctx.vault.index(f"hr-password\0{card.id}\0{password}")


async def _hash(ctx: Ctx, card: Card, password: str) -> str:
    # argon2 runs outside the GIL; a thread keeps the event loop serving meanwhile.
    return await asyncio.to_thread(HASHER.hash, _peppered(ctx, card, password))


async def _matches(ctx: Ctx, card: Card, row: dict[str, Any], password: str) -> bool:
    peppered = _peppered(ctx, card, password)
    try:
        return await asyncio.to_thread(HASHER.verify, row["password_hash"], peppered)
    except VerifyMismatchError:
        return False


async def _count_wrong_try(
    ctx: Ctx, card: Card, row: dict[str, Any], max_attempts: int
) -> dict[str, Any]:
    """Count the try in one statement; the try that reaches the limit locks and is recorded."""
    counted = await store.count_wrong_try(
        ctx.conn, card.id, row["password_hash"], max_attempts, ctx.now
    )
    if counted is None:
        return await _after_race(ctx, card)
    if counted["locked_at"] is not None:
        await _record(ctx, card, LOCKED, "set", "locked")
    return {**row, **counted}


async def _after_race(ctx: Ctx, card: Card) -> dict[str, Any]:
    """A concurrent request locked, changed or reset the password between our read and write."""
    row = await store.get(ctx.conn, card.id)
    if row is None or row["locked_at"] is None:
        raise Conflict(field="card_number")
    return row


async def _record(ctx: Ctx, card: Card, event: str, was: str | None, now: str) -> None:
    """SPEC CH-2: who did it, where, when; the password is never part of the record."""
    await record(ctx.conn, ctx.actor, ctx.now, Change("card", card.id, event, was, now))


def _verdict(card: Card, row: dict[str, Any], max_attempts: int, outcome: str) -> dict[str, Any]:
    return {**_view(card, row, max_attempts, outcome=outcome), "verified": outcome == "verified"}


def _view(
    card: Card,
    row: dict[str, Any] | None,
    max_attempts: int,
    *,
    outcome: str | None = None,
) -> dict[str, Any]:
    failed = row["failed_attempts"] if row else 0
    body: dict[str, Any] = {
        "card_number": card.card_number,
        "password_set": row is not None,
        "set_at": row["set_at"] if row else None,
        "locked": bool(row and row["locked_at"]),
        "locked_at": row["locked_at"] if row else None,
        "failed_attempts": failed,
        "max_attempts": max_attempts,
        "remaining_tries": 0
        if row and row["locked_at"]
        else pw.remaining_tries(failed, max_attempts),
    }
    if outcome is not None:
        body["outcome"] = outcome
    return body
