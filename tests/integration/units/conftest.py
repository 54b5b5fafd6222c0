"""The unit channel's fixtures: a unit registered at Changzhou's fast outlet, its agent's API
token, and files of members built as an agent would (issue 13; SPEC APP-3)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from stdnum.cn import uscc

from sscard.units.rules import COLUMNS, TITLE_ZH
from sscard.units.workbook import CSV_MEDIA, XLSX_MEDIA
from tests.support.api import Api
from tests.support.numbers import citizen_number

CLERK = "clerk_fast"  # 3204-HR-002: a fast outlet of Changzhou that takes applications
HEADERS = [c.zh for c in COLUMNS]


def credit_code(n: int) -> str:
    """A valid unified social credit code (GB 32100), different for each n."""
    body = f"91320400MA{n:07d}"
    return body + uscc.calc_check_digit(body)


async def register_unit(api: Api, code: str, as_: str = CLERK, **over: Any) -> httpx.Response:
    body = {"credit_code": code, "name": "常州测试科技有限公司", "kind": "enterprise", **over}
    return await api.post("/api/v1/units", as_, body)


async def agent_token(api: Api, code: str, key: str = "unit") -> str:
    """An API token of a unit_agent actor bound to the unit (as an administrator makes one)."""
    body = {"role": "unit_agent", "display_name": "单位经办（接口）", "unit_code": code}
    r = await api.post("/api/v1/actors", "admin", body)
    assert r.status_code == 201, r.text
    api.tokens[key] = r.json()["token"]
    return key


@pytest.fixture
async def unit(api: Api) -> dict[str, Any]:
    code = credit_code(1)
    r = await register_unit(api, code)
    assert r.status_code == 201, r.text
    return {"code": code, "agent": await agent_token(api, code)}


def member(
    name: str = "测试人",
    number: str | None = None,
    doc: str = "居民身份证",
    **cells: str,
) -> dict[str, str]:
    return {
        "name": name,
        "document_type": doc,
        "document_number": number or citizen_number(date(1990, 1, 15)),
        **cells,
    }


def xlsx(rows: Sequence[dict[str, Any]], *, title: bool = True) -> bytes:
    """A workbook laid out as the template: title, header, one member per row."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([TITLE_ZH])
    sheet.append(HEADERS)
    for i, row in enumerate(rows, start=1):
        values = [row.get(c.key, "") for c in COLUMNS]
        values[0] = row.get("seq", i)
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[dict[str, Any]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return out.getvalue().encode(encoding)


async def upload(
    api: Api,
    data: bytes,
    as_: str = "unit",
    *,
    media: str = XLSX_MEDIA,
    bank: str = "ICBC",
    **params: str,
) -> httpx.Response:
    return await api.call(
        "POST",
        "/api/v1/unit-batches",
        as_,
        content=data,
        headers={"Content-Type": media},
        params={"bank_code": bank, **params},
    )


async def rows_of(api: Api, reference: str, as_: str = "unit") -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/unit-batches/{reference}/rows", as_, params={"limit": 1000})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


CSV = CSV_MEDIA


async def named_agent(api: Api, code: str, username: str) -> dict[str, Any]:
    """An agent named at the counter whose account has signed in before: its password is
    console.PASSWORD and its authenticator enrolled with the returned secret."""
    import pyotp

    from sscard.actors.staff import repository as staff_repo
    from sscard.actors.staff import service as staff
    from sscard.kernel.actor import OPERATOR
    from tests.support.console import PASSWORD

    body = {
        "name": "王经办",
        "document": {"type": "resident_id", "number": citizen_number(date(1980, 5, 5))},
        "phone": "13900001234",
        "username": username,
    }
    r = await api.post(f"/api/v1/units/{code}/agents", CLERK, body)
    assert r.status_code == 201, r.text
    secret = pyotp.random_base32()
    async with api.rt.unit(OPERATOR) as ctx:
        await staff_repo.update_account(
            ctx.conn,
            r.json()["account_id"],
            password_hash=staff.HASHER.hash(PASSWORD),
            must_change_password=False,
            totp_secret_enc=ctx.vault.encrypt(secret),
            totp_enrolled=True,
        )
    return {"username": username, "password": PASSWORD, "secret": secret, **r.json()}
