"""Operations of reconciliation with a bank (SPEC ISS-2), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

RECONCILE_BANK = Operation("reconcile_bank", "银行对账", {R.PROVINCE_ADMIN})
VIEW_RECONCILIATION = Operation("view_reconciliation", "查看对账结果", {R.PROVINCE_ADMIN})

OPERATIONS = (
    RECONCILE_BANK,
    VIEW_RECONCILIATION,
)
