"""The reconciliation rules table (SPEC ISS-2, LOSS-2, CAN-3, REP-3), with no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sscard.banks.reconciliation.rules import (
    NOTES,
    REPAIR_TEXT,
    RULES,
    Action,
    Fact,
    Kind,
    Repair,
    daily_threshold,
    decide,
)

F = Fact


def test_every_kind_has_a_rule_whose_last_step_always_holds() -> None:
    assert set(RULES) == set(Kind)
    for kind, rule in RULES.items():
        assert rule.kind is kind
        assert rule.steps[-1].when == frozenset(), kind
        assert rule.zh
        assert rule.en
        assert rule.rule


def test_every_note_and_repair_is_said_in_chinese_and_english() -> None:
    notes = {step.note for rule in RULES.values() for step in rule.steps}
    assert notes <= set(NOTES)
    assert all(zh and en for zh, en in NOTES.values())
    assert set(REPAIR_TEXT) == set(Repair)


def test_only_the_bank_owned_status_is_repaired_in_the_mirror() -> None:
    """SPEC LOSS-2: the mirror follows the bank; the account number is never overwritten."""
    assert decide(Kind.FINANCIAL_STATUS_DIFFERS, set()).action is Action.FOLLOW_BANK
    assert decide(Kind.CLOSED_AT_BANK_BUT_CARD_ALIVE, set()).action is Action.FOLLOW_BANK
    assert decide(Kind.ACCOUNT_MISSING_IN_REGISTRY, set()).action is Action.RECORD_ACCOUNT
    for facts in ({F.CHANGED_AFTER_STATEMENT}, set(), {F.MESSAGE_FAILED}):
        assert decide(Kind.ACCOUNT_NUMBER_DIFFERS, facts).repair is Repair.MANUAL
        assert decide(Kind.UNKNOWN_CARD_AT_BANK, facts).repair is Repair.MANUAL


@pytest.mark.parametrize(
    "kind",
    [
        Kind.ACCOUNT_MISSING_IN_REGISTRY,
        Kind.FINANCIAL_STATUS_DIFFERS,
        Kind.CLOSED_AT_BANK_BUT_CARD_ALIVE,
        Kind.ACCOUNT_MISSING_AT_BANK,
        Kind.CLOSURE_PENDING_AT_BANK,
    ],
)
def test_a_card_changed_after_the_statement_waits_for_the_next_run(kind: Kind) -> None:
    every = {F.CHANGED_AFTER_STATEMENT, F.ACCOUNT_REQUESTED, F.CANCELLED, F.CLOSURE_NOTICE}
    step = decide(kind, every)
    assert (step.repair, step.action) == (Repair.DEFERRED, Action.NONE)


@pytest.mark.parametrize(
    ("facts", "repair", "action"),
    [
        ({F.ACCOUNT_REQUESTED}, Repair.RESENT, Action.REQUEST_ACCOUNT),
        ({F.ACCOUNT_REQUESTED, F.MESSAGE_PENDING}, Repair.QUEUED, Action.NONE),
        ({F.ACCOUNT_REQUESTED, F.MESSAGE_FAILED, F.MESSAGE_PENDING}, Repair.MANUAL, Action.NONE),
        (set(), Repair.MANUAL, Action.NONE),  # an opened account the bank no longer lists
    ],
)
def test_an_account_missing_at_the_bank(facts: set[Fact], repair: Repair, action: Action) -> None:
    """SPEC ISS-2: production data goes out again only while the account is still awaited."""
    step = decide(Kind.ACCOUNT_MISSING_AT_BANK, facts)
    assert (step.repair, step.action) == (repair, action)


@pytest.mark.parametrize(
    ("facts", "repair", "action"),
    [
        ({F.CANCELLED, F.CLOSURE_NOTICE}, Repair.RESENT, Action.REQUEST_CLOSURE),  # CAN-3
        ({F.CANCELLED}, Repair.MANUAL, Action.NONE),
        ({F.SUPERSEDED, F.NEW_CARD_HANDED_OVER}, Repair.RESENT, Action.TELL_SUPERSEDED),  # REP-3
        ({F.SUPERSEDED}, Repair.DEFERRED, Action.NONE),  # told when the new card is collected
        ({F.CANCELLED, F.CLOSURE_NOTICE, F.MESSAGE_PENDING}, Repair.QUEUED, Action.NONE),
    ],
)
def test_an_account_left_open_for_a_dead_card(
    facts: set[Fact], repair: Repair, action: Action
) -> None:
    """SPEC CAN-3 (closure notice) and REP-3 (the old bank is told; its policy decides)."""
    step = decide(Kind.CLOSURE_PENDING_AT_BANK, facts)
    assert (step.repair, step.action) == (repair, action)


def test_a_card_of_another_bank_is_told_apart_from_an_unknown_one() -> None:
    assert decide(Kind.UNKNOWN_CARD_AT_BANK, {F.OTHER_BANKS_CARD}).note == "card_of_another_bank"
    assert decide(Kind.UNKNOWN_CARD_AT_BANK, set()).note == "card_not_in_registry"


@pytest.mark.parametrize(
    ("now", "hour", "due_from"),
    [
        (datetime(2026, 11, 23, 2, 0, tzinfo=UTC), 2, datetime(2026, 11, 22, 18, 0, tzinfo=UTC)),
        (datetime(2026, 11, 22, 17, 59, tzinfo=UTC), 2, None),  # 01:59 in Beijing
        (datetime(2026, 11, 22, 18, 0, tzinfo=UTC), 2, datetime(2026, 11, 22, 18, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 15, 59, tzinfo=UTC), 0, datetime(2026, 11, 22, 16, 0, tzinfo=UTC)),
        (datetime(2026, 11, 23, 2, 0, tzinfo=UTC), 11, None),
    ],
)
def test_the_daily_run_is_due_from_the_hour_of_the_beijing_day(
    now: datetime, hour: int, due_from: datetime | None
) -> None:
    assert daily_threshold(now, hour) == due_from
