"""Unit batches for the tests of what follows an upload (issue 13 items 6-8): a unit registered
at a Changzhou fast outlet with a named agent, and a batch uploaded by that agent — all through
the units context's own API (register the unit, name the agent, upload the CSV form), so the
batch, its rows and its applications are exactly what an upload stores.

Every member is registered at the counter first (the upload takes registered persons); those
marked "照片后补" (photo to follow) have no photo on record and owe it (APP-3, APP-5). The file's
header is its row 1, so member i is on row i + 1 (`rows`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from sscard.units.rules import COLUMNS
from sscard.units.workbook import CSV_MEDIA
from tests.support.api import ADULT_BIRTH, Api
from tests.support.numbers import citizen_number, wrong_check_digit

UNIT_CODE = "91320400MA1W2X3Y4K"
OUTLET = "3204-HR-002"  # fast making, takes applications and collections
CLERK = "clerk_fast"


@dataclass(frozen=True)
class RegisteredUnit:
    credit_code: str
    agent: str  # the key of the agent's API token in api.tokens
    agent_document: dict[str, str]
    agent_username: str  # the agent's console account
    agent_account_id: int


@dataclass(frozen=True)
class UnitBatch:
    reference: str
    unit: RegisteredUnit
    applications: list[str]  # the accepted members' application references, in row order
    numbers: list[str]  # the accepted members' document numbers, in row order
    rows: list[int]  # the accepted members' row numbers in the file
    pending_rows: list[int]  # row numbers whose photo the unit owes
    refused_rows: list[int]

    @property
    def agent(self) -> str:
        return self.unit.agent

    @property
    def agent_document(self) -> dict[str, str]:
        return self.unit.agent_document


async def registered_unit(api: Api, credit_code: str = UNIT_CODE) -> RegisteredUnit:
    """The unit, registered once per test at OUTLET, its named agent (a console account) and an
    API token of a unit_agent actor bound to it."""
    known: dict[str, RegisteredUnit] = api.__dict__.setdefault("registered_units", {})
    if credit_code in known:
        return known[credit_code]
    body = {"credit_code": credit_code, "name": "常州市测试科技有限公司", "kind": "enterprise"}
    r = await api.post("/api/v1/units", CLERK, body)
    assert r.status_code == 201, r.text
    document = {"type": "resident_id", "number": citizen_number(ADULT_BIRTH)}
    username = f"agent.{credit_code[-6:].lower()}"
    naming = {"name": "王经办", "document": document, "phone": "13900000001", "username": username}
    r = await api.post(f"/api/v1/units/{credit_code}/agents", CLERK, naming)
    assert r.status_code == 201, r.text
    account_id = int(r.json()["account_id"])
    token = {"role": "unit_agent", "display_name": "单位经办（接口）", "unit_code": credit_code}
    r = await api.post("/api/v1/actors", "admin", token)
    assert r.status_code == 201, r.text
    key = f"unit_agent:{credit_code}"
    api.tokens[key] = r.json()["token"]
    known[credit_code] = RegisteredUnit(credit_code, key, document, username, account_id)
    return known[credit_code]


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.zh for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


async def unit_batch(
    api: Api,
    members: int = 3,
    *,
    pending: tuple[int, ...] = (),
    refused: int = 0,
    credit_code: str = UNIT_CODE,
) -> UnitBatch:
    """A batch uploaded by the unit's agent: `members` accepted rows (1..members; those in
    `pending` marked photo to follow, the others registered at the counter with a photo first)
    and `refused` rows after them (a document number with a wrong check digit)."""
    unit = await registered_unit(api, credit_code)
    rows: list[dict[str, str]] = []
    numbers: list[str] = []
    for i in range(1, members + 1):
        # A birthday per member: the generated numbers repeat after 500 on one birthday.
        birth = ADULT_BIRTH - timedelta(days=i + 40 * len(api.__dict__["registered_units"]))
        number = citizen_number(birth)
        document = {"type": "resident_id", "number": number}
        await api.person(CLERK, photo=i not in pending, birth=birth, document=document)
        numbers.append(number)
        rows.append(
            {
                "seq": str(i),
                "name": "测试人",  # as registered (tests.support.api)
                "document_type": "居民身份证",
                "document_number": number,
                "photo_to_follow": "是" if i in pending else "否",
            }
        )
    for j in range(refused):
        bad = wrong_check_digit(citizen_number(ADULT_BIRTH))
        rows.append(
            {"name": "错号人", "document_type": "居民身份证", "document_number": bad, "seq": str(j)}
        )
    r = await api.call(
        "POST",
        "/api/v1/unit-batches",
        unit.agent,
        content=_csv(rows),
        headers={"Content-Type": CSV_MEDIA},
        params={"bank_code": "ICBC", "file_name": "members.csv"},
    )
    assert r.status_code == 201, r.text
    reference = r.json()["reference"]
    assert r.json()["rows_accepted"] == members, r.text
    listed = await api.get(
        f"/api/v1/units/batches/{reference}/members", unit.agent, params={"limit": 1000}
    )
    assert listed.status_code == 200, listed.text
    accepted = [m for m in listed.json()["items"] if m["outcome"] == "accepted"]
    return UnitBatch(
        reference=reference,
        unit=unit,
        applications=[m["application_reference"] for m in accepted],
        numbers=numbers,
        rows=[m["row_number"] for m in accepted],
        pending_rows=[i + 1 for i in pending],
        refused_rows=list(range(members + 2, members + refused + 2)),
    )
