"""Operations of the financial function's mirror (SPEC ISS-2), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

REPORT_FINANCIAL_STATUS = Operation("report_financial_status", "报送金融功能状态", {R.BANK_SYSTEM})

OPERATIONS = (REPORT_FINANCIAL_STATUS,)
