"""Applying online, as pure rules: who may, where the card goes, how it is mailed (issue 13;
SPEC APP-4, APP-1, ID-5, ISS-3).

The online channel is for a mainland person with no provincial card whose base data and photo
the registry already holds; everyone else is told where to go instead. The card is mailed by EMS
(postage paid by the recipient) or, application and collection separated (APP-1, [002] §8),
collected at an outlet of any Jiangsu city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sscard.kernel import text
from sscard.kernel.errors import DomainError
from sscard.kernel.masking import personal_number_kind

# ---- who may apply online ----


class OnlineNotForCategory(DomainError):
    code = "online_not_for_category"
    status = 422
    rule = "ID-5"
    message_zh = "外籍人员和港澳台居民不能网上申领社会保障卡，请携带有效证件到合作银行网点办理"
    message_en = (
        "Foreigners and Hong Kong, Macau or Taiwan residents cannot apply online; please apply "
        "at a cooperating bank's outlet with a valid document"
    )


class ExchangeAtAnOutlet(DomainError):
    code = "exchange_at_an_outlet"
    status = 409
    rule = "APP-4"
    message_zh = (
        "您已持有本省社会保障卡（卡号{card_number}），网上只受理首次申领；如需新卡请到网点办理换卡"
    )
    message_en = (
        "You already hold a provincial card ({card_number}); online is for first applications "
        "only. Please exchange it at an outlet"
    )


class PhotoAtAnOutlet(DomainError):
    code = "photo_at_an_outlet"
    status = 422
    rule = "APP-4"
    message_zh = "登记信息中没有您符合标准的照片，无法网上申领，请到网点采集照片后办理"
    message_en = (
        "The registry holds no photo of you that meets the standard, so you cannot apply "
        "online; please apply at an outlet, where your photo is taken"
    )


class GuardianAtAnOutlet(DomainError):
    code = "guardian_at_an_outlet"
    status = 422
    rule = "ID-4"
    message_zh = "未成年人或无完全民事行为能力人须由法定监护人携带监护关系证明到网点代为申领"
    message_en = (
        "Minors and persons without full civil capacity apply through a legal guardian, at an "
        "outlet, with proof of guardianship"
    )


@dataclass(frozen=True)
class OnlineApplicant:
    """What the online channel needs to know of a person (from the registry, no personal data)."""

    mainland: bool
    adult_with_full_capacity: bool
    needs_photo: bool  # aged 7 or over (APP-5)
    has_photo: bool


def check_online_applicant(who: OnlineApplicant) -> None:
    """SPEC ID-5, ID-4, APP-4/5: raises the first refusal that sends the person elsewhere."""
    if not who.mainland:
        raise OnlineNotForCategory(field="person")
    if not who.adult_with_full_capacity:
        raise GuardianAtAnOutlet(field="person")
    if who.needs_photo and not who.has_photo:
        raise PhotoAtAnOutlet(field="photo")


# ---- the postal address (APP-4) ----

# GB/T 2260's provincial-level divisions of the mainland, where EMS delivers the card (the card's
# account is usable in the mainland only, ISS-2; Hong Kong, Macau and Taiwan are not served).
MAINLAND_PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip
PLACE_MAX = 20  # a city's or district's name
DETAIL_MIN, DETAIL_MAX = 4, 80  # street, number, building, room
RECIPIENT_MAX = 32
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_PLACE = re.compile(r"[\u4e00-\u9fff](?:[\u4e00-\u9fff·]{0,18})[\u4e00-\u9fff]")


class AddressRefused(DomainError):
    code = "postal_address_refused"
    status = 422
    rule = "APP-4"
    message_zh = "邮寄地址的{part_zh}{reason_zh}"
    message_en = "The postal address's {part_en} {reason_en}"


@dataclass(frozen=True)
class PostalAddress:
    """Where EMS brings the card, postage paid by the recipient (SPEC APP-4)."""

    province: str
    city: str
    district: str
    detail: str
    recipient: str
    phone: str


_PARTS = {
    "province": ("省份", "province"),
    "city": ("城市", "city"),
    "district": ("区县", "district"),
    "detail": ("详细地址", "street address"),
    "recipient": ("收件人", "recipient"),
    "phone": ("联系电话", "phone"),
}


def _refuse(part: str, zh: str, en: str) -> AddressRefused:
    part_zh, part_en = _PARTS[part]
    return AddressRefused(
        field=f"delivery.address.{part}",
        part_zh=part_zh,
        part_en=part_en,
        reason_zh=zh,
        reason_en=en,
    )


def check_address(raw: PostalAddress) -> PostalAddress:
    """The address trimmed and checked, each part by name: a mainland province by its full name,
    city and district in Chinese, a street address that holds no ID or card number (ID-6), the
    recipient's name, an 11-digit mobile number (full-width digits taken). Raises AddressRefused."""
    province = raw.province.strip()
    if province not in MAINLAND_PROVINCES:
        raise _refuse(
            "province",
            "须为内地省级行政区全称，如“江苏省”",
            "must be a mainland province's full name, e.g. 江苏省",
        )
    city, district = raw.city.strip(), raw.district.strip()
    for part, value in (("city", city), ("district", district)):
        if not _PLACE.fullmatch(value):
            raise _refuse(part, "须为2至20个汉字", "must be 2 to 20 Chinese characters")
    detail = " ".join(raw.detail.split())
    if not DETAIL_MIN <= len(detail) <= DETAIL_MAX:
        raise _refuse(
            "detail",
            f"须为{DETAIL_MIN}至{DETAIL_MAX}个字符",
            f"must be {DETAIL_MIN} to {DETAIL_MAX} characters",
        )
    if personal_number_kind(detail) or text.unsafe_characters(detail):
        raise _refuse(
            "detail",
            "不能含证件号码、卡号或控制字符",
            "may hold no document or card number, nor control characters",
        )
    recipient = raw.recipient.strip()
    if personal_number_kind(recipient):
        raise _refuse(
            "recipient",
            "须为收件人姓名，不能含证件号码或电话号码",
            "must be a name, holding no document or phone number",
        )
    if not 1 <= len(recipient) <= RECIPIENT_MAX or text.unsafe_characters(recipient):
        raise _refuse(
            "recipient",
            f"须为1至{RECIPIENT_MAX}个可打印字符",
            f"must be 1 to {RECIPIENT_MAX} printable characters",
        )
    phone = text.normalise_number(raw.phone).replace("-", "")
    if not _MOBILE.fullmatch(phone):
        raise _refuse("phone", "须为11位手机号码", "must be an 11-digit mobile number")
    return PostalAddress(province, city, district, detail, recipient, phone)


# ---- EMS (the centre's side) ----

_S10 = re.compile(r"([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})")
_DOMESTIC = re.compile(r"[0-9]{13}")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


class TrackingNumberRefused(DomainError):
    code = "tracking_number_refused"
    status = 422
    rule = "APP-4"
    message_zh = (
        "EMS邮件号“{number}”无效：须为13位数字，或UPU S10格式（如EA123456785CN）且校验位正确"
    )
    message_en = (
        "EMS waybill number '{number}' is invalid: 13 digits, or UPU S10 (e.g. EA123456785CN) "
        "with a right check digit"
    )


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial: 11 - (weighted sum mod 11), 10 → 0, 11 → 5."""
    total = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def check_tracking_number(raw: str) -> str:
    """An EMS waybill number, normalised (upper case, full-width taken): a 13-digit domestic
    number or a UPU S10 item identifier with a right check digit. Raises TrackingNumberRefused."""
    number = text.normalise_number(raw).upper()
    if _DOMESTIC.fullmatch(number):
        return number
    s10 = _S10.fullmatch(number)
    if s10 and int(s10.group(3)) == s10_check_digit(s10.group(2)):
        return number
    raise TrackingNumberRefused(field="tracking_number", number=number[:20])
