"""Two actors changing one card at the same moment (issue 3 item 9; SPEC CH-2).

On PostgreSQL the requests really overlap (each has its own connection); the compare-and-set on
the card's version lets exactly one win and the others get a conflict. On SQLite writes queue,
so the later ones find the card already changed and are refused by the lifecycle table.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.support.api import Api

LOSERS = {"conflict", "card_transition_refused"}


async def test_concurrent_formal_losses_one_wins_and_history_agrees(api: Api) -> None:
    """Exactly one of many simultaneous formal losses is taken; one history row records it."""
    card = await api.card()
    n = card["card_number"]
    holder = await api.cardholder(card["person_id"])
    actors = ["clerk_nanjing_bank", "clerk_nanjing_bank2", "clerk_changzhou_icbc", holder] * 3

    answers = await asyncio.gather(*(api.card_post(n, "formal-loss", a) for a in actors))

    statuses = Counter(r.status_code for r in answers)
    assert statuses[200] == 1, [r.text for r in answers]
    assert statuses[409] == len(actors) - 1
    codes = Counter(r.json()["code"] for r in answers if r.status_code == 409)
    assert set(codes) <= LOSERS
    winner = next(r.json() for r in answers if r.status_code == 200)
    state = await api.card_state(n)
    assert state["hr_status"] == "formally_lost"
    assert state["loss"]["channel"] == winner["loss"]["channel"]
    history = (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()
    losses = [h for h in history if h["event"] == "report_formal_loss"]
    assert len(losses) == 1
    assert losses[0]["to_state"] == state["hr_status"]


async def test_concurrent_unlock_and_replacement_never_both_happen(api: Api) -> None:
    """LOSS-4 under concurrency: an unlock racing a replacement — one wins, state matches."""
    card = await api.card()
    n = card["card_number"]
    await api.card_post(n, "formal-loss", "clerk_nanjing_bank")

    unlock, replace = await asyncio.gather(
        api.card_post(n, "unlock", "clerk_nanjing_bank2"),
        api.card_post(n, "replacement", "clerk_instant", {}),
    )

    assert sorted([unlock.status_code, replace.status_code]) in ([200, 409], [201, 409])
    state = (await api.card_state(n))["hr_status"]
    assert state == ("active" if unlock.status_code == 200 else "superseded")
    events = [h["event"] for h in (await api.get(f"/api/v1/cards/{n}/history", "admin")).json()]
    assert events.count("unlock") + events.count("apply_replacement") == 1
    assert await api.count("applications") == (2 if replace.status_code == 201 else 1)
