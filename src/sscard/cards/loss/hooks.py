"""What loss and unlock plug into the platform: the SMS after an online formal loss, which covers
the hr function only (SPEC LOSS-2)."""

from __future__ import annotations

from sscard.platform.notify.templates import Template

ONLINE_LOSS_BANK_REMINDER = Template(
    code="online_loss_bank_reminder",
    rule="LOSS-2",
    zh="您已在网上办理社会保障卡正式挂失，仅挂失人社功能。金融功能（银行账户）须另行到"
    "发卡银行网点或拨打银行客服电话办理挂失。",
    en="Your online formal loss report covers only the card's HR function. Report the "
    "financial function (the bank account) separately at an outlet or the hotline of the "
    "card's bank.",
)
TEMPLATES = (ONLINE_LOSS_BANK_REMINDER,)
