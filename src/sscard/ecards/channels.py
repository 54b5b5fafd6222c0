"""The synchronised-application channels (同步应用渠道) an ecard is offered to (SPEC ECARD-1):
national reference data, as the national platform lists them. The holder consents channel by
channel before the ecard works there, and may withdraw the consent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class EcardChannel:
    code: str
    name_zh: str
    name_en: str


CHANNELS: Final = (
    EcardChannel("official_app", "电子社保卡官方App", "the ecard's official app"),
    EcardChannel("wechat", "微信小程序", "WeChat mini-program"),
    EcardChannel("alipay", "支付宝小程序", "Alipay mini-program"),
    EcardChannel(
        "gov_service_platform", "国家政务服务平台", "National government service platform"
    ),
    EcardChannel("state_council_client", "国务院客户端小程序", "State Council client mini-program"),
    EcardChannel("zhangshang_12333", "掌上12333", "Zhangshang 12333"),
    EcardChannel("unionpay", "云闪付App", "UnionPay app"),
    EcardChannel("jiangsu_hr_app", "江苏智慧人社App", "Jiangsu HR app"),
    EcardChannel("icbc", "工商银行App", "ICBC app"),
    EcardChannel("abc", "农业银行App", "ABC app"),
    EcardChannel("boc", "中国银行App", "Bank of China app"),
    EcardChannel("ccb", "建设银行App", "CCB app"),
    EcardChannel("bocom", "交通银行App", "Bank of Communications app"),
    EcardChannel("psbc", "邮储银行App", "Postal Savings Bank app"),
)
CHANNEL_BY_CODE: Final = {c.code: c for c in CHANNELS}
