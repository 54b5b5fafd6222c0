"""Golden test: every byte sscard sends to other parties, pinned before the source tree moves.

One scenario drives every outbound message through the HTTP API under the ManualClock, delivers
it over real HTTP to a webhook per recipient (tests/integration/banks/receiver.py) and compares
what arrived with golden/wire_format.json:

- SPEC ISS-1/ISS-2: production data, `bank.account_requested`, with the holder added at delivery;
- SPEC LOSS-1: hotline temporary loss and unlock; the 7-day lift, once recorded lazily by a write
  that loads the lapsed card (the card's bank reporting the account opened) and once by the sweep;
- SPEC LOSS-2/LOSS-3: online formal loss and online unlock; a formal loss at an outlet of the
  card's bank;
- SPEC REP-1: replacement after that formal loss (`apply_replacement` at acceptance, production of
  the new card), collection;
- SPEC REP-3: exchange (damage, and a change of bank where Suzhou allows it), the old card's bank
  told `bank.card_superseded` at collection;
- SPEC JUR-1: city transfer, step 1 (`change_city`, `centre.card_transferred_in` to the new
  city's centre) and step 2 (`reset_social_data`);
- SPEC CAN-3: cancellation (`cancel`), then the closure notice `bank.account_closure_requested`;
- SPEC GEN-3/ISS-5: an upgrade declaring a gen-2 card; at collection `medical.function_moved` to
  the medical-insurance recipient.

The golden file keeps, per recipient, each request as received: its headers and its body with
key order kept. Values that differ between runs or databases become placeholders (see the file's
"placeholders"); the holder's personal data never appears in it, and is checked here against
what was registered instead. The exact serialisation is pinned separately: every body must be
byte-for-byte what orjson makes of its parsed form, and its signature must verify.

`SSCARD_UPDATE_GOLDEN=1 .venv/bin/pytest tests/integration/banks/test_wire_format.py` rewrites
the golden file; otherwise the test compares and fails with a diff.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives import hashes, hmac
from sqlalchemy import select

from sscard.cards.models import cards
from sscard.kernel.actor import OPERATOR
from sscard.kernel.clock import ManualClock
from sscard.platform.outbox.dispatcher import Senders, dispatch_once
from sscard.platform.outbox.models import outbox
from tests.integration.applications.renewal.helpers import collect, exchange
from tests.integration.platform.outbox.receiver import Receiver, serving
from tests.support.api import ADULT_BIRTH, Api
from tests.support.bank_reports import bank_report
from tests.support.numbers import citizen_number

GOLDEN = Path(__file__).parent / "golden" / "wire_format.json"
UPDATE = os.environ.get("SSCARD_UPDATE_GOLDEN") == "1"
RECIPIENTS = ("ICBC", "SZB", "centre:3205", "medical_insurance")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SIGNATURE = re.compile(r"^hmac-sm3=([0-9a-f]{64})$")
OLD_CARD_NUMBER = "6222021234567890"  # the gen-2 card declared at the upgrade: sent masked
ACCOUNT_NUMBER = "6222020000001234"  # reported by the bank in step 3: never sent back


def secret_of(recipient: str) -> bytes:
    """Each endpoint its own 32-byte secret, the same every run."""
    return hashlib.sha256(f"wire-golden:{recipient}".encode()).digest()


# ---- what arrives ----


@dataclass(frozen=True)
class Arrival:
    step: str
    at: datetime
    headers: list[tuple[str, str]]
    body: bytes


class Recorder(Receiver):
    """The test bank's webhook, keeping every request's raw headers and body as it came."""

    def __init__(self, secret: bytes, now: Callable[[], datetime], step: Callable[[], str]):
        super().__init__(secret, now)
        self.step = step
        self.arrivals: list[Arrival] = []

    async def _answer(self, scope: dict[str, Any], body: bytes) -> tuple[int, Any]:
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        self.arrivals.append(Arrival(self.step(), self.now(), headers, body))
        return await super()._answer(scope, body)


@dataclass
class Wire:
    """A recorder per recipient, configured as its endpoint, and the step now being delivered."""

    recorders: dict[str, Recorder] = field(default_factory=dict)
    step: str = "setup"


# ---- placeholders ----


@dataclass(frozen=True)
class Kind:
    type: type
    shape: re.Pattern[str] | None
    about: str


KINDS: dict[str, Kind] = {
    "message_id": Kind(
        str, UUID4, "uuid4; #n is the n-th message written to the outbox, as for its sequence"
    ),
    "sequence": Kind(int, None, "int, the outbox row id; #n is the n-th message written"),
    "card_id": Kind(int, None, "int, the card's row id; #n is the card of <card_number#n>"),
    "card_number": Kind(
        str, re.compile(r"^[A-Z]\d{8}$"), "letter + 8 digits; #n is the n-th card made"
    ),
    "application_reference": Kind(
        str, re.compile(r"^SQ32\d{2}\d{8}\d{8}$"), "SQ + city + date + 8 digits; by submission"
    ),
    "notice_reference": Kind(
        str, re.compile(r"^ZX32\d{2}\d{8}\d{8}$"), "ZX + city + date + 8 digits; by issue"
    ),
    "identification_code": Kind(
        str, re.compile(r"^\d{6}D156000005[0-9A-F]{16}$"), "area + D156000005 + 16 hex digits"
    ),
}
# Where each numbered kind is found, whatever object it is in.
FIELD_KINDS = {
    "message_id": "message_id",
    "sequence": "sequence",
    "card_id": "card_id",
    "card_number": "card_number",
    "old_card_number": "card_number",
    "new_card_number": "card_number",
    "application_reference": "application_reference",
    "notice_reference": "notice_reference",
    "identification_code": "identification_code",
}
# The holder added at delivery (ISS-2): personal data, replaced by its shape.
HOLDER: dict[str, tuple[str, re.Pattern[str]]] = {
    "name": ("<name>", re.compile(r"^\S.*$")),
    "ssn": ("<ssn>", re.compile(r"^\d{17}[\dX]$")),
    "person_code": ("<person_code>", re.compile(r"^\d{4}[0-9A-F]{12}$")),
    "birth_date": ("<birth_date>", re.compile(r"^\d{4}-\d{2}-\d{2}$")),
    "gender": ("<gender>", re.compile(r"^[MF]$")),
    "nationality": ("<nationality>", re.compile(r"^[A-Z]{3}$")),
    "phone": ("<phone>", re.compile(r"^1\d{10}$")),
}
# Header values that vary by run or by installed HTTP codecs (the client's, not sscard's), and
# the signature, which signs the run's message ids: checked in check_request, pinned by shape.
HEADER_SHAPES: dict[str, Callable[[str], str]] = {
    "host": lambda v: re.sub(r":\d+$", ":<port>", v),
    "content-length": lambda v: "<length of the body>",
    "user-agent": lambda v: re.sub(r"/[\w.]+$", "/<version>", v),
    "accept-encoding": lambda v: "<the HTTP client's codecs>",
    "x-sscard-signature": lambda v: SIGNATURE.sub("hmac-sm3=<64 hex digits>", v),
}


@dataclass
class Placeholders:
    """Stable names for run-dependent values: numbered in the scenario's order where known."""

    numbers: dict[str, dict[Any, int]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # the kinds the golden file shows

    def seed(self, kind: str, value: Any) -> None:
        known = self.numbers.setdefault(kind, {})
        known.setdefault(value, len(known) + 1)

    def name(self, kind: str, value: Any, where: str) -> str:
        spec = KINDS[kind]
        assert type(value) is spec.type, f"{where}: {kind} {value!r} is not {spec.type.__name__}"
        if spec.shape is not None:
            assert spec.shape.match(str(value)), f"{where}: {kind} {value!r} has not the shape"
        self.seed(kind, value)
        self.used.add(kind)
        return f"<{kind}#{self.numbers[kind][value]}>"

    def normalise(self, value: Any, where: str = "") -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                here = f"{where}.{key}"
                if key == "holder" and isinstance(item, dict):
                    out[key] = holder_shape(item, here)
                elif key in FIELD_KINDS and item is not None:
                    out[key] = self.name(FIELD_KINDS[key], item, here)
                else:
                    out[key] = self.normalise(item, here)
            return out
        if isinstance(value, list):
            return [self.normalise(item, f"{where}[{i}]") for i, item in enumerate(value)]
        return value


def holder_shape(holder: dict[str, Any], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in holder.items():
        assert key in HOLDER, f"{where}: a holder field not pinned yet: {key}"
        placeholder, shape = HOLDER[key]
        if value is None:
            out[key] = None
        else:
            assert isinstance(value, str), f"{where}.{key} is not a string"
            assert shape.match(value), f"{where}.{key} has not the shape of a {key}"
            out[key] = placeholder
    return out


def parse_exactly(body: bytes) -> Any:
    """The body parsed with its key order; a repeated key is an error, not silently dropped."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        assert len(keys) == len(set(keys)), f"repeated key in {keys}"
        return dict(items)

    return json.loads(body, object_pairs_hook=pairs)


def sm3_signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """HMAC-SM3 over "<timestamp>\\n<body>", computed here, not by sscard's own code."""
    mac = hmac.HMAC(secret, hashes.SM3())
    mac.update(timestamp.encode() + b"\n" + body)
    return mac.finalize().hex()


# ---- the scenario ----


@dataclass
class Holder:
    """What was registered for a person, to compare with the holder a bank receives."""

    name: str
    document: dict[str, str]
    phone: str
    birth: date
    person_id: int = 0
    person_code: str = ""

    def expected(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ssn": self.document["number"],
            "person_code": self.person_code,
            "birth_date": self.birth.isoformat(),
            "gender": "M",
            "nationality": "CHN",
            "phone": self.phone,
        }


@dataclass
class Scenario:
    api: Api
    clock: ManualClock
    senders: Senders
    wire: Wire
    ph: Placeholders = field(default_factory=Placeholders)
    cards: dict[str, str] = field(default_factory=dict)  # card number -> what it is
    holders: dict[str, Holder] = field(default_factory=dict)  # card number -> its holder

    def card_made(self, number: str, what: str, holder: Holder) -> None:
        assert number not in self.cards
        self.cards[number] = what
        self.holders[number] = holder
        self.ph.seed("card_number", number)

    def applied(self, reference: str) -> None:
        self.ph.seed("application_reference", reference)

    async def person(
        self, name: str, phone: str, as_: str = "clerk_instant", **over: Any
    ) -> Holder:
        doc = {"type": "resident_id", "number": citizen_number(ADULT_BIRTH)}
        holder = Holder(name, doc, phone, ADULT_BIRTH)
        p = await self.api.person(as_, name=name, phone=phone, document=doc, **over)
        holder.person_id = p["person_id"]
        holder.person_code = p["person_code"]
        return holder

    async def first_card(
        self, what: str, name: str, phone: str, as_: str = "clerk_instant", **over: Any
    ) -> tuple[str, Holder]:
        holder = await self.person(name, phone, as_, **over)
        r = await self.api.submit(holder.person_id, as_, "ICBC")
        assert r.status_code == 201, r.text
        self.applied(r.json()["reference"])
        app = await collect(self.api, r.json()["reference"], holder.document, as_)
        number: str = app["card"]["card_number"]
        self.card_made(number, what, holder)
        return number, holder

    async def ok(self, number: str, action: str, as_: str, body: Any = None) -> dict[str, Any]:
        r = await self.api.card_post(number, action, as_, body)
        assert r.status_code in (200, 201), r.text
        answer: dict[str, Any] = r.json()
        return answer

    async def deliver(self, step: str) -> None:
        """Everything the step wrote goes out: rounds until one sends nothing."""
        self.wire.step = step
        for _ in range(20):
            report = await dispatch_once(self.api.rt, "wire-golden", self.senders)
            for recipient, done in report.recipients.items():
                assert done.error is None, (recipient, done.error)
                assert done.delivered == done.sent, (recipient, done)
            if not any(r.sent for r in report.recipients.values()):
                return
        raise AssertionError("delivery did not settle")


async def run_scenario(s: Scenario) -> None:
    api, clock = s.api, s.clock

    # 1. ISS-1/ISS-2: a first card made and collected at Changzhou's instant outlet.
    a, pa = await s.first_card(
        "A: first card (steps 1-4), exchanged in step 6", "王测甲", "13900000001"
    )
    await s.deliver("1 first card made and collected")

    # 2. LOSS-1/LOSS-3: hotline temporary loss, hotline unlock.
    await s.ok(a, "temporary-loss", "hotline", {"reason": "电话挂失"})
    await s.ok(a, "unlock", "hotline")
    await s.deliver("2 hotline temporary loss and unlock")

    # 3. LOSS-1: two temporary losses lapse. A's lift is recorded by the first write that loads
    # it (its bank reports the account opened, which itself tells the bank nothing); B's by
    # the sweep.
    b, pb = await s.first_card(
        "B: lifted by the sweep, lost at the bank, replaced", "李测乙", "13900000002"
    )
    await s.ok(a, "temporary-loss", "hotline")
    await s.ok(b, "temporary-loss", "hotline")
    await s.deliver("3a two hotline temporary losses (and card B made)")
    clock.advance(timedelta(days=7, hours=1))
    opened = {"event": "account_opened", "account_number": ACCOUNT_NUMBER}
    r = await bank_report(api, a, "bank_icbc", opened)
    assert r.status_code == 200, r.text
    r = await api.post("/api/v1/cards/sweep-temporary-losses", "admin")
    assert r.status_code == 200, r.text
    assert r.json()["lifted"] == 1
    await s.deliver("3b lapsed losses lifted: A by a write that loads it, B by the sweep")

    # 4. LOSS-2/LOSS-3: the cardholder's online formal loss and online unlock.
    online = await api.cardholder(pa.person_id)
    await s.ok(a, "formal-loss", online)
    await s.ok(a, "unlock", online)
    await s.deliver("4 online formal loss and online unlock")

    # 5. LOSS-2, REP-1, REP-3: formal loss at an outlet of B's bank, replacement at the instant
    # outlet (B superseded at acceptance, the new card made on the spot), collection.
    await s.ok(b, "formal-loss", "clerk_changzhou_icbc")
    await s.deliver("5a formal loss at an outlet of the card's bank")
    app = await s.ok(b, "replacement", "clerk_instant", {})
    s.applied(app["reference"])
    await s.deliver("5b replacement accepted and made")
    b2 = (await collect(api, app["reference"], pb.document))["card"]["card_number"]
    s.card_made(b2, "B2: the replacement of B", pb)
    await s.deliver("5c replacement collected")

    # 6. REP-2a/REP-3: A exchanged for damage at an HR outlet (Changzhou's rule), collected.
    r = await exchange(api, a, "damage")
    assert r.status_code == 201, r.text
    s.applied(r.json()["reference"])
    await s.deliver("6a exchange (damage) accepted and made")
    a2 = (await collect(api, r.json()["reference"], pa.document))["card"]["card_number"]
    s.card_made(a2, "A2: A's exchange; moves to Suzhou (step 7), cancelled (step 8)", pa)
    await s.deliver("6b exchange collected")

    # 6c. REP-2c/REP-3: a change of bank where the city allows it (Suzhou), after the old bank
    # closed the account: the old bank hears of a new card at another bank.
    c, pc = await s.first_card(
        "C: Suzhou card at ICBC, exchanged for a change of bank",
        "赵测丙",
        "13900000003",
        "clerk_suzhou_icbc",
        city_code="3205",
    )
    r = await bank_report(api, c, "bank_icbc", {"event": "closed"})
    assert r.status_code == 200, r.text
    await s.deliver("6c Suzhou card at ICBC made and collected")
    r = await exchange(api, c, "bank_change", "clerk_suzhou_szb", bank_code="SZB")
    assert r.status_code == 201, r.text
    s.applied(r.json()["reference"])
    await s.deliver("6d exchange for a change of bank accepted and made")
    c2 = (await collect(api, r.json()["reference"], pc.document, "clerk_suzhou_szb"))["card"]
    s.card_made(c2["card_number"], "C2: C's exchange, at SZB", pc)
    await s.deliver("6e exchange for a change of bank collected")

    # 7. JUR-1: A2's management city moves from Changzhou to Suzhou in two steps.
    transfer = {
        "to_city_code": "3205",
        "transfer_certificate_number": "ZY-2026-000123",
        "document": pa.document,
    }
    await s.ok(a2, "management-city", "clerk_instant", transfer)
    await s.deliver("7a city transfer, step 1 at the outgoing city")
    await s.ok(a2, "social-data-reset", "clerk_suzhou")
    await s.deliver("7b city transfer, step 2 at the new city")

    # 8. CAN-3: A2 cancelled at its management city; the bank gets the closure notice.
    cancellation = {
        "reason": "transfer_out_of_province",
        "card_presented": True,
        "transfer_certificate_number": "ZY320500202612010001",
        "holder_document": pa.document,
    }
    r = await api.post(f"/api/v1/cards/{a2}/cancel", "clerk_suzhou", cancellation)
    assert r.status_code == 201, r.text
    s.ph.seed("notice_reference", r.json()["reference"])
    await s.deliver("8 cancellation and closure notice")

    # 9. GEN-3/ISS-5: an upgrade from a gen-2 card of the same bank, made and collected.
    pd = await s.person("周测丁", "13900000004")
    old = {
        "generation": 2,
        "number": OLD_CARD_NUMBER,
        "issuer_city_code": "3204",
        "bank_code": "ICBC",
        "presented": True,
    }
    body = {"person_id": pd.person_id, "bank_code": "ICBC", "old_card": old}
    r = await api.post("/api/v1/applications/upgrade", "clerk_instant", body)
    assert r.status_code == 201, r.text
    s.applied(r.json()["reference"])
    await s.deliver("9a upgrade accepted and made")
    d = (await collect(api, r.json()["reference"], pd.document))["card"]["card_number"]
    s.card_made(d, "D: the gen-3 card of an upgrade from gen 2", pd)
    await s.deliver("9b upgrade collected")


# ---- the test ----


@pytest.fixture
async def wire(api: Api, clock: ManualClock) -> AsyncIterator[Wire]:
    out = Wire()
    async with AsyncExitStack() as stack:
        for recipient in RECIPIENTS:
            rec = Recorder(secret_of(recipient), clock.now, lambda: out.step)
            url = await stack.enter_async_context(serving(rec))
            body = {"transport": "http", "url": url, "secret_hex": secret_of(recipient).hex()}
            r = await api.call("PUT", f"/api/v1/delivery-endpoints/{recipient}", "admin", body)
            assert r.status_code == 200, r.text
            out.recorders[recipient] = rec
        yield out


async def outbox_rows(api: Api) -> list[dict[str, Any]]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        rows = await ctx.conn.execute(select(outbox).order_by(outbox.c.id))
        return [dict(r._mapping) for r in rows]


async def card_ids(api: Api) -> dict[str, int]:
    async with api.rt.unit(OPERATOR, readonly=True) as ctx:
        rows = await ctx.conn.execute(select(cards.c.card_number, cards.c.id))
        return {r.card_number: r.id for r in rows}


def check_request(recipient: str, arrival: Arrival) -> dict[str, str]:
    """The serialisation and the signature, byte for byte; returns the headers as pinned, in the
    order sent (names as the receiving server gives them: lower case)."""
    body = arrival.body
    parsed = parse_exactly(body)
    assert orjson.dumps(parsed) == body, f"{recipient}: the body is not orjson's compact form"
    assert json.dumps(parsed, ensure_ascii=False, separators=(",", ":")).encode() == body
    headers = dict(arrival.headers)
    assert len(headers) == len(arrival.headers), f"{recipient}: a header sent twice"
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == str(len(body))
    stamp = headers["x-sscard-timestamp"]
    assert stamp == str(int(arrival.at.timestamp())), "the timestamp is the dispatcher's now"
    match = SIGNATURE.match(headers["x-sscard-signature"])
    assert match, headers["x-sscard-signature"]
    assert match.group(1) == sm3_signature(secret_of(recipient), stamp, body)
    return {k: HEADER_SHAPES[k](v) if k in HEADER_SHAPES else v for k, v in arrival.headers}


def check_holders(s: Scenario, received: list[dict[str, Any]]) -> int:
    """ISS-2: each account request carries its card's holder, as registered, at delivery."""
    n = 0
    for m in received:
        if m["topic"] == "bank.account_requested":
            expected = s.holders[m["card_number"]].expected()
            assert m["payload"]["holder"] == expected, m["card_number"]
            assert list(m["payload"]["holder"]) == list(expected)
            n += 1
        else:
            assert "holder" not in m["payload"], m["topic"]
    return n


def build_golden(s: Scenario, recorders: dict[str, Recorder], rows: list[dict[str, Any]]) -> Any:
    position = {r["message_id"]: i for i, r in enumerate(rows, 1)}
    for row in rows:
        s.ph.numbers.setdefault("message_id", {})[row["message_id"]] = position[row["message_id"]]
        s.ph.numbers.setdefault("sequence", {})[row["id"]] = position[row["message_id"]]
    recipients: dict[str, list[dict[str, Any]]] = {}
    topics: Counter[str] = Counter()
    for recipient in RECIPIENTS:
        batches = []
        for i, arrival in enumerate(recorders[recipient].arrivals):
            where = f"{recipient}[{i}]"
            headers = check_request(recipient, arrival)
            body = s.ph.normalise(parse_exactly(arrival.body), where)
            topics.update(m["topic"] for m in body["messages"])
            batches.append({"step": arrival.step, "headers": headers, "body": body})
        recipients[recipient] = batches
    legend = {f"<{kind}#n>": spec.about for kind, spec in KINDS.items() if kind in s.ph.used}
    legend |= {placeholder: f"holder.{key}" for key, (placeholder, _) in HOLDER.items()}
    return {
        "about": [
            "What sscard sends to other parties, per recipient, as each request arrived.",
            "Made by tests/integration/banks/test_wire_format.py; SSCARD_UPDATE_GOLDEN=1 rewrites.",
            "Bodies are orjson's compact form of what is shown here (checked byte for byte).",
            "occurred_at, issued_at and x-sscard-timestamp are the ManualClock's, kept as sent.",
        ],
        "placeholders": legend,
        "cards": {s.ph.name("card_number", n, "cards"): what for n, what in s.cards.items()},
        "totals": {
            "messages": sum(topics.values()),
            "requests": sum(len(b) for b in recipients.values()),
            "per_recipient": {
                k: sum(len(b["body"]["messages"]) for b in v) for k, v in recipients.items()
            },
            "per_topic": dict(sorted(topics.items())),
        },
        "recipients": recipients,
    }


def personal_values(s: Scenario) -> set[str]:
    out = {OLD_CARD_NUMBER, ACCOUNT_NUMBER}
    for h in s.holders.values():
        out |= {h.name, h.document["number"], h.phone, h.person_code}
    return out


async def test_the_wire_formats_to_banks_and_other_parties_are_pinned(
    api: Api, clock: ManualClock, wire: Wire
) -> None:
    """Every outbound message of the scenario, byte for byte against golden/wire_format.json."""
    senders = Senders(api.rt.settings)
    s = Scenario(api, clock, senders, wire)
    try:
        await run_scenario(s)
    finally:
        await senders.close()
    recs = wire.recorders

    rows = await outbox_rows(api)
    assert {r["status"] for r in rows} == {"delivered"}
    assert {r["attempts"] for r in rows} == {1}
    received = [m for rec in recs.values() for batch in rec.batches for m in batch]
    assert sorted(m["message_id"] for m in received) == sorted(r["message_id"] for r in rows)
    assert all(UUID4.match(m["message_id"]) for m in received)
    by_id = {r["message_id"]: r for r in rows}
    for rec_name, rec in recs.items():
        assert rec.refused == 0
        for m in (m for batch in rec.batches for m in batch):
            row = by_id[m["message_id"]]
            assert (m["sequence"], m["topic"], row["recipient"]) == (
                row["id"],
                row["topic"],
                rec_name,
            )
    assert check_holders(s, received) == len(s.cards) == 7

    ids = await card_ids(api)
    for number in s.cards:
        s.ph.seed("card_id", ids[number])
    golden = build_golden(s, recs, rows)
    text = json.dumps(golden, ensure_ascii=False, indent=2) + "\n"
    leaked = sorted(v for v in personal_values(s) if v in text)
    assert not leaked, "personal data would be written to the golden file"

    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        return
    assert GOLDEN.exists(), f"no golden file yet: run with SSCARD_UPDATE_GOLDEN=1 ({GOLDEN})"
    want = GOLDEN.read_text(encoding="utf-8")
    if text != want:
        diff = difflib.unified_diff(
            want.splitlines(), text.splitlines(), "golden", "this run", lineterm="", n=4
        )
        pytest.fail("the wire format changed:\n" + "\n".join(diff), pytrace=False)
