"""The bank inbox: duplicates, order by sequence, refusals that change nothing, the admin's list.

SPEC ISS-2, ISS-4, LOSS-2/3: banks retry, send twice and out of order; each report is applied
once, in the bank's order for the card, and a bad one is refused with a clear error.
"""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import delete, select

from sscard.banks.models import bank_card_sequences
from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.outbox.models import delivery_endpoints
from tests.integration.banks.test_bank_reports import ACCOUNT, BankSide, banks, history
from tests.support.api import Api

__all__ = ["banks"]  # the fixture, shared with test_bank_reports


async def snapshot(api: Api) -> dict[str, int]:
    tables = ("bank_inbox", "bank_card_sequences", "notifications")
    return {**await api.counts(), **{t: await api.count(t) for t in tables}}


async def last_sequence(api: Api, bank: str = "ICBC") -> int | None:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(bank_card_sequences.c.last_sequence).where(
            bank_card_sequences.c.bank_code == bank
        )
        value = (await ctx.conn.execute(stmt)).scalar_one_or_none()
    return None if value is None else int(value)


async def entry(api: Api, bank: str, message_id: str) -> dict[str, Any]:
    r = await api.get(f"/api/v1/bank-inbox/{bank}/{message_id}", "admin")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_a_duplicate_is_acknowledged_and_changes_nothing(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """The same message again (a retry after a lost answer): the first outcome, no second change."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    first = await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)
    before = await snapshot(api)

    # The bank re-serialises it: other key order and spacing, the same meaning.
    raw = orjson.dumps(
        dict(reversed(icbc.body(n, "account_opened", 1, account_number=ACCOUNT).items())),
        option=orjson.OPT_INDENT_2,
    )
    again = await icbc.post_raw(raw)

    assert again.status_code == 200, again.text
    assert again.json()["duplicate"] is True
    assert again.json()["status"] == "applied"
    assert again.json()["card"] == first["card"]
    assert await snapshot(api) == before


async def test_the_same_message_id_with_another_body_is_refused(
    api: Api, banks: dict[str, BankSide]
) -> None:
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)
    before = await snapshot(api)

    r = await icbc.send(n, "account_opened", 1, account_number="6222020000009999")

    assert r.status_code == 409, r.text
    assert (r.json()["code"], r.json()["field"]) == ("message_id_reused", "message_id")
    assert await snapshot(api) == before
    assert (await api.card_state(n))["account"] == "6222********1234"


async def test_reports_out_of_order_end_in_the_right_state(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """Activation (2) before the opened account (1): held back, then applied behind it."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]

    early = await icbc.send(n, "financial_activated", 2)
    assert early.status_code == 202, early.text
    assert early.json() == {"message_id": f"ICBC-{n}-2", "status": "deferred"}
    assert (await api.card_state(n))["financial_status"] == "account_requested"

    r = await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)

    assert r["card"]["financial_status"] == "active"
    assert r["released"] == [
        {"message_id": f"ICBC-{n}-2", "sequence": 2, "status": "applied", "code": None}
    ]
    events = [h["event"] for h in await history(api, n)][-2:]
    assert events == ["financial_account_opened", "financial_activated"]
    assert (await entry(api, "ICBC", f"ICBC-{n}-2"))["status"] == "applied"
    assert await last_sequence(api) == 2
    again = await icbc.send(n, "financial_activated", 2)  # the held-back one, sent again
    assert (again.status_code, again.json()["status"]) == (200, "applied")


async def test_a_gap_left_open_stays_deferred_and_listed(
    api: Api, banks: dict[str, BankSide]
) -> None:
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)

    r = await icbc.send(n, "financial_loss", 3, channel="onsite")

    assert r.status_code == 202, r.text
    assert (await api.card_state(n))["financial_status"] == "account_opened"
    r = await api.get("/api/v1/bank-inbox?status=deferred", "admin")
    assert r.status_code == 200, r.text
    (held,) = r.json()["items"]
    assert (held["message_id"], held["sequence"], held["type"], held["channel"]) == (
        f"ICBC-{n}-3",
        3,
        "financial_loss",
        "onsite",
    )
    assert held["applied_at"] is None
    assert await last_sequence(api) == 1


async def test_a_rejected_report_uses_up_its_sequence(api: Api, banks: dict[str, BankSide]) -> None:
    """Refused by a rule: kept as rejected, the card unchanged, the next report not held up."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    before = await api.card_state(n)

    r = await icbc.send(n, "financial_activated", 1)  # no account yet

    assert r.status_code == 409, r.text
    problem = r.json()
    assert (problem["code"], problem["inbox_status"], problem["duplicate"]) == (
        "financial_transition_refused",
        "rejected",
        False,
    )
    assert problem["detail_zh"]
    assert problem["detail_en"]
    assert await api.card_state(n) == before
    stored = await entry(api, "ICBC", f"ICBC-{n}-1")
    assert (stored["status"], stored["result_code"]) == ("rejected", "financial_transition_refused")

    again = await icbc.send(n, "financial_activated", 1)
    assert again.status_code == 409
    assert (again.json()["code"], again.json()["duplicate"]) == (
        "financial_transition_refused",
        True,
    )
    r = await icbc.ok(n, "account_opened", 2, account_number=ACCOUNT)
    assert r["card"]["financial_status"] == "account_opened"


async def test_a_rejection_releases_the_report_held_behind_it(
    api: Api, banks: dict[str, BankSide]
) -> None:
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    assert (await icbc.send(n, "account_opened", 2, account_number=ACCOUNT)).status_code == 202

    r = await icbc.send(n, "financial_loss_lifted", 1)  # nothing lost: refused

    assert r.status_code == 409, r.text
    assert r.json()["released"] == [
        {"message_id": f"ICBC-{n}-2", "sequence": 2, "status": "applied", "code": None}
    ]
    assert (await api.card_state(n))["financial_status"] == "account_opened"


async def test_a_held_back_report_refused_when_its_turn_comes(
    api: Api, banks: dict[str, BankSide]
) -> None:
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    assert (await icbc.send(n, "financial_loss_lifted", 2)).status_code == 202

    r = await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)

    assert r["released"][0]["status"] == "rejected"
    assert r["released"][0]["code"] == "financial_transition_refused"
    stored = await entry(api, "ICBC", f"ICBC-{n}-2")
    assert stored["refusal"]["code"] == "financial_transition_refused"
    assert stored["refusal"]["status"] == 409
    r = await icbc.ok(n, "financial_activated", 3)
    assert r["card"]["financial_status"] == "active"


async def test_a_used_sequence_with_a_new_message_id_is_refused(
    api: Api, banks: dict[str, BankSide]
) -> None:
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)
    assert (await icbc.send(n, "financial_loss", 3)).status_code == 202
    before = await snapshot(api)

    for sequence in (1, 3):
        r = await icbc.send(n, "financial_activated", sequence, message_id=f"other-{sequence}")
        assert r.status_code == 409, r.text
        assert (r.json()["code"], r.json()["field"]) == ("sequence_already_used", "sequence")
    assert await snapshot(api) == before


async def test_bad_signatures_are_refused_and_nothing_is_stored(
    api: Api, banks: dict[str, BankSide], clock: ManualClock
) -> None:
    """A wrong key, a body changed after signing, no headers, or a stale timestamp: 401."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    raw = orjson.dumps(icbc.body(n, "account_opened", 1, account_number=ACCOUNT))
    before = await snapshot(api)

    attempts = [
        icbc.post_raw(raw, secret=b"not-the-shared-secret"),
        icbc.post_raw(raw, at=clock.now() - timedelta(minutes=6)),
        icbc.post_raw(raw, at=clock.now() + timedelta(minutes=6)),
    ]
    answers = [await a for a in attempts]
    signed = await icbc.post_raw(raw)  # a valid signature, then the body altered
    tampered = raw.replace(ACCOUNT.encode(), b"6222020000009999")
    headers = {k: v for k, v in signed.request.headers.items() if k.startswith("x-sscard")}
    headers["Content-Type"] = "application/json"
    answers.append(
        await api.call(
            "POST", "/api/v1/bank-reports", "bank_icbc", content=tampered, headers=headers
        )
    )
    json_only = {"Content-Type": "application/json"}
    answers.append(
        await api.call("POST", "/api/v1/bank-reports", "bank_icbc", content=raw, headers=json_only)
    )

    for r in answers:
        assert r.status_code == 401, r.text
        assert (r.json()["code"], r.json()["field"]) == ("signature_refused", "signature")
        assert 'error_description="signature"' in r.headers["WWW-Authenticate"]  # issue 11
    assert signed.status_code == 200
    assert await api.count("bank_inbox") == before["bank_inbox"] + 1


async def test_the_signature_is_checked_before_the_body(
    api: Api, banks: dict[str, BankSide]
) -> None:
    r = await banks["ICBC"].post_raw(b"{not json", secret=b"wrong")
    assert r.status_code == 401, r.text


async def test_a_bank_without_an_endpoint_is_not_connected(
    api: Api, banks: dict[str, BankSide]
) -> None:
    n = (await api.card("clerk_suzhou_szb", "SZB", city_code="3205"))["card_number"]
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(
            delete(delivery_endpoints).where(delivery_endpoints.c.recipient == "SZB")
        )
    before = await snapshot(api)

    r = await banks["SZB"].send(n, "account_opened", 1, account_number=ACCOUNT)

    assert r.status_code == 403, r.text
    assert r.json()["code"] == "bank_not_connected"
    assert await snapshot(api) == before


async def test_a_bank_sees_only_its_own_cards(api: Api, banks: dict[str, BankSide]) -> None:
    """Bank of Suzhou reporting on an ICBC card: not found, as if the card did not exist."""
    n = (await api.card())["card_number"]
    before = await snapshot(api)

    r = await banks["SZB"].send(n, "account_opened", 1, account_number=ACCOUNT)
    missing = await banks["ICBC"].send("Z99999999", "account_opened", 1, account_number=ACCOUNT)

    for answer in (r, missing):
        assert answer.status_code == 404, answer.text
        assert answer.json()["code"] == "not_found"
    assert await snapshot(api) == before
    assert (await api.card_state(n))["financial_status"] == "account_requested"


async def test_only_a_bank_system_may_report(api: Api, banks: dict[str, BankSide]) -> None:
    """SPEC CH-1: SUBMIT_BANK_REPORT belongs to bank systems."""
    n = (await api.card())["card_number"]
    for who in ("admin", "clerk_nanjing_bank", "hotline"):
        side = BankSide(api, "ICBC", who)
        r = await side.send(n, "account_opened", 1, account_number=ACCOUNT)
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), r.text


async def test_bad_fields_are_refused_by_name_and_nothing_is_stored(
    api: Api, banks: dict[str, BankSide]
) -> None:
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    base = icbc.body(n, "account_opened", 1, account_number=ACCOUNT)
    cases: list[tuple[dict[str, Any], str]] = [
        ({**base, "account_number": None}, "account_number"),
        ({**base, "account_number": "1234"}, "account_number"),
        ({**base, "type": "financial_activated"}, "account_number"),  # no account here
        ({**base, "type": "formal_loss", "account_number": None}, "outlet_code"),
        (
            {**base, "type": "formal_loss", "account_number": None, "outlet_code": "NOPE"},
            "outlet_code",
        ),
        ({**base, "card_number": "12345"}, "card_number"),
        ({**base, "sequence": 0}, "sequence"),
        ({**base, "type": "teleported"}, "type"),
        ({**base, "occurred_at": "2026-11-23T09:30:00"}, "occurred_at"),  # no zone
        ({**base, "message_id": "x" * 65}, "message_id"),
        ({**base, "channel": "pigeon"}, "channel"),
        ({**base, "surprise": 1}, "surprise"),
        ({k: v for k, v in base.items() if k != "message_id"}, "message_id"),
    ]
    before = await snapshot(api)

    for body, field in cases:
        body = {k: v for k, v in body.items() if v is not None}
        r = await icbc.post_raw(orjson.dumps(body))
        assert r.status_code == 422, (field, r.text)
        assert r.json()["field"] == field, (field, r.json())
        assert r.json()["detail_zh"]
        assert r.json()["detail_en"]
    r = await icbc.post_raw(b"{not json")
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    assert await snapshot(api) == before


async def test_the_inbox_list_pages_and_filters_without_account_numbers(
    api: Api, banks: dict[str, BankSide], clock: ManualClock
) -> None:
    icbc, szb = banks["ICBC"], banks["SZB"]
    a = (await api.card())["card_number"]
    b = (await api.card("clerk_suzhou_szb", "SZB", city_code="3205"))["card_number"]
    await icbc.ok(a, "account_opened", 1, account_number=ACCOUNT)
    clock.advance(timedelta(seconds=1))
    await icbc.send(a, "financial_loss_lifted", 2)  # rejected
    clock.advance(timedelta(seconds=1))
    await szb.ok(b, "account_opened", 1, account_number="6228480000005678")
    clock.advance(timedelta(seconds=1))
    await icbc.send(a, "financial_loss", 4)  # deferred

    seen: list[str] = []
    after = None
    while True:
        query = "/api/v1/bank-inbox?limit=3" + (f"&after={after}" if after else "")
        r = await api.get(query, "admin")
        assert r.status_code == 200, r.text
        seen += [i["message_id"] for i in r.json()["items"]]
        after = r.json()["next_after"]
        if after is None:
            break
    assert seen == [f"ICBC-{a}-1", f"ICBC-{a}-2", f"SZB-{b}-1", f"ICBC-{a}-4"]
    assert ACCOUNT not in r.text

    async def ids(query: str) -> list[str]:
        r = await api.get(f"/api/v1/bank-inbox?{query}", "admin")
        assert r.status_code == 200, r.text
        return [i["message_id"] for i in r.json()["items"]]

    assert await ids("bank=SZB") == [f"SZB-{b}-1"]
    assert await ids("status=rejected") == [f"ICBC-{a}-2"]
    assert await ids(f"card_number={a}&status=deferred") == [f"ICBC-{a}-4"]
    opened = await entry(api, "SZB", f"SZB-{b}-1")
    assert opened["account"] == "6228********5678"
    assert (await api.get("/api/v1/bank-inbox?after=garbage", "admin")).status_code == 422
    assert (await api.get("/api/v1/bank-inbox/ICBC/nope", "admin")).status_code == 404
    r = await api.get("/api/v1/bank-inbox", "bank_icbc")
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")


async def test_two_copies_of_one_message_at_once_apply_once(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """On PostgreSQL the copies really overlap; one is applied, the other is its duplicate."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    await icbc.ok(n, "account_opened", 1, account_number=ACCOUNT)
    await icbc.ok(n, "financial_activated", 2)

    answers = await asyncio.gather(
        *(icbc.send(n, "formal_loss", 3, outlet_code="3204-BANK-001") for _ in range(4))
    )

    assert [r.status_code for r in answers] == [200] * 4, [r.text for r in answers]
    assert sorted(r.json().get("duplicate", False) for r in answers) == [False, True, True, True]
    assert await api.count("bank_inbox") == 3
    losses = [h for h in await history(api, n) if h["event"] == "report_formal_loss"]
    assert len(losses) == 1
    assert (await api.card_state(n))["hr_status"] == "formally_lost"


async def test_a_cards_reports_sent_at_once_end_in_order(
    api: Api, banks: dict[str, BankSide]
) -> None:
    """Concurrent reports for one card, in any arrival order: applied by sequence, once each."""
    icbc = banks["ICBC"]
    n = (await api.card())["card_number"]
    sends = [
        icbc.send(n, "financial_loss_lifted", 4),
        icbc.send(n, "financial_loss", 3),
        icbc.send(n, "financial_activated", 2),
        icbc.send(n, "account_opened", 1, account_number=ACCOUNT),
    ]

    answers = await asyncio.gather(*sends)

    assert {r.status_code for r in answers} <= {200, 202}, [r.text for r in answers]
    assert (await api.card_state(n))["financial_status"] == "active"
    events = [h["event"] for h in await history(api, n) if h["event"].startswith("financial_")]
    assert events == [
        "financial_account_opened",
        "financial_activated",
        "financial_reported_lost",
        "financial_loss_lifted",
    ]
    assert await last_sequence(api) == 4


def _b64(key: list[str]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _b64(["2026-11-30T10:00:00", "ICBC", "x"]),  # no time zone: was a 500
        _b64(["2026-11-30", "ICBC", "x"]),  # a date only: was a 500
        _b64(["9999-12-31T23:59:59-14:00", "ICBC", "x"]),  # past the largest instant: a 500
        _b64(["2026-11-30T10:00:00+08:00", "ICBC", "x"]) + ".0123456789abcdef0123456789abcdef",
        "garbage",
        "",
        ".",
        "a" * 400,
    ],
    ids=["naive", "date", "overflow", "forged", "garbage", "empty", "dot", "long"],
)
async def test_every_bad_cursor_is_a_422_naming_after(api: Api, cursor: str) -> None:
    """Issue 11: a cursor is opaque and tamper-evident (sealed with a keyed SM3 digest); one the
    service did not make is refused before anything in it is parsed."""
    r = await api.get(f"/api/v1/bank-inbox?after={cursor}", "admin")
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "after"


async def test_a_cursor_altered_by_one_character_is_refused(
    api: Api, banks: dict[str, BankSide], clock: ManualClock
) -> None:
    a = (await api.card())["card_number"]
    await banks["ICBC"].ok(a, "account_opened", 1, account_number=ACCOUNT)
    clock.advance(timedelta(seconds=1))
    await banks["ICBC"].send(a, "financial_loss_lifted", 2)
    r = await api.get("/api/v1/bank-inbox?limit=1", "admin")
    cursor = r.json()["next_after"]
    assert (await api.get(f"/api/v1/bank-inbox?after={cursor}", "admin")).status_code == 200
    altered = ("B" if cursor[0] != "B" else "C") + cursor[1:]
    r = await api.get(f"/api/v1/bank-inbox?after={altered}", "admin")
    assert (r.status_code, r.json()["field"]) == (422, "after")
