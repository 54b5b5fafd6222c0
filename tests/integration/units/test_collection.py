"""Collection by the unit (issue 13 item 7; SPEC ISS-3, ISS-4, APP-3): the outlet hands a
batch's cards to the unit's named agent or sends them by logistics, and records from the signed
distribution list which cards were handed out (collected, hr function active) and which came
back (to the centre's stock, the application open)."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.unit_batches import UnitBatch, unit_batch


async def _at_outlet(api: Api, members: int = 3, **kw: Any) -> UnitBatch:
    """A batch whose cards the centre made and delivered to the unit's outlet."""
    batch = await unit_batch(api, members, **kw)
    base = f"/api/v1/units/batches/{batch.reference}"
    for step in ("start-production", "finish-production", "deliver-to-outlet"):
        r = await api.post(f"{base}/{step}", "admin")
        assert r.status_code == 200, r.text
    return batch


async def _status(api: Api, reference: str) -> str:
    r = await api.get(f"/api/v1/applications/{reference}", "admin")
    return str(r.json()["status"])


async def _hand(api: Api, batch: UnitBatch, who: str = "clerk_fast", **body: Any) -> Any:
    body = body or {"mode": "unit_agent", "document": batch.agent_document}
    return await api.post(f"/api/v1/units/batches/{batch.reference}/handovers", who, body)


async def test_cards_go_to_the_named_agent_and_the_signed_list_comes_back(api: Api) -> None:
    """SPEC ISS-3, ISS-4: every card at the outlet goes to the agent (with_unit) on one list;
    handed out cards are collected with the hr function active, the card not handed out goes
    back to the centre's stock with its application open, and the hand-over closes."""
    batch = await _at_outlet(api, 3)

    r = await _hand(api, batch)

    assert r.status_code == 201, r.text
    handover = r.json()
    assert handover["status"] == "with_unit"
    assert handover["cards_total"] == 3
    assert "*" in handover["agent"]["name"]
    lines = handover["lines"]
    assert [line["application_reference"] for line in lines] == batch.applications
    assert [await _status(api, ref) for ref in batch.applications] == ["with_unit"] * 3
    cards = [line["card_number"] for line in lines]

    ret = await api.post(
        f"/api/v1/units/handovers/{handover['reference']}/return",
        "clerk_fast",
        {
            "cards": [
                {"card_number": cards[0], "outcome": "distributed"},
                {"card_number": cards[1], "outcome": "returned_to_stock"},
                {"card_number": cards[2], "outcome": "distributed"},
            ]
        },
    )

    assert ret.status_code == 200, ret.text
    assert ret.json()["status"] == "closed"
    assert [line["outcome"] for line in ret.json()["lines"]] == [
        "distributed",
        "returned_to_stock",
        "distributed",
    ]
    statuses = [await _status(api, ref) for ref in batch.applications]
    assert statuses == ["collected", "produced", "collected"]
    assert (await api.card_state(cards[0]))["hr_status"] == "active"  # ISS-4
    assert (await api.card_state(cards[1]))["hr_status"] == "produced"
    history = await api.get(f"/api/v1/applications/{batch.applications[1]}/history", "admin")
    assert [h["event"] for h in history.json() if h["entity"] == "application"][-2:] == [
        "hand_to_unit",
        "return_to_stock",
    ]


async def test_a_card_returned_to_stock_can_be_delivered_and_handed_over_again(api: Api) -> None:
    """SPEC ISS-3: the returned card's application stays open; the centre delivers it again and
    the unit takes it on a new list."""
    batch = await _at_outlet(api, 1)
    first = (await _hand(api, batch)).json()
    card = first["lines"][0]["card_number"]
    await api.post(
        f"/api/v1/units/handovers/{first['reference']}/return",
        "clerk_fast",
        {"cards": [{"card_number": card, "outcome": "returned_to_stock"}]},
    )
    r = await api.post(f"/api/v1/units/batches/{batch.reference}/deliver-to-outlet", "admin")
    assert r.json()["delivered"] == 1

    second = await _hand(api, batch)

    assert second.status_code == 201, second.text
    assert second.json()["reference"] != first["reference"]
    assert [line["card_number"] for line in second.json()["lines"]] == [card]
    listed = await api.get(f"/api/v1/units/batches/{batch.reference}/handovers", batch.agent)
    assert [h["status"] for h in listed.json()] == ["closed", "with_unit"]


async def test_a_document_not_of_a_named_agent_is_refused_and_nothing_moves(api: Api) -> None:
    """SPEC ISS-4: the document shown must be that of an agent the unit named."""
    batch = await _at_outlet(api, 2)
    stranger = {"type": "resident_id", "number": batch.numbers[0]}
    before = await api.counts()

    r = await _hand(api, batch, mode="unit_agent", document=stranger)

    assert r.status_code == 422, r.text
    assert r.json()["code"] == "unit_not_a_named_agent"
    assert r.json()["rule"] == "ISS-4"
    assert await api.counts() == before
    assert [await _status(api, ref) for ref in batch.applications] == ["ready_for_collection"] * 2


async def test_nothing_at_the_outlet_is_refused(api: Api) -> None:
    """SPEC ISS-3: only cards delivered to the outlet are handed over; a second hand-over of the
    same cards finds none."""
    batch = await unit_batch(api, 1)
    early = await _hand(api, batch)
    assert early.status_code == 409, early.text
    assert early.json()["code"] == "unit_no_cards_ready"
    batch = await _at_outlet(api, 1)
    assert (await _hand(api, batch)).status_code == 201

    again = await _hand(api, batch)

    assert again.status_code == 409, again.text


def _given(card: str) -> dict[str, Any]:
    return {"cards": [{"card_number": card, "outcome": "distributed"}]}


async def test_the_list_is_recorded_card_by_card_and_each_card_once(api: Api) -> None:
    """SPEC ISS-3: cards not named stay with the unit for a later return; a card recorded
    already, or not on the list, is refused and nothing of that return is kept."""
    batch = await _at_outlet(api, 2)
    handover = (await _hand(api, batch)).json()
    path = f"/api/v1/units/handovers/{handover['reference']}/return"
    one, two = (line["card_number"] for line in handover["lines"])

    first = await api.post(path, "clerk_fast", _given(one))
    assert first.json()["status"] == "with_unit"
    before = await api.counts()
    twice = await api.post(
        path,
        "clerk_fast",
        {
            "cards": [
                {"card_number": two, "outcome": "distributed"},
                {"card_number": one, "outcome": "distributed"},
            ]
        },
    )
    stranger = await api.post(
        path, "clerk_fast", {"cards": [{"card_number": "Z99999999", "outcome": "distributed"}]}
    )

    assert twice.status_code == 409, twice.text
    assert twice.json()["code"] == "unit_card_outcome_recorded"
    assert stranger.status_code == 422, stranger.text
    assert stranger.json()["code"] == "unit_card_not_on_list"
    assert await api.counts() == before
    assert await _status(api, batch.applications[1]) == "with_unit"
    last = await api.post(path, "clerk_fast", _given(two))
    assert last.json()["status"] == "closed"


async def test_cards_sent_by_logistics_are_recorded_once_delivered(api: Api) -> None:
    """SPEC APP-3: the outlet sends the cards by a carrier, carrier and waybill kept; the signed
    list is recorded after the delivery."""
    batch = await _at_outlet(api, 1)
    missing = await _hand(api, batch, mode="logistics", carrier=" ", waybill="SF1")
    assert missing.status_code == 422, missing.text

    sent = await _hand(api, batch, mode="logistics", carrier="顺丰速运", waybill="SF1234567890")

    assert sent.status_code == 201, sent.text
    handover = sent.json()
    assert handover["status"] == "sent"
    assert handover["agent"] is None
    assert handover["waybill"] == "SF1234567890"
    card = handover["lines"][0]["card_number"]
    path = f"/api/v1/units/handovers/{handover['reference']}"
    body = {"cards": [{"card_number": card, "outcome": "distributed"}]}
    early = await api.post(f"{path}/return", "clerk_fast", body)
    assert early.status_code == 409, early.text
    assert early.json()["code"] == "unit_handover_not_delivered"
    delivered = await api.post(f"{path}/delivery", "clerk_fast")
    assert delivered.json()["status"] == "delivered"
    assert (await api.post(f"{path}/delivery", "clerk_fast")).status_code == 409
    done = await api.post(f"{path}/return", "clerk_fast", body)
    assert done.json()["status"] == "closed"
    assert await _status(api, batch.applications[0]) == "collected"


async def test_only_the_collecting_outlets_clerk_hands_over(api: Api) -> None:
    """SPEC ISS-3, CH-1: another outlet's clerk does not find the batch; the agent and the
    centre may not hand cards over; the agent reads the list."""
    batch = await _at_outlet(api, 1)
    before = await api.counts()

    other = await _hand(api, batch, who="clerk_instant")
    agent = await _hand(api, batch, who=batch.agent)
    centre = await _hand(api, batch, who="admin")

    assert other.status_code == 404, other.text
    assert agent.status_code == 403, agent.text
    assert centre.status_code == 403, centre.text
    assert await api.counts() == before
    handover = (await _hand(api, batch)).json()
    seen = await api.get(f"/api/v1/units/handovers/{handover['reference']}", batch.agent)
    assert seen.status_code == 200, seen.text
    hidden = await api.get(f"/api/v1/units/handovers/{handover['reference']}", "clerk_instant")
    assert hidden.status_code == 404, hidden.text
