"""What a cardholder may do about their own record online (SPEC CH-1, issue 13)."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

VIEW_OWN_RECORD = Operation("view_own_record", "查看本人社保卡信息", {R.CARDHOLDER})

OPERATIONS = (VIEW_OWN_RECORD,)
