"""Identity documents: number formats, check digits, validity and who may use which.

Pure rules for SPEC ID-1 (accepted documents, each within its validity period) and ID-2 (numbers
validated by their own format and check digits). No I/O and no clock: "today" is passed in.

Birthplace codes are deliberately not looked up in a county list: SPEC §17 records that such a
lookup wrongly refuses residence permits, the 2023 permanent residence cards and numbers from
counties created after the holder's birth. Only the province prefix is checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from stdnum.cn import ric, uscc

from sscard.kernel import masking, text
from sscard.kernel.errors import DomainError


class DocumentType(StrEnum):
    """Identity documents accepted for a card application (SPEC ID-1)."""

    RESIDENT_ID = "resident_id"
    TEMPORARY_RESIDENT_ID = "temporary_resident_id"
    SOCIAL_SECURITY_CARD = "social_security_card"
    HOUSEHOLD_REGISTER = "household_register"
    HK_MACAU_TRAVEL_PERMIT = "hk_macau_travel_permit"
    TAIWAN_TRAVEL_PERMIT = "taiwan_travel_permit"
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
    FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"
    PASSPORT = "passport"

    @property
    def label_zh(self) -> str:
        """Chinese name of the document."""
        return _DOCUMENT_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name of the document."""
        return _DOCUMENT_LABELS[self][1]


class PersonCategory(StrEnum):
    """Who a person is for the purpose of documents: mainland, HK, Macau, Taiwan or foreign."""

    MAINLAND = "mainland"
    HONG_KONG = "hong_kong"
    MACAU = "macau"
    TAIWAN = "taiwan"
    FOREIGN = "foreign"

    @property
    def label_zh(self) -> str:
        """Chinese name of the category."""
        return _CATEGORY_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name of the category."""
        return _CATEGORY_LABELS[self][1]


_DOCUMENT_LABELS: Final[dict[DocumentType, tuple[str, str]]] = {
    DocumentType.RESIDENT_ID: ("居民身份证", "resident ID card"),
    DocumentType.TEMPORARY_RESIDENT_ID: ("临时居民身份证", "temporary resident ID card"),
    DocumentType.SOCIAL_SECURITY_CARD: ("社会保障卡", "social security card"),
    DocumentType.HOUSEHOLD_REGISTER: ("户口簿", "household register"),
    DocumentType.HK_MACAU_TRAVEL_PERMIT: (
        "港澳居民来往内地通行证",
        "mainland travel permit for Hong Kong and Macau residents",
    ),
    DocumentType.TAIWAN_TRAVEL_PERMIT: (
        "台湾居民来往大陆通行证",
        "mainland travel permit for Taiwan residents",
    ),
    DocumentType.HMT_RESIDENCE_PERMIT: (
        "港澳台居民居住证",
        "residence permit for Hong Kong, Macau and Taiwan residents",
    ),
    DocumentType.FOREIGN_PERMANENT_RESIDENCE: (
        "外国人永久居留身份证",
        "foreigner's permanent residence ID card",
    ),
    DocumentType.PASSPORT: ("护照", "passport"),
}

_CATEGORY_LABELS: Final[dict[PersonCategory, tuple[str, str]]] = {
    PersonCategory.MAINLAND: ("内地居民", "mainland resident"),
    PersonCategory.HONG_KONG: ("香港居民", "Hong Kong resident"),
    PersonCategory.MACAU: ("澳门居民", "Macau resident"),
    PersonCategory.TAIWAN: ("台湾居民", "Taiwan resident"),
    PersonCategory.FOREIGN: ("外国人", "foreigner"),
}


@dataclass(frozen=True)
class IdentityDocument:
    """A document as presented: its type, number and validity period (None = long-term)."""

    type: DocumentType
    number: str
    valid_until: date | None = None
    valid_from: date | None = None


@dataclass(frozen=True)
class DocumentFacts:
    """What a valid document says about its holder."""

    number: str
    category: PersonCategory
    birth_date: date | None
    gender: str | None
    citizen_number: str | None


CERTIFICATE_NUMBER = re.compile(r"^[0-9A-Za-z\-]{6,64}$")


def is_certificate_number(value: str) -> bool:
    """A certificate from the police or a social-insurance agency: 6-64 letters, digits, '-'."""
    return CERTIFICATE_NUMBER.match(value.strip()) is not None


# --- refusals ---------------------------------------------------------------------------------


class InvalidDocumentNumber(DomainError):
    code = "invalid_document_number"
    status = 422
    rule = "ID-2"
    message_zh = "{document_zh}号码无效（{masked_number}）：{reason_zh}"
    message_en = "The {document_en} number ({masked_number}) is invalid: {reason_en}"


class InvalidCreditCode(InvalidDocumentNumber):
    """A bad unified social credit code; still an invalid document number for callers (ID-2)."""

    code = "invalid_credit_code"
    status = 422
    rule = "ID-2"
    message_zh = "统一社会信用代码无效（{masked_number}）：{reason_zh}"
    message_en = "The unified social credit code ({masked_number}) is invalid: {reason_en}"


class DocumentExpired(DomainError):
    code = "document_expired"
    status = 422
    rule = "ID-1"
    message_zh = "{document_zh}已于{valid_until}过期，请出示有效期内的证件"
    message_en = (
        "The {document_en} expired on {valid_until}; present a document that is still valid"
    )


class DocumentNotYetValid(DomainError):
    code = "document_not_yet_valid"
    status = 422
    rule = "ID-1"
    message_zh = "{document_zh}自{valid_from}起生效，目前尚未生效"
    message_en = "The {document_en} is valid only from {valid_from}"


class HouseholdRegisterNotAllowed(DomainError):
    code = "household_register_not_allowed"
    status = 422
    rule = "ID-1"
    message_zh = "户口簿仅限未满{age_limit}周岁且尚未领取居民身份证的人员使用，请出示居民身份证"
    message_en = (
        "A household register is accepted only for a person under {age_limit} who has no resident"
        " ID card yet; present the resident ID card"
    )


class PassportNotForCitizens(DomainError):
    code = "passport_not_for_citizens"
    status = 422
    rule = "ID-1"
    message_zh = "护照仅限外国人使用；{declared_zh}请出示居民身份证、来往内地（大陆）通行证或居住证"
    message_en = (
        "A passport is accepted only from foreigners; a {declared_en} presents a resident ID card,"
        " a mainland travel permit or a residence permit"
    )


class CategoryMismatch(DomainError):
    code = "document_category_mismatch"
    status = 422
    rule = "ID-1"
    message_zh = "申报的人员类别“{declared_zh}”与证件显示的类别“{shown_zh}”不一致"
    message_en = (
        "The declared category '{declared_en}' does not match the document, which shows"
        " '{shown_en}'"
    )


# --- reasons a number is refused --------------------------------------------------------------


@dataclass(frozen=True)
class _Reason:
    zh: str
    en: str


_LENGTH_18 = _Reason("长度应为18位", "must be 18 characters")
_NOT_DIGITS = _Reason(
    "前17位应为数字，第18位应为数字或X",
    "the first 17 characters must be digits and the 18th a digit or X",
)
_CHECK_DIGIT = _Reason("校验位错误", "check digit is wrong")
_BIRTH_DATE = _Reason("出生日期无效", "birth date is impossible")
_BIRTH_IN_FUTURE = _Reason("出生日期晚于今天", "birth date is after today")
_MAINLAND_AREA = _Reason(
    "前两位不是内地省级行政区划代码", "the first two digits are not a mainland province code"
)
_HMT_AREA = _Reason(
    "前6位应为810000、820000或830000", "the first six digits must be 810000, 820000 or 830000"
)
_HK_MACAU_FORMAT = _Reason(
    "应为H或M加8位数字（可另加2位换证次数）",
    "must be H or M followed by 8 digits (and optionally a 2-digit issue count)",
)
_TAIWAN_FORMAT = _Reason("应为8位数字", "must be 8 digits")
_PERMANENT_FORMAT = _Reason(
    "应为以9开头的18位号码，或3个字母加12位数字的旧版号码",
    "must be 18 digits starting with 9, or an old-style number of 3 letters and 12 digits",
)
_PASSPORT_FORMAT = _Reason("应为5至20位字母或数字", "must be 5 to 20 letters or digits")
_USCC_CHARACTERS = _Reason(
    "第3至8位应为数字，其余位应为数字或除I、O、S、V、Z以外的大写字母",
    "characters 3-8 must be digits and the others digits or capital letters other than"
    " I, O, S, V and Z",
)


class _BadNumber(Exception):
    """Raised inside this module by a format check; turned into a refusal with the field."""

    def __init__(self, reason: _Reason) -> None:
        super().__init__(reason.en)
        self.reason = reason


# --- normalising and masking ------------------------------------------------------------------

normalise_number = text.normalise_number  # the one rule for every typed number (issue 11)


def mask_number(number: str) -> str:
    """Mask a number for messages: keep the first 3 and last 2 characters (SPEC ID-6)."""
    return masking.mask_number(number)


# --- GB 11643 (citizen ID number) -------------------------------------------------------------

_FIRST_17_DIGITS: Final = re.compile(r"[0-9]{17}")
_GB11643_SHAPE: Final = re.compile(r"[0-9]{17}[0-9X]")
# Before this year a birth date belongs to nobody who can still apply; treat it as impossible.
_EARLIEST_BIRTH_YEAR: Final = 1900

# Province-level codes of GB/T 2260 (71 Taiwan included: some mainland residents hold it).
# 81/82/83 are left out on purpose: they mark Hong Kong, Macau and Taiwan residence permits.
_MAINLAND_PROVINCES: Final = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        "71",
    }
)
_HMT_AREAS: Final = {
    "810000": PersonCategory.HONG_KONG,
    "820000": PersonCategory.MACAU,
    "830000": PersonCategory.TAIWAN,
}


def gb11643_check_digit(first17: str) -> str:
    """Return the GB 11643 check character ("0"-"9" or "X") for the first 17 digits."""
    if not _FIRST_17_DIGITS.fullmatch(first17):
        raise ValueError("expected exactly 17 ASCII digits")
    # stdnum's helper applies the SPEC §17 weights; it expects the check position to be present.
    return ric.calc_check_digit(first17 + "0")


def _birth_date(number: str) -> date | None:
    """The YYYYMMDD birth date in positions 7-14, or None if it is not a possible date."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if born.year >= _EARLIEST_BIRTH_YEAR else None


def _gender(number: str) -> str:
    """Gender from the 17th digit: odd is male, even is female."""
    return "M" if int(number[16]) % 2 else "F"


def is_valid_gb11643(number: str) -> bool:
    """Whether the number has the GB 11643 shape, check digit and a possible birth date."""
    number = normalise_number(number)
    return (
        _GB11643_SHAPE.fullmatch(number) is not None
        and number[17] == gb11643_check_digit(number[:17])
        and _birth_date(number) is not None
    )


def _examine_gb11643(number: str, today: date) -> tuple[date, str]:
    """Check an 18-digit GB 11643-style number; return the birth date and gender it encodes."""
    if len(number) != 18:
        raise _BadNumber(_LENGTH_18)
    if not _GB11643_SHAPE.fullmatch(number):
        raise _BadNumber(_NOT_DIGITS)
    if number[17] != gb11643_check_digit(number[:17]):
        raise _BadNumber(_CHECK_DIGIT)
    born = _birth_date(number)
    if born is None:
        raise _BadNumber(_BIRTH_DATE)
    if born > today:
        raise _BadNumber(_BIRTH_IN_FUTURE)
    return born, _gender(number)


# --- one examiner per number family -----------------------------------------------------------


def _examine_citizen_number(number: str, today: date) -> DocumentFacts:
    """A mainland citizen ID number (resident ID, temporary ID, household register)."""
    born, gender = _examine_gb11643(number, today)
    if number[:2] not in _MAINLAND_PROVINCES:
        raise _BadNumber(_MAINLAND_AREA)
    return DocumentFacts(number, PersonCategory.MAINLAND, born, gender, number)


def _examine_hmt_residence_permit(number: str, today: date) -> DocumentFacts:
    """A residence permit number: GB 11643 shape with area 810000, 820000 or 830000."""
    born, gender = _examine_gb11643(number, today)
    category = _HMT_AREAS.get(number[:6])
    if category is None:
        raise _BadNumber(_HMT_AREA)
    return DocumentFacts(number, category, born, gender, number)


_OLD_PERMANENT_RESIDENCE: Final = re.compile(r"[A-Z]{3}[0-9]{12}")


def _examine_permanent_residence(number: str, today: date) -> DocumentFacts:
    """A permanent residence card: 2023 style (9 + GB 11643 shape) or old (3 letters + 12)."""
    if _OLD_PERMANENT_RESIDENCE.fullmatch(number):
        # The old layout's birth-date century and check rule are not reliable enough to use.
        return DocumentFacts(number, PersonCategory.FOREIGN, None, None, None)
    if len(number) != 18 or not number.startswith("9"):
        raise _BadNumber(_PERMANENT_FORMAT)
    born, gender = _examine_gb11643(number, today)
    return DocumentFacts(number, PersonCategory.FOREIGN, born, gender, number)


# Social security numbers sscard assigns to a holder with no 18-digit citizen-style number: a
# category letter, the city's six-digit code, the birth date and a 3-digit sequence. The leading
# letter puts them outside GB 11643's digit-only space: no citizen number can ever equal one.
ASSIGNED_PREFIX: Final = {
    PersonCategory.FOREIGN: "W",
    PersonCategory.HONG_KONG: "H",
    PersonCategory.MACAU: "M",
    PersonCategory.TAIWAN: "T",
}
_ASSIGNED_CATEGORY: Final = {letter: category for category, letter in ASSIGNED_PREFIX.items()}
_ASSIGNED_NUMBER: Final = re.compile(r"[WHMT]32[0-9]{4}[0-9]{8}[0-9]{3}")
_ASSIGNED_FORMAT = _Reason("社会保障号码格式不正确", "not a social security number sscard assigns")


def assigned_number(category: PersonCategory, area_code: str, birth: date, sequence: int) -> str:
    """The social security number sscard assigns (see ASSIGNED_PREFIX), 18 characters.

    ValueError for a mainland holder (they have a citizen number) or a sequence over 999.
    """
    if category not in ASSIGNED_PREFIX or not 1 <= sequence <= 999:
        raise ValueError("no assigned number for this category or sequence")
    return f"{ASSIGNED_PREFIX[category]}{area_code}{birth:%Y%m%d}{sequence:03d}"


def _examine_assigned_number(number: str, today: date) -> DocumentFacts:
    try:
        born = date(int(number[7:11]), int(number[11:13]), int(number[13:15]))
    except ValueError:
        raise _BadNumber(_ASSIGNED_FORMAT) from None
    if born > today:
        raise _BadNumber(_BIRTH_IN_FUTURE)
    # The number is the holder's social security number itself, as a citizen number is.
    return DocumentFacts(number, _ASSIGNED_CATEGORY[number[0]], born, None, number)


def is_assigned_number(number: str) -> bool:
    """Whether a (normalised) number has the shape of one sscard assigns."""
    return _ASSIGNED_NUMBER.fullmatch(number) is not None


def _examine_social_security_number(number: str, today: date) -> DocumentFacts:
    """A social security number is the holder's citizen, residence-permit or residence-card number.

    The first characters tell which, so Hong Kong, Macau, Taiwan and foreign cardholders are
    recognised rather than refused as bad mainland numbers.
    """
    if _ASSIGNED_NUMBER.fullmatch(number):
        return _examine_assigned_number(number, today)
    if number[:6] in _HMT_AREAS:
        return _examine_hmt_residence_permit(number, today)
    if number.startswith("9"):
        return _examine_permanent_residence(number, today)
    return _examine_citizen_number(number, today)


def social_security_number_reason(number: str, today: date) -> tuple[str, str] | None:
    """None when `number` (normalised) is a possible social security number (a citizen,
    residence-permit, residence-card or sscard-assigned number); otherwise why not, (zh, en).
    For files that name persons by their number (PAY-1 payment batches)."""
    try:
        _examine_social_security_number(normalise_number(number), today)
    except _BadNumber as bad:
        return bad.reason.zh, bad.reason.en
    return None


_HK_MACAU_PERMIT: Final = re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?")
_HK_MACAU_CATEGORY: Final = {"H": PersonCategory.HONG_KONG, "M": PersonCategory.MACAU}


def _examine_hk_macau_permit(number: str, today: date) -> DocumentFacts:
    """H (Hong Kong) or M (Macau) + 8 digits, optionally + a 2-digit issue count."""
    if not _HK_MACAU_PERMIT.fullmatch(number):
        raise _BadNumber(_HK_MACAU_FORMAT)
    return DocumentFacts(number, _HK_MACAU_CATEGORY[number[0]], None, None, None)


_TAIWAN_PERMIT: Final = re.compile(r"[0-9]{8}")


def _examine_taiwan_permit(number: str, today: date) -> DocumentFacts:
    """Eight digits."""
    if not _TAIWAN_PERMIT.fullmatch(number):
        raise _BadNumber(_TAIWAN_FORMAT)
    return DocumentFacts(number, PersonCategory.TAIWAN, None, None, None)


_PASSPORT: Final = re.compile(r"[A-Z0-9]{5,20}")


def _examine_passport(number: str, today: date) -> DocumentFacts:
    """5-20 letters or digits; the number does not encode the nationality."""
    if not _PASSPORT.fullmatch(number):
        raise _BadNumber(_PASSPORT_FORMAT)
    return DocumentFacts(number, PersonCategory.FOREIGN, None, None, None)


_EXAMINERS: Final[dict[DocumentType, Callable[[str, date], DocumentFacts]]] = {
    DocumentType.RESIDENT_ID: _examine_citizen_number,
    DocumentType.TEMPORARY_RESIDENT_ID: _examine_citizen_number,
    DocumentType.HOUSEHOLD_REGISTER: _examine_citizen_number,
    DocumentType.SOCIAL_SECURITY_CARD: _examine_social_security_number,
    DocumentType.HK_MACAU_TRAVEL_PERMIT: _examine_hk_macau_permit,
    DocumentType.TAIWAN_TRAVEL_PERMIT: _examine_taiwan_permit,
    DocumentType.HMT_RESIDENCE_PERMIT: _examine_hmt_residence_permit,
    DocumentType.FOREIGN_PERMANENT_RESIDENCE: _examine_permanent_residence,
    DocumentType.PASSPORT: _examine_passport,
}


# --- public checks ----------------------------------------------------------------------------


def examine_document(
    doc: IdentityDocument, *, today: date, field: str = "document"
) -> DocumentFacts:
    """Validate a document's number and validity period; return what it says (SPEC ID-1, ID-2)."""
    number = normalise_number(doc.number)
    try:
        facts = _EXAMINERS[doc.type](number, today)
    except _BadNumber as bad:
        raise InvalidDocumentNumber(
            field=f"{field}.number",
            document_zh=doc.type.label_zh,
            document_en=doc.type.label_en,
            masked_number=mask_number(number),
            reason_zh=bad.reason.zh,
            reason_en=bad.reason.en,
        ) from None
    check_validity_period(doc, today=today, field=field)
    return facts


class ImpossibleValidityPeriod(DomainError):
    code = "impossible_validity_period"
    status = 422
    rule = "ID-1"
    message_zh = "{document_zh}的有效期不可能如此：{reason_zh}"
    message_en = "The {document_en}'s validity period is impossible: {reason_en}"


# No document accepted under ID-1 is issued for longer than 20 years (the resident ID card of an
# adult aged 26-45; long-term cards carry no end date, sent as none).
LONGEST_VALIDITY_YEARS: Final = 20


def check_validity_period(doc: IdentityDocument, *, today: date, field: str = "document") -> None:
    """Refuse a document outside its validity period; both end days are inside (SPEC ID-1).

    ImpossibleValidityPeriod for an end before the start, or an end more than
    LONGEST_VALIDITY_YEARS after today or after the start (9999-12-31 is not "long-term").
    """
    if doc.valid_from is None and doc.valid_until is None:
        return  # nothing given to check (a unit's batch row, a long-term document)
    labels = {"document_zh": doc.type.label_zh, "document_en": doc.type.label_en}
    _check_period_possible(doc, today, field, labels)
    if doc.valid_until is not None and doc.valid_until < today:
        raise DocumentExpired(
            field=f"{field}.valid_until", valid_until=doc.valid_until.isoformat(), **labels
        )
    if doc.valid_from is not None and doc.valid_from > today:
        raise DocumentNotYetValid(
            field=f"{field}.valid_from", valid_from=doc.valid_from.isoformat(), **labels
        )


def _check_period_possible(
    doc: IdentityDocument, today: date, field: str, labels: dict[str, str]
) -> None:
    start, end = doc.valid_from, doc.valid_until
    if start is not None and end is not None and end < start:
        raise ImpossibleValidityPeriod(
            field=f"{field}.valid_until",
            reason_zh="截止日早于起始日",
            reason_en="it ends before it starts",
            **labels,
        )
    latest = _years_after(max(today, start or today), LONGEST_VALIDITY_YEARS)
    if end is not None and end > latest:
        raise ImpossibleValidityPeriod(
            field=f"{field}.valid_until",
            reason_zh=f"超过{LONGEST_VALIDITY_YEARS}年；长期有效的证件请不填截止日",
            reason_en=f"longer than {LONGEST_VALIDITY_YEARS} years; leave it empty for a "
            "long-term document",
            **labels,
        )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(birth_date: date, today: date) -> int:
    """Full years (周岁) on today; someone born on 29 February ages on 1 March in common years."""
    if birth_date > today:
        raise ValueError("birth date is after today")
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (1 if before_birthday else 0)


HOUSEHOLD_REGISTER_AGE_LIMIT: Final = 16


def check_document_fits_holder(
    doc_type: DocumentType,
    facts: DocumentFacts,
    *,
    declared_category: PersonCategory,
    today: date,
    field: str = "document.type",
) -> None:
    """Refuse a document the declared holder may not use (SPEC ID-1)."""
    if doc_type == DocumentType.PASSPORT and declared_category != PersonCategory.FOREIGN:
        raise PassportNotForCitizens(
            field=field,
            declared_zh=declared_category.label_zh,
            declared_en=declared_category.label_en,
        )
    if declared_category != facts.category:
        raise CategoryMismatch(
            field=field,
            declared_zh=declared_category.label_zh,
            declared_en=declared_category.label_en,
            shown_zh=facts.category.label_zh,
            shown_en=facts.category.label_en,
        )
    if doc_type == DocumentType.HOUSEHOLD_REGISTER and not _is_under(
        facts.birth_date, HOUSEHOLD_REGISTER_AGE_LIMIT, today
    ):
        raise HouseholdRegisterNotAllowed(field=field, age_limit=HOUSEHOLD_REGISTER_AGE_LIMIT)


def _is_under(birth_date: date | None, years: int, today: date) -> bool:
    """Whether a person is known to be younger than the given full years; unknown is not."""
    return birth_date is not None and age_on(birth_date, today) < years


# --- GB 32100 (unified social credit code) ----------------------------------------------------

_USCC_ALPHABET: Final = "0-9A-HJ-NPQRTUWXY"
_USCC_SHAPE: Final = re.compile(f"[{_USCC_ALPHABET}]{{2}}[0-9]{{6}}[{_USCC_ALPHABET}]{{10}}")


def validate_uscc(code: str, field: str = "unified_social_credit_code") -> str:
    """Validate a unified social credit code (GB 32100, mod-31 check); return it normalised.
    InvalidCreditCode names `field`."""
    code = normalise_number(code)
    reason = _uscc_problem(code)
    if reason is not None:
        raise InvalidCreditCode(
            field=field,
            document_zh="统一社会信用代码",
            document_en="unified social credit code",
            masked_number=mask_number(code),
            reason_zh=reason.zh,
            reason_en=reason.en,
        )
    return code


def _uscc_problem(code: str) -> _Reason | None:
    """Why a normalised code is invalid, or None."""
    if len(code) != 18:
        return _LENGTH_18
    if not _USCC_SHAPE.fullmatch(code):
        return _USCC_CHARACTERS
    # stdnum's validate refuses codes starting with a letter (SPEC §17); its check helper does not.
    if code[17] != uscc.calc_check_digit(code[:17]):
        return _CHECK_DIGIT
    return None
