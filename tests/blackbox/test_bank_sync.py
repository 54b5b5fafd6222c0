"""The bank integration from outside: the service, its worker and the bank simulator as processes.

What a newcomer sees after `make run` (production data reaches the bank, the account number comes
back, a formal loss at the bank reaches the registry), and the faults of issue 4: the bank down
for a while, the service killed with kill -9 in the middle of a delivery, a wrong signature.
SPEC ISS-2, ISS-4, LOSS-1, LOSS-2, LOSS-3.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.blackbox.bank_stack import Stack, bank_stack, produced_card, wait_for

CLERK_OUTLET = "3204-HR-001"  # instant making, Changzhou
ICBC_OUTLET = "3204-BANK-001"  # an ICBC outlet in Changzhou


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with bank_stack(tmp_path_factory.mktemp("bank")) as running:
        yield running


def _collected_active(stack: Stack, http: httpx.Client, born: date) -> str:
    """A card whose account the bank opened, collected at the counter (hr active)."""
    clerk = stack.token("outlet_clerk", "--outlet", CLERK_OUTLET)
    app = produced_card(stack, http, clerk, born)
    number = app["card"]["card_number"]
    wait_for(
        lambda: stack.card(http, number)["financial_status"] == "account_opened",
        what="the bank's account_opened report",
    )
    r = http.post(
        f"/api/v1/applications/{app['reference']}/collect",
        headers=clerk,
        json={"document": app["document"]},
    )
    assert r.status_code == 200, r.text
    DOCUMENTS[str(number)] = app["document"]["number"]
    return str(number)


DOCUMENTS: dict[str, str] = {}  # card number -> its holder's document number


def _present(http: httpx.Client, headers: dict[str, str], number: str) -> None:
    """The caller gives the hotline their number first (issue 11: a card is reached no other
    way by an agent)."""
    body = {"social_security_number": DOCUMENTS[number]}
    r = http.post("/api/v1/persons/lookup", headers=headers, json=body)
    assert r.status_code == 200, r.text


def _nothing_pending(stack: Stack, http: httpx.Client, bank: str = "ICBC") -> bool:
    rows = stack.outbox_stats(http)["recipients"]
    mine = [r for r in rows if r["recipient"] == bank]
    return all(r.get("pending", 0) == 0 and r.get("failed", 0) == 0 for r in mine)


def test_production_data_reaches_the_bank_and_a_bank_loss_reaches_the_registry(
    stack: Stack,
) -> None:
    """SPEC ISS-2 (account opened in real time), ISS-4 (activation at the bank), LOSS-2/3."""
    with httpx.Client(base_url=stack.base, timeout=10) as http:
        number = _collected_active(stack, http, date(1981, 4, 2))
        card = stack.card(http, number)
        assert "*" in (card["account"] or "")  # the number came back, masked
        assert stack.teller("ICBC", number, "activate").status_code == 200
        wait_for(lambda: stack.card(http, number)["financial_status"] == "active", what="active")

        r = stack.teller("ICBC", number, "formal-loss", outlet_code=ICBC_OUTLET)
        assert r.status_code == 200, r.text
        lost = wait_for(
            lambda: (c := stack.card(http, number))["hr_status"] == "formally_lost" and c,
            what="the bank's formal loss in the registry",
        )
        assert lost["financial_status"] == "lost"  # LOSS-2: hr and financial together
        r = stack.teller("ICBC", number, "formal-unlock", outlet_code=ICBC_OUTLET)
        assert r.status_code == 200, r.text
        wait_for(
            lambda: stack.card(http, number)["hr_status"] == "active", what="unlock at the bank"
        )
        assert stack.card(http, number)["financial_status"] == "active"


def test_bank_down_for_a_while_gets_every_event_once_when_back(stack: Stack) -> None:
    """SPEC LOSS-1: the bank is told of the hotline's loss and unlock, whatever its outages."""
    hotline = stack.token("hotline_agent")
    with httpx.Client(base_url=stack.base, timeout=10) as http:
        number = _collected_active(stack, http, date(1982, 5, 3))
        wait_for(lambda: _nothing_pending(stack, http), what="a quiet outbox")
        before = stack.sim_stats()["messages"]["applied"]
        assert httpx.post(f"{stack.sim}/control/outage", json={"bank": "ICBC", "down": True})
        for step in ("temporary-loss", "unlock", "temporary-loss"):
            _present(http, hotline, number)
            r = http.post(f"/api/v1/cards/{number}/{step}", headers=hotline, json={})
            assert r.status_code == 200, r.text
        wait_for(
            lambda: any(
                e["recipient"] == "ICBC" and e["consecutive_failures"] > 0
                for e in http.get("/api/v1/delivery-endpoints", headers=stack.admin).json()
            ),
            what="the endpoint to notice the outage",
        )
        assert stack.sim_stats()["messages"]["applied"] == before
        httpx.post(f"{stack.sim}/control/outage", json={"bank": "ICBC", "down": False})
        wait_for(lambda: _nothing_pending(stack, http), what="delivery after the outage")
        assert stack.sim_stats()["messages"]["applied"] == before + 3
        account = httpx.get(f"{stack.sim}/banks/ICBC/accounts/{number}").json()
        assert account["hr_status"] == "temporarily_lost"  # the last word arrived last


def test_service_killed_during_delivery_loses_nothing(stack: Stack) -> None:
    """kill -9 after the bank applied a batch and before the service recorded it: sent again,
    acknowledged as a duplicate, applied once."""
    hotline = stack.token("hotline_agent")
    with httpx.Client(base_url=stack.base, timeout=10) as http:
        numbers = [_collected_active(stack, http, date(1983, 6, d)) for d in (4, 5, 6)]
        wait_for(lambda: _nothing_pending(stack, http), what="a quiet outbox")
        before = stack.sim_stats()["messages"]
        httpx.post(f"{stack.sim}/control/delay", json={"bank": "ICBC", "seconds": 5})
        # Held until all three wait, so they go in one batch: the dispatcher would otherwise
        # send the first alone and have its answer before the kill.
        endpoint = "/api/v1/delivery-endpoints/ICBC"
        assert http.post(f"{endpoint}/disable", headers=stack.admin).status_code == 200
        for number in numbers:
            _present(http, hotline, number)
            r = http.post(f"/api/v1/cards/{number}/temporary-loss", headers=hotline, json={})
            assert r.status_code == 200, r.text
        assert http.post(f"{endpoint}/enable", headers=stack.admin).status_code == 200
        wait_for(
            lambda: stack.sim_stats()["messages"]["applied"] >= before["applied"] + 3,
            what="the bank to apply the batch",
        )
        stack.kill_service()  # the bank has applied; the service never heard its answer
        httpx.post(f"{stack.sim}/control/delay", json={"bank": "ICBC", "seconds": 0})
        stack.start_service()
        wait_for(lambda: _nothing_pending(stack, http), timeout=30, what="delivery after restart")
        after = stack.sim_stats()["messages"]
        assert after["applied"] == before["applied"] + 3  # applied once each
        assert after["duplicate"] >= before["duplicate"] + 3  # and sent again after the crash


def test_wrong_signature_is_refused_until_the_secret_is_right(stack: Stack) -> None:
    hotline = stack.token("hotline_agent")
    with httpx.Client(base_url=stack.base, timeout=10) as http:
        number = _collected_active(stack, http, date(1984, 7, 8))
        wait_for(lambda: _nothing_pending(stack, http), what="a quiet outbox")
        before = stack.sim_stats()["messages"]["applied"]
        endpoint = next(
            e
            for e in http.get("/api/v1/delivery-endpoints", headers=stack.admin).json()
            if e["recipient"] == "ICBC"
        )
        wrong = {"transport": "http", "url": endpoint["url"], "secret_hex": "11" * 32}
        wrong["statement_url"] = endpoint["statement_url"]
        r = http.put("/api/v1/delivery-endpoints/ICBC", headers=stack.admin, json=wrong)
        assert r.status_code == 200, r.text
        _present(http, hotline, number)
        r = http.post(f"/api/v1/cards/{number}/temporary-loss", headers=hotline, json={})
        assert r.status_code == 200, r.text
        refused = wait_for(
            lambda: next(
                (
                    e
                    for e in http.get("/api/v1/delivery-endpoints", headers=stack.admin).json()
                    if e["recipient"] == "ICBC" and e["last_error"]
                ),
                None,
            ),
            what="the bank to refuse the signature",
        )
        assert "401" in refused["last_error"]
        assert stack.sim_stats()["messages"]["applied"] == before
        right = {**wrong, "secret_hex": _secret(stack.var, "ICBC")}
        r = http.put("/api/v1/delivery-endpoints/ICBC", headers=stack.admin, json=right)
        assert r.status_code == 200, r.text
        wait_for(lambda: _nothing_pending(stack, http), what="delivery with the right secret")
        assert stack.sim_stats()["messages"]["applied"] == before + 1


def _secret(var: Path, bank: str) -> str:
    import json

    return str(json.loads((var / "bank-sim.json").read_text())["banks"][bank]["secret_hex"])
