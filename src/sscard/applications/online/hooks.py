"""What online applications plug into the platform: the SMS telling the holder their card is in
the post, with the waybill to follow it, or back at the centre (SPEC APP-4, APP-7)."""

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
CARD_RETURNED = Template(
    code="online_card_returned",
    rule="APP-4",
    zh="您的社会保障卡（申领编号{reference}）邮件{tracking_number}未能投递，已退回卡管中心，"
    "卡管中心将另行寄出；如需更正收件地址，请拨打12333。",
    en="Your social security card (application {reference}) could not be delivered (waybill "
    "{tracking_number}) and is back at the card centre, which will post it again; to correct "
    "the address, call 12333.",
)
TEMPLATES = (CARD_MAILED, CARD_RETURNED)
