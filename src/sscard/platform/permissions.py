"""Operations of the history every context writes (SPEC CH-2), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

VIEW_HISTORY = Operation(
    "view_history", "查看操作记录", {R.CENTRE_ADMIN, R.HOTLINE_AGENT, R.OUTLET_CLERK}
)

OPERATIONS = (VIEW_HISTORY,)
