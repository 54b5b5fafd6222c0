"""The province's view of the personal accounts (SPEC MED-2): what the fund credited and what
institutions debited, counted by kind, and one fund credit found by the fund's reference; no
account or person in it; the province and the auditor read it, nobody else."""

from __future__ import annotations

from typing import Any

from tests.integration.medical.test_medical import PIN, insured, settle  # noqa: F401
from tests.integration.scenes.support import scene
from tests.support.api import Api


async def test_the_ledger_is_counted_by_kind_and_a_credit_found_by_reference(
    api: Api,
    insured: dict[str, Any],  # noqa: F811 - the shared fixture
) -> None:
    hospital = await scene(api, "hospital", "HS3204000007", city="3204")
    paid = await settle(hospital, "V-7", 3000, 1000, card_number=insured["card_number"],
                        hr_password=PIN)  # fmt: skip
    assert paid["allowed"] is True, paid
    r = await api.get("/api/v1/medical-ledger", "auditor")
    assert r.status_code == 200, r.text
    totals = {t["kind"]: (t["entries"], t["sum_fen"]) for t in r.json()["totals"]}
    assert totals == {"credit": (1, 5000), "settlement": (1, -2000)}
    assert [c["reference"] for c in r.json()["recent_credits"]] == ["M-1"]
    assert insured["document"]["number"] not in r.text
    r = await api.get("/api/v1/medical-credits/M-1", "admin")
    assert (r.status_code, r.json()["amount_fen"]) == (200, 5000)
    r = await api.get("/api/v1/medical-credits/M-404", "admin")
    assert (r.status_code, r.json()["field"]) == (404, "reference")
    for who in ("admin_suzhou", "hotline", "clerk_instant"):
        assert (await api.get("/api/v1/medical-ledger", who)).status_code == 403
    r = await api.get("/api/v1/medical-ledger?days=0", "admin")
    assert (r.status_code, r.json()["field"]) == (422, "days")
