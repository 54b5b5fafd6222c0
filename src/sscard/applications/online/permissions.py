"""What a cardholder may do about their own record online, and the centre's side of online
applications (SPEC CH-1, APP-4; issue 13)."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

VIEW_OWN_RECORD = Operation("view_own_record", "查看本人社保卡信息", {R.CARDHOLDER})
APPLY_ONLINE = Operation("apply_online", "网上申领社保卡", {R.CARDHOLDER})  # SPEC APP-4
REPLACE_ONLINE = Operation("replace_online", "网上补卡", {R.CARDHOLDER})  # SPEC APP-4, REP-1
# The centre hands an online application's card to EMS, and records its delivery or return.
MAIL_CARD = Operation("mail_card", "社保卡邮寄", {R.CENTRE_ADMIN})

OPERATIONS = (VIEW_OWN_RECORD, APPLY_ONLINE, REPLACE_ONLINE, MAIL_CARD)
