"""The holder's data for opening an account, read at the moment of delivery (SPEC ISS-2, ID-6).

The outbox holds no personal data: a production message names the card only. The bank needs the
holder to open the account, so the dispatcher reads the holders of a whole batch in one query,
decrypts them and adds them to what is sent; nothing of it is written back. What a bank receives
in a `bank.account_requested` payload, beside the stored card_id, card_number,
application_reference and city_code:

    "bank_code": the card's bank,
    "holder": {"name", "ssn", "person_code", "birth_date" (ISO date), "gender",
               "nationality", "phone" (null if none)}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.banks import repository as repo
from sscard.banks.protocol import Topic
from sscard.kernel.crypto import Vault
from sscard.platform.outbox.protocol import Outgoing

ENRICHED_TOPICS = frozenset({Topic.ACCOUNT_REQUESTED.value})


async def enrich(conn: AsyncConnection, vault: Vault, batch: Sequence[Outgoing]) -> list[Outgoing]:
    """The batch with each account request carrying its holder; other messages as they are."""
    wanted = {m.card_number for m in batch if m.topic in ENRICHED_TOPICS and m.card_number}
    if not wanted:
        return list(batch)
    found = await holders(conn, vault, wanted)
    return [
        replace(m, payload={**m.payload, **found[m.card_number]})
        if m.topic in ENRICHED_TOPICS and m.card_number in found
        else m
        for m in batch
    ]


async def holders(
    conn: AsyncConnection, vault: Vault, card_numbers: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """For each card number: its bank and its holder, decrypted. One query for all of them."""
    return {
        r["card_number"]: {
            "bank_code": r["bank_code"],
            "city_code": r["city_code"],
            "holder": {
                "name": vault.decrypt(r["name_enc"]),
                "ssn": vault.decrypt(r["ssn_enc"]),
                "person_code": r["person_code"],
                "birth_date": r["birth_date"].isoformat(),
                "gender": r["gender"],
                "nationality": r["nationality"],
                "phone": vault.decrypt(r["phone_enc"]) if r["phone_enc"] is not None else None,
            },
        }
        for r in await repo.holders_of_cards(conn, card_numbers)
    }
