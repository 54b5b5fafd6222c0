"""Promotions' use cases (SPEC PRM-1): offers put in by the province (and shipped ones loaded at
set-up), granted by rule in the transaction of the card event that qualifies, listed for the
holder with what they could still get, and redeemed once by voucher code at the offer's bank
or at a scene."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from importlib.resources import files

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.cards import service as cards
from sscard.cards.entities import CardRef
from sscard.kernel.actor import Role, authorize
from sscard.kernel.clock import CHINA, business_date
from sscard.kernel.ctx import Ctx
from sscard.kernel.db import Row
from sscard.kernel.errors import Forbidden, NotFound, invalid
from sscard.promotions import repository as repo
from sscard.promotions import rules
from sscard.promotions.permissions import (
    MANAGE_OFFERS,
    REDEEM_OFFER,
    VIEW_MY_OFFERS,
    VIEW_OFFERS,
)
from sscard.promotions.rules import (
    AlreadyRedeemed,
    GrantStatus,
    NotRedeemedHere,
    Offer,
    OfferEnded,
    OfferKind,
    Place,
    RedeemAt,
    Trigger,
)
from sscard.registry.reference import repository as reference
from sscard.scenes.rules import SceneKind
from sscard.scenes.service import Terminal

VOUCHER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at counters


# ---- offers ----


async def save_offer(ctx: Ctx, code: str, terms: Row) -> Row:
    """PRM-1: put in (or change) an offer; `terms` as OfferIn gives them (`scene_kinds` may be
    left out: a tourism voucher is then a scenic spot's). InvalidInput for an unknown bank or
    city, an end before the start, a bad value or limit, a counter offer without its bank, a
    scene offer without the scene kinds that redeem it."""
    authorize(ctx.actor, MANAGE_OFFERS)
    if not rules.CODE.fullmatch(code):
        raise invalid("code", "须为3至24位大写字母、数字、_或-", "3 to 24 of A-Z, 0-9, _ or -")
    problem = rules.terms_problem(terms["value_fen"], terms["effective_from"],
                                  terms["effective_until"], terms["grant_limit"])  # fmt: skip
    if problem is not None:
        raise invalid(*problem)
    redeem_at = RedeemAt(terms["redeem_at"])
    kinds = rules.scene_kinds_of(
        OfferKind(terms["kind"]), redeem_at, _scene_kinds(terms.get("scene_kinds") or [])
    )
    problem = rules.place_problem(redeem_at, terms["bank_code"], kinds)
    if problem is not None:
        raise invalid(*problem)
    bank = terms["bank_code"]
    if bank is not None and not await reference.existing_bank_codes(ctx.conn, [bank]):
        raise invalid("bank_code", "未知银行", "unknown bank")
    city = terms["city_code"]
    if city is not None and await reference.get_city(ctx.conn, city) is None:
        raise invalid("city_code", "未知城市", "unknown city")
    kept = sorted(k.value for k in kinds)
    await repo.save_offer(
        ctx.conn, {"code": code, **terms, "scene_kinds": kept, "updated_at": ctx.now}
    )
    return (await _views(ctx, [code]))[0]


def _scene_kinds(values: Sequence[str]) -> frozenset[SceneKind]:
    try:
        return frozenset(SceneKind(v) for v in values)
    except ValueError:
        listed = ", ".join(k.value for k in SceneKind)
        raise invalid("scene_kinds", f"须从以下选择：{listed}", f"choose from: {listed}") from None


async def load_shipped_offers(conn: AsyncConnection, now: datetime) -> int:
    """The shipped offers (promotions/data/offers.json) missing from the database, put in;
    one changed by the province is left as it is. How many are shipped."""
    shipped = _shipped()
    for row in shipped:
        await repo.save_offer(conn, {**row, "updated_at": now}, overwrite=False)
    return len(shipped)


@cache
def _shipped() -> tuple[Row, ...]:
    text = files("sscard.promotions").joinpath("data/offers.json").read_text("utf-8")
    rows = []
    for o in json.loads(text)["offers"]:
        until = o["effective_until"]
        rows.append({**o, "effective_from": date.fromisoformat(o["effective_from"]),
                     "effective_until": date.fromisoformat(until) if until else None})  # fmt: skip
    return tuple(rows)


async def list_offers(ctx: Ctx) -> list[Row]:
    """Every offer with how many were granted and redeemed."""
    authorize(ctx.actor, VIEW_OFFERS)
    return await _views(ctx, [o["code"] for o in await repo.all_offers(ctx.conn)])


async def _views(ctx: Ctx, codes: Sequence[str]) -> list[Row]:
    counts = await repo.grant_counts(ctx.conn, codes)
    out = []
    for code in codes:
        found = await repo.offer(ctx.conn, code)
        assert found is not None
        redeemed = counts.get((code, GrantStatus.REDEEMED.value), 0)
        granted = counts.get((code, GrantStatus.GRANTED.value), 0) + redeemed
        out.append({**_public(found), "granted": granted, "redeemed": redeemed,
                    "in_force": rules.in_force(_offer(found), ctx.today)})  # fmt: skip
    return out


def _public(o: Row) -> Row:
    keys = ("code", "name_zh", "name_en", "kind", "sponsor", "trigger", "bank_code", "city_code",
            "value_fen", "redeem_at", "scene_kinds", "terms_zh", "terms_en", "effective_from",
            "effective_until", "grant_limit")  # fmt: skip
    return {k: o[k] for k in keys}


def _offer(o: Row) -> Offer:
    return Offer(o["code"], Trigger(o["trigger"]), o["bank_code"], o["city_code"],
                 o["effective_from"], o["effective_until"], o["grant_limit"])  # fmt: skip


# ---- granted by rule on card events ----


async def grant_on(ctx: Ctx, trigger: Trigger, changed: Sequence[CardRef]) -> int:
    """PRM-1: each card's holder gets every offer in force that `trigger` on such a card
    qualifies for, once per person, within the offer's limit. How many were granted."""
    offers = [o for o in await repo.offers_for(ctx.conn, trigger.value)]
    day = business_date(ctx.now)
    granted = 0
    for card in changed:
        for o in offers:
            if rules.qualifies(_offer(o), trigger, card.bank_code, card.city_code, day):
                granted += await _grant(ctx, o["code"], card)
    return granted


async def _grant(ctx: Ctx, code: str, card: CardRef) -> int:
    locked = await repo.lock_offer(ctx.conn, code)  # the limit counted one grant at a time
    assert locked is not None
    limit = locked["grant_limit"]
    if limit is not None and await repo.granted_count(ctx.conn, code) >= limit:
        return 0
    row = {"offer_code": code, "person_id": card.person_id, "card_id": card.id,
           "voucher_code": _voucher(), "status": GrantStatus.GRANTED.value,
           "granted_at": ctx.now}  # fmt: skip
    return 1 if await repo.insert_grant(ctx.conn, row) else 0


def _voucher() -> str:
    return "".join(secrets.choice(VOUCHER_ALPHABET) for _ in range(12))


# ---- the holder ----


async def my_offers(ctx: Ctx) -> Row:
    """The holder's granted offers (voucher codes, redeemed or not) and the offers in force
    for their newest card's bank and city they have not got, with what gets them."""
    authorize(ctx.actor, VIEW_MY_OFFERS)
    if ctx.actor.role is not Role.CARDHOLDER or ctx.actor.person_id is None:
        raise OnlyTheHolder(field="person")
    person_id = ctx.actor.person_id
    granted = await repo.grants_of_person(ctx.conn, person_id)
    have = {g["offer_code"] for g in granted}
    card = await cards.newest_live_of(ctx, person_id)
    open_offers = []
    if card is not None:
        for o in await repo.all_offers(ctx.conn):
            offer = _offer(o)
            fits = offer.bank_code in (None, card.bank_code) and offer.city_code in (
                None, card.city_code,
            )  # fmt: skip
            if o["code"] not in have and fits and rules.in_force(offer, ctx.today):
                open_offers.append(_public(o))
    return {"granted": [_grant_view(g) for g in granted], "open": open_offers}


def _grant_view(g: Row) -> Row:
    return {
        "offer_code": g["offer_code"],
        "name_zh": g["name_zh"],
        "name_en": g["name_en"],
        "kind": g["kind"],
        "value_fen": g["value_fen"],
        "terms_zh": g["terms_zh"],
        "terms_en": g["terms_en"],
        "voucher_code": g["voucher_code"],
        "status": g["status"],
        "granted_at": g["granted_at"],
        "redeemed_at": g["redeemed_at"],
        "redeem_at": g["redeem_at"],
        "scene_kinds": g["scene_kinds"],
        "city_code": g["city_code"],
        "effective_until": g["effective_until"],
    }


class OnlyTheHolder(Forbidden):
    code = "only_the_holder"
    message_zh = "仅持卡人本人可在网上服务大厅查看自己的优惠"
    message_en = "Only the holder reads their own offers in the online hall"


# ---- redeemed once ----


async def redeem_at_outlet(ctx: Ctx, voucher: str) -> Row:
    """PRM-1: a clerk of the offer's bank redeems a voucher at the counter, within the offer's
    city when it has one. NotFound for an unknown voucher; NotRedeemedHere at another bank's
    counter, in another city, or for a scene offer; AlreadyRedeemed; OfferEnded."""
    authorize(ctx.actor, REDEEM_OFFER)
    grant = await _grant_by_voucher(ctx, voucher)
    outlet = await reference.get_outlet(ctx.conn, ctx.actor.outlet_id or 0)
    place = _place(grant)
    if outlet is None or not rules.redeemed_at_counter(
        place, outlet.kind, outlet.bank_code, outlet.city_code
    ):
        raise await _elsewhere(ctx, place)
    return await _redeem(ctx, grant, outlet.code)


async def redeem_at_scene(ctx: Ctx, terminal: Terminal, voucher: str) -> Row:
    """PRM-1: a terminal of a scene kind the offer names redeems a voucher (a scenic spot's
    ticket office), within the offer's city when it has one. NotRedeemedHere at any other
    terminal (a bus reader, a top-up kiosk) or for a counter offer; nothing is changed."""
    authorize(ctx.actor, REDEEM_OFFER)
    grant = await _grant_by_voucher(ctx, voucher)
    place = _place(grant)
    if not rules.redeemed_at_scene(place, terminal.kind, terminal.city_code):
        raise await _elsewhere(ctx, place)
    return await _redeem(ctx, grant, terminal.operator_code)


async def _grant_by_voucher(ctx: Ctx, voucher: str) -> Row:
    code = voucher.strip().upper()
    grant = await repo.grant_by_voucher(ctx.conn, code) if rules.VOUCHER.fullmatch(code) else None
    if grant is None:
        raise NotFound(field="voucher_code", what_zh="优惠券", what_en="Voucher")
    return grant


def _place(grant: Row) -> Place:
    kinds = frozenset(SceneKind(k) for k in grant["scene_kinds"] or [])
    return Place(RedeemAt(grant["redeem_at"]), grant["bank_code"], grant["city_code"], kinds)


async def _elsewhere(ctx: Ctx, place: Place) -> NotRedeemedHere:
    city = await reference.get_city(ctx.conn, place.city_code) if place.city_code else None
    banks = {b.code: b for b in await reference.list_banks(ctx.conn)} if place.bank_code else {}
    bank = banks.get(place.bank_code or "")
    return NotRedeemedHere(
        field="voucher_code",
        where_zh=rules.where_zh(
            place, city.name_zh if city else None, bank.name_zh if bank else None
        ),
        where_en=rules.where_en(
            place, city.name_en if city else None, bank.name_en if bank else None
        ),
    )


async def _redeem(ctx: Ctx, grant: Row, where: str) -> Row:
    until = grant["effective_until"]
    if until is not None and ctx.today > until:
        raise OfferEnded(field="voucher_code", until=until.isoformat())
    if grant["status"] != GrantStatus.REDEEMED.value and not await repo.redeem(
        ctx.conn, grant["id"], ctx.now, where
    ):  # redeemed meanwhile, at another counter or gate: say when
        grant = await _grant_by_voucher(ctx, grant["voucher_code"])
    if grant["status"] == GrantStatus.REDEEMED.value:
        at = f"{grant['redeemed_at'].astimezone(CHINA):%Y-%m-%d %H:%M}"
        raise AlreadyRedeemed(field="voucher_code", at=at)
    shown = ("voucher_code", "offer_code", "name_zh", "name_en", "value_fen")
    return {**{k: grant[k] for k in shown}, "redeemed_at": ctx.now, "status": "redeemed"}


KINDS = [k.value for k in OfferKind]
