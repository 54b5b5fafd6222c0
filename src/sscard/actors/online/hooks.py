"""What real-name sign-in plugs into the platform: the SMS that carries the one-time code
(SPEC APP-4: the online channels need real-name authentication)."""

from __future__ import annotations

from sscard.platform.notify.templates import Template

SIGN_IN_CODE = Template(
    code="online_sign_in_code",
    rule="APP-4",
    zh="您正在登录江苏社会保障卡网上服务大厅，验证码{code}，{minutes}分钟内有效。"
    "工作人员不会向您索要验证码，请勿告诉他人。",
    en="Your sign-in code for the Jiangsu social security card online hall is {code}, valid for "
    "{minutes} minutes. Staff never ask for it; do not give it to anyone.",
    secret=True,
)
TEMPLATES = (SIGN_IN_CODE,)
