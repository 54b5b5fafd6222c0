"""What older-generation cards plug into the platform: the medical-insurance agency as an outbox
recipient (it is told when the medical function moves to the new card, SPEC ISS-5)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.platform.outbox.extensions import RecipientKind

MEDICAL_INSURANCE = "medical_insurance"


async def _is_medical_insurance(_conn: AsyncConnection, recipient: str) -> bool:
    return recipient == MEDICAL_INSURANCE


RECIPIENT = RecipientKind(MEDICAL_INSURANCE, MEDICAL_INSURANCE, _is_medical_insurance)
