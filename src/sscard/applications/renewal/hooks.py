"""What replacement and exchange plug into the platform: the SMS a holder gets on the fourth
replacement or exchange in a month (SPEC REP-5)."""

from __future__ import annotations

from sscard.platform.notify.templates import Template

REPEAT_EXCHANGE_REMINDER = Template(
    code="repeat_exchange_reminder",
    rule="REP-5",
    zh="您本月已办理社会保障卡补换卡{count}次。频繁补换卡将被记录，恶意重复补换卡将记入"
    "您的人社信用记录并影响人社业务办理。如非本人办理，请致电12333。",
    en="You have had your social security card replaced or exchanged {count} times this "
    "month. Frequent replacements are recorded; malicious repeat exchanges are entered in "
    "your HR credit record and affect your HR business. If this was not you, call 12333.",
)
TEMPLATES = (REPEAT_EXCHANGE_REMINDER,)
