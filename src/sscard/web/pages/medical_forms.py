"""What the hall's and the counter's medical pages share (SPEC MED-1, MED-2): the ledger's
entry kinds as the pages name them, the record with the names of the cities its filings name,
and a filing read from a form."""

from __future__ import annotations

from datetime import date
from typing import Any

from sscard.kernel.ctx import Ctx
from sscard.kernel.errors import invalid
from sscard.medical import service as medical
from sscard.medical.rules import FilingReason
from sscard.web.i18n import N_
from sscard.web.pages.names import PlaceNames, place_names

KINDS = {
    "credit": N_("Credited by the fund"),
    "settlement": N_("Paid at a hospital or pharmacy"),
    "refund": N_("Refunded by a hospital or pharmacy"),
    "moved_out": N_("Moved to the new card"),
    "moved_in": N_("Moved from the older card"),
}
FIELDS = ("destination_code", "reason", "valid_from", "valid_until")


async def record_and_names(
    ctx: Ctx, person_id: int | None, lang: str
) -> tuple[dict[str, Any], PlaceNames]:
    """The medical record (the holder's own when `person_id` is None) and the places' names:
    a filing to a Jiangsu city is shown by the city's name (a province's code stays as it is)."""
    return await medical.medical_record(ctx, person_id), await place_names(ctx, lang)


def filing_of(values: dict[str, Any]) -> medical.Filing:
    """The filing a form asks for; InvalidInput names the field that is no reason, no place
    code (2 or 4 digits) or no date."""
    try:
        reason = FilingReason(values["reason"])
    except ValueError:
        raise invalid("reason", "请选择备案类型", "choose a kind of filing") from None
    destination = values["destination_code"].strip()
    if not (destination.isascii() and destination.isdigit() and len(destination) in (2, 4)):
        raise invalid("destination_code", "须为2位省份或4位城市代码", "2 or 4 digits")
    until = values["valid_until"]
    return medical.Filing(
        destination,
        reason,
        _date(values["valid_from"], "valid_from"),
        _date(until, "valid_until") if until else None,
    )


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise invalid(field, "须为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)") from None
