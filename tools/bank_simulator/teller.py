"""What a clerk does at the simulated bank's counter (SPEC ISS-4, LOSS-2/3, CAN-3).

Each action checks the bank's own account (rules.TELLER_TABLE), changes it and queues the
report sscard must get, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bank_simulator import store
from bank_simulator.callbacks import new_report
from bank_simulator.errors import BankError, InvalidInput
from bank_simulator.rules import OUTLET_ACTIONS, LossKind, TellerAction, teller_change
from bank_simulator.sealing import Vault
from bank_simulator.wire import ServiceChannel


class AccountNotFound(BankError):
    code = "account_not_found"
    status = 404
    message_zh = "本行没有该卡的账户"
    message_en = "This bank holds no account for the card"


async def act(
    conn: AsyncConnection,
    vault: Vault,
    bank_code: str,
    card_number: str,
    action: TellerAction,
    outlet_code: str | None,
    channel: ServiceChannel,
    now: datetime,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Do the action; returns the account after it and the report queued for sscard."""
    account = await store.get_account(conn, bank_code, card_number)
    if account is None:
        raise AccountNotFound(field="card_number")
    if action in OUTLET_ACTIONS and not outlet_code:
        raise InvalidInput(
            field="outlet_code",
            field_name="outlet_code",
            reason_zh="正式挂失和解挂须注明受理网点",
            reason_en="a formal loss or unlock names the outlet that took it",
        )
    change = teller_change(account["status"], account["loss_kind"], account["before_loss"], action)
    account.update(
        status=change.status.value,
        loss_kind=change.loss_kind.value if change.loss_kind else None,
        before_loss=change.before_loss.value if change.before_loss else None,
        loss_outlet=outlet_code if change.loss_kind is LossKind.FORMAL else None,
        updated_at=now,
    )
    report = new_report(account, change.report, now, outlet_code=outlet_code, channel=channel)
    await store.update_accounts(conn, [account])
    report["id"] = await store.insert_report(conn, vault, report)
    return account, report
