"""Card cancellation through the HTTP API (SPEC CAN-1..5, JUR-2, ID-3, CH-2)."""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Awaitable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select

from sscard.applications.models import applications
from sscard.cards.cancellation import extensions as ub
from sscard.cards.cancellation.models import cancellation_representatives
from sscard.cards.cancellation.schemas import (
    CancellationPage,
    CancellationSummary,
    CancellationView,
)
from sscard.kernel.actor import OPERATOR
from sscard.kernel.ctx import Ctx
from sscard.platform.outbox.models import outbox
from tests.support.api import Api
from tests.support.numbers import citizen_number

TABLES = ("cancellations", "cancellation_representatives", "sequences")


def family(relationship: str | None = "spouse") -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "李家属",
        "document": {"type": "resident_id", "number": citizen_number(date(1962, 5, 5))},
    }
    if relationship is not None:
        body["relationship"] = relationship
    return body


def agent() -> dict[str, Any]:
    return {
        "name": "王代理",
        "relationship": "other",
        "document": {"type": "resident_id", "number": citizen_number(date(1975, 7, 7))},
    }


def death(**over: Any) -> dict[str, Any]:
    body = {
        "reason": "death",
        "card_presented": True,
        "police_certificate_number": "常公证字2026第0815号",
        "representative": family(),
    }
    return _with(body, over)


def transfer(card: dict[str, Any], **over: Any) -> dict[str, Any]:
    body = {
        "reason": "transfer_out_of_province",
        "card_presented": True,
        "transfer_certificate_number": "ZY320400202611230001",
        "holder_document": card["document"],
    }
    return _with(body, over)


def abroad(**over: Any) -> dict[str, Any]:
    body = {"reason": "settled_abroad", "police_certificate_number": "DJ2026-0042"}
    return _with(body, over)


def _with(body: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """The body with `over` applied; a value of None removes the member."""
    out = {**body, **over}
    return {k: v for k, v in out.items() if v is not None}


async def cancel(
    api: Api, card: dict[str, Any], body: dict[str, Any], as_: str = "clerk_instant"
) -> httpx.Response:
    await api.present_holder(card["card_number"], as_)
    return await api.post(f"/api/v1/cards/{card['card_number']}/cancel", as_, body)


async def snapshot(api: Api) -> dict[str, int]:
    return {**await api.counts(), **{t: await api.count(t) for t in TABLES}}


async def refused(
    api: Api, call: Awaitable[httpx.Response], status: int, code: str, rule: str | None
) -> dict[str, Any]:
    """Run a request that must be refused and must leave every table as it was."""
    before = await snapshot(api)
    r = await call
    assert r.status_code == status, r.text
    problem: dict[str, Any] = r.json()
    assert (problem["code"], problem["rule"]) == (code, rule), problem
    assert problem["detail_zh"]
    assert problem["detail_en"]
    assert await snapshot(api) == before
    return problem


async def hr_status(api: Api, card: dict[str, Any]) -> str:
    r = await api.get(f"/api/v1/cards/{card['card_number']}", "admin")
    assert r.status_code == 200, r.text
    state: str = r.json()["hr_status"]
    return state


async def outbox_rows(api: Api, topic: str) -> list[dict[str, Any]]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        stmt = select(outbox).where(outbox.c.topic == topic).order_by(outbox.c.id)
        return [dict(r._mapping) for r in await ctx.conn.execute(stmt)]


async def new_actor(api: Api, key: str, **body: Any) -> str:
    r = await api.post("/api/v1/actors", "admin", {"display_name": key, **body})
    assert r.status_code == 201, r.text
    api.tokens[key] = r.json()["token"]
    return key


async def suzhou_card(api: Api) -> dict[str, Any]:
    """A collected card of a Suzhou person, applied for at Suzhou's (fast) HR outlet."""
    doc = {"type": "resident_id", "number": citizen_number(date(1985, 2, 2))}
    person = await api.person("clerk_suzhou", city_code="3205", document=doc)
    r = await api.submit(person["person_id"], "clerk_suzhou")
    assert r.status_code == 201, r.text
    ref = r.json()["reference"]
    for action in ("start-production", "finish-production", "deliver-to-outlet"):
        assert (await api.step(ref, action)).status_code == 200
    r = await api.post(f"/api/v1/applications/{ref}/collect", "clerk_suzhou", {"document": doc})
    assert r.status_code == 200, r.text
    number = r.json()["card"]["card_number"]
    return {"card_number": number, "person_id": person["person_id"], "document": doc}


def pdf_text(pdf: bytes) -> str:
    """The strings drawn on the page: ASCII85 + Flate content, UTF-16 text of the CID font."""
    out: list[str] = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = m.group(1).strip().removesuffix(b"~>")
        content = zlib.decompress(base64.a85decode(raw))
        for s in re.finditer(rb"\(((?:\\[0-7]{1,3}|\\.|[^\\)])*)\) Tj", content, re.S):
            out.append(_unescape(s.group(1)).decode("utf-16-be"))
    return "\n".join(out)


def _unescape(s: bytes) -> bytes:
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(m: re.Match[bytes]) -> bytes:
        esc = m.group(1)
        if esc[:1].isdigit():
            return bytes([int(esc, 8)])
        return simple.get(esc, esc)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, s, flags=re.S)


# ---- the three reasons ----


async def test_death_cancelled_by_a_family_member(api: Api) -> None:
    """SPEC CAN-1/CAN-3/CAN-4: a family member's ID, relationship, card, police certificate."""
    card = await api.card()
    body = death()
    r = await cancel(api, card, body)
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["reason"] == "death"
    assert c["rule"] == "CAN-1"
    assert c["presenter"] == "family_member"
    assert c["card"]["hr_status"] == "cancelled"
    assert c["card"]["financial_status"] == "account_requested"  # the bank's, until it closes
    assert c["outlet_code"] == "3204-HR-001"
    assert c["city_code"] == "3204"
    assert c["reference"].startswith("ZX32042026112")
    assert c["notice"]["pdf"] == f"/api/v1/cancellations/{c['reference']}/notice.pdf"
    assert "持卡人承担" in c["notices"]["losses_on_holder"]["zh"]  # SPEC CAN-2
    assert "工商银行" in c["notices"]["next_step"]["zh"]  # SPEC CAN-3
    rep = c["representative"]
    full = body["representative"]["document"]["number"]
    assert rep["relationship"] == "spouse"
    assert rep["name"] == "李**"
    assert rep["document_number"] != full
    assert "*" in rep["document_number"]
    assert full not in r.text
    assert card["document"]["number"] not in r.text
    assert await hr_status(api, card) == "cancelled"


async def test_representative_document_is_stored_encrypted(api: Api) -> None:
    """SPEC ID-6: the family member's ID number is encrypted at rest, like an agent's."""
    card = await api.card()
    body = death()
    assert (await cancel(api, card, body)).status_code == 201
    number = body["representative"]["document"]["number"]
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        row = (await ctx.conn.execute(select(cancellation_representatives))).one()._mapping
        assert number.encode() not in row["number_enc"]
        assert ctx.vault.decrypt(row["number_enc"]) == number
        assert row["number_index"] == ctx.vault.index(number)
        assert ctx.vault.decrypt(row["name_enc"]) == "李家属"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"representative": None}, "representative"),
        ({"representative": family(relationship=None)}, "representative.relationship"),
        ({"card_presented": False}, "card_presented"),
        ({"police_certificate_number": None}, "police_certificate_number"),
    ],
)
async def test_death_refused_for_each_missing_document(
    api: Api, over: dict[str, Any], field: str
) -> None:
    """SPEC CAN-4: each document a death needs is named when missing; nothing changes."""
    card = await api.card()
    call = cancel(api, card, death(**over))
    problem = await refused(api, call, 422, "missing_cancellation_document", "CAN-4")
    assert problem["field"] == field
    assert await hr_status(api, card) == "active"


async def test_death_refused_when_the_family_member_shows_the_holders_id(api: Api) -> None:
    """SPEC CAN-4: the family member brings their own ID, not the holder's."""
    card = await api.card()
    rep = {**family(), "document": card["document"]}
    call = cancel(api, card, death(representative=rep))
    await refused(api, call, 422, "representative_is_holder", "CAN-4")


async def test_representative_document_is_validated(api: Api) -> None:
    """SPEC ID-2 / CAN-4: a bad check digit in the family member's ID is refused by field."""
    card = await api.card()
    rep = family()
    number = rep["document"]["number"]
    rep["document"]["number"] = number[:17] + ("0" if number[17] != "0" else "1")
    problem = await refused(
        api, cancel(api, card, death(representative=rep)), 422, "invalid_document_number", "ID-2"
    )
    assert problem["field"] == "representative.document.number"


async def test_transfer_out_of_province_then_the_person_applies_again(api: Api) -> None:
    """SPEC JUR-2 / CAN-5 / ID-3: transfer ends in cancellation; a new first application works."""
    card = await api.card()
    r = await cancel(api, card, transfer(card), as_="clerk_fast")  # any HR outlet of the city
    assert r.status_code == 201, r.text
    assert (r.json()["reason"], r.json()["rule"], r.json()["presenter"]) == (
        "transfer_out_of_province",
        "JUR-2",
        "holder",
    )
    assert r.json()["outlet_code"] == "3204-HR-002"
    again = await api.submit(card["person_id"])
    assert again.status_code == 201, again.text
    assert again.json()["kind"] == "first"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"holder_document": None}, "holder_document"),
        ({"transfer_certificate_number": None}, "transfer_certificate_number"),
        ({"card_presented": False}, "card_presented"),
    ],
)
async def test_transfer_refused_for_each_missing_document(
    api: Api, over: dict[str, Any], field: str
) -> None:
    """SPEC CAN-4 / JUR-2: holder's ID, transfer certificate, card — each named when missing."""
    card = await api.card()
    call = cancel(api, card, transfer(card, **over))
    problem = await refused(api, call, 422, "missing_cancellation_document", "CAN-4")
    assert problem["field"] == field


async def test_transfer_refused_with_someone_elses_id(api: Api) -> None:
    """SPEC CAN-4: the holder's ID is checked against the card's person."""
    card = await api.card()
    other = await api.card()
    call = cancel(api, card, transfer(card, holder_document=other["document"]))
    problem = await refused(api, call, 422, "not_the_holders_document", "CAN-4")
    assert problem["field"] == "holder_document.number"


async def test_transfer_refused_through_an_agent(api: Api) -> None:
    """SPEC CAN-4: for a transfer the holder comes in person."""
    card = await api.card()
    call = cancel(api, card, transfer(card, representative=agent()))
    await refused(api, call, 422, "cancellation_presenter_not_accepted", "CAN-4")


# ---- settling abroad: city policy (CAN-4, CITY-3) ----


async def test_settling_abroad_in_changzhou_takes_an_agent_not_the_holder(api: Api) -> None:
    """SPEC CAN-4: Changzhou's policy (abroad_cancellation_by = agent) [001]."""
    policy = (await api.get("/api/v1/cities/3204", "admin")).json()["policy_in_force"]
    assert policy["abroad_cancellation_by"] == ["agent"]
    card = await api.card()
    holder = cancel(api, card, abroad(holder_document=card["document"]))
    problem = await refused(api, holder, 422, "cancellation_presenter_not_accepted", "CAN-4")
    assert "代理人" in problem["detail_zh"]
    nobody = await refused(
        api, cancel(api, card, abroad()), 422, "missing_cancellation_document", "CAN-4"
    )
    assert nobody["field"] == "representative"
    no_cert = cancel(api, card, abroad(representative=agent(), police_certificate_number=None))
    problem = await refused(api, no_cert, 422, "missing_cancellation_document", "CAN-4")
    assert problem["field"] == "police_certificate_number"

    r = await cancel(api, card, abroad(representative=agent()))
    assert r.status_code == 201, r.text
    assert (r.json()["presenter"], r.json()["representative"]["role"]) == ("agent", "agent")


async def test_settling_abroad_in_suzhou_takes_the_holder_not_an_agent(api: Api) -> None:
    """SPEC CAN-4: Suzhou's policy (abroad_cancellation_by = holder) [003]."""
    policy = (await api.get("/api/v1/cities/3205", "admin")).json()["policy_in_force"]
    assert policy["abroad_cancellation_by"] == ["holder"]
    card = await suzhou_card(api)
    by_agent = cancel(api, card, abroad(representative=agent()), as_="clerk_suzhou")
    problem = await refused(api, by_agent, 422, "cancellation_presenter_not_accepted", "CAN-4")
    assert "持卡人本人" in problem["detail_zh"]

    body = abroad(holder_document=card["document"])
    r = await cancel(api, card, body, as_="clerk_suzhou")
    assert r.status_code == 201, r.text
    assert r.json()["presenter"] == "holder"
    assert r.json()["representative"] is None
    assert r.json()["reference"].startswith("ZX3205")


async def test_settling_abroad_follows_a_policy_changed_by_the_admin(api: Api) -> None:
    """SPEC CAN-4 / CITY-3: a new Changzhou policy letting the holder come is obeyed at once."""
    rules = (await api.get("/api/v1/cities/3204", "admin")).json()["policy_in_force"]
    rules.pop("effective_from")
    card = await api.card()
    body = abroad(holder_document=card["document"])
    await refused(api, cancel(api, card, body), 422, "cancellation_presenter_not_accepted", "CAN-4")
    rules["abroad_cancellation_by"] = ["holder"]
    r = await api.post(
        "/api/v1/cities/3204/policies", "admin", {"effective_from": "2026-11-23", "rules": rules}
    )
    assert r.status_code == 201, r.text
    ok = await cancel(api, card, body)
    assert ok.status_code == 201, ok.text


# ---- where and who (CAN-3, CH-1, GOV-1) ----


async def test_refused_at_a_bank_outlet(api: Api) -> None:
    """SPEC CAN-3: the hr function is cancelled at an HR outlet, never at a bank counter."""
    card = await api.card()
    changzhou_bank = await new_actor(
        api, "clerk_changzhou_bank", role="outlet_clerk", outlet_code="3204-BANK-001"
    )
    for clerk in (changzhou_bank, "clerk_nanjing_bank"):
        call = cancel(api, card, death(), as_=clerk)
        await refused(api, call, 403, "outlet_does_not_offer", "GOV-1")
    assert await hr_status(api, card) == "active"


async def test_refused_at_an_hr_outlet_of_another_city(api: Api) -> None:
    """SPEC CAN-3 / APP-1: only the card-management city cancels its card."""
    card = await api.card()
    for clerk in ("clerk_nantong", "clerk_suzhou"):
        call = cancel(api, card, death(), as_=clerk)
        problem = await refused(api, call, 403, "not_card_management_city", "CAN-3")
        assert "常州" in problem["detail_zh"]


async def test_refused_to_hotline_and_cardholder(api: Api) -> None:
    """SPEC CH-1 / CAN-3: neither the 12333 hotline nor the holder online may cancel."""
    card = await api.card()
    holder = await new_actor(api, "holder", role="cardholder", person_id=card["person_id"])
    for who in ("hotline", holder, "admin", "bank_icbc"):
        await refused(api, cancel(api, card, death(), as_=who), 403, "forbidden", "CH-1")


# ---- unfinished business (CAN-2) ----


async def _open_application(api: Api, person_id: int, reference: str) -> None:
    """An application still in progress for a card holder (as a replacement or upgrade is)."""
    async with api.rt.unit(OPERATOR) as ctx:
        now = ctx.now
        await ctx.conn.execute(
            insert(applications).values(
                reference=reference,
                person_id=person_id,
                kind="upgrade",
                channel="hr_outlet",
                city_code="3204",
                bank_code="ICBC",
                making="fast",
                status="in_production",
                fee_fen=0,
                accepted_on=ctx.today,
                version=1,
                accepted_at=now,
                updated_at=now,
            )
        )


async def test_refused_while_an_application_is_open(api: Api) -> None:
    """SPEC CAN-2: all HR business finished first; each open item is named, with the way
    forward: withdraw the application (issue 11)."""
    card = await api.card()
    ref = "SQ32042026112399999999"
    await _open_application(api, card["person_id"], ref)
    problem = await refused(api, cancel(api, card, death()), 409, "unfinished_hr_business", "CAN-2")
    step = f"POST /api/v1/applications/{ref}/withdraw"
    assert problem["unfinished"] == [
        {
            "kind": "open_application",
            "reference": ref,
            "label_zh": "未办结的社保卡升级换代",
            "label_en": "card application in progress (upgrade, in_production)",
            "next_step_zh": f"请先撤回申领{ref}：{step}",
            "next_step_en": f"withdraw application {ref} first: {step}",
            "next_step": step,
        }
    ]
    assert ref in problem["detail_zh"]
    assert f"请先撤回申领{ref}：{step}" in problem["detail_zh"]
    assert f"withdraw application {ref} first: {step}" in problem["detail_en"]


async def test_checks_registered_by_other_modules_are_asked_too(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SPEC CAN-2: another kind of business registers its check; the refusal names it."""

    async def unsettled_benefit(ctx: Ctx, person_id: int) -> list[ub.Unfinished]:
        return [ub.Unfinished("unsettled_benefit", f"DY{person_id}", "待结算待遇", "benefit")]

    monkeypatch.setattr(ub, "CHECKS", list(ub.CHECKS))
    ub.register(unsettled_benefit)
    card = await api.card()
    await _open_application(api, card["person_id"], "SQ32042026112399999998")
    problem = await refused(api, cancel(api, card, death()), 409, "unfinished_hr_business", "CAN-2")
    kinds = [u["kind"] for u in problem["unfinished"]]
    assert kinds == ["open_application", "unsettled_benefit"]


# ---- the notice to the bank (CAN-3) and history (CH-2) ----


async def test_bank_gets_a_closure_message_without_personal_data(api: Api) -> None:
    """SPEC CAN-3 / ID-6: an outbox message to the card's bank; card number and notice only."""
    card = await api.card()
    body = death()
    r = await cancel(api, card, body)
    assert r.status_code == 201, r.text
    (msg,) = await outbox_rows(api, "bank.account_closure_requested")
    assert msg["recipient"] == "ICBC"
    assert msg["payload"]["notice_reference"] == r.json()["reference"]
    assert msg["payload"]["card_number"] == card["card_number"]
    assert msg["payload"]["reason"] == "death"
    text = str(msg["payload"])
    assert card["document"]["number"] not in text
    assert body["representative"]["document"]["number"] not in text
    assert "测试人" not in text
    assert "李家属" not in text
    status = await outbox_rows(api, "bank.card_status_changed")
    assert status[-1]["payload"]["hr_status"] == "cancelled"
    assert status[-1]["id"] < msg["id"]  # same card ordering key: status change first


async def test_history_records_who_where_and_why(api: Api) -> None:
    """SPEC CH-2: the cancel event with channel, outlet and reason in the card's history."""
    card = await api.card()
    assert (await cancel(api, card, transfer(card))).status_code == 201
    r = await api.get(f"/api/v1/cards/{card['card_number']}/history", "admin")
    last = r.json()[-1]
    assert (last["event"], last["from_state"], last["to_state"]) == (
        "cancel",
        "active",
        "cancelled",
    )
    assert (last["channel"], last["role"], last["reason"]) == (
        "hr_outlet",
        "outlet_clerk",
        "transfer_out_of_province",
    )
    assert last["outlet_id"] is not None


async def test_closure_notice_pdf_prints_masked_data(api: Api) -> None:
    """SPEC CAN-3 / ID-6: a printable PDF with masked name and ID, card, bank, reason, outlet."""
    card = await api.card()
    c = (await cancel(api, card, death())).json()
    r = await api.get(c["notice"]["pdf"], "clerk_other")  # any outlet of the city prints it
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 2000
    assert b"ReportLab" in pdf
    text = pdf_text(pdf)
    for shown in (
        "金融销户通知书",
        c["reference"],
        card["card_number"],
        "中国工商银行",
        "死亡",
        "常州市社会保障卡管理服务中心",
        c["person"]["name"],
        c["person"]["social_security_number"],
        "2026年11月23日",
        "银行经办人签字",
    ):
        assert shown in text, shown
    assert card["document"]["number"] not in text
    assert card["document"]["number"].encode() not in pdf
    assert "测试人" not in text


async def test_notice_and_cancellation_seen_by_the_cards_bank_only(api: Api) -> None:
    """SPEC CAN-3 / ID-6: the bank reads its own cards' notices; other parties see nothing."""
    card = await api.card()
    c = (await cancel(api, card, death())).json()
    ref = c["reference"]
    jnrcb = await new_actor(api, "bank_jnrcb", role="bank_system", bank_code="JNRCB")
    for who in ("bank_icbc", "admin", "clerk_instant"):
        assert (await api.get(f"/api/v1/cancellations/{ref}", who)).status_code == 200
        assert (await api.get(c["notice"]["pdf"], who)).status_code == 200
    for who in (jnrcb, "clerk_nantong"):
        assert (await api.get(f"/api/v1/cancellations/{ref}", who)).status_code == 404
        assert (await api.get(c["notice"]["pdf"], who)).status_code == 404
    assert (await api.get(c["notice"]["pdf"], "hotline")).status_code == 403

    mine = await api.get(f"/api/v1/cancellations?card_number={card['card_number']}", "bank_icbc")
    assert [i["reference"] for i in mine.json()["items"]] == [ref]
    theirs = await api.get("/api/v1/cancellations", jnrcb)
    assert theirs.json() == {"items": [], "next_after": None}


async def test_bank_lists_its_notices_page_by_page(api: Api) -> None:
    """SPEC CAN-3: a bank walks its closure notices with a keyset cursor."""
    refs = []
    for _ in range(3):
        card = await api.card()
        refs.append((await cancel(api, card, transfer(card))).json()["reference"])
    first = (await api.get("/api/v1/cancellations?limit=2", "bank_icbc")).json()
    assert [i["reference"] for i in first["items"]] == refs[:2]
    rest = await api.get(f"/api/v1/cancellations?limit=2&after={first['next_after']}", "bank_icbc")
    assert [i["reference"] for i in rest.json()["items"]] == refs[2:]
    assert rest.json()["next_after"] is None


# ---- dead for good (CAN-5) ----


async def test_cancelled_card_never_returns(api: Api) -> None:
    """SPEC CAN-5: no transition out of cancelled; every use is refused as card_dead."""
    card = await api.card()
    n = card["card_number"]
    assert (await cancel(api, card, death())).status_code == 201
    await api.present_holder(n, "hotline")
    for path, who in (("temporary-loss", "hotline"), ("unlock", "hotline")):
        call = api.post(f"/api/v1/cards/{n}/{path}", who)
        await refused(api, call, 409, "card_transition_refused", None)
    await refused(api, cancel(api, card, death()), 409, "card_transition_refused", None)
    r = await api.get(f"/api/v1/cards/{n}/may-use?use=medical", "admin")
    assert (r.json()["allowed"], r.json()["code"], r.json()["rule"]) == (
        False,
        "card_dead",
        "CAN-5",
    )


async def test_a_temporarily_lost_card_is_cancelled_without_handing_it_in(api: Api) -> None:
    """SPEC CAN-3/CAN-4: cancel from a loss state; a lost card cannot be presented."""
    card = await api.card()
    n = card["card_number"]
    await api.present_holder(n, "hotline")
    assert (await api.post(f"/api/v1/cards/{n}/temporary-loss", "hotline")).status_code == 200
    r = await cancel(api, card, death(card_presented=False))
    assert r.status_code == 201, r.text
    last = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()[-1]
    assert (last["from_state"], last["to_state"]) == ("temporarily_lost", "cancelled")


async def test_idempotent_retry_returns_the_same_cancellation(api: Api) -> None:
    """SPEC CAN-3: a retried cancel with the same Idempotency-Key issues one notice only."""
    card = await api.card()
    body = death()
    key = {"Idempotency-Key": "cancel-once"}
    path = f"/api/v1/cards/{card['card_number']}/cancel"
    first = await api.post(path, "clerk_instant", body, headers=key)
    again = await api.post(path, "clerk_instant", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json()["reference"] == again.json()["reference"]
    assert await api.count("cancellations") == 1


async def test_answers_match_the_documented_shapes(api: Api) -> None:
    """The OpenAPI document tells the truth about cancellation answers (CAN-3)."""
    card = await api.card()
    c = (await cancel(api, card, death())).json()
    CancellationView.model_validate(c)
    assert set(c) == set(CancellationView.model_fields)
    page = (await api.get("/api/v1/cancellations", "admin")).json()
    CancellationPage.model_validate(page)
    assert set(page["items"][0]) == set(CancellationSummary.model_fields)
    spec = (await api.client.get("/openapi.json")).json()
    paths = spec["paths"]
    assert "409" in paths["/api/v1/cards/{card_number}/cancel"]["post"]["responses"]
    pdf = paths["/api/v1/cancellations/{reference}/notice.pdf"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]


async def test_a_city_centre_lists_its_own_citys_cancellations_only(api: Api) -> None:
    """Issue 11's city scope, for the list too (found in issue 12): a Suzhou centre administrator
    listed Changzhou's cancellations while reading one of them was refused."""
    card = await api.card()  # Changzhou
    ref = (await cancel(api, card, death())).json()["reference"]
    suzhou = await api.get("/api/v1/cancellations", "admin_suzhou")
    assert suzhou.json() == {"items": [], "next_after": None}
    province = await api.get("/api/v1/cancellations", "admin")
    assert [i["reference"] for i in province.json()["items"]] == [ref]
