"""Offline clearing files from outside (issue 15, "kill -9 during a batch or a clearing upload,
then restart: nothing lost, nothing paid twice, the batch resumes or is re-submittable with the
same reference"; SPEC TRN-2, TRN-3): sscard and the bank simulator as real processes over HTTP.
Cards are collected, their transport purse loaded at Changzhou's transport outlet and topped up
in two steps (TRN-2); a Changzhou bus company's reader uploads what it debited off line as a
signed clearing file (TRN-3).

What this file proves: the same file sent again under its reference is answered as the first
time and changes no balance, and its lines under another reference are duplicates, never a
second debit; and the service killed with kill -9 while it is taking a 20,000-line file leaves
the file in its database whole or not at all, each purse at its top-ups less exactly the fares
applied, and the same file sent again with the same reference is then taken (201) or answered
as the file it is (200), after which every line is applied exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest

from tests.blackbox.bank_stack import Stack, bank_stack
from tests.blackbox.payments_support import upload_and_kill
from tests.blackbox.transport_support import (
    CHARGED,
    ClearingFile,
    Purse,
    Transport,
    clearing_in_db,
    fares_in_ledger,
    ledger_sum,
)

TOP_UPS = (30_000, 20_000)  # two writes per card (counters 1 and 2), within Changzhou's cap


@dataclass
class World:
    stack: Stack
    transport: Transport
    purses: list[Purse]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with (
        bank_stack(tmp_path_factory.mktemp("transport")) as stack,
        httpx.Client(base_url=stack.base, timeout=30) as http,
    ):
        transport = Transport(stack, http)
        purses = [transport.loaded_purse(date(1960, 7, day), TOP_UPS) for day in (1, 2, 3, 4)]
        yield World(stack, transport, purses)


def assert_purses_as_known(world: World) -> None:
    """SPEC TRN-2, TRN-3: each purse holds its top-ups less exactly the fares applied, read
    over HTTP and from its ledger; never below zero."""
    for purse in world.purses:
        view = world.transport.purse(purse.number)
        assert view["balance_fen"] == purse.balance == purse.topped_up - purse.charged
        assert view["balance_fen"] >= 0
        assert ledger_sum(world.stack.var, purse.number) == purse.balance


def assert_applied_once(world: World, file: ClearingFile) -> None:
    """Every line of `file` is in its purse's ledger once: one fare per counter, each
    CHARGED."""
    for number, (first, last) in file.counters.items():
        lines = last - first + 1
        found = fares_in_ledger(world.stack.var, number, first, last)
        assert found == (lines, lines, lines * CHARGED), f"card {number}: {found}"


def charge(world: World, file: ClearingFile) -> None:
    """The fares of `file`, applied: what the purses should now hold less."""
    for purse in world.purses:
        if purse.number in file.counters:
            first, last = file.counters[purse.number]
            purse.charged += (last - first + 1) * CHARGED


def test_the_same_clearing_file_sent_twice_is_answered_as_the_first_time(world: World) -> None:
    """SPEC TRN-3 (TRN-2 for the top-ups): a 400-line file is taken (201), each line applied
    at Changzhou's bus rate; the same file again under its reference is answered as the first
    time (200, sent_again) and no balance moves; the same lines under another reference are
    each a duplicate (the reader's sequence was applied), never a second debit; another file
    under the first reference is refused."""
    transport, var = world.transport, world.stack.var
    assert_purses_as_known(world)
    file = transport.clearing_file("TWICE-400", world.purses, 400)

    first = transport.upload(file)
    assert first.status_code == 201, first.text
    report = first.json()
    assert report["sent_again"] is False
    assert (report["line_count"], report["applied"]) == (400, 400)
    assert report["outcomes"] == {"applied": 400}
    assert (report["charged_fen"], report["counter_gaps"]) == (400 * CHARGED, 0)
    charge(world, file)
    assert_purses_as_known(world)
    assert_applied_once(world, file)
    assert clearing_in_db(var, file.reference) == (1, 400)

    again = transport.upload(file)
    assert again.status_code == 200, again.text
    assert again.json()["sent_again"] is True
    assert {k: v for k, v in again.json().items() if k != "sent_again"} == {
        k: v for k, v in report.items() if k != "sent_again"
    }
    assert_purses_as_known(world)
    assert_applied_once(world, file)
    assert clearing_in_db(var, file.reference) == (1, 400)
    assert transport.file_report(report["file_id"])["applied"] == 400

    other = ClearingFile("TWICE-400-B", file.body, file.counters)
    r = transport.upload(other)
    assert r.status_code == 201, r.text
    assert (r.json()["applied"], r.json()["charged_fen"]) == (0, 0)
    assert r.json()["outcomes"] == {"duplicate": 400}
    assert_purses_as_known(world)
    assert_applied_once(world, file)

    changed = ClearingFile(file.reference, file.body.replace(b",bus,10,", b",bus,20,", 1), {})
    r = transport.upload(changed)
    assert (r.status_code, r.json()["code"]) == (409, "clearing_reference_reused"), r.text
    assert_purses_as_known(world)


LARGE = 20_000


def test_kill_9_during_a_large_clearing_upload_leaves_it_whole_or_absent(world: World) -> None:
    """SPEC TRN-3 (TRN-2 for the top-ups): the service killed with kill -9 while a
    20,000-line clearing file is being taken: after the restart the file is in the database
    whole or not at all, and each purse holds its top-ups less exactly the fares applied (none
    applied twice, never below zero); the same file sent again with the same reference is taken
    (201) or answered as the file it is (200, sent_again), after which each of its lines is
    applied exactly once, and a third sending changes nothing."""
    transport, stack = world.transport, world.stack
    assert_purses_as_known(world)
    file = transport.clearing_file("KILL-20K", world.purses, LARGE)
    per_card = LARGE // len(world.purses)
    assert all(last - first + 1 == per_card for first, last in file.counters.values())
    assert all(p.balance >= per_card * CHARGED for p in world.purses)  # within the balances
    url, headers = transport.url(file.reference), transport.headers(file.body)

    killed = upload_and_kill(stack, url, file.body, headers, wait=30, timeout=120)
    in_flight = killed.in_flight

    if killed.response is not None:  # the service was faster than the kill: it took the file whole
        assert killed.response.status_code == 201, killed.response.text
    when = "during" if in_flight else "after"
    files, lines = clearing_in_db(stack.var, file.reference)
    assert (files, lines) in ((0, 0), (1, LARGE)), (
        f"half a file: {files} file(s), {lines} lines (killed {when} the upload)"
    )
    stored = files == 1
    for number, (first, last) in file.counters.items():
        found = fares_in_ledger(stack.var, number, first, last)
        whole = (per_card, per_card, per_card * CHARGED) if stored else (0, 0, 0)
        assert found == whole, (
            f"card {number}: {found} fares in its ledger, file stored: {stored} "
            f"(killed {when} the upload)"
        )
    if stored:
        charge(world, file)
    assert_purses_as_known(world)

    again = transport.upload(file)
    assert again.status_code == (200 if stored else 201), again.text
    report = again.json()
    assert report["sent_again"] is stored
    assert (report["reference"], report["line_count"]) == (file.reference, LARGE)
    assert report["outcomes"] == {"applied": LARGE}
    assert (report["applied"], report["charged_fen"]) == (LARGE, LARGE * CHARGED)
    if not stored:
        charge(world, file)
    assert clearing_in_db(stack.var, file.reference) == (1, LARGE)
    assert_applied_once(world, file)
    assert_purses_as_known(world)
    assert transport.file_report(report["file_id"])["applied"] == LARGE

    third = transport.upload(file)
    assert third.status_code == 200, third.text
    assert (third.json()["sent_again"], third.json()["file_id"]) == (True, report["file_id"])
    assert clearing_in_db(stack.var, file.reference) == (1, LARGE)
    assert_applied_once(world, file)
    assert_purses_as_known(world)
