"""Who may reach a person's full record, and how the access log chains. Pure (issue 11).

A clerk reaches a person through the document the person presents at the clerk's outlet (a
lookup, or the registration) for the rest of that working day — never by browsing ids; a
hotline agent through the number the caller gives; a city's centre its city's persons; the
province's centre every person; the holder their own. Anything else is answered as not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import orjson

from sscard.kernel.actor import Actor, Role

GENESIS = "0" * 64  # the previous hash of a chain's first entry
GRANT_HOURS = 12  # a document presented at the counter opens the record for this long


class Purpose(StrEnum):
    """Why a full record was read: the ground on which it was allowed."""

    DOCUMENT_PRESENTED = "document_presented"  # a lookup by the document shown (opens a grant)
    REGISTERED = "registered"  # the registration at this counter (opens a grant)
    PRESENTED_EARLIER = "presented_earlier"  # within a grant the document opened
    OWN_CITY = "own_city"  # a city's centre, its own city
    PROVINCE = "province"  # the province's centre
    HOLDER = "holder"  # the person themself
    OWN_BANK = "own_bank"  # a bank, a card of its own
    AUDIT = "audit"  # an auditor, a record's history (issue 12, SPEC GOV-5)
    CREDENTIAL_SHOWN = "credential_shown"  # the card shown at a scene, for its record (SCN-1)


GRANTS = frozenset({Purpose.DOCUMENT_PRESENTED, Purpose.REGISTERED})
# What an auditor reads on its standing ground: histories (who changed what), never the person,
# card or credit record themselves; the operations' roles keep it to reading (issue 12).
AUDITED_KINDS = frozenset({"card_history"})


@dataclass(frozen=True)
class Subject:
    """What was read: a kind (person, card, card_history, credit_record, ...) and its key."""

    kind: str
    key: str
    person_id: int | None
    city_code: str | None
    bank_code: str | None = None


def standing_purpose(actor: Actor, subject: Subject) -> Purpose | None:
    """The ground an actor has on a record without a grant, or None (then a grant is needed)."""
    if actor.role is Role.PROVINCE_ADMIN:
        return Purpose.PROVINCE
    if actor.role is Role.CENTRE_ADMIN and subject.city_code == actor.city_code:
        return Purpose.OWN_CITY
    if actor.role is Role.CARDHOLDER and subject.person_id == actor.person_id:
        return Purpose.HOLDER
    if actor.role is Role.BANK_SYSTEM and subject.bank_code == actor.bank_code:
        return Purpose.OWN_BANK
    if actor.role is Role.AUDITOR and subject.kind in AUDITED_KINDS:
        return Purpose.AUDIT
    return None


def needs_grant(actor: Actor) -> bool:
    """Counter and hotline staff reach a person only through a document presented."""
    return actor.role in (Role.OUTLET_CLERK, Role.HOTLINE_AGENT)


def grant_since(now: datetime) -> datetime:
    return now - timedelta(hours=GRANT_HOURS)


CHAIN_SHARDS = 16  # chains per reader: one busy token's concurrent reads do not queue on one


def chain_of(actor: Actor, subject: Subject) -> str:
    """The chain a read goes on: the reader's own (readers never queue on one another's), split
    by the record read into CHAIN_SHARDS, so even one token read from many connections at once
    (a system, a benchmark) spreads its writes; all reads of one record by one reader stay on one
    chain, in order."""
    reader = f"actor:{actor.id}" if actor.id is not None else f"service:{actor.channel.value}"
    key = subject.person_id if subject.person_id is not None else sum(subject.key.encode())
    return f"{reader}/{key % CHAIN_SHARDS}"


def chained_text(previous: str, entry: dict[str, Any]) -> str:
    """What an entry's hash covers: the previous hash and the entry's canonical JSON. The hash
    is keyed (HMAC-SM3 with the data key, Vault.index), so whoever can write the database but
    does not hold the key cannot recompute a chain after changing it."""
    return previous + orjson.dumps(entry, option=orjson.OPT_SORT_KEYS, default=str).decode()


CHAINED_FIELDS = (
    "chain", "position", "at", "actor_id", "role", "channel", "outlet_id", "city_code",
    "subject_kind", "subject_key", "person_id", "purpose",
)  # fmt: skip


def chained(row: dict[str, Any]) -> dict[str, Any]:
    """The fields of an entry its hash covers (all but the hashes themselves), the time as
    UTC ISO 8601 so a database's round trip cannot change it."""
    fields = {name: row[name] for name in CHAINED_FIELDS}
    fields["at"] = row["at"].astimezone(UTC).isoformat()
    return fields
