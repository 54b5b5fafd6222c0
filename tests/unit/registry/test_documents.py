"""Identity documents: number formats, check digits, validity periods and who may use which.

Every number here is generated: check characters are computed by the helpers below from the
weights in SPEC §17, and mainland numbers use the area code 329999, which is no real county.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sscard.kernel.errors import DomainError
from sscard.registry.documents import (
    CategoryMismatch,
    DocumentExpired,
    DocumentFacts,
    DocumentNotYetValid,
    DocumentType,
    HouseholdRegisterNotAllowed,
    IdentityDocument,
    InvalidCreditCode,
    InvalidDocumentNumber,
    PassportNotForCitizens,
    PersonCategory,
    age_on,
    check_document_fits_holder,
    examine_document,
    gb11643_check_digit,
    is_valid_gb11643,
    mask_number,
    normalise_number,
    validate_uscc,
)

TODAY = date(2025, 6, 15)
FAKE_AREA = "329999"  # Jiangsu prefix, no such county: cannot be a real person's number

# --- generators (independent of the code under test) ------------------------------------------

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_check_digit(first17: str) -> str:
    """Append the GB 11643 check character computed with the SPEC §17 weights."""
    total = sum(int(d) * w for d, w in zip(first17, _GB11643_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def citizen_number(
    birth: str = "19900115", *, area: str = FAKE_AREA, sequence: str = "12", gender_digit: str = "3"
) -> str:
    """A generated 18-digit number with a valid check digit."""
    return with_check_digit(area + birth + sequence + gender_digit)


def with_wrong_check_digit(number: str) -> str:
    wrong = "0" if number[17] != "0" else "1"
    return number[:17] + wrong


def uscc_with_check(first17: str) -> str:
    """Append the GB 32100 check character: weights are powers of 3 mod 31."""
    total = sum(_USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + _USCC_ALPHABET[(31 - total % 31) % 31]


def examine(doc_type: DocumentType, number: str, **kwargs: date | None) -> DocumentFacts:
    return examine_document(IdentityDocument(doc_type, number, **kwargs), today=TODAY)


def refusal_reason(doc_type: DocumentType, number: str) -> str:
    with pytest.raises(InvalidDocumentNumber) as refused:
        examine(doc_type, number)
    return str(refused.value.params["reason_en"])


# --- resident ID: GB 11643 --------------------------------------------------------------------


def test_resident_id_accepted_with_birth_date_and_gender() -> None:
    """SPEC ID-2: a valid 18-digit number yields birth date, gender and the citizen number."""
    number = citizen_number("19900115", gender_digit="3")

    facts = examine(DocumentType.RESIDENT_ID, number)

    assert facts == DocumentFacts(
        number=number,
        category=PersonCategory.MAINLAND,
        birth_date=date(1990, 1, 15),
        gender="M",
        citizen_number=number,
    )


def test_resident_id_even_17th_digit_is_female() -> None:
    """SPEC ID-2: the 17th digit encodes gender, even for women."""
    facts = examine(DocumentType.RESIDENT_ID, citizen_number(gender_digit="4"))

    assert facts.gender == "F"


def test_wrong_check_digit_refused_naming_the_field() -> None:
    """SPEC ID-2: a bad number is refused with the field and the reason."""
    number = with_wrong_check_digit(citizen_number())

    with pytest.raises(InvalidDocumentNumber) as refused:
        examine_document(
            IdentityDocument(DocumentType.RESIDENT_ID, number), today=TODAY, field="applicant.id"
        )

    assert refused.value.field == "applicant.id.number"
    assert refused.value.params["reason_zh"] == "校验位错误"
    assert refused.value.params["reason_en"] == "check digit is wrong"
    assert refused.value.rule == "ID-2"
    assert refused.value.status == 422


@pytest.mark.parametrize(
    "birth",
    [
        pytest.param("19990230", id="february-30"),
        pytest.param("19991301", id="month-13"),
        pytest.param("19990000", id="month-and-day-zero"),
        pytest.param("20230229", id="february-29-in-common-year"),
        pytest.param("18991231", id="before-1900"),
    ],
)
def test_impossible_birth_date_refused(birth: str) -> None:
    """SPEC ID-2: the birth date in a citizen ID number must be a real date."""
    assert refusal_reason(DocumentType.RESIDENT_ID, citizen_number(birth)) == (
        "birth date is impossible"
    )


def test_february_29_in_leap_year_accepted() -> None:
    """SPEC ID-2: 29 February is a real birth date in a leap year."""
    facts = examine(DocumentType.RESIDENT_ID, citizen_number("20000229"))

    assert facts.birth_date == date(2000, 2, 29)


def test_birth_date_after_today_refused() -> None:
    """SPEC ID-2: nobody applies before being born."""
    tomorrow = (TODAY + timedelta(days=1)).strftime("%Y%m%d")

    assert refusal_reason(DocumentType.RESIDENT_ID, citizen_number(tomorrow)) == (
        "birth date is after today"
    )


def test_birth_date_today_accepted() -> None:
    """SPEC ID-2: a newborn's number is valid on the day of birth."""
    facts = examine(DocumentType.HOUSEHOLD_REGISTER, citizen_number(TODAY.strftime("%Y%m%d")))

    assert facts.birth_date == TODAY


def test_lowercase_x_check_digit_normalised_to_upper_case() -> None:
    """SPEC ID-2: a check character typed as 'x' is the X check digit."""
    number = next(n for s in range(100) if (n := citizen_number(sequence=f"{s:02d}")).endswith("X"))

    facts = examine(DocumentType.RESIDENT_ID, number.lower())

    assert facts.number == number
    assert facts.citizen_number == number


def test_full_width_characters_and_spaces_normalised() -> None:
    """SPEC ID-2: digits typed with a Chinese IME (full width, ideographic spaces) are accepted."""
    number = citizen_number()
    typed = " " + "".join(chr(ord(c) + 0xFEE0) for c in number[:6]) + "\u3000" + number[6:] + "\n"

    assert examine(DocumentType.RESIDENT_ID, typed).number == number


def test_normalise_number_uppercases_and_drops_whitespace() -> None:
    """SPEC ID-2: normalisation is what makes 'e 1234 5678' and 'E12345678' the same number."""
    assert normalise_number(" ｅ 1234\t５678 ") == "E12345678"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        pytest.param("", "must be 18 characters", id="empty"),
        pytest.param(citizen_number()[:17], "must be 18 characters", id="17-digits"),
        pytest.param(FAKE_AREA + "900115123", "must be 18 characters", id="old-15-digit"),
        pytest.param(
            "32A999" + "19900115123X",
            "the first 17 characters must be digits and the 18th a digit or X",
            id="letter-inside",
        ),
        pytest.param(
            citizen_number()[:17] + "Y",
            "the first 17 characters must be digits and the 18th a digit or X",
            id="check-letter-not-x",
        ),
    ],
)
def test_malformed_resident_id_refused_with_reason(number: str, reason: str) -> None:
    """SPEC ID-2: second-generation ID numbers are exactly 17 digits plus a check character."""
    assert refusal_reason(DocumentType.RESIDENT_ID, number) == reason


def test_resident_id_from_county_newer_than_any_list_accepted() -> None:
    """SPEC §17: birthplace codes are not checked against a county list (329999 is in none)."""
    assert examine(DocumentType.RESIDENT_ID, citizen_number(area=FAKE_AREA)).category == (
        PersonCategory.MAINLAND
    )


@pytest.mark.parametrize("area", ["810000", "820000", "830000", "990000", "200101", "000000"])
def test_resident_id_outside_mainland_provinces_refused(area: str) -> None:
    """SPEC ID-2: a resident ID starts with a mainland province code; 81/82/83 are permits."""
    assert refusal_reason(DocumentType.RESIDENT_ID, citizen_number(area=area)) == (
        "the first two digits are not a mainland province code"
    )


@pytest.mark.parametrize("area", ["110101", "320402", "460000", "500101", "650102", "710000"])
def test_resident_id_from_each_province_range_accepted(area: str) -> None:
    """SPEC ID-2: province codes 11-65 and 71 are mainland citizen numbers."""
    assert examine(DocumentType.RESIDENT_ID, citizen_number(area=area)).category == (
        PersonCategory.MAINLAND
    )


def test_temporary_resident_id_validated_like_resident_id() -> None:
    """SPEC ID-1, ID-2: the temporary ID card carries the same citizen number."""
    number = citizen_number()

    assert examine(DocumentType.TEMPORARY_RESIDENT_ID, number).citizen_number == number
    assert refusal_reason(DocumentType.TEMPORARY_RESIDENT_ID, with_wrong_check_digit(number)) == (
        "check digit is wrong"
    )


def test_household_register_with_15_digit_number_refused() -> None:
    """SPEC ID-1: a household register is accepted only with an 18-digit citizen number."""
    assert refusal_reason(DocumentType.HOUSEHOLD_REGISTER, FAKE_AREA + "100115123") == (
        "must be 18 characters"
    )


# --- check-digit helpers ----------------------------------------------------------------------


@pytest.mark.parametrize("first17", ["11010519491231002", "32999919900115123", "00000000000000000"])
def test_gb11643_check_digit_uses_spec_weights(first17: str) -> None:
    """SPEC §17: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11, into 10X98765432."""
    assert first17 + gb11643_check_digit(first17) == with_check_digit(first17)


@pytest.mark.parametrize("first17", ["1234567890123456", "1234567890123456X", "１2345678901234567"])
def test_gb11643_check_digit_needs_17_ascii_digits(first17: str) -> None:
    """SPEC ID-2: the check digit is defined over 17 digits only."""
    with pytest.raises(ValueError, match="17 ASCII digits"):
        gb11643_check_digit(first17)


def test_is_valid_gb11643_accepts_permits_and_refuses_bad_numbers() -> None:
    """SPEC ID-2, §17: shape, check digit and birth date, whatever the area code."""
    assert is_valid_gb11643(citizen_number())
    assert is_valid_gb11643(citizen_number(area="810000"))
    assert not is_valid_gb11643(with_wrong_check_digit(citizen_number()))
    assert not is_valid_gb11643(citizen_number("19990230"))
    assert not is_valid_gb11643(citizen_number()[:17])


# --- Hong Kong, Macau and Taiwan --------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "category"),
    [
        ("810000", PersonCategory.HONG_KONG),
        ("820000", PersonCategory.MACAU),
        ("830000", PersonCategory.TAIWAN),
    ],
)
def test_hmt_residence_permit_accepted_by_area_code(area: str, category: PersonCategory) -> None:
    """SPEC ID-1, §17: residence permits use 810000/820000/830000 and the GB 11643 check digit."""
    number = citizen_number("19851120", area=area, gender_digit="8")

    facts = examine(DocumentType.HMT_RESIDENCE_PERMIT, number)

    assert facts == DocumentFacts(number, category, date(1985, 11, 20), "F", number)


def test_hmt_residence_permit_with_mainland_area_refused() -> None:
    """SPEC ID-2: a residence permit's area code is 810000, 820000 or 830000."""
    assert refusal_reason(DocumentType.HMT_RESIDENCE_PERMIT, citizen_number()) == (
        "the first six digits must be 810000, 820000 or 830000"
    )


def test_hmt_residence_permit_with_wrong_check_digit_refused() -> None:
    """SPEC ID-2: residence permits carry the GB 11643 check digit."""
    number = with_wrong_check_digit(citizen_number(area="810000"))

    assert refusal_reason(DocumentType.HMT_RESIDENCE_PERMIT, number) == "check digit is wrong"


@pytest.mark.parametrize(
    ("number", "category"),
    [
        ("H12345678", PersonCategory.HONG_KONG),
        ("M12345678", PersonCategory.MACAU),
        ("H1234567801", PersonCategory.HONG_KONG),
        ("m8765432103", PersonCategory.MACAU),
    ],
)
def test_hk_macau_travel_permit_accepted(number: str, category: PersonCategory) -> None:
    """SPEC §17: H or M + 8 digits, optionally + a 2-digit issue count; the letter says where."""
    facts = examine(DocumentType.HK_MACAU_TRAVEL_PERMIT, number)

    assert facts.category == category
    assert facts.number == number.upper()
    assert facts.birth_date is None
    assert facts.citizen_number is None


@pytest.mark.parametrize("number", ["H1234567", "H123456789", "X12345678", "12345678", "HH2345678"])
def test_hk_macau_travel_permit_malformed_refused(number: str) -> None:
    """SPEC ID-2, §17: anything but H/M + 8 (+2) digits is refused."""
    assert refusal_reason(DocumentType.HK_MACAU_TRAVEL_PERMIT, number).startswith(
        "must be H or M followed by 8 digits"
    )


def test_taiwan_travel_permit_accepted() -> None:
    """SPEC §17: the Taiwan residents' permit number is 8 digits."""
    facts = examine(DocumentType.TAIWAN_TRAVEL_PERMIT, "12345678")

    assert facts.category == PersonCategory.TAIWAN


@pytest.mark.parametrize("number", ["1234567", "123456789", "T1234567"])
def test_taiwan_travel_permit_malformed_refused(number: str) -> None:
    """SPEC ID-2, §17: exactly 8 digits."""
    assert refusal_reason(DocumentType.TAIWAN_TRAVEL_PERMIT, number) == "must be 8 digits"


# --- foreigners -------------------------------------------------------------------------------


def test_2023_permanent_residence_card_accepted() -> None:
    """SPEC §17: the 2023 card has 18 digits starting with 9 and the GB 11643 check digit."""
    number = with_check_digit("932999" + "19800704" + "00" + "5")

    facts = examine(DocumentType.FOREIGN_PERMANENT_RESIDENCE, number)

    assert facts == DocumentFacts(number, PersonCategory.FOREIGN, date(1980, 7, 4), "M", number)


def test_2023_permanent_residence_card_with_wrong_check_digit_refused() -> None:
    """SPEC ID-2: the 2023 card's check digit is verified."""
    number = with_wrong_check_digit(with_check_digit("932999" + "19800704" + "005"))

    assert refusal_reason(DocumentType.FOREIGN_PERMANENT_RESIDENCE, number) == (
        "check digit is wrong"
    )


def test_old_permanent_residence_card_accepted() -> None:
    """SPEC §17: older cards have 15 characters, 3 letters + 12 digits."""
    facts = examine(DocumentType.FOREIGN_PERMANENT_RESIDENCE, "zzz320080070412")

    assert facts == DocumentFacts("ZZZ320080070412", PersonCategory.FOREIGN, None, None, None)


@pytest.mark.parametrize(
    "number",
    ["ZZ3320080070412", "ZZZ32008007041", "ZZZ3200800704123", "3" + "2" * 17, "9" + "2" * 16],
)
def test_permanent_residence_card_malformed_refused(number: str) -> None:
    """SPEC ID-2, §17: neither the 2023 nor the old layout."""
    assert refusal_reason(DocumentType.FOREIGN_PERMANENT_RESIDENCE, number).startswith(
        "must be 18 digits starting with 9"
    )


@pytest.mark.parametrize("number", ["E1234", "e12345678", "X" * 20])
def test_passport_number_accepted(number: str) -> None:
    """SPEC ID-1: a passport number is 5-20 letters or digits, stored in upper case."""
    facts = examine(DocumentType.PASSPORT, number)

    assert facts.number == number.upper()
    assert facts.category == PersonCategory.FOREIGN


@pytest.mark.parametrize("number", ["E123", "X" * 21, "E1234-567", "护照12345"])
def test_passport_number_malformed_refused(number: str) -> None:
    """SPEC ID-2: anything else is not a passport number."""
    assert refusal_reason(DocumentType.PASSPORT, number) == "must be 5 to 20 letters or digits"


# --- existing social security card ------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "category"),
    [
        (citizen_number(), PersonCategory.MAINLAND),
        (citizen_number(area="810000"), PersonCategory.HONG_KONG),
        (with_check_digit("932999" + "19800704" + "005"), PersonCategory.FOREIGN),
    ],
)
def test_social_security_card_number_recognised_by_its_prefix(
    number: str, category: PersonCategory
) -> None:
    """SPEC ID-1, ID-2: the card's social security number is the holder's own 18-digit number."""
    facts = examine(DocumentType.SOCIAL_SECURITY_CARD, number)

    assert facts.category == category
    assert facts.citizen_number == number


def test_social_security_card_with_wrong_check_digit_refused() -> None:
    """SPEC ID-2: the social security number carries the GB 11643 check digit."""
    number = with_wrong_check_digit(citizen_number())

    assert refusal_reason(DocumentType.SOCIAL_SECURITY_CARD, number) == "check digit is wrong"


# --- validity period --------------------------------------------------------------------------


def test_expired_document_refused() -> None:
    """SPEC ID-1: a document is accepted only within its validity period."""
    yesterday = TODAY - timedelta(days=1)

    with pytest.raises(DocumentExpired) as refused:
        examine(DocumentType.RESIDENT_ID, citizen_number(), valid_until=yesterday)

    assert refused.value.field == "document.valid_until"
    assert refused.value.params["valid_until"] == yesterday.isoformat()
    assert refused.value.code == "document_expired"


def test_document_valid_on_its_last_day() -> None:
    """SPEC ID-1: the expiry date itself is still inside the validity period."""
    facts = examine(DocumentType.RESIDENT_ID, citizen_number(), valid_until=TODAY)

    assert facts.category == PersonCategory.MAINLAND


def test_long_term_document_accepted() -> None:
    """SPEC ID-1: a long-term (长期) document has no end date and never expires."""
    facts = examine(DocumentType.RESIDENT_ID, citizen_number(), valid_until=None)

    assert facts.category == PersonCategory.MAINLAND


def test_document_not_yet_valid_refused() -> None:
    """SPEC ID-1: a document whose validity starts tomorrow is not valid today."""
    with pytest.raises(DocumentNotYetValid) as refused:
        examine(DocumentType.PASSPORT, "E12345678", valid_from=TODAY + timedelta(days=1))

    assert refused.value.field == "document.valid_from"


def test_document_valid_from_today_accepted() -> None:
    """SPEC ID-1: the first day of validity is inside the period."""
    facts = examine(
        DocumentType.PASSPORT, "E12345678", valid_from=TODAY, valid_until=TODAY + timedelta(1)
    )

    assert facts.category == PersonCategory.FOREIGN


def test_bad_number_reported_before_expiry() -> None:
    """SPEC ID-2: a wrong number is the first thing to fix, even on an expired document."""
    with pytest.raises(InvalidDocumentNumber):
        examine(
            DocumentType.RESIDENT_ID,
            with_wrong_check_digit(citizen_number()),
            valid_until=TODAY - timedelta(days=1),
        )


# --- who may use which document ---------------------------------------------------------------


def fits(
    doc_type: DocumentType, number: str, declared: PersonCategory, today: date = TODAY
) -> None:
    facts = examine_document(IdentityDocument(doc_type, number), today=today)
    check_document_fits_holder(doc_type, facts, declared_category=declared, today=today)


@pytest.mark.parametrize(
    "declared", [PersonCategory.MAINLAND, PersonCategory.HONG_KONG, PersonCategory.TAIWAN]
)
def test_passport_refused_for_chinese_citizens(declared: PersonCategory) -> None:
    """SPEC ID-1: a passport is accepted from foreigners only."""
    with pytest.raises(PassportNotForCitizens) as refused:
        fits(DocumentType.PASSPORT, "E12345678", declared)

    assert refused.value.field == "document.type"
    assert refused.value.rule == "ID-1"


def test_passport_accepted_for_foreigner() -> None:
    """SPEC ID-1: foreigners may present a passport."""
    fits(DocumentType.PASSPORT, "E12345678", PersonCategory.FOREIGN)


def test_household_register_accepted_the_day_before_16th_birthday() -> None:
    """SPEC ID-1: a household register is for persons under 16 (aged 15 here)."""
    number = citizen_number("20100616")

    fits(DocumentType.HOUSEHOLD_REGISTER, number, PersonCategory.MAINLAND, today=date(2026, 6, 15))


def test_household_register_refused_on_16th_birthday() -> None:
    """SPEC ID-1: from the 16th birthday a person must present the resident ID card."""
    number = citizen_number("20100616")

    with pytest.raises(HouseholdRegisterNotAllowed) as refused:
        fits(
            DocumentType.HOUSEHOLD_REGISTER,
            number,
            PersonCategory.MAINLAND,
            today=date(2026, 6, 16),
        )

    assert refused.value.params == {"age_limit": 16}
    assert "16" in refused.value.detail_zh


def test_household_register_without_known_birth_date_refused() -> None:
    """SPEC ID-1: if the age cannot be shown to be under 16, the register is not enough."""
    facts = DocumentFacts(citizen_number(), PersonCategory.MAINLAND, None, None, None)

    with pytest.raises(HouseholdRegisterNotAllowed):
        check_document_fits_holder(
            DocumentType.HOUSEHOLD_REGISTER,
            facts,
            declared_category=PersonCategory.MAINLAND,
            today=TODAY,
        )


@pytest.mark.parametrize(
    ("doc_type", "number", "declared"),
    [
        (DocumentType.RESIDENT_ID, citizen_number(), PersonCategory.TAIWAN),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "H12345678", PersonCategory.MACAU),
        (DocumentType.HMT_RESIDENCE_PERMIT, citizen_number(area="830000"), PersonCategory.MAINLAND),
        (DocumentType.FOREIGN_PERMANENT_RESIDENCE, "ZZZ320080070412", PersonCategory.HONG_KONG),
    ],
)
def test_declared_category_contradicting_document_refused(
    doc_type: DocumentType, number: str, declared: PersonCategory
) -> None:
    """SPEC ID-1: the declared category must be the one the document shows."""
    with pytest.raises(CategoryMismatch) as refused:
        fits(doc_type, number, declared)

    assert refused.value.code == "document_category_mismatch"


@pytest.mark.parametrize(
    ("doc_type", "number", "declared"),
    [
        (DocumentType.RESIDENT_ID, citizen_number(), PersonCategory.MAINLAND),
        (DocumentType.HK_MACAU_TRAVEL_PERMIT, "M12345678", PersonCategory.MACAU),
        (DocumentType.TAIWAN_TRAVEL_PERMIT, "12345678", PersonCategory.TAIWAN),
        (
            DocumentType.HMT_RESIDENCE_PERMIT,
            citizen_number(area="810000"),
            PersonCategory.HONG_KONG,
        ),
    ],
)
def test_document_matching_declared_category_accepted(
    doc_type: DocumentType, number: str, declared: PersonCategory
) -> None:
    """SPEC ID-1: each category's own documents are accepted."""
    fits(doc_type, number, declared)


# --- age --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "age"),
    [
        (date(2008, 2, 28), 7),
        (date(2008, 2, 29), 8),
        (date(2009, 2, 28), 8),
        (date(2009, 3, 1), 9),
    ],
)
def test_age_of_person_born_on_february_29(today: date, age: int) -> None:
    """SPEC ID-1: full years (周岁); born 29 February, a year older on 1 March in common years."""
    assert age_on(date(2000, 2, 29), today) == age


def test_age_counts_full_years_only() -> None:
    """SPEC ID-1: the age goes up on the birthday, not before."""
    assert age_on(date(2010, 6, 16), date(2026, 6, 15)) == 15
    assert age_on(date(2010, 6, 16), date(2026, 6, 16)) == 16


def test_age_before_birth_is_a_programming_error() -> None:
    """SPEC ID-2: future birth dates are refused earlier, so reaching here is a bug."""
    with pytest.raises(ValueError, match="after today"):
        age_on(TODAY + timedelta(days=1), TODAY)


# --- unified social credit code ---------------------------------------------------------------


def test_unified_social_credit_code_accepted() -> None:
    """SPEC ID-2: an 18-character code with the GB 32100 mod-31 check is accepted."""
    code = uscc_with_check("91329999MA1XYW0K0")

    assert validate_uscc(code) == code


@pytest.mark.parametrize("first17", ["N2329999MA1XYW0K0", "Y1329999MA1XYW0K0", "A1329999123456789"])
def test_unified_social_credit_code_starting_with_letter_accepted(first17: str) -> None:
    """SPEC §17: codes may start with a letter (e.g. N, Y); stdnum's validator wrongly refuses."""
    code = uscc_with_check(first17)

    assert validate_uscc(code) == code


def test_unified_social_credit_code_normalised() -> None:
    """SPEC ID-2: lower case and spaces are normalised before checking."""
    code = uscc_with_check("91329999MA1XYW0K0")

    assert validate_uscc(" " + code.lower()[:9] + " " + code.lower()[9:]) == code


def test_unified_social_credit_code_with_wrong_check_refused() -> None:
    """SPEC ID-2: the check character is verified; the field is named."""
    code = uscc_with_check("91329999MA1XYW0K0")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")

    with pytest.raises(InvalidCreditCode) as refused:
        validate_uscc(wrong)

    assert isinstance(refused.value, InvalidDocumentNumber)
    assert refused.value.field == "unified_social_credit_code"
    assert refused.value.code == "invalid_credit_code"
    assert refused.value.params["reason_en"] == "check digit is wrong"


@pytest.mark.parametrize(
    ("first17", "reason"),
    [
        ("91329999MA1XYW0O", "must be 18 characters"),
        ("91329999MA1XYW0I0", "characters 3-8 must be digits"),
        ("9132A999MA1XYW0K0", "characters 3-8 must be digits"),
        ("Z1329999MA1XYW0K0", "characters 3-8 must be digits"),
    ],
)
def test_unified_social_credit_code_malformed_refused(first17: str, reason: str) -> None:
    """SPEC ID-2: I, O, S, V, Z are not in the alphabet; positions 3-8 are an area code."""
    code = first17 + "0"

    with pytest.raises(InvalidCreditCode) as refused:
        validate_uscc(code)

    assert str(refused.value.params["reason_en"]).startswith(reason)


# --- personal data in refusals ----------------------------------------------------------------


def test_refusal_carries_only_a_masked_number() -> None:
    """SPEC ID-6: refusals never carry the full ID number, only a masked one."""
    number = with_wrong_check_digit(citizen_number())

    with pytest.raises(InvalidDocumentNumber) as refused:
        examine(DocumentType.RESIDENT_ID, number)

    error = refused.value
    assert error.params["masked_number"] == number[:3] + "*" * 13 + number[-2:]
    for text in (str(error.params), error.detail_zh, error.detail_en, str(error)):
        assert number not in text
        assert number[3:16] not in text


@pytest.mark.parametrize(
    ("number", "masked"),
    [("32999919900115123X", "329*************3X"), ("H12345678", "H12****78"), ("E1234", "*****")],
)
def test_mask_number_keeps_first_three_and_last_two(number: str, masked: str) -> None:
    """SPEC ID-6: short numbers are masked entirely, as 3 + 2 would reveal most of them."""
    assert mask_number(number) == masked


@pytest.mark.parametrize(
    ("error_class", "code", "rule"),
    [
        (InvalidDocumentNumber, "invalid_document_number", "ID-2"),
        (InvalidCreditCode, "invalid_credit_code", "ID-2"),
        (DocumentExpired, "document_expired", "ID-1"),
        (DocumentNotYetValid, "document_not_yet_valid", "ID-1"),
        (HouseholdRegisterNotAllowed, "household_register_not_allowed", "ID-1"),
        (PassportNotForCitizens, "passport_not_for_citizens", "ID-1"),
        (CategoryMismatch, "document_category_mismatch", "ID-1"),
    ],
)
def test_refusals_have_stable_code_rule_and_status(
    error_class: type[DomainError], code: str, rule: str
) -> None:
    """SPEC ID-1, ID-2: each refusal names its rule, with a stable code and HTTP 422."""
    assert issubclass(error_class, DomainError)
    assert (error_class.code, error_class.rule, error_class.status) == (code, rule, 422)
