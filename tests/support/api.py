"""A thin client for the service's HTTP API, as the integration tests use it."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import httpx
from sqlalchemy import func, select

from sscard.cards.models import cards
from sscard.kernel.actor import OPERATOR
from sscard.kernel.runtime import Runtime
from sscard.registry.photo import Background, make_standard_photo
from sscard.tables import metadata
from tests.support.numbers import citizen_number

ADULT_BIRTH = date(1990, 1, 15)
_seeds = itertools.count(1)


class Api:
    def __init__(self, client: httpx.AsyncClient, tokens: dict[str, str], rt: Runtime) -> None:
        self.client = client
        self.tokens = tokens
        self.rt = rt
        self.numbers: dict[int, str] = {}  # person id -> the number registered with

    async def call(
        self, method: str, path: str, as_: str, json: Any = None, **kw: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[as_]}", **kw.pop("headers", {})}
        return await self.client.request(method, path, json=json, headers=headers, **kw)

    async def post(self, path: str, as_: str, json: Any = None, **kw: Any) -> httpx.Response:
        return await self.call("POST", path, as_, json, **kw)

    async def get(self, path: str, as_: str, **kw: Any) -> httpx.Response:
        return await self.call("GET", path, as_, **kw)

    # ---- persons ----

    @staticmethod
    def person_body(birth: date = ADULT_BIRTH, **over: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "测试人",
            "document": {"type": "resident_id", "number": citizen_number(birth)},
            "category": "mainland",
            "city_code": "3204",
            "phone": "13900000000",
        }
        body.update(over)
        return body

    async def register(self, as_: str = "clerk_instant", **over: Any) -> httpx.Response:
        body = self.person_body(**over)
        r = await self.post("/api/v1/persons", as_, body)
        if r.status_code == 201:
            self.numbers[r.json()["person_id"]] = body["document"]["number"]
        return r

    async def present(self, person_id: int, as_: str) -> httpx.Response:
        """The person shows their document to `as_` (a lookup), which opens their record to
        that counter or agent for the working day (issue 11, platform.access)."""
        number = self.numbers[person_id]
        r = await self.post("/api/v1/persons/lookup", as_, {"social_security_number": number})
        assert r.status_code == 200, r.text
        return r

    async def put_photo(
        self, person_id: int, as_: str = "clerk_instant", background: str = "white"
    ) -> httpx.Response:
        photo = make_standard_photo(next(_seeds), background=Background(background))
        return await self.call(
            "PUT",
            f"/api/v1/persons/{person_id}/photo",
            as_,
            content=photo,
            headers={"Content-Type": "image/jpeg"},
        )

    async def person(
        self, as_: str = "clerk_instant", *, photo: bool = True, **over: Any
    ) -> dict[str, Any]:
        """A registered person (with a photo unless told otherwise)."""
        r = await self.register(as_, **over)
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        if photo:
            background = "blue" if over.get("city_code") == "3201" else "white"
            p = await self.put_photo(body["person_id"], as_, background)
            assert p.status_code == 200, p.text
        return body

    # ---- applications ----

    async def submit(
        self, person_id: int, as_: str = "clerk_instant", bank: str = "ICBC", **extra: Any
    ) -> httpx.Response:
        headers = extra.pop("headers", {})
        body = {"person_id": person_id, "bank_code": bank, **extra}
        return await self.post("/api/v1/applications", as_, body, headers=headers)

    async def applied(self, as_: str = "clerk_instant", bank: str = "ICBC") -> dict[str, Any]:
        person = await self.person(as_)
        r = await self.submit(person["person_id"], as_, bank)
        assert r.status_code == 201, r.text
        return {**r.json(), "person_id": person["person_id"]}

    async def step(self, reference: str, action: str, as_: str = "admin") -> httpx.Response:
        return await self.post(f"/api/v1/applications/{reference}/{action}", as_)

    async def card(
        self,
        as_: str = "clerk_instant",
        bank: str = "ICBC",
        birth: date = ADULT_BIRTH,
        **over: Any,
    ) -> dict[str, Any]:
        """A person holding a collected card with an active hr function, applied for at `as_`.

        Returns the card number, the person, the application reference and the document
        (needed again at some counters). A fast outlet's card is produced by the centre first.
        """
        number = citizen_number(birth)
        doc = {"type": "resident_id", "number": number}
        person = await self.person(as_, birth=birth, document=doc, **over)
        r = await self.submit(person["person_id"], as_, bank)
        assert r.status_code == 201, r.text
        ref = r.json()["reference"]
        if r.json()["status"] == "accepted":
            for action in ("start-production", "finish-production", "deliver-to-outlet"):
                assert (await self.step(ref, action)).status_code == 200
        r = await self.post(f"/api/v1/applications/{ref}/collect", as_, {"document": doc})
        assert r.status_code == 200, r.text
        return {
            "card_number": r.json()["card"]["card_number"],
            "person_id": person["person_id"],
            "reference": ref,
            "document": doc,
        }

    async def cardholder(self, person_id: int) -> str:
        """An online (cardholder) actor for the person; returns the key of its token."""
        body = {"role": "cardholder", "display_name": "本人", "person_id": person_id}
        r = await self.post("/api/v1/actors", "admin", body)
        assert r.status_code == 201, r.text
        key = f"cardholder:{person_id}"
        self.tokens[key] = r.json()["token"]
        return key

    async def card_post(
        self, number: str, action: str, as_: str, json: Any = None, *, present: bool = True
    ) -> httpx.Response:
        """A counter or hotline procedure on a card: as at a real counter, the holder presents
        their document first (issue 11: a clerk or agent reaches a card no other way), unless
        `present=False`."""
        if present:
            await self.present_holder(number, as_)
        return await self.post(f"/api/v1/cards/{number}/{action}", as_, json)

    async def present_holder(self, number: str, as_: str) -> None:
        """The card's holder shows their document to a clerk or agent (nothing for others)."""
        if not (as_.startswith("clerk") or as_ == "hotline"):
            return
        async with self.rt.unit(OPERATOR, readonly=True) as ctx:
            stmt = select(cards.c.person_id).where(cards.c.card_number == number.strip().upper())
            person_id = (await ctx.conn.execute(stmt)).scalar_one_or_none()
        if person_id in self.numbers:
            await self.present(person_id, as_)

    async def card_state(self, number: str) -> dict[str, Any]:
        r = await self.get(f"/api/v1/cards/{number}", "admin")
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    # ---- direct reads, to prove what was (not) stored ----

    async def count(self, table: str) -> int:
        async with self.rt.unit(OPERATOR, readonly=True) as ctx:
            stmt = select(func.count()).select_from(metadata.tables[table])
            return int((await ctx.conn.execute(stmt)).scalar_one())

    async def counts(self) -> dict[str, int]:
        names = ["persons", "identity_documents", "person_photos", "applications", "cards"]
        return {n: await self.count(n) for n in [*names, "history", "outbox"]}
