"""Staff accounts over the API (issue 12): create, list, reset; refusals by field and role."""

from __future__ import annotations

from tests.support.api import Api


async def test_an_administrator_creates_lists_and_resets_a_staff_account(api: Api) -> None:
    r = await api.post(
        "/api/v1/staff-accounts",
        "admin",
        {
            "username": "Zhou.Min",
            "display_name": "周敏",
            "role": "outlet_clerk",
            "outlet_code": "3204-HR-001",
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["username"] == "Zhou.Min"
    assert len(created["initial_password"]) >= 10
    listed = (await api.get("/api/v1/staff-accounts", "admin")).json()
    (row,) = [a for a in listed if a["username"] == "zhou.min"]
    assert row["role"] == "outlet_clerk"
    assert row["city_code"] == "3204"
    assert row["must_change_password"]
    assert "initial_password" not in row
    assert "password_hash" not in str(listed)
    reset = await api.post(f"/api/v1/staff-accounts/{created['id']}/reset", "admin", {})
    assert reset.status_code == 200, reset.text
    assert reset.json()["initial_password"] != created["initial_password"]


async def test_staff_accounts_are_refused_by_field_and_by_role(api: Api) -> None:
    bad = await api.post(
        "/api/v1/staff-accounts",
        "admin",
        {"username": "张伟", "display_name": "张伟", "role": "auditor"},
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "username"
    system = await api.post(
        "/api/v1/staff-accounts",
        "admin",
        {"username": "icbc.sys", "display_name": "工行", "role": "bank_system"},
    )
    assert system.json()["code"] == "not_a_staff_role"
    clerk = await api.get("/api/v1/staff-accounts", "clerk_instant")
    assert clerk.status_code == 403
    elsewhere = await api.post(
        "/api/v1/staff-accounts",
        "admin_suzhou",
        {
            "username": "nj.agent",
            "display_name": "南京坐席",
            "role": "hotline_agent",
            "city_code": "3201",
        },
    )
    assert elsewhere.status_code == 403
    assert await api.count("staff_accounts") == 0
    missing = await api.post("/api/v1/staff-accounts/999999/reset", "admin", {})
    assert missing.status_code == 404
