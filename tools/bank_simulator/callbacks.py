"""Reports and credit and debit answers to sscard: queued with the change that causes them, sent
by one background loop.

Each report is a signed POST to sscard's /api/v1/bank-reports as the bank's system. A card's
reports go one at a time, in sequence order; cards are served side by side. A 2xx ends a
report as sent; a 409 or 422 problem, or any problem in which sscard says it kept the report as
rejected (`inbox_status`), ends it as refused by a rule, with its code; anything else - network
errors, 5xx, 401 or 403 (the configuration may be fixed) - is tried again with backoff.

The answers owed for the payments of credit instructions (SPEC PAY-1) go the same way, signed
the same, to /api/v1/bank-credit-answers: grouped per bank and instruction, at most
`answers_per_post` answers in one POST, {"instruction_id", "answers": [{"payment_id", "outcome",
"reason"?}]}. A 2xx ends the POST's answers as sent, a 409 or 422 as refused with the problem's
code, anything else tries them again with the reports' backoff. With `answer_twice` (a fault
control) every POST sscard took is made again at once: sscard must count the repeat a duplicate.

The answers owed for debit instructions (SPEC PAY-1 collections) go the same way, signed the
same, to /api/v1/bank-debit-answers: grouped per bank, at most `answers_per_post` in one POST,
{"answers": [{"debit_id", "outcome", "reason"?}]}, with the same outcomes, retries and
`answer_twice`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bank_simulator import store
from bank_simulator.clock import AdjustableClock
from bank_simulator.config import BankConfig, SimConfig
from bank_simulator.db import transaction
from bank_simulator.sealing import Vault
from bank_simulator.signing import signed_headers
from bank_simulator.wire import (
    INBOX_REJECTED,
    CreditOutcome,
    DebitOutcome,
    ReportType,
    ServiceChannel,
)

log = logging.getLogger("bank_simulator.callbacks")

REFUSED_BY_RULE = frozenset({409, 422})
PASS_LIMIT = 500
ANSWER_PASS_LIMIT = 5000  # credit (or debit) answers read in one pass


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


def per_instruction(row: dict[str, Any]) -> Hashable:
    return row["bank_code"], row["instruction_id"]


def per_bank(row: dict[str, Any]) -> Hashable:
    return row["bank_code"]


def answer_posts(
    rows: list[dict[str, Any]],
    per_post: int,
    key: Callable[[dict[str, Any]], Hashable] = per_instruction,
) -> list[list[dict[str, Any]]]:
    """Due answers (in the order store.due_credit_answers gives them: by bank and instruction;
    or store.due_debit_answers: by bank) cut into POSTs: one group each (a bank's instruction,
    or for debits a bank: `key`), at most `per_post` answers."""
    posts: list[list[dict[str, Any]]] = []
    for _, group in itertools.groupby(rows, key=key):
        answers = list(group)
        posts.extend(answers[i : i + per_post] for i in range(0, len(answers), per_post))
    return posts


def answers_body(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One POST of credit answers as sscard takes it (wire.py); the rows are of one instruction."""
    return {"instruction_id": rows[0]["instruction_id"], "answers": [_answer(r) for r in rows]}


def _answer(row: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {"payment_id": row["payment_id"], "outcome": row["outcome"]}
    if row["outcome"] == CreditOutcome.REFUSED:
        answer["reason"] = row["reason"]
    return answer


def debit_answers_body(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One POST of debit answers as sscard takes it (wire.py); the rows are of one bank."""
    return {"answers": [_debit_answer(r) for r in rows]}


def _debit_answer(row: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = {"debit_id": row["debit_id"], "outcome": row["outcome"]}
    if row["outcome"] == DebitOutcome.REFUSED:
        answer["reason"] = row["reason"]
    return answer


@dataclass(frozen=True)
class AnswerBook:
    """One kind of answer owed to sscard and how it goes: credit answers or debit answers."""

    name: str  # for the log
    key: str  # the row's own id among the bank's: payment_id, debit_id
    group: Callable[[dict[str, Any]], Hashable]  # the answers one POST may carry together
    body: Callable[[list[dict[str, Any]]], dict[str, Any]]
    url: Callable[[SimConfig], str]
    due: Callable[[AsyncConnection, datetime, int], Awaitable[list[dict[str, Any]]]]
    settle: Callable[[AsyncConnection, Sequence[dict[str, Any]]], Awaitable[None]]

    def label(self, rows: list[dict[str, Any]]) -> str:
        """The POST as the log names it: the instruction, or the bank, and how many answers."""
        group = rows[0].get("instruction_id") or rows[0]["bank_code"]
        return f"{self.name} answers {group} ({len(rows)})"


CREDIT_ANSWERS = AnswerBook(
    "credit",
    "payment_id",
    per_instruction,
    answers_body,
    lambda config: config.credit_answers_url,
    store.due_credit_answers,
    store.settle_credit_answers,
)
DEBIT_ANSWERS = AnswerBook(
    "debit",
    "debit_id",
    per_bank,
    debit_answers_body,
    lambda config: config.debit_answers_url,
    store.due_debit_answers,
    store.settle_debit_answers,
)


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


def _answers_taken(response: httpx.Response) -> tuple[str, int | None]:
    """sscard's word on a POST of answers it took: "recorded N, duplicates M" (or the answer's
    status), and N, how many of them it recorded for the first time (None: not said)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    recorded = body.get("recorded") if isinstance(body, dict) else None
    duplicates = body.get("duplicates") if isinstance(body, dict) else None
    if isinstance(recorded, int) and isinstance(duplicates, int):
        return f"recorded {recorded}, duplicates {duplicates}", recorded
    return _answer_status(response), None


class Callbacks:
    """The loop that sends queued reports and credit and debit answers; `wake` starts a pass at
    once."""

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
        self.answer_twice = False  # fault control: every answer POST taken goes again

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
        """Send the first due report of every card, then the due credit and debit answers;
        returns how many reports and answer POSTs were tried."""
        if not self.config.send_reports:
            return 0
        return await self.reports_pass() + await self.answers_pass()

    async def reports_pass(self) -> int:
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
        try:
            response = await self._post(self.config.reports_url, bank, body)
        except httpx.HTTPError as exc:
            return self._retry(row, f"{type(exc).__name__}")
        if response.is_success:
            return self._settled(row, store.SENT, _answer_status(response))
        code, kept_as_rejected = _problem(response)
        if response.status_code in REFUSED_BY_RULE or kept_as_rejected:
            return self._settled(row, store.REFUSED, code or f"http_{response.status_code}")
        return self._retry(row, f"HTTP {response.status_code} {code or ''}".strip())

    async def _post(self, url: str, bank: BankConfig, body: bytes) -> httpx.Response:
        """A POST as the bank's system: its token, the body signed with its secret, now."""
        headers = {
            "Authorization": f"Bearer {bank.token}",
            "Content-Type": "application/json",
            **signed_headers(bank.secret, self.clock.now(), body),
        }
        return await self.client.post(
            url, content=body, headers=headers, timeout=self.config.callback_timeout_seconds
        )

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

    # ---- credit and debit answers ----

    async def answers_pass(self) -> int:
        """Send the due credit answers, then the due debit answers; returns how many POSTs were
        tried."""
        return await self.book_pass(CREDIT_ANSWERS) + await self.book_pass(DEBIT_ANSWERS)

    async def credit_answers_pass(self) -> int:
        return await self.book_pass(CREDIT_ANSWERS)

    async def debit_answers_pass(self) -> int:
        return await self.book_pass(DEBIT_ANSWERS)

    async def book_pass(self, book: AnswerBook) -> int:
        """Send the due answers of one kind, one POST per group (a bank's instruction, or a
        bank's debits) or per `answers_per_post` of it, side by side; returns how many POSTs
        were tried."""
        async with transaction(self.engine, readonly=True) as conn:
            due = await book.due(conn, self.clock.now(), ANSWER_PASS_LIMIT)
        posts = answer_posts(due, self.config.answers_per_post, book.group)
        if not posts:
            return 0
        gate = asyncio.Semaphore(self.config.callback_concurrency)

        async def one(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            async with gate:
                return await self.send_answers(rows, book)

        outcomes = await asyncio.gather(*(one(p) for p in posts))
        async with transaction(self.engine) as conn:
            await book.settle(conn, [o for rows in outcomes for o in rows])
        return len(posts)

    async def send_answers(
        self, rows: list[dict[str, Any]], book: AnswerBook = CREDIT_ANSWERS
    ) -> list[dict[str, Any]]:
        """One attempt at one POST of answers; returns each answer's columns to write
        (book.settle)."""
        bank = self.config.banks.get(rows[0]["bank_code"])
        if bank is None:
            return self._answers_retry(rows, book, "the bank is not in the configuration")
        url, body = book.url(self.config), orjson.dumps(book.body(rows))
        try:
            response = await self._post(url, bank, body)
        except httpx.HTTPError as exc:
            return self._answers_retry(rows, book, f"{type(exc).__name__}")
        if response.is_success:
            repeat = await self._repeat(url, bank, body) if self.answer_twice else None
            taken = _answers_taken(response)[0]
            return self._answers_settled(rows, book, store.SENT, taken, repeat)
        code, _kept = _problem(response)
        if response.status_code in REFUSED_BY_RULE:
            refused = code or f"http_{response.status_code}"
            return self._answers_settled(rows, book, store.REFUSED, refused, None)
        return self._answers_retry(rows, book, f"HTTP {response.status_code} {code or ''}".strip())

    async def _repeat(self, url: str, bank: BankConfig, body: bytes) -> str | None:
        """The same answers again (fault control); None when sscard took them as duplicates,
        else what went wrong (kept as the answers' last_error: the first POST settled them)."""
        try:
            response = await self._post(url, bank, body)
        except httpx.HTTPError as exc:
            return f"repeated: {type(exc).__name__}"
        if response.is_success:
            recorded = _answers_taken(response)[1]
            return f"repeated: sscard recorded {recorded} again" if recorded else None
        code, _kept = _problem(response)
        return f"repeated: HTTP {response.status_code} {code or ''}".strip()

    def _answers_settled(
        self,
        rows: list[dict[str, Any]],
        book: AnswerBook,
        status: str,
        result_code: str,
        error: str | None,
    ) -> list[dict[str, Any]]:
        log.info("%s: %s (%s)", book.label(rows), status, result_code)
        now = self.clock.now()
        return [
            _answer_state(r, book, status, r["attempts"] + 1, r["next_attempt_at"])
            | {
                "last_error": error[:256] if error else r["last_error"],
                "result_code": result_code,
                "sent_at": now,
            }
            for r in rows
        ]

    def _answers_retry(
        self, rows: list[dict[str, Any]], book: AnswerBook, error: str
    ) -> list[dict[str, Any]]:
        attempts = rows[0]["attempts"] + 1
        log.warning("%s attempt %d failed: %s", book.label(rows), attempts, error)
        base, ceiling = self.config.retry_base_seconds, self.config.retry_max_seconds
        outcomes = []
        for r in rows:
            delay = backoff_seconds(r["attempts"] + 1, base, ceiling)
            retry_at = self.clock.now() + timedelta(seconds=delay)
            outcomes.append(
                _answer_state(r, book, store.PENDING, r["attempts"] + 1, retry_at)
                | {"last_error": error[:256], "result_code": None, "sent_at": None}
            )
        return outcomes


def _answer_state(
    row: dict[str, Any], book: AnswerBook, status: str, attempts: int, next_attempt_at: datetime
) -> dict[str, Any]:
    """The key of the answer's row and the state an attempt leaves it in."""
    return {
        "bank_code": row["bank_code"],
        book.key: row[book.key],
        "answer_status": status,
        "attempts": attempts,
        "next_attempt_at": next_attempt_at,
    }
