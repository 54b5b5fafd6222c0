"""Reconciliation with a bank: each difference, its repair, history and messages (SPEC ISS-2,
LOSS-2, CAN-3, REP-3), through the HTTP API on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sscard.kernel.clock import ManualClock
from tests.integration.applications.renewal.helpers import collect, exchange
from tests.integration.banks.reconciliation.support import (
    ACCOUNT,
    card_row,
    deliver_everything,
    history,
    kinds,
    open_account,
    outbox_rows,
    reconciled,
    set_card,
    statement,
    upload,
)
from tests.integration.cards.cancellation.test_cancellation import cancel, transfer
from tests.support.api import Api
from tests.support.bank_reports import bank_report

OTHER_ACCOUNT = "6222020000005678"


async def test_bank_account_missing_in_the_registry_is_recorded(api: Api) -> None:
    """SPEC ISS-2: the statement's account is recorded (encrypted, masked, indexed)."""
    n = (await api.card())["card_number"]

    run = await reconciled(api, (n, ACCOUNT, "active"))

    assert kinds(run) == {n: ("account_missing_in_registry", "repaired")}
    [found] = run["found"]
    assert (found["registry_value"], found["bank_value"], found["rule"]) == (
        "account_requested",
        "active",
        "ISS-2",
    )
    assert (run["bank_rows"], run["registry_rows"], run["differences"], run["repaired"]) == (
        1,
        1,
        1,
        1,
    )
    card = await card_row(api, n)
    assert card["financial_status"] == "active"
    assert card["account_masked"] == "6222********1234"
    assert card["account_index"] == api.rt.vault.index(ACCOUNT)
    assert api.rt.vault.decrypt(card["account_number_enc"]) == ACCOUNT
    assert card["version"] == 3  # produced, collected, reconciled
    [entry] = [h for h in await history(api, n) if h["event"] == "reconciled"]
    assert (entry["from_state"], entry["to_state"]) == ("account_requested", "active")
    assert entry["reason"] == f"account_missing_in_registry (reconciliation {run['id']})"
    assert ACCOUNT not in str(run)


async def test_financial_status_follows_the_bank(api: Api) -> None:
    """SPEC LOSS-2: the bank owns the financial function; the mirror follows its statement."""
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")

    run = await reconciled(api, (n, ACCOUNT, "lost"))

    assert kinds(run) == {n: ("financial_status_differs", "repaired")}
    assert run["found"][0]["rule"] == "LOSS-2"
    card = await card_row(api, n)
    assert (card["financial_status"], card["financial_before_loss"]) == ("lost", "active")
    assert (await api.card_state(n))["hr_status"] == "active"  # the hr function is ours
    [entry] = [h for h in await history(api, n) if h["event"] == "reconciled"]
    assert (entry["from_state"], entry["to_state"], entry["role"]) == (
        "active",
        "lost",
        "province_admin",
    )
    # The bank lifting its loss later returns to what the loss interrupted.
    r = await bank_report(api, n, "bank_icbc", {"event": "loss_lifted"})
    assert r.json()["card"]["financial_status"] == "active"

    again = await reconciled(api, (n, ACCOUNT, "active"))
    assert again["found"] == []
    assert (again["differences"], again["repaired"]) == (0, 0)


async def test_a_different_account_number_is_never_overwritten(api: Api) -> None:
    """SPEC ISS-2: an account number, once recorded, changes only by a person."""
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")

    run = await reconciled(api, (n, OTHER_ACCOUNT, "lost"))

    assert kinds(run) == {n: ("account_number_differs", "manual")}
    found = run["found"][0]
    assert (found["registry_value"], found["bank_value"]) == (
        "6222********1234",
        "6222********5678",
    )
    assert found["note"] == "account_never_overwritten"
    assert found["note_zh"]
    card = await card_row(api, n)
    assert (card["financial_status"], card["account_index"]) == (
        "active",
        api.rt.vault.index(ACCOUNT),
    )
    assert run["repaired"] == 0


async def test_rows_without_an_account_index_compare_the_masked_number(api: Api) -> None:
    """Rows recorded before the index existed are compared by the masked number."""
    same, other = (await api.card())["card_number"], (await api.card())["card_number"]
    r = await bank_report(
        api,
        same,
        "bank_icbc",
        {"event": "account_opened", "account_number": ACCOUNT},
    )
    assert r.status_code == 200, r.text
    await open_account(api, other, ACCOUNT, "account_opened", indexed=False)

    run = await reconciled(api, (same, ACCOUNT, "active"), (other, OTHER_ACCOUNT, "active"))

    assert kinds(run) == {
        same: ("financial_status_differs", "repaired"),
        other: ("account_number_differs", "manual"),
    }
    assert (await card_row(api, same))["financial_status"] == "active"


async def test_a_card_the_bank_does_not_list_gets_its_account_requested_again(
    api: Api, clock: ManualClock
) -> None:
    """SPEC ISS-2: production data lost at the bank goes out again; an open account is manual."""
    n = (await api.card())["card_number"]
    opened = (await api.card())["card_number"]
    await open_account(api, opened, ACCOUNT, "active")
    [first] = [
        m
        for m in await outbox_rows(api, "bank.account_requested")
        if m["payload"]["card_number"] == n
    ]
    clock.advance(timedelta(hours=25))

    run = await reconciled(api)  # the first messages still wait in the outbox: none added

    assert kinds(run) == {
        n: ("account_missing_at_bank", "queued"),
        opened: ("account_missing_at_bank", "queued"),
    }
    assert len(await outbox_rows(api, "bank.account_requested")) == 2
    await deliver_everything(api)

    run = await reconciled(api)

    assert kinds(run) == {
        n: ("account_missing_at_bank", "resent"),
        opened: ("account_missing_at_bank", "manual"),
    }
    assert run["repaired"] == 1
    [again] = [
        m for m in await outbox_rows(api, "bank.account_requested") if m["status"] == "pending"
    ]
    assert again["payload"] == first["payload"]
    assert (again["recipient"], again["ordering_key"]) == ("ICBC", first["ordering_key"])
    assert again["message_id"] != first["message_id"]
    assert (await card_row(api, n))["financial_status"] == "account_requested"


async def test_a_young_card_is_not_missing_at_the_bank_yet(api: Api, clock: ManualClock) -> None:
    """ISS-2 is real time, but a card produced a moment ago may still be on its way."""
    await api.card()
    await deliver_everything(api)
    clock.advance(timedelta(hours=23))

    run = await reconciled(api)

    assert run["found"] == []
    assert run["registry_rows"] == 1


async def test_a_cancelled_card_with_an_open_account_gets_its_closure_notice_again(
    api: Api,
) -> None:
    """SPEC CAN-3: the bank closes the account on the closure notice; it is sent again."""
    card = await api.card()
    n = card["card_number"]
    await open_account(api, n, ACCOUNT, "active")
    r = await cancel(api, card, transfer(card))
    assert r.status_code == 201, r.text
    [notice] = await outbox_rows(api, "bank.account_closure_requested")

    queued = await reconciled(api, (n, ACCOUNT, "active"))
    assert kinds(queued) == {n: ("closure_pending_at_bank", "queued")}
    await deliver_everything(api)

    run = await reconciled(api, (n, ACCOUNT, "active"))

    assert kinds(run) == {n: ("closure_pending_at_bank", "resent")}
    found = run["found"][0]
    assert (found["registry_value"], found["bank_value"], found["rule"]) == (
        "cancelled",
        "active",
        "CAN-3",
    )
    [again] = [
        m
        for m in await outbox_rows(api, "bank.account_closure_requested")
        if m["id"] != notice["id"]
    ]
    assert again["payload"] == notice["payload"]
    assert again["status"] == "pending"

    closed = await reconciled(api, (n, ACCOUNT, "closed"))  # the bank closed it at last
    assert kinds(closed) == {n: ("financial_status_differs", "repaired")}
    assert (await card_row(api, n))["financial_status"] == "closed"


async def test_a_cancelled_card_without_a_closure_notice_is_manual(api: Api) -> None:
    """CAN-3: with no notice there is nothing to send again; a person looks."""
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")
    await set_card(api, n, hr_status="cancelled")
    await deliver_everything(api)

    run = await reconciled(api, (n, ACCOUNT, "active"))

    assert kinds(run) == {n: ("closure_pending_at_bank", "manual")}
    assert run["found"][0]["note"] == "no_closure_notice"
    assert await outbox_rows(api, "bank.account_closure_requested") == []


async def test_a_superseded_card_tells_its_bank_again_once_the_new_card_is_collected(
    api: Api,
) -> None:
    """SPEC REP-3: the old bank is told again; its own policy decides the old account."""
    card = await api.card()
    n = card["card_number"]
    await open_account(api, n, ACCOUNT, "active")
    r = await exchange(api, n, "damage")
    assert r.status_code == 201, r.text
    await deliver_everything(api)

    early = await reconciled(api, (n, ACCOUNT, "active"))
    assert kinds(early) == {n: ("closure_pending_at_bank", "deferred")}
    assert early["found"][0]["note"] == "new_card_not_handed_over"

    new = (await collect(api, r.json()["reference"], card["document"]))["card"]
    [told] = await outbox_rows(api, "bank.card_superseded")
    await deliver_everything(api)
    run = await reconciled(api, (n, ACCOUNT, "active"))

    assert kinds(run) == {n: ("closure_pending_at_bank", "resent")}
    [_, again] = await outbox_rows(api, "bank.card_superseded")
    assert again["payload"] == told["payload"]
    assert again["payload"]["new_card_number"] == new["card_number"]


async def test_cards_the_bank_lists_but_does_not_hold_are_manual(api: Api) -> None:
    """A card number unknown to the registry, or another bank's card, is reported."""
    szb = (await api.card("clerk_suzhou_szb", "SZB", city_code="3205"))["card_number"]

    run = await reconciled(api, ("Z99999999", ACCOUNT, "active"), (szb, OTHER_ACCOUNT, "active"))

    assert kinds(run) == {
        "Z99999999": ("unknown_card_at_bank", "manual"),
        szb: ("unknown_card_at_bank", "manual"),
    }
    notes = {d["card_number"]: (d["note"], d["registry_value"]) for d in run["found"]}
    assert notes == {
        "Z99999999": ("card_not_in_registry", None),
        szb: ("card_of_another_bank", "SZB"),
    }
    assert (await card_row(api, szb))["financial_status"] == "account_requested"
    assert run["registry_rows"] == 0


async def test_an_account_closed_at_the_bank_for_a_live_card_is_mirrored_and_reported(
    api: Api,
) -> None:
    """ISS-6: the holder's card has lost its account; the mirror says so and the run reports it."""
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")

    run = await reconciled(api, (n, ACCOUNT, "closed"))

    assert kinds(run) == {n: ("closed_at_bank_but_card_alive", "repaired")}
    assert run["found"][0]["note"] == "account_closed_tell_holder"
    assert (await card_row(api, n))["financial_status"] == "closed"
    assert (await api.card_state(n))["hr_status"] == "active"
    [entry] = [h for h in await history(api, n) if h["event"] == "reconciled"]
    assert (entry["from_state"], entry["to_state"]) == ("active", "closed")


async def test_a_card_changed_after_the_statement_is_not_repaired(
    api: Api, clock: ManualClock
) -> None:
    """The statement describes an earlier moment: newer news in the registry is kept."""
    n = (await api.card())["card_number"]
    await open_account(api, n, ACCOUNT, "active")
    as_of = clock.now()
    clock.advance(timedelta(minutes=10))
    await set_card(api, n, updated_at=clock.now())

    r = await upload(api, statement((n, ACCOUNT, "lost")), as_of=as_of)
    assert r.status_code == 201, r.text
    [found] = (await api.get(f"/api/v1/reconciliations/{r.json()['id']}", "admin")).json()[
        "differences_page"
    ]["items"]
    assert (found["kind"], found["repair"], found["note"]) == (
        "financial_status_differs",
        "deferred",
        "changed_after_statement",
    )
    assert (await card_row(api, n))["financial_status"] == "active"
    assert r.json()["as_of"].startswith(as_of.strftime("%Y-%m-%dT%H:%M"))


async def test_every_kind_in_one_statement(api: Api, clock: ManualClock) -> None:
    """One run files each kind once, counts them, and keeps no staged lines."""
    made: list[dict[str, Any]] = [await api.card() for _ in range(6)]
    numbers = [c["card_number"] for c in made]
    missing_here, differs, other, at_bank, closed, cancelled = numbers
    for n in numbers[1:]:
        await open_account(api, n, ACCOUNT if n != other else OTHER_ACCOUNT, "active")
    await set_card(api, cancelled, hr_status="cancelled")
    await deliver_everything(api)

    run = await reconciled(
        api,
        (missing_here, ACCOUNT, "account_opened"),
        (differs, ACCOUNT, "lost"),
        (other, ACCOUNT, "active"),
        (closed, ACCOUNT, "closed"),
        (cancelled, ACCOUNT, "active"),
        ("Z99999998", ACCOUNT, "active"),
    )

    assert kinds(run) == {
        missing_here: ("account_missing_in_registry", "repaired"),
        differs: ("financial_status_differs", "repaired"),
        other: ("account_number_differs", "manual"),
        at_bank: ("account_missing_at_bank", "manual"),
        closed: ("closed_at_bank_but_card_alive", "repaired"),
        cancelled: ("closure_pending_at_bank", "manual"),
        "Z99999998": ("unknown_card_at_bank", "manual"),
    }
    assert (run["bank_rows"], run["registry_rows"], run["differences"], run["repaired"]) == (
        6,
        6,
        7,
        3,
    )
    assert await api.count("reconciliation_lines") == 0
    only = await api.get(
        f"/api/v1/reconciliations/{run['id']}", "admin", params={"repair": "manual", "limit": 2}
    )
    page = only.json()["differences_page"]
    assert [d["repair"] for d in page["items"]] == ["manual", "manual"]
    rest = await api.get(
        f"/api/v1/reconciliations/{run['id']}",
        "admin",
        params={"repair": "manual", "after": page["next_after"]},
    )
    assert len(rest.json()["differences_page"]["items"]) == 2
    by_kind = {(k["kind"], k["repair"]): k["count"] for k in only.json()["by_kind"]}
    assert sum(by_kind.values()) == 7
