"""Loads the shipped reference data (SPEC CITY-1..3, GOV-1, GOV-2) and seeds the holiday calendar.

Loading keeps what an administrator has edited unless asked to overwrite; it is set-based and
safe to run on every start.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sscard.kernel.upsert import insert_rows
from sscard.platform import cache
from sscard.registry.reference.models import (
    banks,
    cities,
    city_banks,
    city_policies,
    hotlines,
    outlets,
)
from sscard.registry.reference.policy import CityPolicy


def _load(name: str) -> Any:
    text = resources.files("sscard.registry.reference").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


def _policy_rows() -> list[dict[str, Any]]:
    rows = []
    for p in _load("policies.json"):
        effective = date.fromisoformat(p["effective_from"])
        rules = {
            k: v for k, v in p.items() if k not in ("city_code", "effective_from", "source", "note")
        }
        CityPolicy.from_rules(p["city_code"], effective, rules)  # refuse a malformed file early
        rows.append(
            {
                "city_code": p["city_code"],
                "effective_from": effective,
                "rules": rules,
                "source": p["source"],
                "note": p.get("note"),
            }
        )
    return rows


async def load_reference_data(conn: AsyncConnection, *, overwrite: bool = False) -> dict[str, int]:
    """Insert the shipped cities, banks, outlets, hotlines and policies; returns counts."""
    cache.clear()
    city_rows = _load("cities.json")
    bank_rows = [{**b, "bins": b.get("bins", [])} for b in _load("banks.json")]
    link_rows = [
        {"city_code": city, "bank_code": bank, "source": entry["source"]}
        for city, entry in _load("city_banks.json").items()
        for bank in entry["banks"]
    ]
    outlet_rows = [{**o, "active": True} for o in _load("outlets.json")]
    hotline_rows = _load("hotlines.json")
    policy_rows = _policy_rows()
    await insert_rows(conn, cities, city_rows, keys=["code"], overwrite=overwrite)
    await insert_rows(conn, banks, bank_rows, keys=["code"], overwrite=overwrite)
    await insert_rows(conn, city_banks, link_rows, keys=["city_code", "bank_code"], overwrite=False)
    await insert_rows(conn, outlets, outlet_rows, keys=["code"], overwrite=overwrite)
    await insert_rows(
        conn, hotlines, hotline_rows, keys=["city_code", "service", "number"], overwrite=overwrite
    )
    await insert_rows(
        conn, city_policies, policy_rows, keys=["city_code", "effective_from"], overwrite=overwrite
    )
    return {
        "cities": len(city_rows),
        "banks": len(bank_rows),
        "city_banks": len(link_rows),
        "outlets": len(outlet_rows),
        "hotlines": len(hotline_rows),
        "policies": len(policy_rows),
    }
