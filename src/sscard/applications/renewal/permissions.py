"""Operations of replacement, exchange, upgrade (SPEC REP-1..6, GEN-3), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

APPLY_REPLACEMENT = Operation(
    "apply_replacement", "补卡", {R.OUTLET_CLERK}, outlet_operation="replace"
)  # SPEC REP-1
APPLY_EXCHANGE = Operation(
    "apply_exchange", "换卡", {R.OUTLET_CLERK}, outlet_operation="exchange"
)  # SPEC REP-2
APPLY_UPGRADE = Operation(
    "apply_upgrade", "升级换代", {R.OUTLET_CLERK}, outlet_operation="upgrade"
)  # SPEC GEN-3

OPERATIONS = (
    APPLY_REPLACEMENT,
    APPLY_EXCHANGE,
    APPLY_UPGRADE,
)
