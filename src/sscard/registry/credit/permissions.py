"""Operations of the HR credit record (SPEC REP-5, GOV-4), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

RECORD_CREDIT_ENTRY = Operation(
    "record_credit_entry", "记入人社信用记录", {R.CENTRE_ADMIN}
)  # SPEC REP-5
VIEW_CREDIT_RECORD = Operation(
    "view_credit_record", "查看人社信用记录", {R.CENTRE_ADMIN, R.OUTLET_CLERK, R.HOTLINE_AGENT}
)

OPERATIONS = (
    RECORD_CREDIT_ENTRY,
    VIEW_CREDIT_RECORD,
)
