"""Operations of the history every context writes (SPEC CH-2), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# The auditor reads any card's or application's history, read-only (issue 12, SPEC GOV-5); a
# cardholder their own cards' (issue 13: the record reaches only the holder's own).
VIEW_HISTORY = Operation(
    "view_history",
    "查看操作记录",
    {R.CENTRE_ADMIN, R.HOTLINE_AGENT, R.OUTLET_CLERK, R.AUDITOR, R.CARDHOLDER},
)

OPERATIONS = (VIEW_HISTORY,)
