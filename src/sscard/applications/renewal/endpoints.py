"""A new card in place of one held, and the counter work around it (REP-1..6, GEN-3, JUR-1)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sscard.applications import service
from sscard.applications.renewal import service as follow_on
from sscard.applications.renewal.schemas import (
    CityChangeIn,
    CorrectionIn,
    ExchangeIn,
    FinancialReportIn,
    ReplacementIn,
    UpgradeIn,
)
from sscard.applications.temporary_medical import service as temporary_medical
from sscard.cards.financial import service as financial
from sscard.cards.jurisdiction import service as jurisdiction
from sscard.cards.loss import service as loss
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, write
from sscard.platform.http.schemas import ApplicationView, CardStateView, answers
from sscard.registry.corrections import service as corrections

router = APIRouter(prefix="/api/v1", tags=["after issue"])


async def _view(ctx: Ctx, app: dict[str, Any]) -> Any:
    """The application, with the person's HR credit record entries as warnings (REP-5)."""
    body = await service.view(ctx, app["reference"])
    body["credit_warnings"] = await follow_on.credit_warnings(ctx, app["person_id"])
    return body


@router.post(
    "/cards/{card_number}/replacement",
    status_code=201,
    summary="Apply for a replacement after a formal loss; the old card dies (REP-1, LOSS-4)",
    responses=answers(ApplicationView, 201),
)
async def replace(
    card_number: str, body: ReplacementIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await _view(ctx, await follow_on.submit_replacement(ctx, body.domain(card_number)))

    return await write(request, actor, use_case, status=201)


@router.post(
    "/cards/{card_number}/exchange",
    status_code=201,
    summary="Apply for an exchange for one of the REP-2 reasons; the old card is taken back",
    responses=answers(ApplicationView, 201),
)
async def exchange(
    card_number: str, body: ExchangeIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await _view(ctx, await follow_on.submit_exchange(ctx, body.domain(card_number)))

    return await write(request, actor, use_case, status=201)


@router.post(
    "/applications/upgrade",
    status_code=201,
    summary="Apply for a gen-3 card in place of a gen-1/gen-2 card (GEN-3)",
    responses=answers(ApplicationView, 201),
)
async def upgrade(
    body: UpgradeIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return await _view(ctx, await follow_on.submit_upgrade(ctx, body.domain()))

    return await write(request, actor, use_case, status=201)


@router.post(
    "/persons/{person_id}/temporary-medical-cards",
    status_code=201,
    summary="Issue a temporary medical card while the new card is made (REP-1)",
)
async def issue_temporary_medical_card(
    person_id: int, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request, actor, lambda ctx: temporary_medical.issue(ctx, person_id), status=201
    )


@router.get(
    "/persons/{person_id}/temporary-medical-cards",
    summary="A person's temporary medical cards, valid or ended (REP-1)",
)
async def temporary_medical_cards(
    person_id: int, request: Request, actor: Actor = Depends(current_actor)
) -> Any:
    return await read(request, actor, lambda ctx: temporary_medical.of_person(ctx, person_id))


@router.post(
    "/persons/{person_id}/base-data-corrections",
    status_code=201,
    summary="Correct name or document number with the police certificate (REP-2b, JUR-3)",
)
async def correct_base_data(
    person_id: int, body: CorrectionIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    return await write(
        request,
        actor,
        lambda ctx: corrections.correct_base_data(ctx, body.domain(person_id)),
        status=201,
    )


@router.post(
    "/cards/{card_number}/financial-status",
    summary="The card's bank reports its financial function (mirror; ISS-2, LOSS-2)",
    responses=answers(CardStateView),
)
async def report_financial_status(
    card_number: str,
    body: FinancialReportIn,
    request: Request,
    actor: Actor = Depends(current_actor),
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        card = await financial.report(ctx, card_number, body.event, body.account_number)
        return loss.card_state_view(card)

    return await write(request, actor, use_case)


@router.post(
    "/cards/{card_number}/management-city",
    summary="Change the card-management city at the outgoing city (JUR-1 step 1)",
    responses=answers(CardStateView),
)
async def change_city(
    card_number: str, body: CityChangeIn, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        card = await jurisdiction.change_city(
            ctx,
            card_number,
            body.to_city_code,
            body.transfer_certificate_number,
            body.document.domain(),
        )
        return loss.card_state_view(card)

    return await write(request, actor, use_case)


@router.post(
    "/cards/{card_number}/social-data-reset",
    summary="Reset the card's social data at the new city (JUR-1 step 2)",
    responses=answers(CardStateView),
)
async def reset_social_data(
    card_number: str, request: Request, actor: Actor = Depends(current_actor)
) -> Response:
    async def use_case(ctx: Ctx) -> Any:
        return loss.card_state_view(await jurisdiction.reset_social_data(ctx, card_number))

    return await write(request, actor, use_case)
