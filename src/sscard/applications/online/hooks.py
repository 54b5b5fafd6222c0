"""What online applications plug into the platform: the SMS telling the holder their card is in
the post, with the waybill to follow it (SPEC APP-4, APP-7)."""

from __future__ import annotations

from sscard.platform.notify.templates import Template

CARD_MAILED = Template(
    code="online_card_mailed",
    rule="APP-4",
    zh="您的社会保障卡（申领编号{reference}）已交邮政EMS寄出，邮件号{tracking_number}，"
    "邮费到付，请留意签收。",
    en="Your social security card (application {reference}) is in the post with EMS, waybill "
    "{tracking_number}; postage is paid on delivery.",
)
TEMPLATES = (CARD_MAILED,)
