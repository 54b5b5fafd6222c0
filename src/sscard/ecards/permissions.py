"""Operations on the electronic card (SPEC ECARD-1..3), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

R = Role

# The holder, signed in to the hall (or a relative acting for them, ECARD-4).
VIEW_OWN_ECARD = Operation("view_own_ecard", "查看电子社保卡", {R.CARDHOLDER})
CONSENT_ECARD_CHANNEL = Operation(
    "consent_ecard_channel", "电子社保卡渠道授权或撤回", {R.CARDHOLDER}
)

# The holder shows the ecard as a QR code (ECARD-3).
SHOW_ECARD_QR = Operation("show_ecard_qr", "电子社保卡展码", {R.CARDHOLDER})
# A counter checks a holder's QR as their identity credential (SCN-1); scenes' terminals come
# with the scenes (issue 14 item 7).
VERIFY_ECARD_QR = Operation("verify_ecard_qr", "核验电子社保卡二维码", {R.OUTLET_CLERK})
# The province rotates the issuing platform's SM2 key.
ROTATE_ECARD_KEY = Operation("rotate_ecard_key", "更换电子社保卡签名密钥", {R.PROVINCE_ADMIN})

OPERATIONS = (
    VIEW_OWN_ECARD,
    CONSENT_ECARD_CHANNEL,
    SHOW_ECARD_QR,
    VERIFY_ECARD_QR,
    ROTATE_ECARD_KEY,
)
