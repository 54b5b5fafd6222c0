"""A province-sized run in small: 20,000 statement lines, thousands of repairs, in chunks."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, insert, select

from sscard.applications.models import applications
from sscard.cards.models import cards
from sscard.kernel.actor import OPERATOR
from sscard.kernel.masking import mask_account
from sscard.platform.models import history
from tests.integration.banks.reconciliation.support import statement, upload
from tests.support.api import Api

CARDS = 10_000
UNKNOWN = 10_000


def account(i: int) -> str:
    return f"62220200{i:08d}"


async def bank_cards(api: Api, person_id: int) -> None:
    """CARDS cards of ICBC, written straight to the tables: odd ones with an account."""
    vault, now = api.rt.vault, api.rt.clock.now()
    apps, made = [], []
    for i in range(CARDS):
        apps.append(
            {
                "id": 100_000 + i,
                "reference": f"BULK{i:08d}",
                "person_id": person_id,
                "kind": "first",
                "channel": "hr_outlet",
                "city_code": "3204",
                "bank_code": "ICBC",
                "making": "centre",
                "status": "collected",
                "fee_fen": 0,
                "accepted_on": date(2026, 11, 1),
                "version": 1,
                "accepted_at": now,
                "updated_at": now,
            }
        )
        opened = i % 2 == 1
        made.append(
            {
                "card_number": f"W{i:08d}",
                "identification_code": f"320400D156000005{i:016X}",
                "person_id": person_id,
                "application_id": 100_000 + i,
                "city_code": "3204",
                "issuing_area_code": "320400",
                "bank_code": "ICBC",
                "generation": 3,
                "spec_version": "3.00",
                "issue_date": date(2026, 11, 1),
                "expiry_date": date(2036, 11, 1),
                "hr_status": "active",
                "financial_status": "active" if opened else "account_requested",
                "account_number_enc": vault.encrypt(account(i)) if opened else None,
                "account_masked": mask_account(account(i)) if opened else None,
                "account_index": vault.index(account(i)) if opened else None,
                "social_data_reset_pending": False,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    async with api.rt.unit(OPERATOR) as ctx:
        await ctx.conn.execute(insert(applications), apps)
        await ctx.conn.execute(insert(cards), made)


async def test_twenty_thousand_lines_are_reconciled_in_chunks(api: Api) -> None:
    person = await api.person()
    await bank_cards(api, person["person_id"])
    lines: list[tuple[str, str, str]] = []
    for i in range(CARDS):  # every card; every fourth one lost at the bank
        lines.append((f"W{i:08d}", account(i), "lost" if i % 4 == 3 else "active"))
    lines += [(f"X{i:08d}", account(i), "active") for i in range(UNKNOWN)]

    r = await upload(api, statement(*lines))

    assert r.status_code == 201, r.text
    run: dict[str, Any] = r.json()
    by_kind = {(k["kind"], k["repair"]): k["count"] for k in run["by_kind"]}
    assert by_kind == {
        ("account_missing_in_registry", "repaired"): CARDS // 2,
        ("financial_status_differs", "repaired"): CARDS // 4,
        ("unknown_card_at_bank", "manual"): UNKNOWN,
    }
    assert (run["bank_rows"], run["registry_rows"]) == (CARDS + UNKNOWN, CARDS)
    assert (run["differences"], run["repaired"]) == (CARDS + UNKNOWN - CARDS // 4, 3 * CARDS // 4)
    assert await api.count("reconciliation_lines") == 0
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        mirrors = dict(
            (
                await ctx.conn.execute(
                    select(cards.c.financial_status, func.count())
                    .where(cards.c.card_number.like("W%"))
                    .group_by(cards.c.financial_status)
                )
            ).all()
        )
        noted = (
            await ctx.conn.execute(select(func.count()).where(history.c.event == "reconciled"))
        ).scalar_one()
        missing = (
            await ctx.conn.execute(select(func.count()).where(cards.c.account_index.is_(None)))
        ).scalar_one()
    assert mirrors == {"active": CARDS * 3 // 4, "lost": CARDS // 4}
    assert noted == 3 * CARDS // 4
    assert missing == 0

    again = await upload(api, statement(*lines[:CARDS]))
    assert again.json()["differences"] == 0
