"""Personal data: never in logs or answers in clear, encrypted at rest (SPEC ID-6)."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from tests.support.api import Api
from tests.support.numbers import citizen_number


async def test_personal_data_never_logged_in_clear(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    number = citizen_number(datetime(1991, 4, 4).date())
    await api.register(name="赵测试", document={"type": "resident_id", "number": number})
    await api.register(name="赵测试", document={"type": "resident_id", "number": number})
    await api.post("/api/v1/persons/lookup", "hotline", {"social_security_number": number})
    assert number not in caplog.text
    assert "赵测试" not in caplog.text


async def test_lookup_by_social_security_number_is_masked(api: Api) -> None:
    number = citizen_number(datetime(1992, 5, 5).date())
    await api.register(document={"type": "resident_id", "number": number})
    r = await api.post("/api/v1/persons/lookup", "hotline", {"social_security_number": number})
    assert r.status_code == 200, r.text
    assert number not in r.text
    missing = await api.post(
        "/api/v1/persons/lookup", "hotline", {"social_security_number": "320499199001011111"}
    )
    assert missing.status_code == 404


async def test_personal_data_is_encrypted_at_rest(api: Api) -> None:
    """SPEC ID-6: names, numbers and phones are stored encrypted, with a masked copy."""
    from sqlalchemy import select

    from sscard.kernel.actor import OPERATOR
    from sscard.registry.models import persons

    number = citizen_number(datetime(1993, 6, 6).date())
    await api.register(
        name="钱测试", phone="13912345678", document={"type": "resident_id", "number": number}
    )
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        row = (await ctx.conn.execute(select(persons))).mappings().one()
    stored = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    for clear in (number, "钱测试", "13912345678"):
        assert clear.encode() not in stored
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        assert ctx.vault.decrypt(row["name_enc"]) == "钱测试"
