"""Operations of promotions (SPEC PRM-1), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# The provincial centre puts offers in (its own and the banks'), with their dates and rules.
MANAGE_OFFERS = Operation("manage_offers", "管理优惠活动", {R.PROVINCE_ADMIN})
# The offers and how many were granted and redeemed.
VIEW_OFFERS = Operation("view_offers", "查看优惠活动", {R.CENTRE_ADMIN, R.AUDITOR})
# The holder's own offers, in the hall.
VIEW_MY_OFFERS = Operation("view_my_offers", "查看本人优惠", {R.CARDHOLDER})
# A voucher redeemed: at a counter of the offer's bank, or at a scene's terminal (signed).
REDEEM_OFFER = Operation(
    "redeem_offer", "核销优惠券", {R.OUTLET_CLERK, R.SCENE_TERMINAL}, outlet_operation=None
)

OPERATIONS = (MANAGE_OFFERS, VIEW_OFFERS, VIEW_MY_OFFERS, REDEEM_OFFER)
