"""Benefit payments driven from outside (issue 15 items 7-8): a payer, cards whose financial
function is active at the simulated bank, batches and their reports over HTTP, and what the
simulated bank credited and answered. Amounts in fen."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
import orjson

from sscard.platform.outbox.signing import signed_headers
from tests.blackbox.bank_stack import Stack, produced_card, wait_for

BANK = "ICBC"
NATS_URL = "nats://127.0.0.1:4222"
CLERK_OUTLET = "3204-HR-001"  # instant making, Changzhou
PAYER = "JS-PENSION"
PERIOD = f"{date.today():%Y-%m}"


@dataclass(frozen=True)
class Card:
    number: str
    ssn: str


class Payments:
    """One stack's payer, its staff and the simulated bank, over HTTP."""

    def __init__(self, stack: Stack, http: httpx.Client) -> None:
        self.stack = stack
        self.http = http
        self.clerk = stack.token("outlet_clerk", "--outlet", CLERK_OUTLET)
        self.auditor = stack.token("auditor")
        body = {"name_zh": "江苏省养老保险", "name_en": "Jiangsu pensions", "kinds": ["pension"]}
        r = http.put(f"/api/v1/payers/{PAYER}", headers=stack.admin, json=body)
        assert r.status_code == 200, r.text
        self.payer = {"Authorization": f"Bearer {r.json()['token']}"}
        self._refs = iter(range(1, 10**9))

    # ---- cards at the bank ----

    def opened_card(self, born: date) -> Card:
        """A produced card whose account the bank opened (its financial function not active)."""
        app = produced_card(self.stack, self.http, self.clerk, born, BANK)
        number = str(app["card"]["card_number"])
        wait_for(
            lambda: self.stack.card(self.http, number)["financial_status"] == "account_opened",
            what="the bank's account_opened report",
        )
        return Card(number, str(app["document"]["number"]))

    def activate(self, card: Card) -> None:
        """The holder activates the financial function at the bank's counter (ISS-4); the
        bank's signed report reaches sscard."""
        r = self.stack.teller(BANK, card.number, "activate")
        assert r.status_code == 200, r.text
        wait_for(
            lambda: self.stack.card(self.http, card.number)["financial_status"] == "active",
            what="the bank's financial_activated report",
        )

    def active_card(self, born: date) -> Card:
        card = self.opened_card(born)
        self.activate(card)
        return card

    # ---- batches ----

    def line(self, ssn: str, fen: int) -> dict[str, Any]:
        ref = f"L{next(self._refs):07d}"
        return {
            "ssn": ssn,
            "amount_fen": fen,
            "kind": "pension",
            "period": PERIOD,
            "payer_reference": ref,
        }

    def submit(self, lines: list[dict[str, Any]], reference: str = "") -> dict[str, Any]:
        body = {"reference": reference or f"B{next(self._refs)}", "lines": lines}
        r = self.http.post("/api/v1/payment-batches", headers=self.payer, json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def report(self, batch_id: int) -> dict[str, Any]:
        r = self.http.get(f"/api/v1/payment-batches/{batch_id}", headers=self.payer)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def batch_by_reference(self, reference: str) -> dict[str, Any] | None:
        r = self.http.get("/api/v1/payment-batches", headers=self.payer, params={"limit": 200})
        assert r.status_code == 200, r.text
        return next((b for b in r.json() if b["reference"] == reference), None)

    def lines(self, batch_id: int) -> list[dict[str, Any]]:
        """Every payment of the batch, in line order."""
        out: list[dict[str, Any]] = []
        while True:
            params = {"after_line": out[-1]["line"] if out else 0, "limit": 1000}
            r = self.http.get(
                f"/api/v1/payment-batches/{batch_id}/payments", headers=self.payer, params=params
            )
            assert r.status_code == 200, r.text
            page = r.json()
            out += page
            if len(page) < 1000:
                return out

    def settled(self, batch_id: int, timeout: float = 20.0) -> dict[str, Any]:
        """The batch's report once no payment waits for a bank's answer; on timeout, says
        where the delivery stands."""
        deadline = time.monotonic() + timeout
        while (report := self.report(batch_id))["outcomes"]["instructed"]["count"]:
            if time.monotonic() > deadline:
                endpoint = self.endpoint()
                raise AssertionError(
                    f"batch {batch_id} still waits for the bank's answers: "
                    f"{outcome_counts(report)}; delivery to {BANK}: "
                    f"last_error={endpoint['last_error']!r}, "
                    f"consecutive_failures={endpoint['consecutive_failures']}; "
                    f"the bank's credits: {self.stack.sim_stats()['credits']}"
                )
            time.sleep(0.1)
        return report

    def statistics(self) -> dict[str, Any]:
        today = date.today()
        params = {"since": str(today - timedelta(days=1)), "until": str(today + timedelta(days=2))}
        r = self.http.get("/api/v1/payments/statistics", headers=self.auditor, params=params)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def unanswered(self) -> list[dict[str, Any]]:
        return list(self.statistics()["unanswered"])

    # ---- the simulated bank ----

    def balance(self, card: Card) -> int:
        r = httpx.get(f"{self.stack.sim}/banks/{BANK}/accounts/{card.number}")
        assert r.status_code == 200, r.text
        return int(r.json()["balance_fen"])

    def credits(self, card: Card | None = None) -> dict[int, dict[str, Any]]:
        """The bank's credits (to one card, or all) by payment id."""
        found: dict[int, dict[str, Any]] = {}
        params: dict[str, Any] = {"limit": 1000, "after": 0}
        if card is not None:
            params["card_number"] = card.number
        while True:
            r = httpx.get(f"{self.stack.sim}/banks/{BANK}/credits", params=params)
            assert r.status_code == 200, r.text
            page = r.json()
            for item in page["items"]:
                assert item["payment_id"] not in found  # one credit per payment, ever
                found[item["payment_id"]] = item
            if page["next_after"] is None:
                return found
            params["after"] = page["next_after"]

    def control(self, what: str, **body: Any) -> None:
        r = httpx.post(f"{self.stack.sim}/control/{what}", json=body)
        assert r.status_code == 200, r.text

    def answer_as_bank(self, body: dict[str, Any]) -> httpx.Response:
        """A POST of credit answers as the bank's system would send it: its token, signed."""
        bank = json.loads((self.stack.var / "bank-sim.json").read_text())["banks"][BANK]
        raw = orjson.dumps(body)
        headers = {
            "Authorization": f"Bearer {bank['token']}",
            "Content-Type": "application/json",
            **signed_headers(bytes.fromhex(bank["secret_hex"]), datetime.now(UTC), raw),
        }
        return self.http.post("/api/v1/bank-credit-answers", content=raw, headers=headers)

    def endpoint(self) -> dict[str, Any]:
        r = self.http.get("/api/v1/delivery-endpoints", headers=self.stack.admin)
        assert r.status_code == 200, r.text
        return dict(next(e for e in r.json() if e["recipient"] == BANK))


def outcome_counts(report: dict[str, Any]) -> dict[str, int]:
    return {status: o["count"] for status, o in report["outcomes"].items() if o["count"]}


def reasons(report: dict[str, Any], status: str) -> dict[str, int]:
    return {r["reason"]: r["count"] for r in report["outcomes"][status]["reasons"]}


def payments_in_db(var: Path, reference_prefix: str) -> int:
    """The payments stored with the payer references of one batch, read from the service's own
    database file (read-only), whatever the API says."""
    raw = sqlite3.connect(f"file:{var / 'sscard.db'}?mode=ro", uri=True)
    try:
        (count,) = raw.execute(
            "SELECT count(*) FROM payments WHERE payer_reference LIKE ?", (reference_prefix + "%",)
        ).fetchone()
    finally:
        raw.close()
    return int(count)


async def delete_stream(name: str) -> None:
    """The broker stream of a test's stack, gone."""
    nc = await nats.connect(NATS_URL, max_reconnect_attempts=1)
    try:
        await nc.jetstream().delete_stream(name)
    except nats.js.errors.NotFoundError:
        pass
    finally:
        await nc.close()


def writing(var: Path) -> bool:
    """Whether a write transaction is open in the service's database (SQLite: its one writer
    holds the lock; sscard begins every write IMMEDIATE). Probed without writing anything."""
    raw = sqlite3.connect(var / "sscard.db", timeout=0, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    else:
        raw.execute("ROLLBACK")
        return False
    finally:
        raw.close()


def in_chunks(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent piece by piece (chunked), as a payer's system streams a large file."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


@dataclass
class KilledUpload:
    """What an upload killed mid-way got: its answer if the service was faster than the kill,
    and whether the upload was still going when the service was killed."""

    response: httpx.Response | None
    in_flight: bool


def upload_and_kill(
    stack: Stack, url: str, body: bytes, headers: dict[str, str], *, wait: float, timeout: float
) -> KilledUpload:
    """POST `body` in chunks from a thread and kill -9 the service once its write transaction
    has stayed open a while (storing the upload: the worker's own writes last milliseconds),
    or after `wait` seconds; then start it again."""
    sent, answer = threading.Event(), dict[str, Any]()

    def chunks() -> Iterator[bytes]:
        yield from in_chunks(body)
        sent.set()

    def upload() -> None:
        try:
            with httpx.Client(base_url=stack.base, timeout=timeout) as client:
                answer["response"] = client.post(url, content=chunks(), headers=headers)
        except httpx.TransportError as exc:
            answer["error"] = exc

    uploading = threading.Thread(target=upload)
    uploading.start()
    assert sent.wait(30), "the upload did not go out"
    deadline = time.monotonic() + wait
    while uploading.is_alive() and time.monotonic() < deadline:
        if writing(stack.var):
            time.sleep(0.1)
            if writing(stack.var):
                break
        time.sleep(0.02)
    in_flight = uploading.is_alive()
    stack.kill_service()
    uploading.join(30)
    stack.start_service()
    return KilledUpload(answer.get("response"), in_flight)
