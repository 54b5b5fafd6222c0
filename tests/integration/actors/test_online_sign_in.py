"""Real-name sign-in to the online hall (issue 13 item 1; SPEC APP-4 asks real-name
authentication of the online channels): the document number and the name of a registered
person, then the code sent by SMS to the phone on record; whether the details named anybody is
never said; a code is taken once, tried five times, good for five minutes; five codes an hour;
a session ends after 30 idle minutes or at sign-out."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx

from sscard.actors.online.rules import STEP_ONE_SECONDS
from sscard.kernel.clock import ManualClock
from sscard.platform.throttle.rules import LIMITS, Door
from tests.support.api import Api
from tests.support.pages import application

CODE = "/api/v1/online/sign-in/code"
SIGN_IN = "/api/v1/online/sign-in"


async def _ask(api: Api, number: str, name: str = "测试人") -> httpx.Response:
    return await api.client.post(CODE, json={"social_security_number": number, "name": name})


async def _codes(api: Api) -> list[dict[str, Any]]:
    listed = (await api.get("/api/v1/notifications", "admin")).json()["items"]
    return [n for n in listed if n["template"] == "online_sign_in_code"]


async def _give(api: Api, challenge: str, code: str) -> httpx.Response:
    return await api.client.post(SIGN_IN, json={"challenge": challenge, "code": code})


def _me(api: Api, token: str) -> Any:
    return api.client.get("/api/v1/me/record", headers={"Authorization": f"Bearer {token}"})


async def test_a_person_signs_in_with_number_name_and_the_code_sent_by_sms(api: Api) -> None:
    card = await api.card("clerk_instant", "ICBC")
    number = card["document"]["number"]
    asked = await _ask(api, f" {number[:6]} {number[6:]} ")  # typed with spaces (ID-1)
    assert asked.status_code == 202, asked.text
    [sms] = await _codes(api)
    assert sms["person_id"] == card["person_id"]
    assert sms["rule"] == "APP-4"
    code = sms["params"]["code"]
    signed = await _give(api, asked.json()["challenge"], code)
    assert signed.status_code == 200, signed.text
    token = signed.json()["token"]
    mine = await _me(api, token)
    assert mine.status_code == 200, mine.text
    assert mine.json()["cards"][0]["card_number"] == card["card_number"]
    again = await _give(api, asked.json()["challenge"], code)  # taken once
    assert (again.status_code, again.json()["code"]) == (401, "sign_in_code_refused")
    out = await api.client.post(
        "/api/v1/online/sign-out", headers={"Authorization": f"Bearer {token}"}
    )
    assert out.status_code == 204
    assert (await _me(api, token)).status_code == 401


async def test_details_that_name_nobody_get_the_same_answer_and_no_code(api: Api) -> None:
    card = await api.card("clerk_instant", "ICBC")
    number = card["document"]["number"]
    no_phone = await api.card("clerk_instant", "BOC", phone=None)
    answers = [
        await _ask(api, number, "别人"),  # a wrong name
        await _ask(api, "110101199003070011"),  # nobody's number
        await _ask(api, no_phone["document"]["number"]),  # no phone on record
    ]
    assert {(r.status_code, r.json()["notice_zh"]) for r in answers} == {
        (202, answers[0].json()["notice_zh"])
    }
    assert await _codes(api) == []
    guessed = await _give(api, answers[0].json()["challenge"], "000000")
    assert (guessed.status_code, guessed.json()["code"]) == (401, "sign_in_code_refused")


async def test_a_code_is_tried_five_times_at_most_and_lasts_five_minutes(
    api: Api, clock: ManualClock
) -> None:
    card = await api.card("clerk_instant", "ICBC")
    number = card["document"]["number"]
    challenge = (await _ask(api, number)).json()["challenge"]
    code = (await _codes(api))[0]["params"]["code"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert (await _give(api, challenge, wrong)).status_code == 401
    assert (await _give(api, challenge, code)).status_code == 401  # no tries left
    late = (await _ask(api, number)).json()["challenge"]
    late_code = (await _codes(api))[-1]["params"]["code"]
    clock.advance(timedelta(minutes=5))
    assert (await _give(api, late, late_code)).status_code == 401  # expired


async def test_at_most_five_codes_an_hour_and_an_idle_session_ends(
    api: Api, clock: ManualClock
) -> None:
    card = await api.card("clerk_instant", "ICBC")
    number = card["document"]["number"]
    challenges = [(await _ask(api, number)).json()["challenge"] for _ in range(6)]
    assert len(await _codes(api)) == 5  # the sixth answer is the same, but nothing is sent
    code = (await _codes(api))[-1]["params"]["code"]
    signed = await _give(api, challenges[4], code)
    assert signed.status_code == 200, signed.text
    token = signed.json()["token"]
    clock.advance(timedelta(minutes=29))
    assert (await _me(api, token)).status_code == 200  # seen: the idle time starts again
    clock.advance(timedelta(minutes=31))
    ended = await _me(api, token)
    assert (ended.status_code, ended.json()["code"]) == (401, "online_session_ended")


async def test_step_one_takes_as_long_for_anybody_and_for_nobody(api: Api) -> None:
    """Timing tells no more than the answer: whether a code was queued or not, step 1 answers
    no sooner than rules.STEP_ONE_SECONDS (a lower bound, which a slow machine cannot break)."""
    card = await api.card("clerk_instant", "ICBC")
    for number in (card["document"]["number"], "110101199003070011"):
        started = time.monotonic()
        assert (await _ask(api, number)).status_code == 202
        assert time.monotonic() - started >= STEP_ONE_SECONDS


async def test_no_session_reads_a_sign_in_code(api: Api) -> None:
    """A code goes to the phone only: the holder's own messages (and so a relative acting for
    them, ECARD-4) never list one, or a session could open the next session itself."""
    card = await api.card("clerk_instant", "ICBC")
    number = card["document"]["number"]
    asked = await _ask(api, number)
    [sms] = await _codes(api)
    token = (await _give(api, asked.json()["challenge"], sms["params"]["code"])).json()["token"]
    await _ask(api, number)  # a second code, not yet used
    messages = (await _me(api, token)).json()["messages"]
    assert [m for m in messages if m["template"] == "online_sign_in_code"] == []
    assert len(await _codes(api)) == 2  # the operator's queue still has both


async def test_one_client_cannot_use_up_the_codes_of_many_people(
    api: Api, clock: ManualClock
) -> None:
    """The per-person cap could be used up by anyone who knows a number and a name; one client
    address gets LIMITS[SIGN_IN_CODE].most step-1 answers an hour, whatever it asked, then a 429
    that counts nothing and says how long to wait (platform.throttle)."""
    limit = LIMITS[Door.SIGN_IN_CODE]
    card = await api.card("clerk_instant", "ICBC")
    for _ in range(limit.most):
        assert (await _ask(api, "110101199003070011")).status_code == 202
    refused = await _ask(api, card["document"]["number"])
    assert refused.status_code == 429, refused.text
    problem = refused.json()
    assert (problem["code"], problem["field"]) == ("too_many_requests", "client")
    assert "分钟后再试" in problem["detail_zh"]
    assert await _codes(api) == []  # the refused request sent nothing
    other = httpx.ASGITransport(app=application(api.rt), client=("10.0.0.9", 4000))
    async with httpx.AsyncClient(transport=other, base_url="http://sscard.test") as elsewhere:
        asked = await elsewhere.post(
            CODE, json={"social_security_number": card["document"]["number"], "name": "测试人"}
        )
    assert asked.status_code == 202  # another address is not held back
    assert len(await _codes(api)) == 1
    clock.advance(limit.window)
    assert (await _ask(api, card["document"]["number"])).status_code == 202
