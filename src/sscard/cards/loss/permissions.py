"""Operations of loss and unlock (SPEC LOSS-1..4), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

REPORT_TEMPORARY_LOSS = Operation(
    "report_temporary_loss", "临时挂失", {R.HOTLINE_AGENT}
)  # SPEC LOSS-1
REPORT_FORMAL_LOSS = Operation(
    "report_formal_loss", "正式挂失", {R.OUTLET_CLERK, R.CARDHOLDER}, outlet_operation="formal_loss"
)  # SPEC LOSS-2
UNLOCK_CARD = Operation(
    "unlock_card",
    "解挂",
    {R.HOTLINE_AGENT, R.OUTLET_CLERK, R.CARDHOLDER},
    outlet_operation="unlock",
)
SWEEP_LOSSES = Operation("sweep_losses", "到期自动解挂", {R.PROVINCE_ADMIN})

OPERATIONS = (
    REPORT_TEMPORARY_LOSS,
    REPORT_FORMAL_LOSS,
    UNLOCK_CARD,
    SWEEP_LOSSES,
)
