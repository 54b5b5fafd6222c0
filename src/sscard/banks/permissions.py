"""Operations of the banks' reports (SPEC ISS-2, ISS-4, LOSS-2/3), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

SUBMIT_BANK_REPORT = Operation(
    "submit_bank_report", "银行报送", {R.BANK_SYSTEM}
)  # SPEC ISS-2, ISS-4, LOSS-2/3
VIEW_BANK_INBOX = Operation("view_bank_inbox", "查看银行报送", {R.PROVINCE_ADMIN})

OPERATIONS = (
    SUBMIT_BANK_REPORT,
    VIEW_BANK_INBOX,
)
