"""Pure rules of the unit channel (issue 13; SPEC APP-3, APP-5, ID-1..4): units and their
kinds, the registration form's columns, and the check of one member's row.

A row is judged on its own: first by what it says (`read_member`: the cells, the document, the
guardian's document), then against the registry's facts about the person (`judge_member`: the
name, one card and one application, guardian, photo). Each refusal is a `RowRefusal` with the
column at fault, never an exception that would sink the rows around it. No I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from sscard.applications import lifecycle as proc
from sscard.kernel import masking, text
from sscard.kernel.errors import DomainError, invalid
from sscard.registry.documents import (
    DocumentType,
    IdentityDocument,
    age_on,
    examine_document,
)
from sscard.registry.reference.policy import CityPolicy

# ---- units (APP-3) ----


class UnitKind(StrEnum):
    """SPEC APP-3: only units apply in batch: government bodies, enterprises, institutions,
    schools."""

    GOVERNMENT = "government"
    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"
    SCHOOL = "school"

    @property
    def label_zh(self) -> str:
        return {"government": "机关", "enterprise": "企业", "institution": "事业单位"}.get(
            self.value, "学校"
        )


class UnitBasis(StrEnum):
    """What the unit's agent brought to register it (APP-3)."""

    CREDIT_CODE_CERTIFICATE = "credit_code_certificate"
    AUTHORISATION_LETTER = "authorisation_letter"


class Delivery(StrEnum):
    """How a batch's cards reach the unit (APP-3, ISS-3)."""

    UNIT_AGENT = "unit_agent"
    LOGISTICS = "logistics"


class BatchStatus(StrEnum):
    RECEIVED = "received"  # the file is kept (sealed) until the worker has checked it
    VALIDATED = "validated"  # every row judged; accepted rows are applications
    FAILED = "failed"  # the file could not be read after all; nothing but the batch is kept


UNIT_NAME_MAX: Final = 100
LETTER_REFERENCE_MAX: Final = 64
MOBILE: Final = re.compile(r"^1[3-9][0-9]{9}$")
# SPEC APP-3 says a batch holds thousands; the benchmark's 100,000 is the most one file takes.
MAX_ROWS: Final = 100_000


class LetterReferenceRequired(DomainError):
    code = "letter_reference_required"
    status = 422
    rule = "APP-3"
    message_zh = "以授权委托书登记的单位须填写委托书编号"
    message_en = "A unit registered on a letter of authorisation needs the letter's reference"


def check_unit_name(name: str) -> str:
    """The unit's registered name, trimmed; InvalidInput-like refusal if empty, too long or
    holding characters no field may (issue 11)."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise invalid("name", "不能为空", "must not be empty")
    if len(cleaned) > UNIT_NAME_MAX:
        raise invalid("name", f"最多{UNIT_NAME_MAX}个字符", f"at most {UNIT_NAME_MAX} characters")
    if text.unsafe_characters(cleaned):
        raise invalid("name", "含有不允许的字符", "holds characters no field may")
    return cleaned


def check_letter(basis: UnitBasis, reference: str | None) -> str | None:
    """APP-3: the letter of authorisation's reference, required with that basis only."""
    ref = " ".join((reference or "").split())
    if basis is UnitBasis.AUTHORISATION_LETTER:
        if not ref:
            raise LetterReferenceRequired(field="letter_reference")
        if len(ref) > LETTER_REFERENCE_MAX or text.unsafe_characters(ref):
            raise invalid(
                "letter_reference",
                f"最多{LETTER_REFERENCE_MAX}个可见字符",
                f"at most {LETTER_REFERENCE_MAX} visible characters",
            )
        return ref
    return ref or None


def check_mobile(phone: str, field: str = "phone") -> str:
    """An 11-digit mainland mobile number, normalised (full-width digits, spaces)."""
    number = text.normalise_number(phone)
    if not MOBILE.match(number):
        raise invalid(field, "应为11位手机号码", "must be an 11-digit mobile number")
    return number


# ---- the registration form (江苏省社会保障卡申领登记表) ----


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False
    hint_zh: str = ""


TITLE_ZH: Final = "江苏省社会保障卡申领登记表"
COLUMNS: Final = (
    Column("seq", "序号", "No."),
    Column("name", "姓名", "Name", True),
    Column("document_type", "证件类型", "Document type", True, "如：居民身份证"),
    Column("document_number", "证件号码", "Document number", True, "请设为文本格式"),
    Column("gender", "性别", "Gender", False, "男/女"),
    Column("phone", "手机号码", "Mobile phone"),
    Column("photo_to_follow", "照片后补", "Photo to follow", False, "是/否"),
    Column("guardian_name", "监护人姓名", "Guardian's name", False, "未满18周岁者必填"),
    Column("guardian_document_type", "监护人证件类型", "Guardian's document type"),
    Column("guardian_document_number", "监护人证件号码", "Guardian's document number"),
    Column("guardian_relationship", "与申领人关系", "Relationship", False, "父母/祖父母/其他"),
    Column("guardianship_proof", "监护关系证明", "Proof of guardianship", False, "户口簿/出生证明"),
    Column("note", "备注", "Note"),
)
COLUMN_BY_KEY: Final = {c.key: c for c in COLUMNS}
# Columns the result workbook adds after the form's own; a re-upload ignores them.
RESULT_ROW_ZH: Final = "原行号"
RESULT_REASON_ZH: Final = "未受理原因"

_DOC_TYPES: Final[dict[str, DocumentType]] = {
    **{t.value: t for t in DocumentType},
    **{t.label_zh: t for t in DocumentType},
    **{t.label_en.lower(): t for t in DocumentType},
    "身份证": DocumentType.RESIDENT_ID,
    "社保卡": DocumentType.SOCIAL_SECURITY_CARD,
}
_YES: Final = frozenset({"是", "y", "yes", "1", "true", "后补"})
_NO: Final = frozenset({"", "否", "n", "no", "0", "false"})
_GENDERS: Final = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
_RELATIONSHIPS: Final = {
    "父母": "parent",
    "父亲": "parent",
    "母亲": "parent",
    "祖父母": "grandparent",
    "外祖父母": "grandparent",
    "祖父母/外祖父母": "grandparent",
    "兄弟姐妹": "sibling",
    "其他": "other_guardian",
    "其他监护人": "other_guardian",
}
_PROOFS: Final = {
    "户口簿": "household_register",
    "出生证明": "birth_certificate",
    "出生医学证明": "birth_certificate",
    "监护证明": "guardianship_order",
    "监护裁定": "guardianship_order",
}


def _label(value: str) -> str:
    return value.strip().rstrip("*＊").strip().lower()


def header_keys(cells: Iterable[object]) -> dict[int, str]:
    """The form's columns found in a header row: position -> column key (Chinese or English
    headers, a trailing '*' allowed; unknown headers, such as the result workbook's reasons,
    are ignored)."""
    names = {_label(c.zh): c.key for c in COLUMNS} | {_label(c.en): c.key for c in COLUMNS}
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = names.get(_label(str(cell))) if isinstance(cell, str) else None
        if key is not None and key not in found.values():
            found[i] = key
    return found


def is_header(cells: Iterable[object]) -> bool:
    keys = set(header_keys(cells).values())
    return {"name", "document_number"} <= keys


def missing_columns(keys: Iterable[str]) -> list[Column]:
    have = set(keys)
    return [c for c in COLUMNS if c.required and c.key not in have]


# ---- one cell ----


class CellProblem(StrEnum):
    """Why a cell's value cannot be taken as typed text (the bad-workbook cases of issue 13)."""

    FORMULA = "formula"
    DATE = "date"
    MERGED = "merged"
    DIGITS_LOST = "digits_lost"  # a long number Excel kept as a number: digits are gone
    NUMBER = "number"  # a short number Excel kept as a number: leading zeros may be gone


@dataclass(frozen=True)
class MemberRow:
    """One row of the upload as read: its number in the file (1-based) and each known column's
    text, with what was wrong with a cell that was not plain text."""

    row_number: int
    cells: Mapping[str, str]
    problems: Mapping[str, CellProblem]

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


# Text columns where a number typed by Excel is harmless (no leading zero to lose).
_NUMERIC_OK: Final = frozenset({"seq", "phone", "note"})


def cell_text(value: object) -> tuple[str, CellProblem | None]:
    """A cell as text and what was wrong with it, if anything. A float or int comes from a
    cell Excel stored as a number: 15 significant digits at most, leading zeros dropped."""
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("是" if value else "否"), None
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value), CellProblem.NUMBER
        digits = str(int(value))
        return digits, CellProblem.DIGITS_LOST if len(digits) >= 16 else CellProblem.NUMBER
    if isinstance(value, date):
        return value.isoformat()[:10], CellProblem.DATE
    return " ".join(str(value).split()), None


def member_row(row_number: int, values: Mapping[str, object]) -> MemberRow:
    """A MemberRow from raw cell values by column key (openpyxl's or CSV's)."""
    cells: dict[str, str] = {}
    problems: dict[str, CellProblem] = {}
    for key, raw in values.items():
        if raw is None or raw == "":
            continue  # an empty cell reads as "" (MemberRow.get)
        if type(raw) is str:  # the usual cell, and every CSV cell: no conversion to judge
            shown = " ".join(raw.split())
            if shown:
                cells[key] = shown
            continue
        shown, problem = cell_text(raw)
        cells[key] = shown
        if problem is CellProblem.NUMBER and key in _NUMERIC_OK:
            problem = None
        if problem is not None:
            problems[key] = problem
    return MemberRow(row_number, cells, problems)


# ---- a row's refusal ----


@dataclass(frozen=True)
class RowRefusal:
    """Why one row was not accepted: a stable code, the column at fault, zh/en, the rule."""

    code: str
    field: str
    zh: str
    en: str
    rule: str | None = None


def _column_zh(key: str) -> str:
    c = COLUMN_BY_KEY.get(key)
    return c.zh if c else key


def _column_en(key: str) -> str:
    c = COLUMN_BY_KEY.get(key)
    return c.en if c else key


_CELL_REASONS: Final = {
    CellProblem.FORMULA: (
        "cell_is_formula",
        "为公式，请粘贴为数值或文本",
        "is a formula; paste it as a value or text",
    ),
    CellProblem.DATE: (
        "cell_is_date",
        "被Excel识别为日期，请将该列设为文本格式后重新填写",
        "was taken as a date by Excel; format the column as text and type it again",
    ),
    CellProblem.MERGED: (
        "cell_is_merged",
        "位于合并单元格中，请取消合并，每行填写自己的值",
        "is in merged cells; unmerge them and give each row its own value",
    ),
    CellProblem.DIGITS_LOST: (
        "number_stored_as_number",
        "被Excel存为数字，已丢失末位数字；请将该列设为文本格式后重新填写",
        "was stored by Excel as a number and lost its last digits; format the column as "
        "text and type it again",
    ),
    CellProblem.NUMBER: (
        "number_stored_as_number",
        "被Excel存为数字，开头的0可能已丢失；请将该列设为文本格式后重新填写",
        "was stored by Excel as a number and may have lost leading zeros; format the column "
        "as text and type it again",
    ),
}


def cell_refusal(key: str, problem: CellProblem) -> RowRefusal:
    code, zh, en = _CELL_REASONS[problem]
    return RowRefusal(code, key, f"“{_column_zh(key)}”{zh}", f"'{_column_en(key)}' {en}")


def required_refusal(key: str) -> RowRefusal:
    return RowRefusal(
        "value_required", key, f"“{_column_zh(key)}”不能为空", f"'{_column_en(key)}' is required"
    )


# DomainError fields of the procedures this module reuses -> the form's columns.
_FIELD_TO_COLUMN: Final = {
    "document": "document_number",
    "document.number": "document_number",
    "document.valid_until": "document_number",
    "document.type": "document_type",
    "guardian.number": "guardian_document_number",
    "guardian": "guardian_document_number",
    "representative": "guardian_name",
    "representative.role": "guardian_name",
    "representative.proof": "guardianship_proof",
    "representative.relationship": "guardian_relationship",
    "photo": "photo_to_follow",
    "person_id": "document_number",
}


def refusal_of(error: DomainError, default: str = "document_number") -> RowRefusal:
    """A procedure's refusal as a row's, its field mapped onto the form's column."""
    field = _FIELD_TO_COLUMN.get(error.field or "", error.field or default)
    if field not in COLUMN_BY_KEY:
        field = default
    return RowRefusal(error.code, field, error.detail_zh, error.detail_en, error.rule)


# ---- reading a row (no registry needed) ----


@dataclass(frozen=True)
class Guardian:
    name: str
    document_type: DocumentType
    number: str
    relationship: str
    proof: str | None


@dataclass(frozen=True)
class Member:
    """A row that says what a row must: who, by which document, and the guardian if any."""

    row_number: int
    name: str
    document_type: DocumentType
    number: str
    gender: str | None
    birth_date: date | None
    photo_to_follow: bool
    guardian: Guardian | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.document_type.value, self.number)


def _doc_type(row: MemberRow, key: str) -> DocumentType | RowRefusal:
    given = row.get(key)
    found = _DOC_TYPES.get(given) or _DOC_TYPES.get(given.lower())
    if found is None:
        return RowRefusal(
            "unknown_document_type",
            key,
            f"“{_column_zh(key)}”应为：居民身份证、临时居民身份证、社会保障卡、户口簿、"
            "港澳居民来往内地通行证、台湾居民来往大陆通行证、港澳台居民居住证、"
            "外国人永久居留身份证或护照",
            f"'{_column_en(key)}' must be one of the accepted documents (ID-1), e.g. 居民身份证",
            "ID-1",
        )
    return found


def _choice(
    row: MemberRow, key: str, table: Mapping[str, str], zh: str, en: str
) -> str | RowRefusal:
    given = row.get(key)
    found = table.get(given) or table.get(given.lower())
    if found is None:
        return RowRefusal(
            "invalid_value",
            key,
            f"“{_column_zh(key)}”应为{zh}",
            f"'{_column_en(key)}' must be {en}",
        )
    return found


def read_member(row: MemberRow, today: date) -> Member | RowRefusal:
    """What the row says, checked without the registry: no cell a formula, a date or merged;
    name, document type and number present; the number by its own format and check digit
    (ID-2); the guardian's document likewise; gender and yes/no columns readable."""
    if row.problems:
        for key in (c.key for c in COLUMNS):
            problem = row.problems.get(key)
            if problem is not None:
                return cell_refusal(key, problem)
    for key in ("name", "document_type", "document_number"):
        if not row.get(key):
            return required_refusal(key)
    name = row.get("name")
    if len(name) > 50 or _has_invisible(name):
        return RowRefusal(
            "invalid_value",
            "name",
            "“姓名”最多50个可见字符",
            "'Name' is at most 50 visible characters",
        )
    doc_type = _doc_type(row, "document_type")
    if isinstance(doc_type, RowRefusal):
        return doc_type
    try:
        facts = examine_document(
            IdentityDocument(doc_type, row.get("document_number")), today=today
        )
    except DomainError as bad:
        return refusal_of(bad)
    gender: str | None = None
    if row.get("gender"):
        picked = _choice(row, "gender", _GENDERS, "男或女", "男 (male) or 女 (female)")
        if isinstance(picked, RowRefusal):
            return picked
        gender = picked
    if row.get("phone"):
        phone = text.normalise_number(row.get("phone"))
        if not MOBILE.match(phone):
            return RowRefusal(
                "invalid_value",
                "phone",
                "“手机号码”应为11位手机号码",
                "'Mobile phone' must be an 11-digit mobile number",
            )
    to_follow = row.get("photo_to_follow").lower()
    if to_follow not in _YES | _NO:
        return RowRefusal(
            "invalid_value",
            "photo_to_follow",
            "“照片后补”应为是或否",
            "'Photo to follow' must be 是 (yes) or 否 (no)",
        )
    guardian = _guardian(row, today)
    if isinstance(guardian, RowRefusal):
        return guardian
    return Member(
        row_number=row.row_number,
        name=name,
        document_type=doc_type,
        number=facts.number,
        gender=gender,
        birth_date=facts.birth_date,
        photo_to_follow=to_follow in _YES,
        guardian=guardian,
    )


_GUARDIAN_KEYS: Final = (
    "guardian_name",
    "guardian_document_type",
    "guardian_document_number",
    "guardian_relationship",
    "guardianship_proof",
)
# Characters already found visible: a hundred thousand names share a few thousand characters.
_VISIBLE: set[str] = set()


def _has_invisible(value: str) -> bool:
    """Whether the value holds a character no field may hold (kernel.text), each character
    judged once per process."""
    for ch in value:
        if ch not in _VISIBLE:
            if text.is_invisible(ch):
                return True
            _VISIBLE.add(ch)
    return False


def _guardian(row: MemberRow, today: date) -> Guardian | RowRefusal | None:
    if not any(row.get(k) for k in _GUARDIAN_KEYS if k in row.cells):
        return None
    for key in _GUARDIAN_KEYS[:4]:
        if not row.get(key):
            return required_refusal(key)
    doc_type = _doc_type(row, "guardian_document_type")
    if isinstance(doc_type, RowRefusal):
        return doc_type
    try:
        facts = examine_document(
            IdentityDocument(doc_type, row.get("guardian_document_number")),
            today=today,
            field="guardian",
        )
    except DomainError as bad:
        return refusal_of(bad, "guardian_document_number")
    relationship = _choice(
        row,
        "guardian_relationship",
        _RELATIONSHIPS,
        "父母、祖父母、兄弟姐妹或其他",
        "父母 (parent) etc.",
    )
    if isinstance(relationship, RowRefusal):
        return relationship
    proof: str | None = None
    if row.get("guardianship_proof"):
        picked = _choice(
            row,
            "guardianship_proof",
            _PROOFS,
            "户口簿、出生证明或监护证明",
            "户口簿, 出生证明 or 监护证明",
        )
        if isinstance(picked, RowRefusal):
            return picked
        proof = picked
    return Guardian(row.get("guardian_name"), doc_type, facts.number, relationship, proof)


# ---- duplicates inside the file ----


def duplicate_refusal(first_row: int) -> RowRefusal:
    return RowRefusal(
        "duplicate_in_file",
        "document_number",
        f"与第{first_row}行是同一人，同一文件中每人只能出现一次",
        f"the same person as row {first_row}; each person appears once in a file",
        "ID-3",
    )


# ---- judging a member against the registry ----


@dataclass(frozen=True)
class PersonFacts:
    """What the registry knows of the row's person, read for the whole batch at once."""

    person_id: int
    name: str  # decrypted for the comparison only, never stored or shown
    gender: str | None
    birth_date: date
    full_capacity: bool
    has_photo: bool
    live_card_number: str | None
    open_reference: str | None


@dataclass(frozen=True)
class Verdict:
    """An accepted row: the person, whether the unit sends the photo later, the guardian."""

    person_id: int
    photo_pending: bool
    guardian: Guardian | None


class PersonNotRegistered(DomainError):
    code = "person_not_registered"
    status = 422
    rule = "APP-3"
    message_zh = "社保卡系统中没有持此证件的人员，请先到经办网点登记人员信息"
    message_en = "No person holds this document in the registry; register the person at an outlet"


class NameDoesNotMatch(DomainError):
    code = "name_does_not_match"
    status = 422
    rule = "ID-2"
    message_zh = "姓名与该证件登记的姓名不一致"
    message_en = "The name differs from the name registered with this document"


class GenderDoesNotMatch(DomainError):
    code = "gender_does_not_match"
    status = 422
    rule = "ID-2"
    message_zh = "性别与登记信息不一致"
    message_en = "The gender differs from the registered one"


def same_name(given: str, registered: str) -> bool:
    """Names compared as printed: spaces and full-width forms aside, Latin letters in any case."""
    return text.normalise_number(given) == text.normalise_number(registered)


def judge_member(
    member: Member, person: PersonFacts | None, policy: CityPolicy, today: date
) -> Verdict | RowRefusal:
    """SPEC APP-3 for one row: the person is in the registry under this document with this
    name (a batch registers nobody: base data and documents are examined at an outlet); no
    live card and no open application (ID-3); a guardian for a minor or a person without full
    capacity (ID-4, the city's rule); a photo on record or marked to follow from age 7 (APP-5)."""
    if person is None:
        return refusal_of(PersonNotRegistered(field="document_number"))
    if not same_name(member.name, person.name):
        return refusal_of(NameDoesNotMatch(field="name"), "name")
    if member.gender is not None and person.gender and member.gender != person.gender:
        return refusal_of(GenderDoesNotMatch(field="gender"), "gender")
    if person.live_card_number is not None:
        masked = masking.mask_number(person.live_card_number, 2, 2)
        return refusal_of(proc.LiveCardExists(field="person_id", card_number=masked))
    if person.open_reference is not None:
        return refusal_of(
            proc.ApplicationInProgress(field="person_id", reference=person.open_reference)
        )
    age = age_on(person.birth_date, today)
    rep = None
    if member.guardian is not None:
        rep = proc.Representation(
            proc.RepresentativeRole.GUARDIAN,
            member.guardian.relationship,
            member.guardian.proof,
        )
    try:
        if age < proc.ADULT_AGE or not person.full_capacity:
            proc.check_representation(age, person.full_capacity, rep, policy)
    except DomainError as bad:
        return refusal_of(bad, "guardian_name")
    guardian = member.guardian if age < proc.ADULT_AGE or not person.full_capacity else None
    pending = False
    if age >= proc.PHOTO_REQUIRED_FROM_AGE and not person.has_photo:
        if not member.photo_to_follow:
            return refusal_of(proc.PhotoRequired(field="photo"), "photo_to_follow")
        pending = True
    return Verdict(person.person_id, pending, guardian)


def masked_name(name: str) -> str:
    return masking.mask_name(name)[:64]


def masked_number(number: str) -> str:
    return masking.mask_number(number)[:32]
