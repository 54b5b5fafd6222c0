"""Demo data: generated persons, actors and applications. No real person's name or number."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sscard.actors import service as actors
from sscard.actors.staff import service as staff
from sscard.applications import service as applications
from sscard.kernel.actor import OPERATOR, Actor, Role
from sscard.kernel.ctx import Ctx
from sscard.kernel.runtime import Runtime
from sscard.registry.documents import (
    DocumentType,
    IdentityDocument,
    PersonCategory,
    gb11643_check_digit,
)
from sscard.registry.photo import Background, make_standard_photo
from sscard.registry.service import (
    PersonAlreadyRegistered,
    PersonRegistration,
    register_person,
    store_photo,
)

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "安北晨东尔帆歌禾嘉景可朗铭楠鹏琦然森泰唯溪阳屹哲子悦云芸昭"

DEMO_ACTORS: list[tuple[str, Role, str, dict[str, Any]]] = [
    ("admin", Role.PROVINCE_ADMIN, "演示管理员 demo admin", {}),
    (
        "clerk_instant",
        Role.OUTLET_CLERK,
        "演示柜员（即时） demo clerk",
        {"outlet_code": "3204-HR-001"},
    ),
    (
        "clerk_fast",
        Role.OUTLET_CLERK,
        "演示柜员（快速） demo clerk",
        {"outlet_code": "3204-HR-002"},
    ),
    ("hotline", Role.HOTLINE_AGENT, "演示12333坐席 demo hotline agent", {}),
    ("bank_icbc", Role.BANK_SYSTEM, "演示工行系统 demo ICBC system", {"bank_code": "ICBC"}),
]


# A staff account for each desk of the console (issue 12); each signs in with the one-time
# password `load-demo` prints, sets their own and enrols an authenticator app.
DEMO_STAFF: list[tuple[str, Role, str, dict[str, str]]] = [
    ("demo.clerk", Role.OUTLET_CLERK, "演示人社柜员", {"outlet_code": "3204-HR-001"}),
    ("demo.bank", Role.OUTLET_CLERK, "演示银行柜员", {"outlet_code": "3204-BANK-001"}),
    ("demo.hotline", Role.HOTLINE_AGENT, "演示12333坐席", {"city_code": "3204"}),
    ("demo.centre", Role.CENTRE_ADMIN, "演示常州卡管中心", {"city_code": "3204"}),
    ("demo.auditor", Role.AUDITOR, "演示审计员", {}),
]


def generated_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generated_citizen_number(rng: random.Random, city_code: str, birth: date) -> str:
    """An 18-digit number with a valid check digit under a county of the city; not a real one."""
    first17 = f"{city_code}{rng.randint(2, 12):02d}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + gb11643_check_digit(first17)


def generated_birth(rng: random.Random) -> date:
    """Born 1946-2007: the same seed gives the same persons whatever the date of loading."""
    return date(1946, 1, 1) + timedelta(days=rng.randint(0, 62 * 365))


def generated_registration(rng: random.Random, city_code: str) -> PersonRegistration:
    birth = generated_birth(rng)
    number = generated_citizen_number(rng, city_code, birth)
    return PersonRegistration(
        name=generated_name(rng),
        document=IdentityDocument(DocumentType.RESIDENT_ID, number),  # long-term validity
        category=PersonCategory.MAINLAND,
        nationality="CHN",
        city_code=city_code,
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
    )


@dataclass(frozen=True)
class DemoResult:
    tokens: dict[str, str]
    persons: int
    applications: list[str]
    staff_passwords: dict[str, str]  # username → one-time password, for accounts made now
    documents: list[dict[str, str]]  # generated persons' document numbers, to find them by


# One generated person in five (the last ones) is registered with a photo but no application,
# to apply online in the hall (issue 13).
ONLINE_READY_SHARE = 5


async def load_demo(rt: Runtime, *, persons: int = 20, seed: int = 2026) -> DemoResult:
    """Create demo actors, register generated persons with photos, submit applications."""
    rng = random.Random(seed)
    tokens = await _demo_actors(rt)
    clerks = {key: await _actor(rt, tokens[key]) for key in ("clerk_instant", "clerk_fast")}
    references: list[str] = []
    documents: list[dict[str, str]] = []
    registered = 0
    for i in range(persons):
        clerk = clerks["clerk_instant" if i % 2 == 0 else "clerk_fast"]
        # Draw everything first, so that a skipped person leaves the sequence unchanged.
        reg, bank = generated_registration(rng, "3204"), rng.choice(["ICBC", "ABC", "JSB"])
        applies = i < persons - persons // ONLINE_READY_SHARE  # the rest apply online (APP-4)
        documents.append(
            {
                "document_number": reg.document.number,
                "name": reg.name,
                "city_code": "3204",
                "applied_at_outlet": "yes" if applies else "no: apply online at /hall",
            }
        )
        try:
            async with rt.unit(clerk) as ctx:
                reference = await _demo_person(ctx, reg, bank, seed + i, applies=applies)
                references += [reference] if reference else []
                registered += 1
        except PersonAlreadyRegistered:
            continue  # loaded before with the same seed
    return DemoResult(tokens, registered, references, await _demo_staff(rt), documents)


async def _demo_staff(rt: Runtime) -> dict[str, str]:
    """The demo staff accounts not made before, with their one-time passwords."""
    passwords: dict[str, str] = {}
    async with rt.unit(OPERATOR) as ctx:
        for username, role, name, binding in DEMO_STAFF:
            try:
                new = staff.NewStaff(username, name, role, **binding)
                _, passwords[username] = await staff.create_staff(ctx, new)
            except staff.UsernameTaken:
                continue
    return passwords


async def _demo_person(
    ctx: Ctx, reg: PersonRegistration, bank: str, photo_seed: int, *, applies: bool
) -> str | None:
    person_id = await register_person(ctx, reg)
    await store_photo(ctx, person_id, make_standard_photo(photo_seed, background=Background.WHITE))
    if not applies:
        return None
    app = await applications.submit_first_application(
        ctx, applications.FirstApplication(person_id, bank)
    )
    return str(app["reference"])


async def _demo_actors(rt: Runtime) -> dict[str, str]:
    tokens: dict[str, str] = {}
    async with rt.unit(OPERATOR) as ctx:
        for key, role, name, binding in DEMO_ACTORS:
            _, tokens[key] = await actors.create_actor(ctx, actors.NewActor(role, name, **binding))
    return tokens


async def _actor(rt: Runtime, token: str) -> Actor:
    async with rt.engine.connect() as conn:
        return await actors.authenticate(conn, token)


def summary(result: DemoResult) -> dict[str, Any]:
    return {"persons": result.persons, "applications": result.applications, "tokens": result.tokens}
