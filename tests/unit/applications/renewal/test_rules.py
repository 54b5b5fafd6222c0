"""Pure rules of replacement, exchange, upgrade (SPEC REP-1a, REP-2, REP-5, REP-6, GEN-3, ISS-7)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from sscard.applications.renewal import rules as rn
from sscard.applications.renewal.rules import ExchangeReason
from sscard.cards.legacy.rules import BankClosure, OldCard
from sscard.cards.lifecycle import FinancialStatus as F
from sscard.registry.reference.policy import RULE_NAMES, CityPolicy


def _shipped(city: str) -> CityPolicy:
    """The shipped policy of a city, as loaded from the reference data."""
    path = resources.files("sscard.registry.reference") / "data" / "policies.json"
    rows = [p for p in json.loads(path.read_text()) if p["city_code"] == city]
    latest = max(rows, key=lambda p: p["effective_from"])
    rules = {k: v for k, v in latest.items() if k in RULE_NAMES}
    return CityPolicy.from_rules(city, date.fromisoformat(latest["effective_from"]), rules)


POLICY = _shipped("3204")  # Changzhou: no bank change, damage exchange at HR outlets


@pytest.mark.parametrize("reason", sorted(rn.PLACE_BY_POLICY))
def test_damage_photo_and_fault_exchanges_where_the_policy_says(reason: ExchangeReason) -> None:
    """SPEC REP-2a."""
    rn.check_exchange_place(reason, "hr", POLICY)
    with pytest.raises(rn.ExchangeNotHere):
        rn.check_exchange_place(reason, "bank", POLICY)
    rn.check_exchange_place(reason, "bank", replace(POLICY, damage_exchange_at=("bank",)))


def test_other_reasons_anywhere_that_offers_exchange() -> None:
    """SPEC REP-2b/c/e: the policy on place is for damage-type exchanges only."""
    for reason in set(ExchangeReason) - rn.PLACE_BY_POLICY:
        rn.check_exchange_place(reason, "bank", POLICY)


def test_bank_change_needs_the_city_and_the_old_bank_settled() -> None:
    """SPEC REP-2c / REP-6."""
    with pytest.raises(rn.BankChangeNotAllowed):
        rn.check_bank(ExchangeReason.BANK_CHANGE, "ICBC", "SZB", F.CLOSED, POLICY)
    allowed = replace(POLICY, bank_change_allowed=True)
    for open_state in (F.ACCOUNT_OPENED, F.ACTIVE):
        with pytest.raises(rn.OldBankNotSettled):
            rn.check_bank(ExchangeReason.BANK_CHANGE, "ICBC", "SZB", open_state, allowed)
    for settled in (F.LOST, F.CLOSED, F.ACCOUNT_REQUESTED):
        rn.check_bank(ExchangeReason.BANK_CHANGE, "ICBC", "SZB", settled, allowed)
    with pytest.raises(rn.BankUnchanged):
        rn.check_bank(ExchangeReason.BANK_CHANGE, "ICBC", "ICBC", F.CLOSED, allowed)
    with pytest.raises(rn.BankChangeIsItsOwnExchange):
        rn.check_bank(ExchangeReason.DAMAGE, "ICBC", "SZB", F.CLOSED, allowed)


def test_other_city_needs_the_account_closed() -> None:
    """SPEC REP-1a."""
    rn.check_other_city("3204", "3204", "ICBC", F.ACTIVE)
    rn.check_other_city("3204", "3201", "ICBC", F.CLOSED)
    with pytest.raises(rn.OtherCityAccountOpen):
        rn.check_other_city("3204", "3201", "ICBC", F.LOST)


def test_expiry_window_is_ninety_days() -> None:
    """SPEC ISS-7 / REP-2e."""
    expiry = date(2036, 11, 23)
    rn.check_expiring(expiry, date(2036, 8, 25))
    with pytest.raises(rn.NotYetExpiring):
        rn.check_expiring(expiry, date(2036, 8, 24))
    rn.check_expiring(expiry, date(2037, 1, 1))


@pytest.mark.parametrize(("count", "reminded"), [(1, False), (3, False), (4, True), (9, True)])
def test_more_than_three_in_a_month_is_a_repeat_case(count: int, reminded: bool) -> None:
    """SPEC REP-5."""
    assert rn.is_repeat_case(count) is reminded


@pytest.mark.parametrize(
    ("moment", "before"),
    [
        (datetime(2026, 3, 31, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 3, 30, tzinfo=UTC), datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), datetime(2025, 12, 15, tzinfo=UTC)),
    ],
)
def test_a_month_back_is_a_calendar_month(moment: datetime, before: datetime) -> None:
    """SPEC REP-5: "within a month"."""
    assert rn.month_before(moment) == before


OLD = OldCard(2, "6222021234567890", "3204", "ICBC", BankClosure.NONE, True)


def test_upgrade_goes_straight_for_same_bank_outside_jiangsu_or_no_bank() -> None:
    """SPEC GEN-3."""
    rn.check_upgrade(OLD, "ICBC", POLICY)
    rn.check_upgrade(replace(OLD, issuer_city_code="3201"), "ICBC", POLICY)
    rn.check_upgrade(replace(OLD, issuer_city_code=None, bank_code="ABC"), "ICBC", POLICY)
    rn.check_upgrade(replace(OLD, generation=1, bank_code=None), "ICBC", POLICY)


def test_upgrade_from_another_banks_card_needs_it_settled() -> None:
    """SPEC GEN-3: another bank, this city or another."""
    for city in ("3204", "3201"):
        other = replace(OLD, issuer_city_code=city, bank_code="ABC")
        with pytest.raises(rn.OtherBankFirst):
            rn.check_upgrade(other, "ICBC", POLICY)
        for done in (BankClosure.FORMALLY_LOST, BankClosure.CLOSED):
            rn.check_upgrade(replace(other, bank_closure=done), "ICBC", POLICY)


def test_upgrade_policy_on_the_old_card_and_generations() -> None:
    """SPEC GEN-3 / CITY-3."""
    with pytest.raises(rn.OldCardRequired):
        rn.check_upgrade(
            replace(OLD, presented=False), "ICBC", replace(POLICY, upgrade_requires_old_card=True)
        )
    with pytest.raises(rn.NotAnOlderGeneration):
        rn.check_upgrade(replace(OLD, generation=3), "ICBC", POLICY)
