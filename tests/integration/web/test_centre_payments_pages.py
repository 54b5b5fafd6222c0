"""The payment batch's report file from the console, in the console's language (SPEC PAY-1,
PAY-2): the column of reasons is not `text_zh` holding English; kinds are named."""

from __future__ import annotations

import pytest

from sscard.kernel.actor import Role
from sscard.kernel.runtime import Runtime
from tests.integration.payments.test_batches import active_card, line, payer, ssn, submit
from tests.support import pages
from tests.support.api import Api
from tests.support.console import make_staff


@pytest.mark.parametrize(
    ("lang", "header", "kind"),
    [
        ("zh", "行号,发放编号", ",养老金,pension,"),
        ("en", "Line,Payer's reference", ",pension,pension,"),
    ],
)
async def test_the_consoles_report_file_follows_its_language(
    api: Api, rt: Runtime, lang: str, header: str, kind: str
) -> None:
    who = await payer(api)
    card = await active_card(api)
    r = await submit(api, who, [line(ssn(api, card), 312_050)])
    assert r.status_code == 201, r.text
    batch = r.json()["batch_id"]
    province = await make_staff(rt, f"li.report.{lang}", Role.PROVINCE_ADMIN)
    async with pages.client(rt, lang) as client:
        await pages.sign_in(client, rt, province)
        file = await client.get(f"/centre/payments/{batch}/report.csv")
    assert file.status_code == 200, file.text
    assert file.text.removeprefix("\ufeff").startswith(header)
    assert kind in file.text
    assert ",3120.50," in file.text
    assert "text_zh" not in file.text
