"""The card's hr (social security) password: format, weak passwords, lock arithmetic. Pure.

SPEC PWD-1..3. The hr password is six digits, the length social security card PINs have. Weak
ones are refused (PWD-2): the holder's birthday in its common forms, six digits in a row of the
holder's phone or social security number, one digit repeated, runs up or down (wrapping past 9,
as on a keypad's 1234567890 row), and short patterns (121212, 123123, 112233, 123321). About
3,000 of the million six-digit values are refused for everyone, a few thousand more per holder.
Refusals say which rule was broken and never repeat the password or the personal data it hit.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from sscard.cards.lifecycle import HrStatus
from sscard.kernel.errors import DomainError
from sscard.registry.entities import GuessableFacts

LENGTH = 6
_SIX_DIGITS = re.compile(r"[0-9]{6}")  # not str.isdigit(): that takes "１２３４５６" and "²"


# What a guesser could know of the holder (the registry's GuessableFacts, SPEC PWD-2).
Holder = GuessableFacts


class Weakness(StrEnum):
    REPEATED_DIGIT = "repeated_digit"
    RUN = "run"
    PATTERN = "pattern"
    BIRTHDAY = "birthday"
    PHONE = "phone"
    ID_NUMBER = "id_number"


# ---- refusals ----


class HrPasswordFormat(DomainError):
    code = "hr_password_format"
    status = 422
    rule = "PWD-2"
    message_zh = "社保密码须为6位数字"
    message_en = "The hr password must be 6 digits"


class WeakHrPassword(DomainError):
    """A six-digit password that is too easy to guess (SPEC PWD-2)."""

    status = 422
    rule = "PWD-2"


class HrPasswordRepeatedDigit(WeakHrPassword):
    code = "hr_password_repeated_digit"
    message_zh = "社保密码不能是同一数字重复（如111111）"
    message_en = "The hr password must not be one digit repeated (like 111111)"


class HrPasswordRun(WeakHrPassword):
    code = "hr_password_run"
    message_zh = "社保密码不能是连续递增或递减的数字（如123456、654321、890123）"
    message_en = (
        "The hr password must not be a run of digits up or down (like 123456, 654321, 890123)"
    )


class HrPasswordPattern(WeakHrPassword):
    code = "hr_password_pattern"
    message_zh = "社保密码不能是简单重复或对称的组合（如121212、123123、112233、123321）"
    message_en = (
        "The hr password must not be a short repeated or mirrored pattern "
        "(like 121212, 123123, 112233, 123321)"
    )


class HrPasswordBirthday(WeakHrPassword):
    code = "hr_password_birthday"
    message_zh = "社保密码不能含有持卡人的出生日期（年月日、月日、出生年份等）"
    message_en = (
        "The hr password must not contain the holder's birthday "
        "(date, month and day, year of birth, ...)"
    )


class HrPasswordPhone(WeakHrPassword):
    code = "hr_password_phone"
    message_zh = "社保密码不能是持卡人手机号码中的连续6位"
    message_en = "The hr password must not be 6 digits in a row of the holder's phone number"


class HrPasswordIdNumber(WeakHrPassword):
    code = "hr_password_id_number"
    message_zh = "社保密码不能是持卡人社会保障号码（身份证号码）中的连续6位"
    message_en = (
        "The hr password must not be 6 digits in a row of the holder's social security (ID) number"
    )


REFUSALS: dict[Weakness, type[WeakHrPassword]] = {
    Weakness.REPEATED_DIGIT: HrPasswordRepeatedDigit,
    Weakness.RUN: HrPasswordRun,
    Weakness.PATTERN: HrPasswordPattern,
    Weakness.BIRTHDAY: HrPasswordBirthday,
    Weakness.PHONE: HrPasswordPhone,
    Weakness.ID_NUMBER: HrPasswordIdNumber,
}


# ---- the rules ----


def is_well_formed(password: str) -> bool:
    return _SIX_DIGITS.fullmatch(password) is not None


def _runs() -> frozenset[str]:
    """Ten starting digits, up or down by one, wrapping 9→0 (keypad row 1234567890)."""
    return frozenset(
        "".join(str((start + step * i) % 10) for i in range(LENGTH))
        for start in range(10)
        for step in (1, -1)
    )


RUNS = _runs()


def _is_pattern(p: str) -> bool:
    periodic = any(p == p[:n] * (LENGTH // n) for n in (2, 3))
    doubled = p[0] == p[1] and p[2] == p[3] and p[4] == p[5]  # 112233
    mirrored = p == p[::-1]  # 123321
    return periodic or doubled or mirrored


def birthday_fragments(born: date) -> frozenset[str]:
    """Four-digit pieces of a birthday that, anywhere in the password, give it away.

    Month+day either way round covers YYMMDD, MMDDYY, DDMMYY, YYDDMM; the year covers YYYYMM,
    MMYYYY, YYYYMD; year+month either way round covers YYMMxx and xxMMYY.
    """
    y4 = f"{born.year:04d}"
    y2, mm, dd = y4[2:], f"{born.month:02d}", f"{born.day:02d}"
    return frozenset({mm + dd, dd + mm, y4, y2 + mm, mm + y2})


def birthday_forms(born: date) -> frozenset[str]:
    """Whole six-digit birthday forms, including those no fragment above catches (MMYYDD)."""
    y4 = f"{born.year:04d}"
    y2, mm, dd = y4[2:], f"{born.month:02d}", f"{born.day:02d}"
    forms = {y2 + mm + dd, dd + mm + y2, mm + dd + y2, y2 + dd + mm, mm + y2 + dd, dd + y2 + mm}
    forms |= {y4 + mm, mm + y4, y4 + dd, dd + y4, y4 + f"{born.month}{born.day}"}
    return frozenset(f for f in forms if len(f) == LENGTH)


def windows(digits: str) -> frozenset[str]:
    """Every six digits in a row of a number (non-digits, like an X check digit, break it)."""
    return frozenset(
        digits[i : i + LENGTH]
        for i in range(len(digits) - LENGTH + 1)
        if is_well_formed(digits[i : i + LENGTH])
    )


def weakness(password: str, holder: Holder) -> Weakness | None:
    """The first rule a well-formed password breaks, in a fixed order; None if it is strong."""
    if len(set(password)) == 1:
        return Weakness.REPEATED_DIGIT
    if password in RUNS:
        return Weakness.RUN
    if _is_pattern(password):
        return Weakness.PATTERN
    born = holder.birth_date
    if born is not None and (
        password in birthday_forms(born) or any(f in password for f in birthday_fragments(born))
    ):
        return Weakness.BIRTHDAY
    if holder.phone and password in windows(holder.phone):
        return Weakness.PHONE
    if holder.ssn and password in windows(holder.ssn.upper()):
        return Weakness.ID_NUMBER
    return None


def check_new_password(password: str, holder: Holder, *, field: str) -> None:
    """SPEC PWD-2: refuse a password that is not six digits or is easy to guess, saying why."""
    if not is_well_formed(password):
        raise HrPasswordFormat(field=field)
    found = weakness(password, holder)
    if found is not None:
        raise REFUSALS[found](field=field)


# ---- wrong tries and the lock (SPEC PWD-3) ----


def locks(failed_attempts: int, max_attempts: int) -> bool:
    """After this many wrong tries in a row, is the password locked?"""
    return failed_attempts >= max_attempts


def remaining_tries(failed_attempts: int, max_attempts: int) -> int:
    return max(0, max_attempts - failed_attempts)


# ---- which cards may have a password set or checked ----


class CardNotUsableForPassword(DomainError):
    """The card cannot be used now, so its hr password can be neither set nor checked."""

    status = 409


class PasswordCardNotCollected(CardNotUsableForPassword):
    code = "card_not_collected"
    rule = "ISS-4"
    message_zh = "卡片尚未领取，不能设置或校验社保密码"
    message_en = "The card has not been collected; its hr password cannot be set or checked"


class PasswordCardLost(CardNotUsableForPassword):
    code = "card_lost"
    rule = "LOSS-5"
    message_zh = "卡片已挂失，不能设置或校验社保密码"
    message_en = "The card is reported lost; its hr password cannot be set or checked"


class PasswordCardCancelled(CardNotUsableForPassword):
    code = "card_cancelled"
    rule = "CAN-5"
    message_zh = "卡片已注销，不能设置或校验社保密码"
    message_en = "The card is cancelled; its hr password cannot be set or checked"


class PasswordCardSuperseded(CardNotUsableForPassword):
    code = "card_superseded"
    rule = "LOSS-4"
    message_zh = "卡片已被新卡取代，不能设置或校验社保密码"
    message_en = "The card was replaced by a new one; its hr password cannot be set or checked"


_NOT_USABLE: dict[HrStatus, type[CardNotUsableForPassword]] = {
    HrStatus.PRODUCED: PasswordCardNotCollected,
    HrStatus.TEMPORARILY_LOST: PasswordCardLost,
    HrStatus.FORMALLY_LOST: PasswordCardLost,
    HrStatus.CANCELLED: PasswordCardCancelled,
    HrStatus.SUPERSEDED: PasswordCardSuperseded,
}


def require_usable(state: HrStatus) -> None:
    """SPEC LOSS-5/CAN-5: only an active card (as it stands now) has a password in use."""
    if state is HrStatus.ACTIVE:
        return
    # A state added later is refused too, as a lost card would be, until it is named here.
    raise _NOT_USABLE.get(state, PasswordCardLost)(field="card_number")
