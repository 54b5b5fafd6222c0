"""A bank's report about one of its cards, and who acts when it is applied (SPEC ISS-2, ISS-4,
LOSS-2/3, CAN-3). Pure; service.apply changes the card.

Financial-only reports move the mirror (cards.financial). A formal loss or an unlock reported by
the bank was done at one of its outlets: it goes through cards.loss as that outlet's act, so the
lifecycle table, the card's-bank rule, the city's formal-unlock rule and LOSS-4 hold for the
bank's system exactly as for a clerk at that counter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import orjson

from sscard.banks.protocol import OUTLET_REPORTS, ReportType, ServiceChannel
from sscard.kernel.actor import Actor, Channel
from sscard.kernel.errors import invalid
from sscard.registry.reference.entities import Outlet

ONSITE_NOTE = "上门服务（on-site visit）"


@dataclass(frozen=True)
class Report:
    """What a bank says happened to one of its cards; `sequence` is its own count for the card."""

    message_id: str
    card_number: str
    sequence: int
    type: ReportType
    occurred_at: datetime
    account_number: str | None = None
    outlet_code: str | None = None
    channel: ServiceChannel = ServiceChannel.COUNTER
    reason: str | None = None

    def payload(self) -> dict[str, Any]:
        """What the inbox keeps in clear: the report without its account number."""
        return {
            "card_number": self.card_number,
            "type": self.type.value,
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(),
            "outlet_code": self.outlet_code,
            "channel": self.channel.value,
            "reason": self.reason,
        }

    def canonical(self) -> str:
        """One text per meaning: key order, spacing and time zone of the sender do not count."""
        body = {
            **self.payload(),
            "message_id": self.message_id,
            "sequence": self.sequence,
            "account_number": self.account_number,
        }
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()

    @classmethod
    def stored(
        cls, message_id: str, sequence: int, payload: dict[str, Any], account_number: str | None
    ) -> Report:
        """A report read back from the inbox."""
        return cls(
            message_id=message_id,
            card_number=payload["card_number"],
            sequence=sequence,
            type=ReportType(payload["type"]),
            occurred_at=datetime.fromisoformat(payload["occurred_at"]),
            account_number=account_number,
            outlet_code=payload["outlet_code"],
            channel=ServiceChannel(payload["channel"]),
            reason=payload["reason"],
        )


def check(report: Report) -> None:
    """The fields a report's type needs, and no account number where none belongs (ID-6)."""
    opened = report.type is ReportType.ACCOUNT_OPENED
    if opened and report.account_number is None:
        raise invalid(
            "account_number",
            "开户报送须附账号（12至32位数字）",
            "account_opened needs the account number (12 to 32 digits)",
        )
    if not opened and report.account_number is not None:
        raise invalid(
            "account_number",
            "仅开户报送可附账号",
            "only account_opened carries an account number",
        )
    if report.type in OUTLET_REPORTS and report.outlet_code is None:
        raise invalid(
            "outlet_code",
            "须注明办理网点（本行网点代码）",
            "name the outlet of your bank where it was done",
        )


def acting_actor(bank: Actor, report: Report, outlet: Outlet | None) -> Actor:
    """Who the history names: the bank's system, at the outlet it names, by the report's channel.

    Opening the account is the bank system's own act on the production data (ISS-2). A formal
    loss and its unlock are taken at a bank outlet in the lifecycle table (LOSS-2/3); an on-site
    visit is made from one, so it acts as that outlet and the visit is noted in the reason.
    Other services name their channel: the counter, or the on-site visit (ISS-4, CH-1).
    """
    if report.type is ReportType.ACCOUNT_OPENED:
        via = Channel.SYSTEM
    elif report.type in OUTLET_REPORTS or report.channel is ServiceChannel.COUNTER:
        via = Channel.BANK_OUTLET
    else:
        via = Channel.ONSITE
    return replace(
        bank,
        outlet_id=outlet.id if outlet else None,
        outlet_kind="bank" if outlet else None,
        city_code=outlet.city_code if outlet else bank.city_code,
        via=via,
    )


def history_reason(report: Report) -> str | None:
    if report.type not in OUTLET_REPORTS or report.channel is not ServiceChannel.ONSITE:
        return report.reason
    return f"{ONSITE_NOTE}：{report.reason}" if report.reason else ONSITE_NOTE
