"""Reports to sscard: queued with the change that causes them, sent by one background loop.

Each report is a signed POST to sscard's /api/v1/bank-reports as the bank's system. A card's
reports go one at a time, in sequence order; cards are served side by side. A 2xx ends a
report as sent; a 409 or 422 problem, or any problem in which sscard says it kept the report as
rejected (`inbox_status`), ends it as refused by a rule, with its code; anything else - network
errors, 5xx, 401 or 403 (the configuration may be fixed) - is tried again with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from bank_simulator import store
from bank_simulator.clock import AdjustableClock
from bank_simulator.config import SimConfig
from bank_simulator.db import transaction
from bank_simulator.sealing import Vault
from bank_simulator.signing import signed_headers
from bank_simulator.wire import INBOX_REJECTED, ReportType, ServiceChannel

log = logging.getLogger("bank_simulator.callbacks")

REFUSED_BY_RULE = frozenset({409, 422})
PASS_LIMIT = 500


def new_report(
    account: dict[str, Any],
    type_: ReportType,
    now: datetime,
    *,
    account_number: str | None = None,
    outlet_code: str | None = None,
    channel: ServiceChannel | None = None,
) -> dict[str, Any]:
    """The next report for the account's card (its sequence counts every report, no gaps)."""
    account["report_sequence"] += 1
    return {
        "bank_code": account["bank_code"],
        "card_number": account["card_number"],
        "sequence": account["report_sequence"],
        "message_id": f"{account['bank_code']}-{uuid.uuid4()}",
        "type": type_.value,
        "occurred_at": now,
        "account_number": account_number,
        "outlet_code": outlet_code,
        "channel": channel.value if channel else None,
        "status": store.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": None,
        "result_code": None,
        "sent_at": None,
    }


def report_body(row: dict[str, Any]) -> dict[str, Any]:
    """The report as sscard's inbox takes it (wire.py)."""
    body: dict[str, Any] = {
        "message_id": row["message_id"],
        "card_number": row["card_number"],
        "sequence": row["sequence"],
        "type": row["type"],
        "occurred_at": row["occurred_at"].isoformat(),
    }
    for optional in ("account_number", "outlet_code", "channel"):
        if row[optional] is not None:
            body[optional] = row[optional]
    return body


def backoff_seconds(attempts: int, base: float, ceiling: float) -> float:
    """base, 2*base, 4*base ... never above the ceiling; `attempts` counts the failed ones."""
    return float(min(ceiling, base * 2 ** min(max(attempts - 1, 0), 32)))


def _problem(response: httpx.Response) -> tuple[str | None, bool]:
    """The problem's code, and whether sscard kept the report as rejected (its sequence used)."""
    try:
        body = response.json()
    except ValueError:
        return None, False
    if not isinstance(body, dict):
        return None, False
    code = body.get("code")
    kept = body.get("inbox_status") == INBOX_REJECTED
    return (str(code)[:64] if code is not None else None), kept


def _answer_status(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    status = body.get("status") if isinstance(body, dict) else None
    return str(status)[:64] if isinstance(status, str) else str(response.status_code)


class Callbacks:
    """The loop that sends queued reports; `wake` starts a pass at once."""

    def __init__(
        self,
        engine: AsyncEngine,
        config: SimConfig,
        clock: AdjustableClock,
        client: httpx.AsyncClient,
        vault: Vault,
    ) -> None:
        self.engine = engine
        self.vault = vault
        self.config = config
        self.clock = clock
        self.client = client
        self.wake = asyncio.Event()
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                sent = await self.pass_once()
            except Exception as exc:  # keep the loop alive; the text may hold an account number
                log.error("callback pass failed: %s", type(exc).__name__)
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.config.poll_seconds)

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()

    async def pass_once(self) -> int:
        """Send the first due report of every card; returns how many were tried."""
        if not self.config.send_reports:
            return 0
        async with transaction(self.engine, readonly=True) as conn:
            due = await store.due_reports(conn, self.vault, self.clock.now(), PASS_LIMIT)
        if not due:
            return 0
        gate = asyncio.Semaphore(self.config.callback_concurrency)

        async def one(row: dict[str, Any]) -> dict[str, Any]:
            async with gate:
                return await self.send(row)

        outcomes = await asyncio.gather(*(one(r) for r in due))
        async with transaction(self.engine) as conn:
            await store.settle_reports(conn, outcomes)
        return len(due)

    async def send(self, row: dict[str, Any]) -> dict[str, Any]:
        """One attempt at one report; returns the columns to write."""
        bank = self.config.banks.get(row["bank_code"])
        if bank is None:
            return self._retry(row, "the bank is not in the configuration")
        body = orjson.dumps(report_body(row))
        headers = {
            "Authorization": f"Bearer {bank.token}",
            "Content-Type": "application/json",
            **signed_headers(bank.secret, self.clock.now(), body),
        }
        try:
            response = await self.client.post(
                self.config.reports_url,
                content=body,
                headers=headers,
                timeout=self.config.callback_timeout_seconds,
            )
        except httpx.HTTPError as exc:
            return self._retry(row, f"{type(exc).__name__}")
        if response.is_success:
            return self._settled(row, store.SENT, _answer_status(response))
        code, kept_as_rejected = _problem(response)
        if response.status_code in REFUSED_BY_RULE or kept_as_rejected:
            return self._settled(row, store.REFUSED, code or f"http_{response.status_code}")
        return self._retry(row, f"HTTP {response.status_code} {code or ''}".strip())

    def _settled(self, row: dict[str, Any], status: str, result_code: str) -> dict[str, Any]:
        log.info("report %s %s: %s (%s)", row["message_id"], row["type"], status, result_code)
        return {
            "id": row["id"],
            "status": status,
            "attempts": row["attempts"] + 1,
            "next_attempt_at": row["next_attempt_at"],
            "last_error": row["last_error"],
            "result_code": result_code,
            "sent_at": self.clock.now(),
        }

    def _retry(self, row: dict[str, Any], error: str) -> dict[str, Any]:
        attempts = row["attempts"] + 1
        delay = backoff_seconds(
            attempts, self.config.retry_base_seconds, self.config.retry_max_seconds
        )
        log.warning(
            "report %s %s attempt %d failed: %s", row["message_id"], row["type"], attempts, error
        )
        return {
            "id": row["id"],
            "status": store.PENDING,
            "attempts": attempts,
            "next_attempt_at": self.clock.now() + timedelta(seconds=delay),
            "last_error": error[:256],
            "result_code": None,
            "sent_at": None,
        }
