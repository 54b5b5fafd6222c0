"""The electronic card's use cases (SPEC ECARD-1..4): issued and moved by the card's events,
read and consented to by the holder (or a relative acting under a family binding), shown as a
signed one-use QR code, checked at a counter; the platform's keys and the status list that
gates verify codes with offline."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sscard.cards import service as cards
from sscard.cards.entities import Card, CardRef
from sscard.ecards import qr, signing
from sscard.ecards import repository as repo
from sscard.ecards import status_list as sl
from sscard.ecards.channels import CHANNEL_BY_CODE, CHANNELS
from sscard.ecards.lifecycle import USABLE, EcardEvent, EcardStatus, next_status
from sscard.ecards.permissions import (
    CONSENT_ECARD_CHANNEL,
    ROTATE_ECARD_KEY,
    SHOW_ECARD_QR,
    VERIFY_ECARD_QR,
    VIEW_OWN_ECARD,
)
from sscard.kernel.actor import authorize
from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import DomainError, Forbidden, NotFound, invalid
from sscard.kernel.masking import mask_number
from sscard.platform import cache
from sscard.platform.access.rules import Purpose
from sscard.platform.history import Change, record
from sscard.registry import service as registry

ENTITY = "ecard"
STATUS_ZH = {
    EcardStatus.PENDING: "待领卡后启用",
    EcardStatus.ACTIVE: "正常",
    EcardStatus.SUSPENDED: "暂停（实体卡挂失中）",
    EcardStatus.MOVING: "换新中（等待新卡制成）",
    EcardStatus.ENDED: "已终止",
}


def new_ecard_no() -> int:
    """A random 63-bit public number (a QR names the ecard by it; ids are not guessable)."""
    return secrets.randbits(63) or 1


async def on_cards_produced(ctx: Ctx, produced: Sequence[CardRef]) -> int:
    """SPEC ECARD-1: an ecard for every card made, in the same transaction; a holder whose ecard
    is moving (a replacement or exchange applied for) keeps it, now behind the new card
    (ECARD-2). Returns how many were issued or moved."""
    moving = {
        r["person_id"]: r for r in await repo.moving_of(ctx.conn, [c.person_id for c in produced])
    }
    changes: list[Change] = []
    fresh: list[dict[str, Any]] = []
    for card in produced:
        ecard = moving.pop(card.person_id, None)
        if ecard is None:
            fresh.append(_new_row(ctx, card))
            continue
        to = next_status(EcardStatus.MOVING, EcardEvent.MOVE)
        await repo.move_to_card(ctx.conn, ecard["id"], card.id, to, ctx.now)
        changes.append(Change(ENTITY, ecard["id"], EcardEvent.MOVE, EcardStatus.MOVING, to))
    ids = await repo.insert_ecards(ctx.conn, fresh)
    changes += [
        Change(ENTITY, ids[r["card_id"]], "issue", None, EcardStatus.PENDING) for r in fresh
    ]
    await record(ctx.conn, ctx.actor, ctx.now, *changes)
    return len(changes)


def _new_row(ctx: Ctx, card: CardRef) -> dict[str, Any]:
    return {
        "ecard_no": new_ecard_no(),
        "person_id": card.person_id,
        "card_id": card.id,
        "status": EcardStatus.PENDING.value,
        "issued_at": ctx.now,
        "updated_at": ctx.now,
        "version": 1,
    }


async def follow_cards(ctx: Ctx, event: EcardEvent, changed: Sequence[CardRef]) -> int:
    """SPEC ECARD-2: the ecards behind these cards follow `event`, set-based; EcardOutOfStep if
    one's state does not admit it (the card's change is refused whole). A card with no ecard
    (made before ecards were issued and since ended) has nothing to follow. Returns how many
    changed."""
    rows = await repo.by_cards(ctx.conn, [c.id for c in changed])
    moved: dict[EcardStatus, list[int]] = {}
    changes: list[Change] = []
    for r in rows:
        before = EcardStatus(r["status"])
        to = next_status(before, event)
        moved.setdefault(to, []).append(r["id"])
        changes.append(Change(ENTITY, r["id"], event, before, to))
    for to, ids in moved.items():
        await repo.set_status(ctx.conn, ids, to, ctx.now)
    await record(ctx.conn, ctx.actor, ctx.now, *changes)
    return len(changes)


async def my_ecard(ctx: Ctx) -> dict[str, Any]:
    """The holder's ecard (or, for a relative acting under a family binding, the dependant's:
    ECARD-4), with the card behind it and each channel's consent. NotFound before any card
    was made."""
    authorize(ctx.actor, VIEW_OWN_ECARD)
    ecard = await own_ecard(ctx)
    return await _view(ctx, ecard)


async def consent_channel(ctx: Ctx, channel: str, given: bool) -> dict[str, Any]:
    """SPEC ECARD-1: the holder consents to the ecard working in `channel` (given) or withdraws
    the consent; either is recorded with its moment and answered with the ecard. NotFound for a
    channel the national list does not name; a consent given twice is kept once."""
    authorize(ctx.actor, CONSENT_ECARD_CHANNEL)
    if channel not in CHANNEL_BY_CODE:
        raise NotFound(field="channel", what_zh="同步应用渠道", what_en="Channel")
    ecard = await own_ecard(ctx)
    live = await repo.live_consents(ctx.conn, ecard["id"])
    if given and channel not in live:
        await repo.insert_consent(ctx.conn, ecard["id"], channel, ctx.now)
    elif not given and channel in live:
        await repo.withdraw_consent(ctx.conn, ecard["id"], channel, ctx.now)
    else:
        return await _view(ctx, ecard)
    event = "consent" if given else "withdraw_consent"
    await record(
        ctx.conn, ctx.actor, ctx.now, Change(ENTITY, ecard["id"], event, None, None, channel)
    )
    return await _view(ctx, ecard)


async def reach_hr_services(ctx: Ctx) -> Card:
    """SPEC ECARD-5: the card behind the holder's ecard, when the ecard is in use and the card
    may be used for HR services (LOSS-5); EcardNotUsable, NotFound otherwise. No
    authorization: the HR service asked for has checked."""
    ecard = await own_ecard(ctx)
    return await _usable(ctx, ecard, qr.Scope.HR_SERVICE, "ecard")


async def ecard_of_card(ctx: Ctx, card_id: int) -> dict[str, Any] | None:
    """The ecard now behind this card, or None. No authorization: the caller has checked."""
    found = await repo.by_cards(ctx.conn, [card_id])
    return found[0] if found else None


async def own_ecard(ctx: Ctx) -> dict[str, Any]:
    """The acting holder's ecard row (a relative's dependant's, ECARD-4); NotFound if none.
    No authorization: the caller has checked the operation."""
    person_id = ctx.actor.person_id
    ecard = await repo.of_person(ctx.conn, person_id) if person_id else None
    if ecard is None:
        raise NotFound(field="ecard", what_zh="电子社保卡", what_en="Ecard")
    return ecard


async def _view(ctx: Ctx, ecard: dict[str, Any]) -> dict[str, Any]:
    card = await cards.behind(ctx, ecard["card_id"])
    status = EcardStatus(ecard["status"])
    consents = await repo.live_consents(ctx.conn, ecard["id"])
    return {
        "ecard_no": f"{ecard['ecard_no']:016X}",
        "status": status.value,
        "status_zh": STATUS_ZH[status],
        "usable": status in USABLE,
        "card_number_masked": mask_number(card.card_number, 2, 2),
        "card_city_code": card.city_code,
        "issued_at": ecard["issued_at"],
        "channels": [
            {
                "code": c.code,
                "name_zh": c.name_zh,
                "name_en": c.name_en,
                "consented": c.code in consents,
                "consented_at": consents.get(c.code),
            }
            for c in CHANNELS
        ],
    }


# ---- the dynamic QR code (ECARD-3) ----


@dataclass(frozen=True)
class Keyring:
    """The issuing platform's SM2 keys: the newest signs, every one verifies what it signed."""

    key_id: int
    signing: signing.SigningKey
    verifying: dict[int, signing.VerifyingKey]
    published: list[dict[str, Any]]


class EcardNotUsable(DomainError):
    """The ecard cannot be shown or accepted now: its state, or the card's answer (LOSS-5)."""

    code = "ecard_not_usable"
    status = 409
    rule = "ECARD-2"
    message_zh = "电子社保卡当前不可使用：{reason_zh}"
    message_en = "The ecard cannot be used now: {reason_en}"


class QrRefused(DomainError):
    """A code whose signature is not the platform's, or that was used before."""

    code = "qr_refused"
    status = 422
    rule = "ECARD-3"
    message_zh = "二维码无效：{reason_zh}"
    message_en = "The QR code is refused: {reason_en}"


async def ensure_signing_key(ctx: Ctx) -> int:
    """The current key id, creating the first SM2 key if there is none (setup, or the first
    code of a fresh database); the private key is kept SM4-sealed (SPEC ID-6's vault)."""
    found = await repo.signing_keys(ctx.conn)
    if found:
        return int(found[0]["key_id"])
    return await _new_signing_key(ctx, 1)


async def rotate_signing_key(ctx: Ctx) -> int:
    """A new SM2 key signs from now on; the older ones are retired but still verify the codes
    they signed (a minute at most) and stay published. Returns the new key id."""
    authorize(ctx.actor, ROTATE_ECARD_KEY)
    newest = await ensure_signing_key(ctx)
    if newest >= 0xFFFF:
        raise ValueError("the key ids of the QR format are used up")
    key_id = await _new_signing_key(ctx, newest + 1)
    await repo.retire_signing_keys(ctx.conn, key_id, ctx.now)
    cache.clear()
    return key_id


async def _new_signing_key(ctx: Ctx, key_id: int) -> int:
    private, public = signing.new_key()
    row = {
        "key_id": key_id,
        "public_key": public,
        "private_key_enc": ctx.vault.encrypt(private),
        "created_at": ctx.now,
        "retired_at": None,
    }
    await repo.insert_signing_key(ctx.conn, row)
    cache.clear()
    return key_id


async def _keyring(ctx: Ctx) -> Keyring:
    async def load() -> Keyring:
        await ensure_signing_key(ctx)
        rows = await repo.signing_keys(ctx.conn)
        newest = rows[0]
        private = ctx.vault.decrypt_bytes(newest["private_key_enc"])
        return Keyring(
            key_id=int(newest["key_id"]),
            signing=signing.signing_key(private),
            verifying={int(r["key_id"]): signing.verifying_key(r["public_key"]) for r in rows},
            published=[_published(r) for r in rows],
        )

    return await cache.cached(("ecard_keyring",), load)


def _published(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "key_id": row["key_id"],
        "algorithm": "SM2-SM3",
        "user_id": "1234567812345678",
        "public_key_hex": row["public_key"].hex(),
        "created_at": row["created_at"],
        "retired_at": row["retired_at"],
    }


async def published_keys(ctx: Ctx) -> dict[str, Any]:
    """The public keys a gate verifies codes with offline, and the format they sign."""
    ring = await _keyring(ctx)
    return {
        "format": {
            "prefix": qr.PREFIX,
            "encoding": "base45 (RFC 9285)",
            "layout": "version u8 | key_id u16 | ecard_no u64 | scope u8 | issued_at u32 "
            "| valid_seconds u8 | nonce 8 bytes | signature r||s 64 bytes (big-endian)",
            "signed": "every byte before the signature",
            "scopes": {s.name.lower(): s.value for s in qr.Scope},
            "valid_seconds": qr.VALID_SECONDS,
            "status_list": "GET /api/v1/ecard-status-list: 'SSL1' | as_of u32 | count u32 | "
            "ecard_no u64 ascending...; ?since=as_of gives 'SSD1' | as_of u32 | since u32 | "
            "n u32 | listed u64... | m u32 | cleared u64... (big-endian), signed like the codes",
        },
        "keys": ring.published,
    }


class ChannelNotConsented(Forbidden):
    code = "channel_not_consented"
    rule = "ECARD-1"
    message_zh = "持卡人尚未同意电子社保卡在“{channel_zh}”使用，请先在网上服务大厅授权"
    message_en = "The holder has not consented to the ecard working in {channel_en}: consent first"


async def require_consent(ctx: Ctx, ecard: dict[str, Any], channel: str | None) -> None:
    """SPEC ECARD-1: a code is shown in a synchronised-application channel only while the
    holder's consent to that channel stands; `channel` None is sscard's own online hall, where
    the holder signed in with their real name. InvalidInput for a channel the national list
    does not name; ChannelNotConsented (403) for one without a standing consent."""
    if channel is None:
        return
    known = CHANNEL_BY_CODE.get(channel)
    if known is None:
        raise invalid("channel", "不是电子社保卡同步应用渠道", "is not a synchronised channel")
    if channel not in await repo.live_consents(ctx.conn, ecard["id"]):
        raise ChannelNotConsented(field="channel", channel_zh=known.name_zh,
                                  channel_en=known.name_en)  # fmt: skip


async def show_qr(ctx: Ctx, scope: qr.Scope, channel: str | None = None) -> dict[str, Any]:
    """SPEC ECARD-3: a code for the holder's ecard, good for VALID_SECONDS and one use, signed
    by the platform, shown in sscard's online hall or in a `channel` the holder consented to
    (ECARD-1, ChannelNotConsented). EcardNotUsable unless the ecard is in use and its card may
    be used for the scope's use now (LOSS-5: a card lost, expired for payment...). A code that
    pays at a hospital is shown only against the ecard password (ecards.password)."""
    authorize(ctx.actor, SHOW_ECARD_QR)
    if scope is qr.Scope.MEDICAL:
        raise EcardNotUsable(
            field="scope", reason_zh="医保结算码须输入电子社保卡密码后出示",
            reason_en="a code that pays at a hospital is shown with the ecard password",
        )  # fmt: skip
    ecard = await own_ecard(ctx)
    await require_consent(ctx, ecard, channel)
    return await mint_qr(ctx, ecard, scope)


async def mint_qr(ctx: Ctx, ecard: dict[str, Any], scope: qr.Scope) -> dict[str, Any]:
    """A signed one-use code of `ecard` for `scope` (ECARD-3); EcardNotUsable as show_qr says.
    No authorization: the caller (show_qr, the medical code behind the password) has checked."""
    await _usable(ctx, ecard, scope, "scope")
    ring = await _keyring(ctx)
    issued = int(ctx.now.timestamp())
    body = qr.QrBody(
        ring.key_id, ecard["ecard_no"], scope, issued, qr.VALID_SECONDS, secrets.token_bytes(8)
    )
    text = qr.encode(body, signing.sign(ring.signing, body.pack()))
    return {
        "qr": text,
        "scope": scope.name.lower(),
        "issued_at": datetime.fromtimestamp(issued, UTC),
        "expires_at": datetime.fromtimestamp(body.expires_at(), UTC),
    }


async def verify_qr(ctx: Ctx, text: str) -> dict[str, Any]:
    """SPEC ECARD-3 at a counter: the code's signature, time and single use, its ecard in use
    and the card's answer for the scope's use (LOSS-5); the code is then used. For the
    identity scope (SCN-1) the holder's document counts as presented here (logged, and the
    record opens for the day: platform.access). QrUnreadable, QrExpired, QrRefused,
    EcardNotUsable otherwise, and the code stays unused."""
    authorize(ctx.actor, VERIFY_ECARD_QR)
    redeemed = await redeem_qr(ctx, text, frozenset(qr.Scope))
    person = await registry.require_person(ctx, redeemed.ecard["person_id"])
    answer = {
        "valid": True,
        "ecard_no": f"{redeemed.ecard['ecard_no']:016X}",
        "scope": redeemed.scope.name.lower(),
        "card_city_code": redeemed.card.city_code,
        "name": person["name_masked"],
        "social_security_number": person["ssn_masked"],
        "person_id": None,
    }
    if redeemed.scope is qr.Scope.IDENTITY:  # SCN-1: the ecard as the document shown
        await registry.document_presented(ctx, person, Purpose.DOCUMENT_PRESENTED)
        answer |= {
            "name": ctx.vault.decrypt(person["name_enc"]),
            "social_security_number": ctx.vault.decrypt(person["ssn_enc"]),
            "person_id": person["id"],
        }
    return answer


@dataclass(frozen=True)
class Redeemed:
    """A code read and found good: its ecard row, the card behind it as it reads now, its
    scope, and the record that spends it (`spend_qr`)."""

    ecard: dict[str, Any]
    card: Card
    scope: qr.Scope
    use: dict[str, Any]


async def redeem_qr(ctx: Ctx, text: str, scopes: frozenset[qr.Scope]) -> Redeemed:
    """SPEC ECARD-3: read and spend a code for one of `scopes` (`read_qr`, then `spend_qr`)."""
    redeemed = await read_qr(ctx, text, scopes)
    await spend_qr(ctx, redeemed)
    return redeemed


async def read_qr(ctx: Ctx, text: str, scopes: frozenset[qr.Scope]) -> Redeemed:
    """SPEC ECARD-3: a code for one of `scopes`, checked: its signature (any published key),
    its time, its ecard in use and the card's answer for the scope's use (LOSS-5); not yet
    spent. QrUnreadable, QrExpired, QrRefused (a foreign signature, another scope),
    EcardNotUsable. No authorization: the caller (a counter, a scene's terminal) has checked
    who asks."""
    read = qr.decode(text.strip())
    ring = await _keyring(ctx)
    if read.body.key_id not in ring.verifying:  # a key newer than this process's cache
        cache.clear()
        ring = await _keyring(ctx)
    key = ring.verifying.get(read.body.key_id)
    if key is None or not signing.verify(key, read.signed, read.signature):
        raise QrRefused(field="qr", reason_zh="签名不符", reason_en="the signature is not ours")
    qr.check_time(read.body, ctx.now)
    if read.body.scope not in scopes:
        name = read.body.scope.name.lower()
        raise QrRefused(
            field="qr", reason_zh=f"此码用途为{SCOPE_ZH[read.body.scope]}，不适用于本场景",
            reason_en=f"the code is for {name}, not for this scene",
        )  # fmt: skip
    ecard = await repo.by_number(ctx.conn, read.body.ecard_no)
    if ecard is None:
        raise QrRefused(field="qr", reason_zh="无此电子社保卡", reason_en="no such ecard")
    card = await _usable(ctx, ecard, read.body.scope, "qr")
    use = {
        "ecard_id": ecard["id"],
        "nonce": read.body.nonce,
        "used_at": ctx.now,
        "scope": int(read.body.scope),
        "expires_at": datetime.fromtimestamp(read.body.expires_at(), UTC),
    }
    return Redeemed(ecard, card, read.body.scope, use)


@dataclass(frozen=True)
class Scanned:
    """A code a gate scanned offline, its signature checked: its ecard (None if sscard issued
    no such ecard) and its body; nothing else about it is judged yet."""

    ecard_id: int | None
    person_id: int | None
    body: qr.QrBody


async def read_scanned(ctx: Ctx, text: str) -> Scanned:
    """SPEC ECARD-3 after the fact: a code a gate scanned offline, with the platform's
    signature checked (any published key) but not its time or its ecard's state, which were
    the gate's to judge then. QrUnreadable, QrRefused (a signature not the platform's). No
    authorization: the caller has checked."""
    read = qr.decode(text.strip())
    ring = await _keyring(ctx)
    key = ring.verifying.get(read.body.key_id)
    if key is None or not signing.verify(key, read.signed, read.signature):
        raise QrRefused(field="qr", reason_zh="签名不符", reason_en="the signature is not ours")
    ecard = await repo.by_number(ctx.conn, read.body.ecard_no)
    if ecard is None:
        return Scanned(None, None, read.body)
    return Scanned(ecard["id"], ecard["person_id"], read.body)


async def used_online(ctx: Ctx, ecard_id: int, nonce: bytes) -> bool:
    """Whether a code was taken online (its single-use record is kept a while, ECARD-3)."""
    return await repo.qr_used(ctx.conn, ecard_id, nonce)


async def spend_qr(ctx: Ctx, redeemed: Redeemed) -> None:
    """Record the code's one use, in the caller's transaction; QrRefused if it was used before
    (ECARD-3: never twice, also when two terminals scan it at once)."""
    if not await repo.use_qr(ctx.conn, redeemed.use):
        raise QrRefused(field="qr", reason_zh="已使用过", reason_en="it was used before")


SCOPE_ZH = {
    qr.Scope.IDENTITY: "身份核验",
    qr.Scope.MEDICAL: "医保结算",
    qr.Scope.ENTRY: "入园入馆",
    qr.Scope.HR_SERVICE: "人社服务",
}


async def _usable(ctx: Ctx, ecard: dict[str, Any], scope: qr.Scope, field: str) -> Card:
    status = EcardStatus(ecard["status"])
    if status not in USABLE:
        raise EcardNotUsable(
            field=field, reason_zh=STATUS_ZH[status], reason_en=f"the ecard is {status.value}"
        )
    card = await cards.behind(ctx, ecard["card_id"])
    answer = cards.use_answer(ctx, card, qr.SCOPE_USE[scope])
    if not answer.allowed:
        raise EcardNotUsable(field=field, reason_zh=answer.reason_zh, reason_en=answer.reason_en)
    return card


# ---- the status list for offline gates (ECARD-3, LOSS-5) ----


async def status_list(ctx: Ctx, since: datetime | None) -> dict[str, Any]:
    """The signed list of ecards not in use (full), or what changed since a gate's last list
    (`since`: its as_of; the delta reaches back DELTA_OVERLAP further). Public, like the keys:
    it names ecards by their random numbers only. Formats: ecards.status_list."""
    ring = await _keyring(ctx)
    as_of = int(ctx.now.timestamp())
    if since is None:
        listed = await repo.not_in_use(ctx.conn)
        data, count = sl.full(as_of, listed), len(listed)
    else:
        start = since - sl.DELTA_OVERLAP
        changed = await repo.changed_since(ctx.conn, start)
        active = EcardStatus.ACTIVE.value
        on = [n for n, status in changed if status != active]
        off = [n for n, status in changed if status == active]
        data, count = sl.delta(as_of, int(start.timestamp()), on, off), len(changed)
    return {
        "kind": "full" if since is None else "delta",
        "as_of": datetime.fromtimestamp(as_of, UTC),
        "entries": count,
        "key_id": ring.key_id,
        "data_base64": base64.b64encode(data).decode("ascii"),
        "signature_hex": signing.sign(ring.signing, data).hex(),
    }


# A gate that verified codes offline uploads its scans within this window; the codes used online
# are remembered as long, so that a code used online and again at an offline gate is caught.
OFFLINE_UPLOAD_WINDOW = timedelta(hours=24)


async def forget_used_codes(ctx: Ctx) -> int:
    """Forget the nonces of codes used more than the offline upload window ago: online, a code
    past its time is refused for its time before its nonce is looked at; offline, a scan
    uploaded later than the window is not reconciled (ECARD-3)."""
    return await repo.forget_uses_before(ctx.conn, ctx.now - OFFLINE_UPLOAD_WINDOW)
