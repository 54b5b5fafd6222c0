"""The inbox's pure rules: where a report falls in a card's order, what makes two bodies one,
which fields a type needs, and who the history names (SPEC ISS-2, ISS-4, LOSS-2/3). No database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sscard.banks.protocol import ReportType, ServiceChannel
from sscard.banks.rules import Report, acting_actor, check, history_reason
from sscard.banks.service import Placement, placement
from sscard.kernel.actor import Actor, Channel, Role
from sscard.kernel.errors import InvalidInput
from sscard.registry.reference.entities import Outlet

BEIJING = timezone(timedelta(hours=8))
BANK = Actor(id=7, role=Role.BANK_SYSTEM, display_name="ICBC system", bank_code="ICBC")
OUTLET = Outlet(
    id=12,
    code="3205-BANK-002",
    city_code="3205",
    name_zh="工行网点",
    name_en="ICBC outlet",
    kind="bank",
    bank_code="ICBC",
    making="fast",
    address_zh="苏州",
    phone=None,
    hours_zh=None,
    operations=["formal_loss", "unlock"],
    active=True,
    source="test",
)
REPORT = Report(
    message_id="m-1",
    card_number="A00000001",
    sequence=1,
    type=ReportType.FINANCIAL_ACTIVATED,
    occurred_at=datetime(2026, 11, 23, 9, 30, tzinfo=BEIJING),
)


@pytest.mark.parametrize(
    ("sequence", "last", "expected"),
    [
        (1, 0, Placement.APPLY),
        (5, 4, Placement.APPLY),
        (2, 0, Placement.DEFER),
        (9, 4, Placement.DEFER),
        (4, 4, Placement.USED),
        (1, 4, Placement.USED),
    ],
)
def test_placement_by_the_cards_last_sequence(
    sequence: int, last: int, expected: Placement
) -> None:
    assert placement(sequence, last) is expected


def test_canonical_body_ignores_the_senders_time_zone() -> None:
    """The same moment said in UTC is the same report: a re-sent copy is a duplicate."""
    same = replace(REPORT, occurred_at=REPORT.occurred_at.astimezone(UTC))
    assert same.canonical() == REPORT.canonical()


@pytest.mark.parametrize(
    "other",
    [
        replace(REPORT, sequence=2),
        replace(REPORT, reason="x"),
        replace(REPORT, channel=ServiceChannel.ONSITE),
        replace(REPORT, occurred_at=REPORT.occurred_at + timedelta(seconds=1)),
        replace(REPORT, type=ReportType.ACCOUNT_OPENED, account_number="6222020000001234"),
    ],
)
def test_canonical_body_differs_when_the_meaning_does(other: Report) -> None:
    assert other.canonical() != REPORT.canonical()


def test_the_stored_payload_has_no_account_number_and_reads_back_whole() -> None:
    """SPEC ID-6: the account number is kept apart, encrypted; the rest reads back as sent."""
    opened = replace(REPORT, type=ReportType.ACCOUNT_OPENED, account_number="6222020000001234")
    payload = opened.payload()
    assert "6222020000001234" not in str(payload)
    back = Report.stored("m-1", 1, payload, "6222020000001234")
    assert back.canonical() == opened.canonical()


@pytest.mark.parametrize(
    ("report", "field"),
    [
        (replace(REPORT, type=ReportType.ACCOUNT_OPENED), "account_number"),
        (replace(REPORT, account_number="6222020000001234"), "account_number"),
        (replace(REPORT, type=ReportType.FORMAL_LOSS), "outlet_code"),
        (replace(REPORT, type=ReportType.FORMAL_LOSS_LIFTED), "outlet_code"),
    ],
)
def test_fields_a_type_needs(report: Report, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check(report)
    assert refused.value.field == field
    assert refused.value.detail_zh
    assert refused.value.detail_en


def test_well_formed_reports_pass() -> None:
    check(REPORT)
    check(replace(REPORT, type=ReportType.ACCOUNT_OPENED, account_number="6222020000001234"))
    check(replace(REPORT, type=ReportType.FORMAL_LOSS, outlet_code="3205-BANK-002"))


def test_the_account_is_opened_by_the_banks_system() -> None:
    """SPEC ISS-2: on the production data, not at a counter."""
    opened = replace(REPORT, type=ReportType.ACCOUNT_OPENED, channel=ServiceChannel.ONSITE)
    actor = acting_actor(BANK, opened, None)
    assert (actor.channel, actor.outlet_id, actor.id, actor.role) == (
        Channel.SYSTEM,
        None,
        7,
        Role.BANK_SYSTEM,
    )


def test_activation_by_the_reports_channel() -> None:
    """SPEC ISS-4 / CH-1: at a bank outlet, or on an on-site visit."""
    at_counter = acting_actor(BANK, REPORT, OUTLET)
    assert (at_counter.channel, at_counter.outlet_id, at_counter.city_code) == (
        Channel.BANK_OUTLET,
        12,
        "3205",
    )
    visit = acting_actor(BANK, replace(REPORT, channel=ServiceChannel.ONSITE), None)
    assert visit.channel is Channel.ONSITE


def test_an_on_site_formal_loss_acts_as_the_outlet_and_says_so() -> None:
    """SPEC LOSS-2: the lifecycle takes a formal loss at a bank outlet; the visit is the why."""
    loss = replace(
        REPORT,
        type=ReportType.FORMAL_LOSS,
        outlet_code="3205-BANK-002",
        channel=ServiceChannel.ONSITE,
        reason="卧床",
    )
    assert acting_actor(BANK, loss, OUTLET).channel is Channel.BANK_OUTLET
    assert history_reason(loss) == "上门服务（on-site visit）：卧床"
    assert history_reason(replace(loss, reason=None)) == "上门服务（on-site visit）"
    assert history_reason(replace(loss, channel=ServiceChannel.COUNTER)) == "卧床"
