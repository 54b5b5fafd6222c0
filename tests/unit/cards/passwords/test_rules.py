"""The hr password's pure rules: format, weak passwords, the lock (SPEC PWD-2, PWD-3)."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest

from sscard.cards.lifecycle import HrStatus
from sscard.cards.passwords import rules as pw
from sscard.cards.passwords.rules import Holder, Weakness
from sscard.kernel.errors import InvalidInput
from sscard.registry.reference.loading import _policy_rows
from sscard.registry.reference.policy import CityPolicy

NOBODY = Holder(birth_date=None, phone=None, ssn=None)
rng = random.Random(20261123)


def _pins(n: int) -> list[str]:
    return [f"{rng.randrange(1_000_000):06d}" for _ in range(n)]


def _dates(n: int) -> list[date]:
    start = date(1920, 1, 1)
    return [start + timedelta(days=rng.randrange(106 * 365)) for _ in range(n)]


def _phone() -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


# ---- format ----


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "12345",
        "1234567",
        "12a456",
        " 12345",
        "１２３４５６",
        "12345²",
        "12 456",
        "-12345",
        "1e5000",
    ],
)
def test_only_six_ascii_digits_are_a_password(bad: str) -> None:
    """SPEC PWD-2: the hr password is 6 digits, like every social security card PIN."""
    with pytest.raises(pw.HrPasswordFormat) as refused:
        pw.check_new_password(bad, NOBODY, field="new_password")
    assert refused.value.field == "new_password"
    assert refused.value.rule == "PWD-2"


# ---- the generic weak ones ----


def test_every_repeated_digit_is_refused() -> None:
    """SPEC PWD-2: one digit repeated (000000 .. 999999)."""
    for d in "0123456789":
        assert pw.weakness(d * 6, NOBODY) is Weakness.REPEATED_DIGIT


def test_every_run_up_or_down_is_refused_including_wrap() -> None:
    """SPEC PWD-2: ascending and descending runs, wrapping past 9 like the keypad row."""
    runs = {"012345", "123456", "234567", "345678", "456789", "567890", "678901", "789012"}
    runs |= {"890123", "901234"}
    runs |= {r[::-1] for r in runs}
    assert len(runs) == 20
    for r in runs:
        assert pw.weakness(r, NOBODY) is Weakness.RUN, r
    assert runs == pw.RUNS


def test_every_short_repeated_or_mirrored_pattern_is_refused() -> None:
    """SPEC PWD-2: 121212 (period 2), 123123 (period 3), 112233 (doubled), 123321 (mirror)."""
    patterns = {f"{i:02d}" * 3 for i in range(100)} | {f"{i:03d}" * 2 for i in range(1000)}
    patterns |= {
        a * 2 + b * 2 + c * 2 for a in "0123456789" for b in "0123456789" for c in "0123456789"
    }
    patterns |= {f"{i:03d}" + f"{i:03d}"[::-1] for i in range(1000)}
    for p in patterns:
        expected = Weakness.REPEATED_DIGIT if len(set(p)) == 1 else Weakness.PATTERN
        assert pw.weakness(p, NOBODY) is expected, p


def test_the_generic_rules_match_an_independent_oracle() -> None:
    """SPEC PWD-2: 50,000 random six-digit values judged by a second, naive reading."""
    for p in _pins(50_000):
        periodic = p[:2] * 3 == p or p[:3] * 2 == p
        doubled = p[0::2] == p[1::2]
        mirror = p == p[::-1]
        steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(p)}
        oracle = periodic or doubled or mirror or steps in ({1}, {9})
        assert (pw.weakness(p, NOBODY) is not None) is oracle, p


def test_the_generic_rules_refuse_only_a_few_thousand_of_the_million() -> None:
    """SPEC PWD-2: one digit, runs, patterns: about 3,000 values, 0.3 % of all."""
    periodic = {f"{i:02d}" * 3 for i in range(100)} | {f"{i:03d}" * 2 for i in range(1000)}
    doubled = {f"{i:03d}"[0] * 2 + f"{i:03d}"[1] * 2 + f"{i:03d}"[2] * 2 for i in range(1000)}
    mirrored = {f"{i:03d}" + f"{i:03d}"[::-1] for i in range(1000)}
    generic = periodic | doubled | mirrored | pw.RUNS
    assert 2_900 < len(generic) < 3_100
    assert all(pw.weakness(p, NOBODY) is not None for p in generic)


# ---- the holder's own data ----


def _birthday_forms(born: date) -> list[str]:
    y4 = f"{born.year:04d}"
    y2, mm, dd = y4[2:], f"{born.month:02d}", f"{born.day:02d}"
    forms = [y2 + mm + dd, mm + dd + y2, dd + mm + y2, y2 + dd + mm, y4 + mm, mm + y4]
    forms += [mm + y2 + dd, dd + y2 + mm]
    if born.month < 10 and born.day < 10:
        forms.append(f"{y4}{born.month}{born.day}")  # 1990-1-5 as 199015
    for fragment in (mm + dd, dd + mm, y4, y2 + mm, mm + y2):  # four digits of it, anywhere
        at, pad = rng.randrange(3), f"{rng.randrange(100):02d}"
        forms.append(pad[:at] + fragment + pad[at:])
    return forms


def test_birthdays_in_every_common_form_are_refused() -> None:
    """SPEC PWD-2: YYMMDD, MMDDYY, DDMMYY, YYYYMM, MMYYYY, month+day or year anywhere ..."""
    checked = 0
    for born in _dates(400):
        holder = Holder(birth_date=born, phone=None, ssn=None)
        for form in _birthday_forms(born):
            assert len(form) == 6, form
            if pw.weakness(form, NOBODY) is not None:
                continue  # e.g. 1911-11-11: refused already as 111111
            assert pw.weakness(form, holder) is Weakness.BIRTHDAY, (born, form)
            with pytest.raises(pw.HrPasswordBirthday):
                pw.check_new_password(form, holder, field="new_password")
            checked += 1
    assert checked > 3000


def test_someone_elses_birthday_is_not_refused_for_that_reason() -> None:
    """SPEC PWD-2: the rule is about the holder's own birthday."""
    holder = Holder(birth_date=date(1990, 1, 15), phone=None, ssn=None)
    assert pw.weakness("840623", holder) is None  # 1984-06-23, not the holder's
    assert pw.weakness("900115", holder) is Weakness.BIRTHDAY


def test_six_digits_in_a_row_of_the_phone_are_refused() -> None:
    """SPEC PWD-2: any six digits in a row of the holder's phone (11 digits: 6 windows)."""
    checked = 0
    for _ in range(300):
        phone = _phone()
        holder = Holder(birth_date=None, phone=phone, ssn=None)
        for i in range(6):
            piece = phone[i : i + 6]
            if pw.weakness(piece, NOBODY) is None:
                assert pw.weakness(piece, holder) is Weakness.PHONE, (phone, i)
                checked += 1
    assert checked > 1500


def test_six_digits_in_a_row_of_the_id_number_are_refused() -> None:
    """SPEC PWD-2: the last six of the ID number is a well-known weak choice; any six too."""
    ssn = "32040219900115123X"
    holder = Holder(birth_date=None, phone=None, ssn=ssn.lower())
    assert "15123X" not in pw.windows(ssn)
    assert "115123" in pw.windows(ssn)
    for i in range(len(ssn) - 6):
        piece = ssn[i : i + 6]
        if pw.is_well_formed(piece) and pw.weakness(piece, NOBODY) is None:
            assert pw.weakness(piece, holder) is Weakness.ID_NUMBER, piece


def test_random_passwords_are_mostly_accepted() -> None:
    """SPEC PWD-2: the rules refuse the guessable, not a real share of all passwords."""
    refused = 0
    for pin in _pins(5000):
        holder = Holder(birth_date=_dates(1)[0], phone=_phone(), ssn=None)
        refused += pw.weakness(pin, holder) is not None
    assert refused < 5000 * 0.02


def test_refusals_name_the_rule_and_never_repeat_the_password() -> None:
    """SPEC PWD-2/PWD-3: which rule, in Chinese and English; no password, no birthday."""
    holder = Holder(birth_date=date(1987, 3, 29), phone="13812345678", ssn=None)
    cases = {
        "777777": pw.HrPasswordRepeatedDigit,
        "345678": pw.HrPasswordRun,
        "373737": pw.HrPasswordPattern,
        "870329": pw.HrPasswordBirthday,
        "812345": pw.HrPasswordPhone,
    }
    for pin, refusal in cases.items():
        with pytest.raises(refusal) as refused:
            pw.check_new_password(pin, holder, field="new_password")
        e = refused.value
        assert e.rule == "PWD-2"
        assert e.status == 422
        assert e.field == "new_password"
        for text in (e.detail_zh, e.detail_en, str(e)):
            assert pin not in text
            assert "0329" not in text
            assert "1987" not in text
    assert len({c.code for c in cases.values()}) == len(cases)


def test_a_strong_password_passes() -> None:
    """SPEC PWD-2."""
    holder = Holder(birth_date=date(1990, 1, 15), phone="13900000000", ssn="320402199001151234")
    pw.check_new_password("583920", holder, field="new_password")


# ---- the lock ----


@pytest.mark.parametrize("limit", [1, 3, 5, 6, 10])
def test_the_lock_comes_at_the_limit_and_not_before(limit: int) -> None:
    """SPEC PWD-3: N wrong tries in a row lock; the tries left count down to zero."""
    for failed in range(limit):
        assert not pw.locks(failed, limit)
        assert pw.remaining_tries(failed, limit) == limit - failed
    assert pw.locks(limit, limit)
    assert pw.remaining_tries(limit, limit) == 0
    assert pw.locks(limit + 3, limit)
    assert pw.remaining_tries(limit + 3, limit) == 0


def test_every_shipped_policy_limits_wrong_tries() -> None:
    """SPEC PWD-3: the limit is city policy; every shipped policy sets it (5 by default)."""
    for row in _policy_rows():
        policy = CityPolicy.from_rules(row["city_code"], row["effective_from"], row["rules"])
        assert policy.password_max_attempts == 5


def test_a_policy_without_tries_is_refused() -> None:
    """SPEC PWD-3: zero tries would lock every password at once."""
    row = _policy_rows()[0]
    with pytest.raises(InvalidInput, match="password_max_attempts") as refused:
        CityPolicy.from_rules(
            "3201", date(2030, 1, 1), {**row["rules"], "password_max_attempts": 0}
        )
    assert refused.value.field == "rules.password_max_attempts"


# ---- which cards ----


@pytest.mark.parametrize(
    ("state", "rule"),
    [
        (HrStatus.PRODUCED, "ISS-4"),
        (HrStatus.TEMPORARILY_LOST, "LOSS-5"),
        (HrStatus.FORMALLY_LOST, "LOSS-5"),
        (HrStatus.CANCELLED, "CAN-5"),
        (HrStatus.SUPERSEDED, "LOSS-4"),
    ],
)
def test_only_an_active_card_has_its_password_set_or_checked(state: HrStatus, rule: str) -> None:
    """SPEC LOSS-5/CAN-5: a lost, dead or uncollected card answers no."""
    pw.require_usable(HrStatus.ACTIVE)
    with pytest.raises(pw.CardNotUsableForPassword) as refused:
        pw.require_usable(state)
    assert refused.value.rule == rule
    assert refused.value.status == 409
