"""The pages of the unit channel over HTTP (issue 13 items 5 and 6; SPEC APP-3): the clerk's
counter registers a unit and names an agent (the password shown once); the agent's upload form
refuses a file that is not the form next to the file field, storing nothing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx
import pyotp

from sscard.kernel.actor import Role
from sscard.kernel.runtime import Runtime
from tests.integration.units.conftest import credit_code, named_agent, register_unit
from tests.support.api import Api
from tests.support.console import make_staff
from tests.support.numbers import citizen_number
from tests.support.pages import application

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found is not None
    return found.group(1)


async def _sign_in(
    client: httpx.AsyncClient, rt: Runtime, username: str, password: str, secret: str
) -> None:
    page = await client.get("/signin")
    form = {"csrf_token": _token(page.text), "username": username, "password": password}
    assert (await client.post("/signin", data=form)).status_code == 303
    page = await client.get("/signin/code")
    code = pyotp.TOTP(secret).at(rt.clock.now())
    r = await client.post("/signin/code", data={"csrf_token": _token(page.text), "code": code})
    assert r.status_code == 303


def _client(rt: Runtime) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=application(rt), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="https://sscard.test")


async def test_a_clerk_registers_a_unit_and_names_its_agent_at_the_counter(
    api: Api, rt: Runtime
) -> None:
    """SPEC APP-3: through the counter's pages, as through the API; a bad code is told next to
    its field and nothing is stored."""
    clerk = await make_staff(rt, "clerk.units", Role.OUTLET_CLERK, outlet_code="3204-HR-002")
    code = credit_code(41)
    async with _client(rt) as client:
        await _sign_in(client, rt, clerk.username, clerk.password, clerk.secret)
        page = await client.get("/counter/units")
        assert page.status_code == 200
        form = {"csrf_token": _token(page.text), "name": "常州学校", "kind": "school",
                "basis": "credit_code_certificate", "credit_code": code[:-1] + "0"}  # fmt: skip
        bad = await client.post("/counter/units", data=form)
        assert bad.status_code == 422
        assert "统一社会信用代码" in bad.text
        assert await api.count("units") == 0
        done = await client.post("/counter/units", data={**form, "credit_code": code})
        assert (done.status_code, done.headers["location"]) == (303, f"/counter/units/{code}")
        page = await client.get(f"/counter/units/{code}")
        agent = {"csrf_token": _token(page.text), "name": "李经办", "type": "resident_id",
                 "number": citizen_number(date(1982, 2, 2)), "phone": "13900002222",
                 "username": "school.agent"}  # fmt: skip
        named = await client.post(f"/counter/units/{code}/agents", data=agent)
        assert named.status_code == 201
        assert 'id="initial-password"' in named.text
        again = await client.get(f"/counter/units/{code}")
        assert 'id="initial-password"' not in again.text
        assert "李**" in again.text


async def test_the_upload_form_refuses_a_renamed_pdf_next_to_the_file_field(
    api: Api, rt: Runtime
) -> None:
    """Issue 13: a clear answer in the page, nothing stored."""
    code = credit_code(42)
    assert (await register_unit(api, code)).status_code == 201
    agent: dict[str, Any] = await named_agent(api, code, "agent.form")
    async with _client(rt) as client:
        await _sign_in(client, rt, agent["username"], agent["password"], agent["secret"])
        page = await client.get("/unit/upload")
        assert page.status_code == 200
        assert "30个自然日" in page.text
        r = await client.post(
            "/unit/upload",
            data={"csrf_token": _token(page.text), "bank_code": "ICBC", "delivery": "unit_agent"},
            files={"file": ("members.xlsx", b"%PDF-1.7\n%%EOF", "application/pdf")},
        )
        assert r.status_code == 422
        assert 'id="e-file"' in r.text
        assert "不是Excel工作簿" in r.text
    assert await api.count("unit_batches") == 0
