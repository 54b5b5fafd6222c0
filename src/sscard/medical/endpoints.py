"""The medical use over HTTP (SPEC MED-1, MED-2): the holder's filings and balance, the same
for 12333 and outlets, the fund's credits, and the designated institutions' settlements."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from sscard.kernel.actor import Actor
from sscard.medical import service as medical
from sscard.medical.schemas import (
    BalanceView,
    CreditsIn,
    CreditsView,
    FilingIn,
    FundCreditView,
    LedgerOverview,
    MedicalRecordView,
    RefundIn,
    SettlementIn,
    SettlementView,
    StaffFilingIn,
)
from sscard.platform.http.deps import current_actor, read, read_recorded, write
from sscard.platform.http.guard import GuardedRoute
from sscard.platform.http.request import PathId
from sscard.platform.http.schemas import answers
from sscard.scenes.endpoints import terminal_route
from sscard.scenes.schemas import PresentedIn

router = APIRouter(route_class=GuardedRoute, prefix="/api/v1", tags=["medical"])


@router.get(
    "/me/medical",
    summary="My medical personal account: balance, latest entries, cross-region filings",
    responses=answers(MedicalRecordView),
)
async def my_medical(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    return await read(request, actor, lambda ctx: medical.medical_record(ctx, None))


@router.post(
    "/me/medical/filings",
    status_code=201,
    summary="File for medical treatment away from the insured city (异地就医备案, MED-1)",
    responses=answers(MedicalRecordView, 201),
)
async def file_mine(
    body: FilingIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: medical.file_cross_region(ctx, None, body.domain()), status=201
    )


@router.post(
    "/me/medical/filings/{filing_id}/end",
    summary="End one of my filings (back home)",
    responses=answers(MedicalRecordView),
)
async def end_mine(
    filing_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(request, actor, lambda ctx: medical.end_filing(ctx, None, filing_id))


@router.get(
    "/persons/{person_id}/medical",
    summary="A person's medical personal account and filings (12333, an outlet after the "
    "document, the city's centre)",
    responses=answers(MedicalRecordView),
)
async def person_medical(
    person_id: PathId, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await read_recorded(request, actor, lambda ctx: medical.medical_record(ctx, person_id))


@router.post(
    "/medical-filings",
    status_code=201,
    summary="File for a person at an outlet or by 12333 (MED-1)",
    responses=answers(MedicalRecordView, 201),
)
async def file_for(
    body: StaffFilingIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: medical.file_cross_region(ctx, body.person_id, body.domain()),
        status=201,
    )


@router.post(
    "/medical-credits",
    summary="The medical-insurance fund credits personal accounts, each reference once (MED-2)",
    responses=answers(CreditsView),
)
async def credit(body: CreditsIn, request: Request, actor: Actor = Depends(current_actor)) -> Any:
    credits = [c.domain() for c in body.credits]
    return await write(request, actor, lambda ctx: medical.credit_accounts(ctx, credits))


@router.get(
    "/medical-ledger",
    summary="What went into and out of all personal accounts, by kind, and the fund's newest "
    "credits: the province's reconciliation with the fund (MED-2), no person in it",
    responses=answers(LedgerOverview),
)
async def ledger(
    request: Request,
    days: int = Query(30, ge=1, le=366),
    actor: Actor = Depends(current_actor),
) -> Response:
    return await read(request, actor, lambda ctx: medical.ledger_overview(ctx, days))


@router.get(
    "/medical-credits/{reference}",
    summary="One fund credit by the fund's reference: booked when and for how much (MED-2)",
    responses=answers(FundCreditView),
)
async def fund_credit(
    request: Request,
    reference: str = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$"),
    actor: Actor = Depends(current_actor),
) -> Response:
    return await read(request, actor, lambda ctx: medical.fund_credit(ctx, reference))


terminal_route(
    router,
    "/scene-uses/medical",
    summary="A designated institution settles a visit by card or ecard code: the holder's "
    "share from the personal account up to its balance, the rest in cash (MED-1/2, LOSS-5), "
    "signed",
    body=SettlementIn,
    answer=SettlementView,
    use_case=lambda ctx, terminal, b: medical.settle(ctx, terminal, b.domain(), b.visit()),
    name="settle_medical",
)
terminal_route(
    router,
    "/scene-uses/medical/refunds",
    summary="The institution reverses one of its settlements: the account is paid back, once",
    body=RefundIn,
    answer=SettlementView,
    use_case=lambda ctx, terminal, b: medical.refund(ctx, terminal, b.settlement_ref),
    name="refund_medical",
)
terminal_route(
    router,
    "/scene-uses/medical/balance",
    summary="An institution's terminal or kiosk reads the personal account's balance of the "
    "card shown (MED-2), signed",
    body=PresentedIn,
    answer=BalanceView,
    use_case=lambda ctx, terminal, b: medical.balance_at_scene(ctx, terminal, b.domain()),
    name="medical_balance",
)
