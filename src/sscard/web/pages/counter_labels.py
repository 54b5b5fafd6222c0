"""What the HR counter's pages call things: states, choices and photo checks, as message ids.

Only names live here: every rule stays in the domain. The choices offered are the domain's own
sets (lifecycle's relationships and proofs, the document types, the withdrawal reasons); this
module gives each an English id that the counter's catalogue translates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sscard.applications import lifecycle as proc
from sscard.kernel.clock import CHINA
from sscard.registry import photo
from sscard.registry.documents import DocumentType, PersonCategory
from sscard.web.i18n import N_

APPLICATION_STATES = {
    "accepted": N_("Accepted"),
    "in_production": N_("In production"),
    "produced": N_("Produced"),
    "ready_for_collection": N_("Ready for collection at the outlet"),
    "mailed": N_("Mailed by EMS"),
    "with_unit": N_("With the unit's agent"),
    "collected": N_("Collected"),
    "withdrawn": N_("Withdrawn"),
}
HR_STATES = {
    "produced": N_("Made, not yet collected"),
    "active": N_("Active"),
    "temporarily_lost": N_("Temporarily lost"),
    "formally_lost": N_("Formally lost"),
    "cancelled": N_("Cancelled"),
    "superseded": N_("Superseded"),
}
FINANCIAL_STATES = {
    "account_requested": N_("Account requested"),
    "account_opened": N_("Account opened"),
    "active": N_("Active"),
    "lost": N_("Lost"),
    "closed": N_("Account closed"),
}
MAKING = {
    "instant": N_("Instant: made on the spot"),
    "fast": N_("Fast: made within working days"),
    "online": N_("Online: made by the centre within 15 working days"),
}
GENDERS = {"M": N_("Male"), "F": N_("Female")}
ROLES = {"guardian": N_("Legal guardian"), "agent": N_("Agent")}
RELATIONSHIPS = {
    "parent": N_("Parent"),
    "grandparent": N_("Grandparent"),
    "sibling": N_("Sibling"),
    "spouse": N_("Spouse"),
    "child": N_("Child"),
    "grandchild": N_("Grandchild"),
    "other": N_("Other"),
}
PROOFS = {
    "household_register": N_("Household register"),
    "birth_certificate": N_("Birth certificate"),
    "guardianship_order": N_("Guardianship order"),
    "elderly": N_("Elderly person (supporting document)"),
    "disabled": N_("Disabled person (supporting document)"),
    "seriously_ill": N_("Seriously ill person (supporting document)"),
}
WITHDRAWAL_REASONS = {
    "applicant_request": N_("The applicant asks to withdraw"),
    "death": N_("The applicant died"),
    "duplicate": N_("Duplicate application"),
    "error": N_("Accepted in error"),
    "other": N_("Other (say why in the note)"),
}
CHANNELS = {
    "hr_outlet": N_("HR outlet"),
    "bank_outlet": N_("Bank outlet"),
    "centre": N_("Card centre"),
    "online": N_("Online"),
    "hotline": N_("Hotline"),
    "unit": N_("Unit"),
}


def beijing(moment: datetime) -> str:
    """A moment as the counter's clock shows it: Beijing time, to the minute."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # stored in UTC
    return aware.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def relationship_choices() -> list[str]:
    """The relationships the domain knows (its direct relatives), then 'other'."""
    return [*sorted(proc.DIRECT_RELATIVES, key=list(RELATIONSHIPS).index), "other"]


def proof_choices() -> list[str]:
    """The proofs the domain knows: of guardianship, then of an agent's supported case."""
    known = [*proc.GUARDIANSHIP_PROOFS, *proc.SUPPORTED_CASES]
    return sorted(known, key=list(PROOFS).index)


def document_choices(lang: str) -> list[tuple[str, str]]:
    return [(t.value, t.label_en if lang == "en" else t.label_zh) for t in DocumentType]


def category_choices(lang: str) -> list[tuple[str, str]]:
    return [(c.value, c.label_en if lang == "en" else c.label_zh) for c in PersonCategory]


def document_label(value: str, lang: str) -> str:
    try:
        kind = DocumentType(value)
    except ValueError:
        return value
    return kind.label_en if lang == "en" else kind.label_zh


@dataclass(frozen=True)
class PhotoCheck:
    """One check of the photo standard (APP-5) and the defect codes that mean it failed."""

    label: str  # English id with {placeholders} from the standard's constants
    codes: frozenset[str]


PHOTO_CHECKS = (
    PhotoCheck(N_("File size {low}–{high} KB"), frozenset({"file_too_small", "file_too_large"})),
    PhotoCheck(N_("JPEG format"), frozenset({"not_jpeg"})),
    PhotoCheck(N_("Size {width}×{height} pixels"), frozenset({"wrong_dimensions"})),
    PhotoCheck(N_("Resolution {dpi} dpi"), frozenset({"wrong_dpi"})),
    PhotoCheck(N_("24-bit colour (RGB)"), frozenset({"not_24bit_colour"})),
    PhotoCheck(N_("Plain background"), frozenset({"background_not_plain"})),
    PhotoCheck(N_("Background colour of the city"), frozenset({"background_wrong_colour"})),
)
STANDARD = {
    "low": photo.MIN_BYTES // 1024,
    "high": photo.MAX_BYTES // 1024,
    "width": photo.PHOTO_WIDTH,
    "height": photo.PHOTO_HEIGHT,
    "dpi": photo.PHOTO_DPI,
}


@dataclass(frozen=True)
class CheckResult:
    label: str
    passed: bool | None  # None: not checked (the file could not be read)
    reason: str


def photo_results(
    defects: list[photo.PhotoDefect], lang: str, _: Callable[[str], str]
) -> list[CheckResult]:
    """Each check of the standard, passed or failed with the standard's own reason; a file that
    cannot be read leaves the image checks unchecked."""
    by_code = {d.code: d for d in defects}
    unreadable = "unreadable" in by_code
    out = []
    for check in PHOTO_CHECKS:
        label = _(check.label).format(**STANDARD)
        failed = [by_code[c] for c in sorted(check.codes) if c in by_code]
        if failed:
            reason = "; ".join(d.reason_en if lang == "en" else d.reason_zh for d in failed)
            out.append(CheckResult(label, False, reason))
        elif unreadable and check.codes.isdisjoint({"file_too_small", "file_too_large"}):
            out.append(CheckResult(label, None, ""))
        else:
            out.append(CheckResult(label, True, ""))
    if unreadable:
        d = by_code["unreadable"]
        out.insert(
            0, CheckResult(_("Readable image"), False, d.reason_en if lang == "en" else d.reason_zh)
        )
    return out
