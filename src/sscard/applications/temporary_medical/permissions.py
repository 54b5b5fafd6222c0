"""Operations of the temporary medical card (SPEC REP-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

ISSUE_TEMPORARY_MEDICAL_CARD = Operation(
    "issue_temporary_medical_card",
    "发放临时医保卡",
    {R.OUTLET_CLERK},
    outlet_operation="temporary_medical_card",
)  # SPEC REP-1

OPERATIONS = (ISSUE_TEMPORARY_MEDICAL_CARD,)
