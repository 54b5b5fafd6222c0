"""What an attacker tried on benefit payments and collections (issue 15, the adversarial
review), each a kind of fault made a test: numbers too large to read cheaply, CSV cells past the
reader's limit, digits of other scripts, ids past the database's, free text where a code
belongs, personal numbers where an account is asked for, the same request at once, and a batch
routed while the card's activation committed."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import date

import httpx
from sqlalchemy import update

from sscard.cards.models import cards
from sscard.kernel.actor import OPERATOR
from sscard.payments.tasks import release_payable_held
from sscard.platform.outbox.signing import signed_headers
from tests.integration.payments.test_batches import (
    active_card,
    answer,
    line,
    payer,
    payments_of,
    ssn,
    submit,
)
from tests.integration.payments.test_collections import WATER, payee
from tests.integration.scenes.support import scene
from tests.integration.transport.test_clearing_files import HEADER as FARES_HEADER
from tests.support.api import Api
from tests.support.numbers import citizen_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def upload(api: Api, who: str, text: str, ref: str) -> httpx.Response:
    return await api.call(
        "POST", f"/api/v1/payment-batches/file?reference={ref}", who, content=text.encode(),
        headers={"Content-Type": "text/csv"},
    )  # fmt: skip


async def test_amounts_are_read_exactly_and_cheaply(api: Api) -> None:
    """An exponent, a huge yuan amount, separators: the line's amount_fen is refused at once
    (a number a million digits long is never built)."""
    who = await payer(api)
    number = citizen_number(date(1960, 1, 1))
    for i, (column, amount) in enumerate(
        [
            ("amount_fen", "1e300000"),
            ("amount_yuan", "1e999999999"),
            ("amount_fen", "1_000"),
            ("amount_yuan", "１００"),
            ("amount_fen", "9" * 5000),
        ]
    ):
        text = f"ssn,{column},kind,period,payer_reference\n{number},{amount},pension,2026-11,A{i}\n"
        started = time.monotonic()
        r = await upload(api, who, text, f"AMT-{i}")
        assert time.monotonic() - started < 5
        assert (r.status_code, r.json()["problems"][0]["field"]) == (422, column), r.text
    r = await submit(api, who, [line(number, 10**30)])
    assert (r.status_code, r.json()["field"]) == (422, "lines.0.amount_fen"), r.text


async def test_a_csv_cell_past_the_readers_limit_is_an_unreadable_file(api: Api) -> None:
    """Payments' and offline fares' files alike: 422, never a 500."""
    who = await payer(api)
    text = "ssn,amount_fen,kind,period,payer_reference\n" + "x" * 200_000 + ",1,pension,2026-11,A\n"
    r = await upload(api, who, text, "HUGE-CELL")
    assert (r.status_code, r.json()["code"]) == (422, "csv_unreadable"), r.text
    bus = await scene(api, "transit", "BUS3204000901", city="3204")
    raw = (FARES_HEADER + "T1," + "9" * 200_000 + ",A12345678,2,bus,200,x\n").encode()
    headers = signed_headers(bus.secret, api.rt.clock.now(), raw) | {"Content-Type": "text/csv"}
    r = await api.call("POST", "/api/v1/transport/clearing-files?reference=HUGE", bus.key,
                       content=raw, headers=headers)  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (422, "clearing_file_unreadable"), r.text


async def test_periods_and_ids_are_plain_and_in_range(api: Api) -> None:
    """Full-width or Arabic-Indic digits and absurd years are no period; an id past the
    database's largest is refused as input; a year-one statistics window is refused."""
    who = await payer(api)
    card = await active_card(api)
    for period in ("２０２６-11", "٢٠٢٦-11", "0000-01", "9999-12"):
        r = await submit(api, who, [line(ssn(api, card), period=period)])
        assert (r.status_code, r.json()["problems"][0]["field"]) == (422, "period"), period
    r = await submit(api, who, [line(ssn(api, card))])
    [p] = await payments_of(api, r.json()["batch_id"])
    big = [{"payment_id": 2**63, "outcome": "credited"}]
    r = await answer(api, p["instruction_id"], big)
    assert r.status_code == 422, r.text
    r = await api.get("/api/v1/payments/statistics?since=0001-01-01&until=2026-01-01", "admin")
    assert (r.status_code, r.json()["field"]) == (422, "since")


async def test_a_banks_reason_is_a_code_and_the_report_runs_no_formula(api: Api) -> None:
    """A refusal's reason holding a person's number or a formula is refused; a payer reference
    a spreadsheet would run is neutralised in the report file."""
    who = await payer(api)
    card = await active_card(api)
    r = await submit(api, who, [line(ssn(api, card), payer_reference="-SUM")])
    [p] = await payments_of(api, r.json()["batch_id"])
    for reason in (f"holder {ssn(api, card)}", '=HYPERLINK("http://x","y")'):
        body = [{"payment_id": p["payment_id"], "outcome": "refused", "reason": reason}]
        r = await answer(api, p["instruction_id"], body)
        assert r.status_code == 422, r.text
    r = await api.get(f"/api/v1/payment-batches/{p['instruction_id'].split('-')[1]}/report.csv",
                      who)  # fmt: skip
    assert r.status_code == 200
    assert ",'-SUM," in r.text


async def test_a_mandate_names_an_account_never_a_persons_number(api: Api) -> None:
    await payee(api)
    card = await active_card(api)
    holder = await api.cardholder(card["person_id"])
    for number in (ssn(api, card), "13900000000"):
        body = {"payee_code": WATER, "customer_number": number, "max_amount_fen": 100}
        r = await api.post("/api/v1/me/mandates", holder, body)
        assert (r.status_code, r.json()["field"]) == (422, "customer_number"), number


async def test_the_same_requests_at_once_end_as_one(api: Api) -> None:
    """The same batch three times at once: one batch, the others its answer; the same mandate
    signed three times at once: one mandate, the others told so."""
    who = await payer(api)
    card = await active_card(api)
    lines = [line(ssn(api, card))]
    answers = await asyncio.gather(*(submit(api, who, lines, "SAME-AT-ONCE") for _ in range(3)))
    assert sorted(r.status_code for r in answers) == [200, 200, 201], [r.text for r in answers]
    assert len({r.json()["batch_id"] for r in answers}) == 1
    await payee(api)
    holder = await api.cardholder(card["person_id"])
    body = {"payee_code": WATER, "customer_number": "W-7777", "max_amount_fen": 100}
    signed = await asyncio.gather(*(api.post("/api/v1/me/mandates", holder, body)
                                    for _ in range(3)))  # fmt: skip
    assert sorted(r.status_code for r in signed) == [201, 409, 409], [r.text for r in signed]


async def test_a_payment_held_while_the_activation_committed_is_caught_up(api: Api) -> None:
    """PAY-2: a payment held for an account that became active without its event reaching the
    batch (a batch routed while the activation committed) is paid by the worker's sweep."""
    who = await payer(api)
    card = await api.card()
    r = await submit(api, who, [line(ssn(api, card))])
    batch = r.json()["batch_id"]
    async with api.rt.unit(OPERATOR) as ctx:  # the bank's activation, as the batch saw it not
        stmt = update(cards).where(cards.c.card_number == card["card_number"])
        await ctx.conn.execute(stmt.values(financial_status="active"))
    assert await release_payable_held(api.rt) == 1
    [p] = await payments_of(api, batch)
    assert p["status"] == "instructed"
    assert await release_payable_held(api.rt) == 0


# ---- the second adversarial review ----


async def test_a_citys_centre_neither_pays_for_a_payer_nor_reads_its_batches(api: Api) -> None:
    """SPEC PAY-1: payers are provincial systems paying persons of every city; a city's
    centre admin (Suzhou) was able to send payments in JS-PENSION's name for anyone. Only the
    payer itself and the provincial centre submit; the city's admin is refused and nothing is
    kept; it reads no batch either."""
    who = await payer(api)
    card = await active_card(api)
    before = await api.counts()
    body = {"reference": "CITY-1", "payer_code": "JS-PENSION", "lines": [line(ssn(api, card))]}
    r = await api.post("/api/v1/payment-batches", "admin_suzhou", body)
    assert (r.status_code, r.json()["code"]) == (403, "forbidden"), r.text
    assert await api.counts() == before
    r = await submit(api, who, [line(ssn(api, card))])
    assert r.status_code == 201, r.text
    batch = r.json()["batch_id"]
    for path in (f"/{batch}", f"/{batch}/payments", f"/{batch}/report.csv", ""):
        r = await api.get(f"/api/v1/payment-batches{path}", "admin_suzhou")
        assert r.status_code == 403, (path, r.text)
    r = await api.get(f"/api/v1/payment-batches/{batch}", "admin")
    assert r.status_code == 200, r.text


async def test_a_file_naming_a_column_twice_or_both_amounts_is_refused(api: Api) -> None:
    """SPEC PAY-1: a file with amount_fen and amount_yuan (read by the wrong one, a payment is
    100 times off) or a column named twice is refused whole, naming the columns."""
    who = await payer(api)
    number = citizen_number(date(1960, 1, 1))
    for i, header in enumerate(
        [
            "ssn,amount_fen,amount_yuan,kind,period,payer_reference",
            "ssn,社会保障号码,amount_fen,kind,period,payer_reference",
            "ssn,金额（分）,amount_fen,kind,period,payer_reference",
        ]
    ):
        cells = {"ssn": number, "社会保障号码": number, "amount_fen": "100", "金额（分）": "100"}
        row = ",".join(cells.get(h, {"amount_yuan": "1.00", "kind": "pension",
                                     "period": "2026-11"}.get(h, f"R{i}"))
                       for h in header.split(","))  # fmt: skip
        before = await api.counts()
        r = await upload(api, who, f"{header}\n{row}\n", f"AMBIG-{i}")
        assert (r.status_code, r.json()["code"]) == (422, "payment_file_columns_ambiguous"), r.text
        assert r.json()["field"] == "file"
        assert r.json()["detail_zh"]
        assert r.json()["detail_en"]
        assert await api.counts() == before


async def test_a_workbook_whose_columns_start_far_right_is_read(api: Api) -> None:
    """SPEC PAY-1: the payer's own columns may come first; the header past the twelfth
    column was reported missing."""
    from openpyxl import Workbook

    who = await payer(api)
    card = await active_card(api)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    pad = [f"own{i}" for i in range(15)]
    sheet.append([*pad, "ssn", "amount_fen", "kind", "period", "payer_reference"])
    sheet.append([*["x"] * 15, ssn(api, card), 1000, "pension", "2026-11", "WIDE-1"])
    buf = io.BytesIO()
    book.save(buf)
    r = await api.call(
        "POST", "/api/v1/payment-batches/file?reference=WIDE", who, content=buf.getvalue(),
        headers={"Content-Type": XLSX},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["outcomes"]["instructed"]["count"] == 1


async def test_the_same_batch_with_the_number_written_otherwise_is_the_same_batch(
    api: Api,
) -> None:
    """SPEC PAY-1: sending a batch again with the check letter in lower case (or full-width
    digits) is the same batch, answered as the first time, not a reused reference."""
    who = await payer(api)
    number = next(n for n in iter(lambda: citizen_number(date(1960, 1, 1)), "") if n[-1] == "X")
    first = [line(number, 1000, payer_reference="NORM-1")]
    r = await submit(api, who, first, ref="NORM")
    assert r.status_code == 201, r.text
    again = [{**first[0], "ssn": number.lower()}]
    r = await submit(api, who, again, ref="NORM")
    assert (r.status_code, r.json()["duplicate"]) == (200, True), r.text
    wide = number[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "X"
    r = await submit(api, who, [{**first[0], "ssn": wide}], ref="NORM")
    assert (r.status_code, r.json()["duplicate"]) == (200, True), r.text


async def test_values_too_long_for_their_columns_are_problems_of_their_lines(api: Api) -> None:
    """SPEC PAY-1: the lines are stored while they are checked; a cell too long for its column
    breaks the store, yet the payer gets each line's problem, and nothing is kept."""
    who = await payer(api)
    card = await active_card(api)
    number = ssn(api, card)
    text = (
        "ssn,amount_fen,kind,period,payer_reference\n"
        f"{number},100,pension,2026-11,OK-1\n"
        f"{number},100,pension,2026-11-01,OK-2\n"
        f"{number},100,pension,2026-11,{'R' * 41}\n"
        f"{number},100,{'k' * 17},2026-11,OK-3\n"
    )
    before = await api.counts()
    r = await upload(api, who, text, "TOO-LONG")
    assert (r.status_code, r.json()["code"]) == (422, "batch_invalid"), r.text
    fields = [(p["line"], p["field"]) for p in r.json()["problems"]]
    assert fields == [(2, "period"), (3, "payer_reference"), (4, "kind")], fields
    assert await api.counts() == before
