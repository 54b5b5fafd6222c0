"""What the 10-year validity plugs into the platform: the reminder to exchange an expiring card
(SPEC ISS-7)."""

from __future__ import annotations

from sscard.platform.notify.templates import Template

EXPIRY_EXCHANGE_REMINDER = Template(
    code="expiry_exchange_reminder",
    rule="ISS-7",
    zh="您的社会保障卡金融功能有效期至{expiry_date}，到期后不能在柜面、ATM、POS刷卡交易"
    "（人社、医保、交通功能不受影响）。请携带本人有效身份证件和社保卡到服务网点办理换卡。",
    en="The financial function of your social security card is valid until "
    "{expiry_date}; after that, counter, ATM and POS card transactions stop (HR, medical "
    "and transport functions go on). Please exchange the card at a service outlet, bringing "
    "your ID and the card.",
)
TEMPLATES = (EXPIRY_EXCHANGE_REMINDER,)
