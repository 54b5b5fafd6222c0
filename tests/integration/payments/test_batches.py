"""Benefit payments (issue 15 items 6-9; SPEC PAY-1, PAY-2, ISS-6, REP-3): a payer's batch
routed to each person's newest active card account, held with the reason where there is none
yet and paid once there is, returned where there never will be, sent to the banks as credit
instructions and ended by the banks' answers, each taken once. Amounts in fen."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import httpx
import orjson
from openpyxl import Workbook
from sqlalchemy import select

from sscard.kernel.actor import OPERATOR
from sscard.payments import hooks
from sscard.payments.models import credit_instructions
from sscard.platform.outbox.models import outbox
from sscard.platform.outbox.protocol import Outgoing
from sscard.platform.outbox.signing import signed_headers
from tests.integration.applications.renewal.helpers import collect, exchange
from tests.integration.cards.cancellation.test_cancellation import cancel, death
from tests.support.api import Api
from tests.support.bank_reports import bank_report, connect
from tests.support.numbers import citizen_number, wrong_check_digit

PAYER = "JS-PENSION"
_refs = iter(range(1, 10**6))


async def payer(api: Api, code: str = PAYER, kinds: tuple[str, ...] = ("pension",)) -> str:
    body = {"name_zh": "江苏省养老保险", "name_en": "Jiangsu pensions", "kinds": list(kinds)}
    r = await api.call("PUT", f"/api/v1/payers/{code}", "admin", body)
    assert r.status_code == 200, r.text
    key = f"payer:{code}"
    api.tokens[key] = r.json()["token"]
    return key


def line(ssn: str, fen: int = 312_000, **over: Any) -> dict[str, Any]:
    return {
        "ssn": ssn,
        "amount_fen": fen,
        "kind": "pension",
        "period": "2026-11",
        "payer_reference": f"P{next(_refs):07d}",
        **over,
    }


async def submit(api: Api, who: str, lines: list[dict[str, Any]], ref: str = "") -> httpx.Response:
    body = {"reference": ref or f"B{next(_refs)}", "lines": lines}
    return await api.post("/api/v1/payment-batches", who, body)


async def active_card(api: Api, bank: str = "ICBC", as_: str = "bank_icbc") -> dict[str, Any]:
    card = await api.card(bank=bank)
    n = card["card_number"]
    assert (await bank_report(api, n, as_, opened(n))).status_code == 200
    r = await bank_report(api, n, as_, {"event": "activated"})
    assert r.status_code == 200, r.text
    return card


def opened(n: str) -> dict[str, Any]:
    return {"event": "account_opened", "account_number": "62220200" + n[1:] + "0001"}


def ssn(api: Api, card: dict[str, Any]) -> str:
    return str(card["document"]["number"])


async def payments_of(api: Api, batch: int, who: str = "admin") -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/payment-batches/{batch}/payments", who)
    assert r.status_code == 200, r.text
    lines: list[dict[str, Any]] = r.json()
    return lines


async def instructions(api: Api) -> list[Outgoing]:
    """The credit instructions in the outbox as the bank gets them (credits added)."""
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(outbox).where(outbox.c.topic == hooks.TOPIC).order_by(outbox.c.id)
        rows = [dict(r._mapping) for r in await ctx.conn.execute(stmt)]
        batch = [
            Outgoing(r["message_id"], r["id"], r["topic"], None, r["created_at"], r["payload"])
            for r in rows
        ]
        enriched = await hooks.enrich_instructions(ctx.conn, api.rt.vault, batch)
    for message in enriched:  # as the wire sends it: orjson takes plain str keys only
        orjson.dumps(message.as_json())
    return enriched


async def answer(
    api: Api, instruction: str, answers: list[dict[str, Any]], *, signed: bool = True
) -> httpx.Response:
    secret = await connect(api, "ICBC")
    raw = orjson.dumps({"instruction_id": instruction, "answers": answers})
    headers = {"Content-Type": "application/json"}
    if signed:
        headers |= signed_headers(secret, api.rt.clock.now(), raw)
    return await api.call(
        "POST", "/api/v1/bank-credit-answers", "bank_icbc", content=raw, headers=headers
    )


async def test_a_batch_is_routed_held_and_returned_by_the_cards(api: Api) -> None:
    """SPEC PAY-1, PAY-2, ISS-6: an active account is instructed; a card whose financial
    function is not active is held with the reason to activate it at the bank; a person with
    no card is held; an unknown number is returned. The report counts and sums each."""
    who = await payer(api)
    paid = await active_card(api)
    inactive = await api.card()
    no_card = await api.person()
    unknown = citizen_number(date(1961, 3, 3))
    lines = [
        line(ssn(api, paid), 312_000),
        line(ssn(api, inactive), 200_000),
        line(api.numbers[no_card["person_id"]], 150_000),
        line(unknown, 99),
    ]
    r = await submit(api, who, lines, "2026-11-PENSION")
    assert r.status_code == 201, r.text
    report = r.json()
    assert (report["line_count"], report["total_fen"]) == (4, 662_099)
    out = report["outcomes"]
    assert (out["instructed"]["count"], out["instructed"]["total_fen"]) == (1, 312_000)
    assert (out["held"]["count"], out["held"]["total_fen"]) == (2, 350_000)
    assert (out["returned"]["count"], out["returned"]["total_fen"]) == (1, 99)
    held = {x["reason"]: x for x in out["held"]["reasons"]}
    assert set(held) == {"financial_not_active", "no_card"}
    assert "激活金融功能" in held["financial_not_active"]["text_zh"]
    assert "activate it at the card's bank" in held["financial_not_active"]["text_en"]
    assert out["returned"]["reasons"][0]["reason"] == "unknown_person"
    by_line = {p["line"]: p for p in await payments_of(api, report["batch_id"])}
    assert by_line[1]["status"] == "instructed"
    assert by_line[1]["bank_code"] == "ICBC"
    assert by_line[1]["ssn_masked"].count("*") >= 8
    assert ssn(api, paid) not in r.text
    sent = await instructions(api)
    assert len(sent) == 1
    credits = sent[0].payload["credits"]
    assert [(c["card_number"], c["amount_fen"]) for c in credits] == [
        (paid["card_number"], 312_000)
    ]


async def test_a_held_payment_is_paid_once_the_account_is_activated(api: Api) -> None:
    """SPEC PAY-2: the activation at the bank releases the held payment to a new instruction in
    the same transaction; the bank's answer ends it as paid, once."""
    who = await payer(api)
    card = await api.card()
    n = card["card_number"]
    r = await submit(api, who, [line(ssn(api, card), 88_800)])
    batch = r.json()["batch_id"]
    assert r.json()["outcomes"]["held"]["count"] == 1
    assert (await bank_report(api, n, "bank_icbc", opened(n))).status_code == 200
    assert (await payments_of(api, batch))[0]["reason"] == "financial_not_active"
    assert (await bank_report(api, n, "bank_icbc", {"event": "activated"})).status_code == 200
    [p] = await payments_of(api, batch)
    assert (p["status"], p["reason"], p["bank_code"]) == ("instructed", None, "ICBC")
    [sent] = await instructions(api)
    instruction = sent.payload["instruction_id"]
    assert instruction == p["instruction_id"]
    assert instruction.startswith("CR-")
    credited = [{"payment_id": p["payment_id"], "outcome": "credited"}]
    r = await answer(api, instruction, credited)
    assert (r.status_code, r.json()["recorded"]) == (200, 1), r.text
    r = await answer(api, instruction, credited)
    assert (r.status_code, r.json()["recorded"], r.json()["duplicates"]) == (200, 0, 1)
    refused = [{"payment_id": p["payment_id"], "outcome": "refused", "reason": "account_closed"}]
    r = await answer(api, instruction, refused)
    assert (r.status_code, r.json()["code"]) == (409, "answer_conflicts")
    [p] = await payments_of(api, batch)
    assert p["status"] == "paid"
    assert p["answered_at"]


async def test_the_banks_answers_are_signed_and_about_their_own_instructions(api: Api) -> None:
    """PAY-1: an unsigned answer, a payment not in the instruction, a refusal without reason
    and another bank's instruction are refused and change nothing; a refusal is recorded with
    the bank's reason and reported back to the payer."""
    who = await payer(api)
    cards = [await active_card(api), await active_card(api)]
    r = await submit(api, who, [line(ssn(api, c)) for c in cards])
    batch = r.json()["batch_id"]
    first, second = await payments_of(api, batch)
    instruction = first["instruction_id"]
    ok = [{"payment_id": first["payment_id"], "outcome": "credited"}]
    r = await answer(api, instruction, ok, signed=False)
    assert r.status_code == 401, r.text
    r = await answer(api, instruction, [{"payment_id": 10**9, "outcome": "credited"}])
    assert (r.status_code, r.json()["code"]) == (422, "not_in_instruction")
    r = await answer(api, instruction, [{"payment_id": first["payment_id"], "outcome": "refused"}])
    assert (r.status_code, r.json()["field"]) == (422, "answers[0].reason")
    r = await answer(api, "CB-999-ICBC-0", ok)
    assert r.status_code == 404
    assert {p["status"] for p in await payments_of(api, batch)} == {"instructed"}
    both = [
        {"payment_id": first["payment_id"], "outcome": "credited"},
        {"payment_id": second["payment_id"], "outcome": "refused", "reason": "account_closed"},
    ]
    r = await answer(api, instruction, both)
    assert r.status_code == 200, r.text
    assert r.json()["recorded"] == 2
    report = (await api.get(f"/api/v1/payment-batches/{batch}", who)).json()["outcomes"]
    assert (report["paid"]["count"], report["refused"]["count"]) == (1, 1)
    assert report["refused"]["reasons"][0]["reason"] == "account_closed"


async def test_after_an_exchange_the_new_card_is_paid_never_the_old(api: Api) -> None:
    """SPEC REP-3, PAY-1: the old card is superseded at once, its account still active at the
    bank: a payment is held until the new card's account is active, then goes to the new
    card."""
    who = await payer(api)
    card = await active_card(api)
    r = await exchange(api, card["card_number"], "damage")
    assert r.status_code == 201, r.text
    reference = r.json()["reference"]
    r = await submit(api, who, [line(ssn(api, card))])
    batch = r.json()["batch_id"]
    [p] = await payments_of(api, batch)
    assert (p["status"], p["reason"]) == ("held", "financial_not_active")
    new = (await collect(api, reference, card["document"]))["card"]["card_number"]
    assert p["card_number_masked"] == new[:3] + "****" + new[-2:]
    assert (await bank_report(api, new, "bank_icbc", opened(new))).status_code == 200
    assert (await bank_report(api, new, "bank_icbc", {"event": "activated"})).status_code == 200
    [p] = await payments_of(api, batch)
    assert p["status"] == "instructed"
    assert p["card_number_masked"] == new[:3] + "****" + new[-2:] != card["card_number"]
    [sent] = await instructions(api)
    assert [c["card_number"] for c in sent.payload["credits"]] == [new]


async def test_a_deceased_holders_payment_goes_back_to_the_payer(api: Api) -> None:
    """PAY-1: a card cancelled on the holder's death: the payment is returned; a payment held
    before the death is returned when the card is cancelled."""
    who = await payer(api)
    card = await api.card()
    r = await submit(api, who, [line(ssn(api, card))])
    held_batch = r.json()["batch_id"]
    assert r.json()["outcomes"]["held"]["count"] == 1
    r = await cancel(api, card, death())
    assert r.status_code in (200, 201), r.text
    [p] = await payments_of(api, held_batch)
    assert (p["status"], p["reason"]) == ("returned", "holder_deceased")
    r = await submit(api, who, [line(ssn(api, card))])
    assert r.json()["outcomes"]["returned"]["reasons"][0]["reason"] == "holder_deceased"


async def test_a_bad_batch_is_refused_whole_with_each_line_named(api: Api) -> None:
    """PAY-1: every line's problem is listed with its line and field, in both languages, and
    nothing is kept; a reference paid in an earlier batch is refused (never paid twice); the
    same batch sent again answers the same; other lines under its reference are refused."""
    who = await payer(api)
    card = await active_card(api)
    good = line(ssn(api, card))
    bad = [
        good,
        line(wrong_check_digit(ssn(api, card))),
        line(ssn(api, card), 0),
        line(ssn(api, card), kind="wages"),
        line(ssn(api, card), period="2026-13"),
        line(ssn(api, card), payer_reference=good["payer_reference"]),
    ]
    before = await api.count("payments"), await api.count("outbox")
    r = await submit(api, who, bad)
    assert (r.status_code, r.json()["code"]) == (422, "batch_invalid"), r.text
    problems = {(p["line"], p["field"]) for p in r.json()["problems"]}
    assert problems == {
        (2, "ssn"),
        (3, "amount_fen"),
        (4, "kind"),
        (5, "period"),
        (6, "payer_reference"),
    }
    assert all(p["reason_zh"] and p["reason_en"] for p in r.json()["problems"])
    assert (await api.count("payments"), await api.count("outbox")) == before
    r = await submit(api, who, [good], "B-SAME")
    assert r.status_code == 201
    again = await submit(api, who, [good], "B-SAME")
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert again.json()["batch_id"] == r.json()["batch_id"]
    r = await submit(api, who, [line(ssn(api, card))], "B-SAME")
    assert (r.status_code, r.json()["code"]) == (409, "batch_reference_reused")
    r = await submit(api, who, [good])
    assert r.status_code == 422
    assert r.json()["problems"][0]["field"] == "payer_reference"
    assert await api.count("payments") == before[0] + 1


async def test_a_payer_sees_and_sends_only_its_own(api: Api) -> None:
    """A payer's system submits for itself; another payer's batch is not found for it; the
    holder reads their payments in the hall, staff do not."""
    who = await payer(api)
    other = await payer(api, "JS-SUBSIDY", ("subsidy",))
    card = await active_card(api)
    r = await submit(api, who, [line(ssn(api, card))])
    batch = r.json()["batch_id"]
    r = await api.get(f"/api/v1/payment-batches/{batch}", other)
    assert r.status_code == 404
    body = {"reference": "X1", "payer_code": PAYER, "lines": [line(ssn(api, card))]}
    r = await api.post("/api/v1/payment-batches", other, body)
    assert (r.status_code, r.json()["code"]) == (403, "not_your_payer")
    assert [b["id"] for b in (await api.get("/api/v1/payment-batches", other)).json()] == []
    holder = await api.cardholder(card["person_id"])
    r = await api.get("/api/v1/me/payments", holder)
    assert r.status_code == 200, r.text
    [mine] = r.json()
    assert (mine["amount_fen"], mine["status"], mine["payer_name_zh"]) == (
        312_000,
        "instructed",
        "江苏省养老保险",
    )
    assert (await api.get("/api/v1/me/payments", "admin")).status_code == 403


async def test_the_holder_pages_through_payments_with_the_card_they_went_to(api: Api) -> None:
    """SPEC PAY-1: the hall shows each payment with the (masked) card it was paid to, and a
    holder with many payments reads them page by page, newest first."""
    who = await payer(api)
    card = await active_card(api)
    lines = [line(ssn(api, card), 1000 + i, period=f"2026-{i + 1:02d}") for i in range(5)]
    assert (await submit(api, who, lines)).status_code == 201
    holder = await api.cardholder(card["person_id"])
    first = (await api.get("/api/v1/me/payments?limit=3", holder)).json()
    assert [p["amount_fen"] for p in first] == [1004, 1003, 1002]
    number = card["card_number"]
    assert {p["card_number_masked"] for p in first} == {number[:3] + "****" + number[-2:]}
    after = first[-1]["payment_id"]
    rest = (await api.get(f"/api/v1/me/payments?limit=3&before_id={after}", holder)).json()
    assert [p["amount_fen"] for p in rest] == [1001, 1000]
    r = await api.get("/api/v1/me/payments?limit=0", holder)
    assert (r.status_code, r.json()["field"]) == (422, "limit"), r.text


async def test_a_file_with_chinese_columns_and_yuan(api: Api) -> None:
    """PAY-1: a CSV in GB18030 or an .xlsx with Chinese headers and amounts in yuan is read; a
    cell that cannot be read is that line's problem; the report comes back as a file."""
    who = await payer(api)
    card = await active_card(api)
    number = ssn(api, card)
    text = f"社会保障号码,金额（元）,类别,所属期,发放编号\n{number},3120.50,养老金,2026-11,F0001\n"
    r = await upload(api, who, text.encode("gb18030"), "F-CSV")
    assert r.status_code == 201, r.text
    assert r.json()["total_fen"] == 312_050
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ssn", "amount_yuan", "kind", "period", "payer_reference"])
    sheet.append([number, 12.345, "pension", "2026-11", "F0002"])
    data = io.BytesIO()
    book.save(data)
    r = await upload(api, who, data.getvalue(), "F-XLSX")
    assert (r.status_code, r.json()["problems"][0]["field"]) == (422, "amount_yuan"), r.text
    batch = (await api.get("/api/v1/payment-batches", who)).json()[0]["id"]
    r = await api.get(f"/api/v1/payment-batches/{batch}/report.csv", who)
    assert r.status_code == 200
    assert "发放编号" in r.text
    assert "F0001" in r.text
    assert number not in r.text
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    r = await api.get(f"/api/v1/payment-batches/{batch}/report.csv", who, headers=english)
    assert r.status_code == 200
    assert "发放编号" not in r.text.splitlines()[0], r.text[:200]
    r = await api.get(
        f"/api/v1/payment-batches/{batch}/report.csv?language=zh", who, headers=english
    )
    assert "发放编号" in r.text.splitlines()[0]


async def upload(api: Api, who: str, data: bytes, ref: str) -> httpx.Response:
    return await api.call(
        "POST",
        f"/api/v1/payment-batches/file?reference={ref}",
        who,
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )


async def test_statistics_count_and_sum_by_kind_and_outcome(api: Api) -> None:
    """SPEC PAY-3, GOV-6: the centre's statistics, and the instructions not yet answered."""
    who = await payer(api)
    card = await active_card(api)
    await submit(api, who, [line(ssn(api, card), 100), line(ssn(api, card), 200)])
    r = await api.get("/api/v1/payments/statistics?since=2026-11-01&until=2026-12-01", "auditor")
    assert r.status_code == 200, r.text
    [pension] = r.json()["kinds"]
    assert pension["outcomes"]["instructed"] == {"count": 2, "total_fen": 300}
    assert r.json()["unanswered"][0]["payments"] == 2
    r = await api.get("/api/v1/payments/statistics?since=2026-12-01&until=2026-11-01", "admin")
    assert (r.status_code, r.json()["field"]) == (422, "until")


async def test_the_holder_of_a_held_payment_is_told_why_once(api: Api) -> None:
    """SPEC PAY-2, ISS-6: the worker's sweep tells the holder of a held payment, once, how many
    and how much are held and where the hall says why and what to do; a person with no card
    yet too; nobody is told of a paid or returned payment."""
    from sscard.payments.tasks import tell_holders_of_held

    who = await payer(api)
    paid = await active_card(api)
    inactive = await api.card()
    no_card = await api.person()
    nobody_yet = api.numbers[no_card["person_id"]]
    lines = [line(ssn(api, paid), 1000), line(ssn(api, inactive), 2000),
             line(ssn(api, inactive), 50), line(nobody_yet, 700)]  # fmt: skip
    assert (await submit(api, who, lines)).status_code == 201
    assert await tell_holders_of_held(api.rt) == 2
    assert await tell_holders_of_held(api.rt) == 0
    told: dict[int, list[dict[str, Any]]] = {}
    for person in (paid["person_id"], inactive["person_id"], no_card["person_id"]):
        r = await api.get(f"/api/v1/notifications?person_id={person}", "admin")
        told[person] = [n for n in r.json()["items"] if n["template"] == "payment_held"]
    assert told[paid["person_id"]] == []
    [notice] = told[inactive["person_id"]]
    assert (notice["params"]["count"], notice["params"]["amount"]) == (2, "20.50")
    [notice] = told[no_card["person_id"]]
    assert notice["params"]["amount"] == "7.00"


async def test_each_instruction_is_a_range_of_ids_bank_by_bank(api: Api) -> None:
    """SPEC PAY-1 (issue 15, "Scale and faults"): a batch draws its payments' ids bank by bank
    in line order, so each bank's instruction is one range of ids (credit_instructions'
    first_payment_id .. last_payment_id), read through it; lines of two banks alternating in
    the file go to their own banks' instructions, each credit once, in line order; a held
    payment between them takes no instruction."""
    who = await payer(api)
    icbc = [await active_card(api) for _ in range(3)]
    szb = [await active_card(api, "SZB", as_="bank_szb") for _ in range(2)]
    held = await api.card()
    cards_in_file = [icbc[0], szb[0], held, icbc[1], szb[1], icbc[2]]
    lines = [line(ssn(api, c), 1_000 + i) for i, c in enumerate(cards_in_file, start=1)]
    r = await submit(api, who, lines)
    assert r.status_code == 201, r.text
    batch = r.json()["batch_id"]
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        found = await ctx.conn.execute(
            select(credit_instructions).where(credit_instructions.c.batch_id == batch)
        )
        ranges = {i.bank_code: (i.first_payment_id, i.last_payment_id) for i in found}
    by_line = {p["line"]: p for p in await payments_of(api, batch)}
    for bank, lines_of_bank in (("ICBC", (1, 4, 6)), ("SZB", (2, 5))):
        ids = [by_line[n]["payment_id"] for n in lines_of_bank]
        assert ids == list(range(ids[0], ids[0] + len(ids)))  # drawn in line order
        assert ranges[bank] == (ids[0], ids[-1])
    assert by_line[3]["status"] == "held"
    sent = {m.payload["instruction_id"]: m.payload["credits"] for m in await instructions(api)}
    mine = {k: v for k, v in sent.items() if k.startswith(f"CB-{batch}-")}
    assert {k: [c["amount_fen"] for c in v] for k, v in mine.items()} == {
        f"CB-{batch}-ICBC-0": [1_001, 1_004, 1_006],
        f"CB-{batch}-SZB-0": [1_002, 1_005],
    }


async def test_a_short_row_is_named_once_for_its_missing_columns(api: Api) -> None:
    """PAY-1 (helper-49's tryout): a CSV row of fewer cells than the header is refused as
    that, once, not as the problems of each missing cell (a kind not paid, a period, a
    reference); the other lines keep their own problems; nothing is kept."""
    who = await payer(api)
    number = ssn(api, await active_card(api))
    text = (
        "ssn,amount_yuan,kind,period,payer_reference\n"
        f"{number},1.00\n"
        f"{number},1.00,pension,2026-13,S0002\n"
    )
    r = await upload(api, who, text.encode(), "F-SHORT")
    assert r.status_code == 422, r.text
    found = [(p["line"], p["field"]) for p in r.json()["problems"]]
    assert found == [(1, "line"), (2, "period")]
    assert "只有2列，须有5列" in r.json()["problems"][0]["reason_zh"]
    assert (await api.get("/api/v1/payment-batches", who)).json() == []
