"""A batch beyond the inline size judged by the worker, a re-upload of the fixed rows, minors
with their guardian, photos to follow, the dashboard's count, and the agent's pages (issue 13
item 6; SPEC APP-3, APP-5, ID-4, CH-1, GOV-6)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import httpx
import pyotp
from openpyxl import load_workbook

from sscard.kernel.runtime import Runtime
from sscard.units import service
from tests.integration.units.conftest import (
    credit_code,
    member,
    named_agent,
    register_unit,
    rows_of,
    upload,
    xlsx,
)
from tests.support.api import Api
from tests.support.numbers import citizen_number
from tests.support.pages import application

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def test_a_large_batch_waits_for_the_worker_and_is_then_all_there(
    api: Api, unit: dict[str, Any], monkeypatch: Any
) -> None:
    """Issue 13: a file over the inline size is stored `received` with its file sealed (202)
    and judged by the worker in one transaction; the rows are then all there."""
    monkeypatch.setattr(service, "INLINE_ROWS", 2)
    people = [await api.person() for _ in range(3)]
    rows = [member(number=api.numbers[p["person_id"]]) for p in people]
    r = await upload(api, xlsx(rows))
    assert r.status_code == 202, r.text
    assert r.headers["location"].endswith(r.json()["reference"])
    assert (r.json()["status"], r.json()["rows_total"]) == ("received", 3)
    assert await api.count("applications") == 0
    done = await api.post("/api/v1/unit-batches/process", "admin")
    assert done.status_code == 200, done.text
    assert done.json()["processed"] == [r.json()["reference"]]
    batch = (await api.get(r.headers["location"], "unit")).json()
    assert (batch["status"], batch["rows_accepted"]) == ("validated", 3)
    assert await api.count("applications") == 3
    again = await api.post("/api/v1/unit-batches/process", "admin")
    assert again.json()["processed"] == []


async def test_the_fixed_rows_of_the_result_workbook_are_uploaded_again(
    api: Api, unit: dict[str, Any]
) -> None:
    """SPEC APP-3: the agent fixes the refused rows in the result workbook's first sheet and
    uploads it again as a new batch: only those rows, now accepted."""
    good = await api.person()
    late = await api.person(photo=False)
    rows = [
        member(number=api.numbers[good["person_id"]]),
        member(number=api.numbers[late["person_id"]]),
    ]
    first = (await upload(api, xlsx(rows))).json()
    assert (first["rows_accepted"], first["rows_refused"]) == (1, 1)
    got = await api.get(f"/api/v1/unit-batches/{first['reference']}/result.xlsx", "unit")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(got.content))
    fix = book.worksheets[0]
    assert fix.cell(row=3, column=4).value == api.numbers[late["person_id"]]
    assert "照片" in str(fix.cell(row=3, column=15).value)
    fix.cell(row=3, column=7).value = "是"  # photo to follow
    out = io.BytesIO()
    book.save(out)
    second = await upload(api, out.getvalue())
    assert second.status_code == 201, second.text
    assert (second.json()["rows_total"], second.json()["rows_accepted"]) == (1, 1)
    [row] = await rows_of(api, second.json()["reference"])
    assert row["photo_pending"] is True


async def test_a_minor_is_accepted_with_a_guardian_and_refused_without(
    api: Api, unit: dict[str, Any]
) -> None:
    """SPEC ID-4: a minor applies through a guardian with proof of guardianship, recorded on
    the application (masked)."""
    child = await api.person(birth=date(2015, 6, 1))
    other = await api.person(birth=date(2016, 6, 1))
    guardian = {
        "guardian_name": "家长",
        "guardian_document_type": "居民身份证",
        "guardian_document_number": citizen_number(date(1985, 1, 1)),
        "guardian_relationship": "父母",
        "guardianship_proof": "户口簿",
    }
    rows = [
        member(number=api.numbers[child["person_id"]], **guardian),
        member(number=api.numbers[other["person_id"]]),
    ]
    r = await upload(api, xlsx(rows))
    result = await rows_of(api, r.json()["reference"])
    assert [row["outcome"] for row in result] == ["accepted", "refused"]
    assert result[1]["refusal"]["code"] == "guardian_required"
    app = await api.get(f"/api/v1/applications/{result[0]['application_reference']}", "admin")
    assert app.json()["representative"]["role"] == "guardian"
    assert "*" in app.json()["representative"]["document_number"]


async def test_the_dashboard_counts_the_batch_by_its_channel(
    api: Api, unit: dict[str, Any]
) -> None:
    """SPEC GOV-6: ApplicationAccepted is published for each accepted row; the dashboard's
    applications by channel include the unit batch."""
    people = [await api.person() for _ in range(2)]
    r = await upload(api, xlsx([member(number=api.numbers[p["person_id"]]) for p in people]))
    assert r.json()["rows_accepted"] == 2
    board = (await api.get("/api/v1/statistics/dashboard", "admin")).json()
    assert "unit_batch" in str(board)


async def test_other_roles_may_not_upload_and_an_unregistered_unit_is_told(
    api: Api, unit: dict[str, Any]
) -> None:
    """SPEC CH-1: only a unit's agent uploads; an agent of a unit not registered is told so."""
    data = xlsx([member()])
    for who in ("clerk_fast", "admin", "hotline", "bank_icbc"):
        r = await upload(api, data, who)
        assert (r.status_code, r.json()["code"]) == (403, "forbidden"), who
    from tests.integration.units.conftest import agent_token

    await agent_token(api, credit_code(99), "stranger")
    r = await upload(api, data, "stranger")
    assert (r.status_code, r.json()["code"]) == (404, "unit_not_registered")
    r = await upload(api, data, bank="NOPE")
    assert (r.status_code, r.json()["code"]) == (422, "bank_not_cooperating")
    assert await api.count("unit_batches") == 0


async def test_a_batch_is_seen_by_its_unit_and_outlet_only(api: Api, unit: dict[str, Any]) -> None:
    """SPEC CH-1: another unit's agent and another outlet's clerk get not found."""
    person = await api.person()
    ref = (await upload(api, xlsx([member(number=api.numbers[person["person_id"]])]))).json()[
        "reference"
    ]
    other = credit_code(50)
    assert (await register_unit(api, other, "clerk_instant")).status_code == 201
    from tests.integration.units.conftest import agent_token

    await agent_token(api, other, "other_unit")
    seen = {
        who: (await api.get(f"/api/v1/unit-batches/{ref}/rows", who)).status_code
        for who in ("unit", "clerk_fast", "admin", "other_unit", "clerk_instant", "admin_suzhou")
    }
    assert seen == {
        "unit": 200,
        "clerk_fast": 200,
        "admin": 200,
        "other_unit": 404,
        "clerk_instant": 404,
        "admin_suzhou": 404,
    }


async def _signed_in(client: httpx.AsyncClient, agent: dict[str, Any], rt: Runtime) -> str:
    page = await client.get("/signin")
    token = TOKEN.search(page.text)
    assert token is not None
    form = {"csrf_token": token.group(1), "username": agent["username"]}
    r = await client.post("/signin", data={**form, "password": agent["password"]})
    assert r.status_code == 303, r.text
    page = await client.get("/signin/code")
    token = TOKEN.search(page.text)
    assert token is not None
    code = pyotp.TOTP(agent["secret"]).at(rt.clock.now())
    r = await client.post("/signin/code", data={"csrf_token": token.group(1), "code": code})
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


async def test_an_agent_signs_in_to_the_portal_of_their_own_unit_only(
    api: Api, rt: Runtime, unit: dict[str, Any]
) -> None:
    """SPEC CH-1, APP-3: a named agent signs in at /signin like staff, lands on /unit and sees
    their unit; the counter, another unit's batch and the API's clerk operations stay shut."""
    agent = await named_agent(api, unit["code"], "agent.portal")
    other = credit_code(51)
    assert (await register_unit(api, other, "clerk_instant")).status_code == 201
    from tests.integration.units.conftest import agent_token

    await agent_token(api, other, "other_unit")
    person = await api.person()
    theirs = await upload(
        api, xlsx([member(number=api.numbers[person["person_id"]])]), "other_unit"
    )
    transport = httpx.ASGITransport(app=application(rt), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://sscard.test") as client:
        assert await _signed_in(client, agent, rt) == "/unit"
        home = await client.get("/unit")
        assert home.status_code == 200
        assert "常州测试科技有限公司" in home.text
        assert unit["code"] in home.text
        assert (await client.get("/counter")).status_code == 403
        assert (await client.get("/counter/units")).status_code == 403
        other_batch = await client.get(f"/unit/batches/{theirs.json()['reference']}")
        assert other_batch.status_code == 404
        template = await client.get("/unit/template.xlsx")
        assert template.status_code == 200
        book = load_workbook(io.BytesIO(template.content))
        assert book.worksheets[0]["A1"].value == "江苏省社会保障卡申领登记表"
