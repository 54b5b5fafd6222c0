"""The real service from outside: set up by the CLI, served by uvicorn, driven over HTTP.

The clock is moved through the API (SSCARD_CLOCK=adjustable), as an outside tester would.
SPEC APP-2, APP-7, CH-1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from sscard.registry.photo import make_standard_photo
from tests.support.numbers import citizen_number
from tests.support.serving import free_port


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sscard", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Path]]:
    var = tmp_path_factory.mktemp("var")
    port = free_port()
    env = {
        **os.environ,
        "SSCARD_VAR_DIR": str(var),
        "SSCARD_PORT": str(port),
        "SSCARD_CLOCK": "adjustable",
        "SSCARD_ACCESS_LOG": "0",
        "SSCARD_WORKER": "0",  # these tests sweep from the CLI; the worker would race them
    }
    env.pop("SSCARD_DATABASE_URL", None)
    _cli(env, "setup", "--admin-token-file", str(var / "admin.token"))
    server = subprocess.Popen(
        [sys.executable, "-m", "sscard", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, env, var
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_fast_application_goes_overdue_when_the_clock_moves(
    served: tuple[str, dict[str, str], Path],
) -> None:
    base, env, var = served
    admin = {"Authorization": "Bearer " + (var / "admin.token").read_text().strip()}
    clerk_token = json.loads(
        _cli(
            env,
            "token",
            "create",
            "--role",
            "outlet_clerk",
            "--name",
            "bb",
            "--outlet",
            "3204-HR-002",
        )
    )["token"]
    clerk = {"Authorization": f"Bearer {clerk_token}"}
    with httpx.Client(base_url=base, timeout=10) as http:
        assert http.get("/docs").status_code == 200
        assert "/api/v1/applications" in http.get("/openapi.json").json()["paths"]
        today = date.fromisoformat(http.get("/api/v1/clock", headers=admin).json()["business_date"])
        person = http.post(
            "/api/v1/persons",
            headers=clerk,
            json={
                "name": "黑盒测试",
                "document": {"type": "resident_id", "number": citizen_number(date(1990, 1, 15))},
                "city_code": "3204",
            },
        )
        assert person.status_code == 201, person.text
        pid = person.json()["person_id"]
        photo = http.put(
            f"/api/v1/persons/{pid}/photo",
            headers={**clerk, "Content-Type": "image/jpeg"},
            content=make_standard_photo(7),
        )
        assert photo.status_code == 200, photo.text
        app = http.post(
            "/api/v1/applications", headers=clerk, json={"person_id": pid, "bank_code": "ICBC"}
        )
        assert app.status_code == 201, app.text
        due = app.json()["due_date"]
        if due is None:  # accepted late in a year whose successor is not loaded yet
            assert app.json()["due_waits_for_calendar_year"] == today.year + 1
            return
        days = (date.fromisoformat(due) - today).days + 1
        key = {**admin, "Idempotency-Key": "move-1"}
        moved = http.post("/api/v1/clock/advance", headers=key, json={"days": days})
        again = http.post("/api/v1/clock/advance", headers=key, json={"days": days})
        assert moved.status_code == 200, moved.text
        assert again.json() == moved.json()  # a retried move does not move the clock twice
        assert moved.json()["business_date"] == (today + timedelta(days=days)).isoformat()
        now = http.get("/api/v1/clock", headers=admin).json()
        assert now["business_date"] == moved.json()["business_date"]

        overdue = http.get("/api/v1/applications", headers=admin, params={"overdue": "true"})

        assert [a["reference"] for a in overdue.json()["items"]] == [app.json()["reference"]]


def test_demo_data_loads_from_the_cli(served: tuple[str, dict[str, str], Path]) -> None:
    base, env, var = served
    out = json.loads(
        _cli(
            env, "data", "load-demo", "--persons", "4", "--tokens-file", str(var / "t.json")
        ).split("\ndemo tokens")[0]
    )
    assert out["persons"] == 4
    tokens = json.loads((var / "t.json").read_text())
    r = httpx.get(
        base + "/api/v1/applications", headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    assert len(r.json()["items"]) >= 4
    again = _cli(env, "data", "load-demo", "--persons", "4", "--tokens-file", str(var / "u.json"))
    assert json.loads(again.split("\ndemo tokens")[0])["persons"] == 0  # same seed: already there


def _token(env: dict[str, str], role: str, *binding: str) -> dict[str, str]:
    out = _cli(env, "token", "create", "--role", role, "--name", f"bb-{role}", *binding)
    return {"Authorization": "Bearer " + json.loads(out)["token"]}


def test_card_lifecycle_across_seven_days_and_ten_years(
    served: tuple[str, dict[str, str], Path],
) -> None:
    """SPEC LOSS-1 (7 days, sweep from the CLI) and ISS-7 (10 years), moved from outside."""
    base, env, var = served
    admin = {"Authorization": "Bearer " + (var / "admin.token").read_text().strip()}
    clerk = _token(env, "outlet_clerk", "--outlet", "3204-HR-001")
    hotline = _token(env, "hotline_agent")
    doc = {"type": "resident_id", "number": citizen_number(date(1985, 3, 9))}
    with httpx.Client(base_url=base, timeout=10) as http:
        pid = http.post(
            "/api/v1/persons",
            headers=clerk,
            json={"name": "黑盒持卡", "document": doc, "city_code": "3204"},
        ).json()["person_id"]
        http.put(
            f"/api/v1/persons/{pid}/photo",
            headers={**clerk, "Content-Type": "image/jpeg"},
            content=make_standard_photo(11),
        )
        ref = http.post(
            "/api/v1/applications", headers=clerk, json={"person_id": pid, "bank_code": "ICBC"}
        ).json()["reference"]
        collected = http.post(
            f"/api/v1/applications/{ref}/collect", headers=clerk, json={"document": doc}
        )
        assert collected.status_code == 200, collected.text
        n = collected.json()["card"]["card_number"]
        card = f"/api/v1/cards/{n}"

        lookup = {"social_security_number": doc["number"]}  # the caller gives their number
        assert http.post("/api/v1/persons/lookup", headers=hotline, json=lookup).status_code == 200
        assert http.post(card + "/temporary-loss", headers=hotline).status_code == 200
        http.post("/api/v1/clock/advance", headers=admin, json={"days": 6, "hours": 23})
        assert http.get(card, headers=admin).json()["hr_status"] == "temporarily_lost"
        http.post("/api/v1/clock/advance", headers=admin, json={"hours": 1})
        assert http.get(card, headers=admin).json()["hr_status"] == "active"
        assert json.loads(_cli(env, "cards", "sweep-temporary-losses")) == {"lifted": 1}
        events = [h["event"] for h in http.get(card + "/history", headers=admin).json()]
        assert events[-1] == "lift_temporary_loss"

        http.post("/api/v1/clock/advance", headers=admin, json={"days": 3660})
        pay = http.get(card + "/may-use", headers=admin, params={"use": "payment"}).json()
        medical = http.get(card + "/may-use", headers=admin, params={"use": "medical"}).json()
        assert (pay["code"], medical["allowed"]) == ("financial_expired", True)
        expiring = http.get("/api/v1/cards/expiring", headers=admin).json()["items"]
        assert n in [c["card_number"] for c in expiring]
        assert json.loads(_cli(env, "cards", "remind-expiring"))["queued"] >= 1
