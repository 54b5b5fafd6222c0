"""The card's hr password through the HTTP API (SPEC PWD-1, PWD-2, PWD-3, CH-2)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from sscard.cards.models import cards
from sscard.cards.passwords.models import card_hr_passwords
from sscard.kernel.actor import OPERATOR
from sscard.tables import metadata
from tests.support.api import Api
from tests.support.numbers import citizen_number

GOOD, OTHER, THIRD = "583920", "472816", "603817"
WRONG = "729461"


def _path(card: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/cards/{card['card_number']}/hr-password{tail}"


async def _set(
    api: Api, card: dict[str, Any], password: str = GOOD, as_: str = "clerk_instant"
) -> httpx.Response:
    body = {"new_password": password, "document": card["document"]}
    await api.present_holder(card["card_number"], as_)
    return await api.call("PUT", _path(card), as_, body)


async def _change(api: Api, card: dict[str, Any], old: str | None, new: str) -> httpx.Response:
    body = {"new_password": new} | ({"old_password": old} if old is not None else {})
    await api.present_holder(card["card_number"], "clerk_instant")
    return await api.call("PUT", _path(card), "clerk_instant", body)


async def _verify(
    api: Api, card: dict[str, Any], password: str, as_: str = "hotline"
) -> httpx.Response:
    await api.present_holder(card["card_number"], as_)  # the caller gives their number
    return await api.post(_path(card, "/verify"), as_, {"password": password})


async def _reset(
    api: Api, card: dict[str, Any], password: str, document: dict[str, Any] | None = None
) -> httpx.Response:
    body = {"new_password": password, "document": document or card["document"]}
    await api.present_holder(card["card_number"], "clerk_instant")
    return await api.post(_path(card, "/reset"), "clerk_instant", body)


async def _state(api: Api, card: dict[str, Any]) -> dict[str, Any]:
    r = await api.get(_path(card), "admin")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _events(api: Api, card: dict[str, Any]) -> list[str]:
    r = await api.get(f"/api/v1/cards/{card['card_number']}/history", "admin")
    assert r.status_code == 200, r.text
    return [h["event"] for h in r.json() if h["event"].startswith("hr_password")]


async def _card_with_password(api: Api, password: str = GOOD) -> dict[str, Any]:
    card = await api.card()
    r = await _set(api, card, password)
    assert r.status_code == 200, r.text
    return card


def _refused(r: httpx.Response, status: int, code: str, rule: str | None = None) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == code, r.text
    if rule is not None:
        assert r.json()["rule"] == rule, r.text


# ---- set and change (PWD-1) ----


async def test_clerk_at_an_hr_outlet_sets_the_password_with_the_holders_id(api: Api) -> None:
    """SPEC PWD-1: the hr password is set at a card outlet against the holder's own ID."""
    card = await api.card()
    assert (await _state(api, card))["password_set"] is False

    r = await _set(api, card)

    assert r.status_code == 200, r.text
    body = r.json()
    assert body["outcome"] == "set"
    assert body["password_set"] is True
    assert body["remaining_tries"] == body["max_attempts"] == 5
    assert (await _state(api, card))["password_set"] is True
    assert await _events(api, card) == ["hr_password_set"]


async def test_first_setting_needs_the_holders_document(api: Api) -> None:
    """SPEC PWD-1/PWD-3: the first password is set only against the holder's own ID."""
    card = await api.card()
    missing = await api.call("PUT", _path(card), "clerk_instant", {"new_password": GOOD})
    _refused(missing, 422, "invalid_input")
    assert missing.json()["field"] == "document"

    someone = await api.card()
    wrong = await api.call(
        "PUT", _path(card), "clerk_instant", {"new_password": GOOD, "document": someone["document"]}
    )
    _refused(wrong, 422, "not_the_holders_document", "PWD-3")
    assert await api.count("card_hr_passwords") == 0


async def test_bank_outlet_does_not_set_the_hr_password(api: Api) -> None:
    """SPEC PWD-1: the bank manages the financial password; the hr one is not the bank's."""
    card = await api.card()
    r = await _set(api, card, as_="clerk_nanjing_bank")
    _refused(r, 403, "outlet_does_not_offer", "GOV-1")
    reset = await api.post(
        _path(card, "/reset"),
        "clerk_nanjing_bank",
        {"new_password": GOOD, "document": card["document"]},
    )
    _refused(reset, 403, "outlet_does_not_offer", "GOV-1")
    assert await api.count("card_hr_passwords") == 0


@pytest.mark.parametrize("who", ["hotline", "bank_icbc", "admin"])
async def test_only_an_outlet_clerk_sets_or_resets(api: Api, who: str) -> None:
    """SPEC PWD-1/PWD-3 (CH-1): setting and resetting happen at an outlet counter."""
    card = await api.card()
    _refused(await _set(api, card, as_=who), 403, "forbidden", "CH-1")
    body = {"new_password": GOOD, "document": card["document"]}
    _refused(await api.post(_path(card, "/reset"), who, body), 403, "forbidden", "CH-1")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("900115", "hr_password_birthday"),  # born 1990-01-15: YYMMDD
        ("150190", "hr_password_birthday"),  # DDMMYY
        ("011590", "hr_password_birthday"),  # MMDDYY
        ("199001", "hr_password_birthday"),  # YYYYMM
        ("380115", "hr_password_birthday"),  # month and day inside
        ("857294", "hr_password_phone"),  # phone 13857294610
        ("294610", "hr_password_phone"),  # its last six
        ("222222", "hr_password_repeated_digit"),
        ("345678", "hr_password_run"),
        ("321098", "hr_password_run"),  # down, wrapping past 0
        ("343434", "hr_password_pattern"),
        ("457457", "hr_password_pattern"),
        ("12345", "hr_password_format"),
        ("12345a", "hr_password_format"),
    ],
)
async def test_weak_passwords_are_refused_saying_which_rule(
    api: Api, password: str, code: str
) -> None:
    """SPEC PWD-2: birthdays, phone numbers and the usual weak ones are refused, by name."""
    card = await api.card(birth=date(1990, 1, 15), phone="13857294610")

    r = await _set(api, card, password)

    _refused(r, 422, code, "PWD-2")
    assert r.json()["field"] == "new_password"
    assert password not in r.text
    assert r.json()["detail_zh"]
    assert r.json()["detail_en"]
    assert await api.count("card_hr_passwords") == 0


async def test_part_of_the_id_number_is_refused(api: Api) -> None:
    """SPEC PWD-2: six digits in a row of the holder's ID number (here its last six)."""
    card = await api.card()
    number = card["document"]["number"]
    last_six = number[-6:] if number[-1].isdigit() else number[-7:-1]
    r = await _set(api, card, last_six)
    assert r.status_code == 422, r.text
    assert r.json()["code"] in {"hr_password_id_number", "hr_password_birthday"}


async def test_change_needs_the_old_password(api: Api) -> None:
    """SPEC PWD-1/PWD-3: the holder changes it by giving the old one; a wrong one counts."""
    card = await _card_with_password(api)

    _refused(await _change(api, card, None, OTHER), 422, "invalid_input")
    wrong = await _change(api, card, WRONG, OTHER)
    _refused(wrong, 403, "hr_password_wrong", "PWD-3")
    assert wrong.json()["remaining_tries"] == 4
    assert (await _state(api, card))["failed_attempts"] == 1  # committed though refused

    weak = await _change(api, card, GOOD, "111111")
    _refused(weak, 422, "hr_password_repeated_digit", "PWD-2")
    ok = await _change(api, card, GOOD, OTHER)
    assert ok.status_code == 200, ok.text
    assert ok.json()["outcome"] == "changed"
    assert ok.json()["failed_attempts"] == 0

    assert (await _verify(api, card, OTHER)).json()["verified"] is True
    assert (await _verify(api, card, GOOD)).json()["verified"] is False
    assert await _events(api, card) == ["hr_password_set", "hr_password_changed"]


async def test_wrong_old_passwords_lock_it_too(api: Api) -> None:
    """SPEC PWD-3: a change is no way round the limit."""
    card = await _card_with_password(api)
    for _ in range(4):
        _refused(await _change(api, card, WRONG, OTHER), 403, "hr_password_wrong")
    _refused(await _change(api, card, WRONG, OTHER), 423, "hr_password_locked", "PWD-3")
    _refused(await _change(api, card, GOOD, OTHER), 423, "hr_password_locked", "PWD-3")
    assert (await _state(api, card))["locked"] is True


# ---- verify and lock (PWD-3) ----


@pytest.mark.parametrize("who", ["hotline", "bank_icbc", "clerk_other"])
async def test_verify_answers_right_or_wrong(api: Api, who: str) -> None:
    """SPEC PWD-3: clerks, the hotline and the card's bank ask; a wrong try is an answer."""
    card = await _card_with_password(api)

    ok = await _verify(api, card, GOOD, who)
    assert ok.status_code == 200, ok.text
    assert ok.json()["verified"] is True
    assert ok.json()["outcome"] == "verified"

    wrong = await _verify(api, card, WRONG, who)
    assert wrong.status_code == 200, wrong.text
    assert wrong.json()["verified"] is False
    assert wrong.json()["remaining_tries"] == 4


async def test_another_bank_cannot_verify(api: Api) -> None:
    """SPEC PWD-3 / CH-1: a bank system sees its own cards only."""
    card = await api.card(bank="ABC")
    await _set(api, card)
    _refused(await _verify(api, card, GOOD, "bank_icbc"), 404, "not_found")


async def test_wrong_tries_count_down_and_lock_at_the_limit(api: Api) -> None:
    """SPEC PWD-3: N wrong tries in a row lock it; then even the right one is refused."""
    card = await _card_with_password(api)

    for left in (4, 3, 2, 1):
        r = await _verify(api, card, WRONG)
        assert r.status_code == 200, r.text
        assert r.json()["remaining_tries"] == left
    _refused(await _verify(api, card, WRONG), 423, "hr_password_locked", "PWD-3")
    _refused(await _verify(api, card, GOOD), 423, "hr_password_locked", "PWD-3")

    state = await _state(api, card)
    assert state["locked"] is True
    assert state["failed_attempts"] == 5
    assert state["remaining_tries"] == 0
    assert await _events(api, card) == ["hr_password_set", "hr_password_locked"]


async def test_a_right_try_starts_the_count_again(api: Api) -> None:
    """SPEC PWD-3: the limit is on wrong tries in a row."""
    card = await _card_with_password(api)
    for _ in range(4):
        await _verify(api, card, WRONG)
    assert (await _verify(api, card, GOOD)).json()["failed_attempts"] == 0
    for _ in range(4):
        assert (await _verify(api, card, WRONG)).status_code == 200
    assert (await _state(api, card))["locked"] is False


async def test_the_limit_is_city_policy(api: Api) -> None:
    """SPEC PWD-3 / CITY-3: an administrator sets the city's limit; it applies at once."""
    card = await _card_with_password(api)
    current = (await api.get("/api/v1/cities/3204", "admin")).json()["policy_in_force"]
    rules = {k: v for k, v in current.items() if k != "effective_from"}
    assert rules["password_max_attempts"] == 5
    r = await api.post(
        "/api/v1/cities/3204/policies",
        "admin",
        {"effective_from": "2026-11-23", "rules": {**rules, "password_max_attempts": 3}},
    )
    assert r.status_code == 201, r.text

    assert (await _verify(api, card, WRONG)).json()["remaining_tries"] == 2
    assert (await _verify(api, card, WRONG)).json()["remaining_tries"] == 1
    _refused(await _verify(api, card, WRONG), 423, "hr_password_locked")

    zero = await api.post(
        "/api/v1/cities/3204/policies",
        "admin",
        {"effective_from": "2026-11-24", "rules": {**rules, "password_max_attempts": 0}},
    )
    _refused(zero, 422, "invalid_input")


async def test_verify_without_a_password_set(api: Api) -> None:
    """SPEC PWD-1: nothing to check until it is set at an outlet."""
    card = await api.card()
    _refused(await _verify(api, card, GOOD), 409, "hr_password_not_set", "PWD-1")


# ---- reset (PWD-3) ----


async def test_reset_with_the_card_and_the_holders_id_unlocks(api: Api) -> None:
    """SPEC PWD-3: reset at an outlet with the card and the holder's ID: new one, unlocked."""
    card = await _card_with_password(api)
    for _ in range(5):
        await _verify(api, card, WRONG)
    assert (await _state(api, card))["locked"] is True

    r = await _reset(api, card, OTHER)

    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "reset"
    assert r.json()["locked"] is False
    assert r.json()["failed_attempts"] == 0
    assert (await _verify(api, card, OTHER)).json()["verified"] is True
    assert (await _verify(api, card, GOOD)).json()["verified"] is False
    assert await _events(api, card) == [
        "hr_password_set",
        "hr_password_locked",
        "hr_password_reset",
    ]
    history = (await api.get(f"/api/v1/cards/{card['card_number']}/history", "admin")).json()
    reset = next(h for h in history if h["event"] == "hr_password_reset")
    assert (reset["from_state"], reset["to_state"], reset["channel"]) == (
        "locked",
        "set",
        "hr_outlet",
    )


async def test_reset_with_someone_elses_id_is_refused(api: Api) -> None:
    """SPEC PWD-3: only the holder's own ID resets; the lock stays."""
    card = await _card_with_password(api)
    for _ in range(5):
        await _verify(api, card, WRONG)
    stranger = {"type": "resident_id", "number": citizen_number(date(1985, 5, 5))}
    someone = await api.card()

    _refused(await _reset(api, card, OTHER, someone["document"]), 422, "not_the_holders_document")
    unknown = await _reset(api, card, OTHER, stranger)
    _refused(unknown, 422, "not_the_holders_document", "PWD-3")
    assert (await _state(api, card))["locked"] is True


async def test_reset_refuses_a_weak_password(api: Api) -> None:
    """SPEC PWD-2/PWD-3: the new password after a reset follows the same rules."""
    card = await _card_with_password(api)
    _refused(await _reset(api, card, "654321"), 422, "hr_password_run", "PWD-2")


# ---- which cards (LOSS-5, CAN-5, ISS-4) ----


async def test_a_lost_card_has_no_password_use(api: Api) -> None:
    """SPEC LOSS-5: while the card is reported lost, its password is neither set nor checked."""
    card = await _card_with_password(api)
    await api.present_holder(card["card_number"], "hotline")
    r = await api.post(f"/api/v1/cards/{card['card_number']}/temporary-loss", "hotline")
    assert r.status_code == 200, r.text
    _refused(await _verify(api, card, GOOD), 409, "card_lost", "LOSS-5")
    _refused(await _reset(api, card, OTHER), 409, "card_lost", "LOSS-5")
    fresh = await api.card()
    await api.present_holder(fresh["card_number"], "hotline")
    await api.post(f"/api/v1/cards/{fresh['card_number']}/temporary-loss", "hotline")
    _refused(await _set(api, fresh), 409, "card_lost", "LOSS-5")


async def test_a_cancelled_card_has_no_password_use(api: Api) -> None:
    """SPEC CAN-5: a cancelled card never returns to use (state written directly here)."""
    card = await _card_with_password(api)
    async with api.rt.unit(OPERATOR) as ctx:
        stmt = update(cards).where(cards.c.card_number == card["card_number"])
        await ctx.conn.execute(stmt.values(hr_status="cancelled"))
    _refused(await _verify(api, card, GOOD), 409, "card_cancelled", "CAN-5")
    _refused(await _change(api, card, GOOD, OTHER), 409, "card_cancelled", "CAN-5")


async def test_a_card_not_yet_collected_has_no_password(api: Api) -> None:
    """SPEC ISS-4: the card becomes usable on collection; not before."""
    app = await api.applied("clerk_instant")
    card = {"card_number": app["card"]["card_number"]}
    r = await api.call("PUT", _path(card), "clerk_instant", {"new_password": GOOD})
    _refused(r, 409, "card_not_collected", "ISS-4")


# ---- the password is never kept or shown in clear (PWD-3) ----


async def _everything_stored(api: Api) -> bytes:
    chunks: list[bytes] = []
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        for table in metadata.sorted_tables:
            for row in (await ctx.conn.execute(select(table))).mappings():
                for value in row.values():
                    chunks.append(value if isinstance(value, bytes) else str(value).encode())
    return b"\x1f".join(chunks)


async def test_the_password_is_never_stored_or_answered_in_clear(api: Api) -> None:
    """SPEC PWD-3: not in any table (history, outbox, idempotency keys ...), not in answers."""
    card = await api.card()
    answers = [
        await _set(api, card, GOOD),
        await _verify(api, card, GOOD),
        await _verify(api, card, WRONG),
        await _change(api, card, GOOD, OTHER),
        await _reset(api, card, THIRD),
        await api.get(_path(card), "clerk_instant"),
    ]
    answers += [await _verify(api, card, WRONG, "bank_icbc") for _ in range(5)]
    stored = await _everything_stored(api)
    for password in (GOOD, OTHER, THIRD, WRONG):
        assert password.encode() not in stored
        for answer in answers:
            assert password not in answer.text
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        hashed = (await ctx.conn.execute(select(card_hr_passwords.c.password_hash))).scalar_one()
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_idempotency_key_keeps_only_a_keyed_digest(api: Api) -> None:
    """SPEC PWD-3: a retried verify replays; the stored request digest is keyed, not guessable."""
    import hashlib

    from sscard.platform.models import idempotency_keys

    card = await _card_with_password(api)
    path = _path(card, "/verify")
    await api.present_holder(card["card_number"], "hotline")
    first = await api.post(path, "hotline", {"password": GOOD}, headers={"Idempotency-Key": "k-1"})
    again = await api.post(path, "hotline", {"password": GOOD}, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 200, first.text
    assert again.headers.get("Idempotent-Replayed") == "true"
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stored = (await ctx.conn.execute(select(idempotency_keys.c.request_hash))).scalar_one()
    body = first.request.content
    plain = hashlib.sha256(b"POST" + path.encode() + b"\0" + body).hexdigest()
    assert stored != plain
    assert stored != hashlib.sha256(body).hexdigest()


async def test_answers_match_the_documented_shapes(api: Api) -> None:
    """The OpenAPI document tells the truth about the hr password answers (PWD-1..3)."""
    from sscard.cards.passwords.schemas import (
        HrPasswordChangeView,
        HrPasswordStateView,
        HrPasswordVerdictView,
    )

    card = await api.card()
    HrPasswordStateView.model_validate(await _state(api, card))
    HrPasswordChangeView.model_validate((await _set(api, card)).json())
    HrPasswordVerdictView.model_validate((await _verify(api, card, WRONG)).json())
    spec = (await api.client.get("/openapi.json")).json()
    verify = spec["paths"]["/api/v1/cards/{card_number}/hr-password/verify"]["post"]
    assert "423" in verify["responses"]


# ---- concurrency (PWD-3) ----


async def test_concurrent_wrong_tries_all_count_and_lock_exactly_once(api: Api) -> None:
    """SPEC PWD-3: N+2 wrong tries at once: N counted, one locks, the rest find it locked."""
    card = await _card_with_password(api)
    limit = 5

    answers = await asyncio.gather(*(_verify(api, card, WRONG) for _ in range(limit + 2)))

    wrong = [r for r in answers if r.status_code == 200]
    locked = [r for r in answers if r.status_code == 423]
    assert len(wrong) == limit - 1, [r.text for r in answers]
    assert len(locked) == 3
    assert sorted(r.json()["remaining_tries"] for r in wrong) == [1, 2, 3, 4]
    state = await _state(api, card)
    assert state["failed_attempts"] == limit
    assert state["locked"] is True
    assert (await _events(api, card)).count("hr_password_locked") == 1
