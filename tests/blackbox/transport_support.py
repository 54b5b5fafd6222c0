"""The transport purse driven from outside (issue 15; SPEC TRN-1, TRN-2, TRN-3): cards whose
purse a transport outlet loaded and topped up, a transit operator's reader signing its offline
clearing files, and what the service's own database holds of them. Amounts in fen."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from sscard.platform.outbox.signing import signed_headers
from tests.blackbox.bank_stack import Stack, produced_card, wait_for

HR_OUTLET = "3204-HR-001"  # instant making, Changzhou: where the cards are made and collected
TRANSPORT_OUTLET = "3204-TRN-001"  # Changzhou's citizen-card company's own outlet (TRN-1, TRN-2)
OPERATOR = "BUS3204900001"  # a Changzhou bus company, registered as a transit scene
READER = "R1"  # its reader, which also signs the company's clearing files
FULL_FARE = 10
CHARGED = 6  # Changzhou's buses take 60 % of the full fare (TRN-3, transport/data/fares.json)
HEADER = "terminal_code,terminal_seq,card_number,counter,mode,fare_fen,used_at"
BEIJING = timezone(timedelta(hours=8))


@dataclass
class Purse:
    """A card with its loaded purse, as the test knows it from outside: what was topped up,
    what its fares applied so far took, the card's counter last used."""

    number: str
    topped_up: int
    counter: int
    charged: int = 0

    @property
    def balance(self) -> int:
        return self.topped_up - self.charged


@dataclass(frozen=True)
class ClearingFile:
    reference: str
    body: bytes
    counters: dict[str, tuple[int, int]]  # card number -> first and last counter in the file

    @property
    def lines(self) -> int:
        return sum(last - first + 1 for first, last in self.counters.values())


class Transport:
    """One stack's transport outlet, its transit operator and reader, over HTTP."""

    def __init__(self, stack: Stack, http: httpx.Client) -> None:
        self.stack = stack
        self.http = http
        self.hr_clerk = stack.token("outlet_clerk", "--outlet", HR_OUTLET)
        self.clerk = stack.token("outlet_clerk", "--outlet", TRANSPORT_OUTLET)
        scene = {"code": OPERATOR, "name": "黑盒公交", "kind": "transit", "city_code": "3204"}
        r = http.post("/api/v1/scenes", headers=stack.admin, json=scene)
        assert r.status_code == 201, r.text
        r = http.post(
            f"/api/v1/scenes/{OPERATOR}/terminals",
            headers=stack.admin,
            json={"terminal_code": READER, "language": "zh"},
        )
        assert r.status_code == 201, r.text
        self.reader = {"Authorization": f"Bearer {r.json()['token']}"}
        self.secret = bytes.fromhex(r.json()["signing_key"])
        self._seq = 0  # the reader's own sequence, never reused

    # ---- purses (TRN-1, TRN-2) ----

    def collected_card(self, born: date) -> str:
        """A card made at the instant outlet and collected by its holder (hr active)."""
        app = produced_card(self.stack, self.http, self.hr_clerk, born)
        number = str(app["card"]["card_number"])
        wait_for(  # the card goes to the bank first; collected once its account is open
            lambda: self.stack.card(self.http, number)["financial_status"] == "account_opened",
            what="the bank's account_opened report",
        )
        r = self.http.post(
            f"/api/v1/applications/{app['reference']}/collect",
            headers=self.hr_clerk,
            json={"document": app["document"]},
        )
        assert r.status_code == 200, r.text
        return number

    def loaded_purse(self, born: date, top_ups: tuple[int, ...]) -> Purse:
        """SPEC TRN-1, TRN-2: the purse loaded at the transport outlet, then each top-up
        authorised and confirmed with the card's counter after its write (1, 2, ...)."""
        number = self.collected_card(born)
        r = self.http.post(
            "/api/v1/transport/purses", headers=self.clerk, json={"card_number": number}
        )
        assert r.status_code == 201, r.text
        assert r.json()["balance_fen"] == 0
        purse = Purse(number, 0, 0)
        for i, fen in enumerate(top_ups, start=1):
            ref = f"TU-{number}-{i}"
            body = {"card_number": number, "amount_fen": fen, "channel": "outlet",
                    "reference": ref}  # fmt: skip
            r = self.http.post("/api/v1/transport/top-ups", headers=self.clerk, json=body)
            assert r.status_code == 201, r.text
            assert (r.json()["state"], r.json()["balance_fen"]) == ("authorised", purse.balance)
            r = self.http.post(
                f"/api/v1/transport/top-ups/{ref}/confirm",
                headers=self.clerk,
                json={"counter": purse.counter + 1},
            )
            assert r.status_code == 200, r.text
            purse.counter += 1
            purse.topped_up += fen
            assert (r.json()["state"], r.json()["balance_fen"]) == ("confirmed", purse.balance)
        return purse

    def purse(self, number: str) -> dict[str, Any]:
        r = self.http.get(f"/api/v1/transport/purses/{number}", headers=self.clerk)
        assert r.status_code == 200, r.text
        return dict(r.json())

    def balance(self, number: str) -> int:
        return int(self.purse(number)["balance_fen"])

    # ---- clearing files (TRN-3) ----

    def clearing_file(self, reference: str, purses: list[Purse], lines: int) -> ClearingFile:
        """`lines` offline bus fares over `purses` in turn, each card's counter one up from its
        last write, the reader's sequence one up each line; the fares of the last 12 hours.
        The purses' counters move on (the cards were debited off line)."""
        first = {p.number: p.counter + 1 for p in purses}
        start = datetime.now(BEIJING).replace(microsecond=0) - timedelta(hours=12)
        rows = [HEADER]
        for i in range(lines):
            purse = purses[i % len(purses)]
            purse.counter += 1
            self._seq += 1
            used = (start + timedelta(seconds=i)).isoformat()
            rows.append(
                f"{READER},{self._seq},{purse.number},{purse.counter},bus,{FULL_FARE},{used}"
            )
        counters = {p.number: (first[p.number], p.counter) for p in purses}
        return ClearingFile(reference, ("\n".join(rows) + "\n").encode(), counters)

    def url(self, reference: str) -> str:
        return f"/api/v1/transport/clearing-files?reference={reference}"

    def headers(self, body: bytes) -> dict[str, str]:
        """The reader's token and its signature over the whole file, made now."""
        signed = signed_headers(self.secret, datetime.now(UTC), body)
        return {**self.reader, **signed, "Content-Type": "text/csv"}

    def upload(self, file: ClearingFile) -> httpx.Response:
        return self.http.post(
            self.url(file.reference),
            content=file.body,
            headers=self.headers(file.body),
            timeout=120,
        )

    def file_report(self, file_id: int) -> dict[str, Any]:
        r = self.http.get(f"/api/v1/transport/clearing-files/{file_id}", headers=self.stack.admin)
        assert r.status_code == 200, r.text
        return dict(r.json())


# ---- what the service's database holds (read-only, whatever the API says) ----


def _query(var: Path, sql: str, *args: Any) -> tuple[Any, ...]:
    raw = sqlite3.connect(f"file:{var / 'sscard.db'}?mode=ro", uri=True)
    try:
        row = raw.execute(sql, args).fetchone()
    finally:
        raw.close()
    return tuple(row)


def clearing_in_db(var: Path, reference: str) -> tuple[int, int]:
    """The files stored under `reference` and their lines."""
    files, lines = _query(
        var,
        "SELECT count(DISTINCT f.id), count(l.line_no) FROM transport_clearing_files f "
        "LEFT JOIN transport_clearing_lines l ON l.file_id = f.id WHERE f.reference = ?",
        reference,
    )
    return int(files), int(lines)


def fares_in_ledger(var: Path, number: str, first: int, last: int) -> tuple[int, int, int]:
    """The fares written to the card's purse ledger with a counter from `first` to `last`:
    how many, how many distinct counters, and the fen they took."""
    count, counters, fen = _query(
        var,
        "SELECT count(*), count(DISTINCT g.counter), coalesce(-sum(g.amount_fen), 0) "
        "FROM transport_ledger g JOIN transport_purses p ON p.id = g.purse_id "
        "JOIN cards c ON c.id = p.card_id "
        "WHERE c.card_number = ? AND g.kind = 'fare' AND g.counter BETWEEN ? AND ?",
        number,
        first,
        last,
    )
    return int(count), int(counters), int(fen)


def ledger_sum(var: Path, number: str) -> int:
    """Every write of the card's purse ledger added up (top-ups in, fares out)."""
    (total,) = _query(
        var,
        "SELECT coalesce(sum(g.amount_fen), 0) FROM transport_ledger g "
        "JOIN transport_purses p ON p.id = g.purse_id JOIN cards c ON c.id = p.card_id "
        "WHERE c.card_number = ?",
        number,
    )
    return int(total)
