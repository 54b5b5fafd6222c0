"""What banks report to us: the inbox (SPEC ISS-2, ISS-4, LOSS-2/3, CAN-3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import IntegrityError

from sscard.banks import service as inbox
from sscard.banks.protocol import InboxStatus, ReportType, ServiceChannel
from sscard.banks.rules import Report
from sscard.banks.service import InboxFilter, Receipt
from sscard.cards.schemas import CardStateView
from sscard.kernel.actor import Actor
from sscard.kernel.ctx import Ctx
from sscard.platform.http.deps import current_actor, read, runtime
from sscard.platform.http.problems import problem
from sscard.platform.http.schemas import PROBLEMS, answers
from sscard.platform.outbox.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

router = APIRouter(tags=["banks"])


class BankReportIn(BaseModel):
    """One report by the card's bank (protocol.py); signed over the exact body bytes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message_id: str = Field(
        min_length=1, max_length=64, description="the bank's id for this report: dedupe key"
    )
    card_number: str = Field(pattern=r"^[A-Za-z]\d{8}$", description="a letter and 8 digits")
    sequence: int = Field(
        ge=1, le=2**62, description="the bank's count of reports for this card, from 1, no gaps"
    )
    type: ReportType
    occurred_at: AwareDatetime = Field(description="when it happened at the bank, with its zone")
    account_number: str | None = Field(
        None, pattern=r"^\d{12,32}$", description="account_opened only: 12 to 32 digits"
    )
    outlet_code: str | None = Field(
        None,
        min_length=1,
        max_length=32,
        description="the bank's outlet where it was done; required for formal_loss and "
        "formal_loss_lifted (LOSS-2/3)",
    )
    channel: ServiceChannel = Field(
        ServiceChannel.COUNTER, description="counter, or onsite for a visit (ISS-4)"
    )
    reason: str | None = Field(None, max_length=200, description="free text; no personal data")

    def domain(self) -> Report:
        return Report(
            message_id=self.message_id,
            card_number=self.card_number.upper(),
            sequence=self.sequence,
            type=self.type,
            occurred_at=self.occurred_at,
            account_number=self.account_number,
            outlet_code=self.outlet_code,
            channel=self.channel,
            reason=self.reason or None,
        )


class ReleasedView(BaseModel):
    message_id: str
    sequence: int
    status: str = Field(description="applied or rejected")
    code: str | None = Field(description="the refusal's code when rejected")


class ReceiptView(BaseModel):
    message_id: str
    status: str = Field(description="applied, deferred (waits for an earlier sequence), rejected")
    duplicate: bool = Field(False, description="this message id was received before")
    card: CardStateView | None = Field(None, description="the card once applied")
    released: list[ReleasedView] = Field(
        [], description="held-back reports applied after this one, in order"
    )


class RefusalView(BaseModel):
    status: int
    code: str
    rule: str | None
    field: str | None
    detail_zh: str
    detail_en: str


class InboxEntryView(BaseModel):
    bank_code: str
    message_id: str
    card_number: str
    sequence: int
    type: str
    status: str = Field(description="applied, deferred, rejected")
    result_code: str | None = Field(description="the refusal's code when rejected")
    refusal: RefusalView | None
    occurred_at: datetime
    channel: str
    outlet_code: str | None
    reason: str | None
    account: str | None = Field(description="masked account number, account_opened only")
    received_at: datetime
    applied_at: datetime | None = Field(description="when applied or rejected")


class InboxPage(BaseModel):
    items: list[InboxEntryView]
    next_after: str | None = Field(description="pass as `after` for the next page; null at the end")


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The body's JSON schema with its definitions inlined, for the OpenAPI document."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


REPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _inline(BankReportIn.model_json_schema())}},
    },
    "parameters": [
        {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
        for name in (TIMESTAMP_HEADER, SIGNATURE_HEADER)
    ],
}


@router.post(
    "/api/v1/bank-reports",
    summary="A bank system reports a change at its side, signed (ISS-2, ISS-4, LOSS-2/3, CAN-3)",
    description="The body is checked against the signature headers before it is read. A message "
    "id seen before is answered as the first time; a report ahead of the card's next sequence is "
    "held back (202) until the gap fills; one refused by a rule is kept as rejected and uses up "
    "its sequence.",
    responses={**answers(ReceiptView), 202: {"model": ReceiptView}},
    openapi_extra=REPORT_BODY,
)
async def submit_report(request: Request, actor: Actor = Depends(current_actor)) -> Response:
    rt = runtime(request)
    raw = await request.body()
    tolerance = rt.settings.signature_tolerance_seconds
    report: Report | None = None
    try:
        async with rt.unit(actor) as ctx:
            await inbox.authenticate(ctx, request.headers, raw, tolerance)
            report = _parse(raw)
            receipt = await inbox.receive(ctx, report)
    except IntegrityError:
        # A copy of this message committed first (the inbox's primary key): answer as it did.
        if report is None:
            raise
        async with rt.unit(actor, readonly=True) as ctx:
            again = await inbox.replay(ctx, report)
        if again is None:
            raise
        receipt = again
    return _answer(request, receipt)


def _parse(raw: bytes) -> Report:
    try:
        return BankReportIn.model_validate_json(raw).domain()
    except ValidationError as bad:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in bad.errors(include_url=False)]
        ) from None


def _answer(request: Request, receipt: Receipt) -> Response:
    if receipt.refusal is not None:
        refusal = receipt.refusal
        return problem(
            request,
            status=refusal["status"],
            code=refusal["code"],
            zh=refusal["detail_zh"],
            en=refusal["detail_en"],
            rule=refusal["rule"],
            field=refusal["field"],
            extra={
                "message_id": receipt.message_id,
                "inbox_status": receipt.status.value,
                "duplicate": receipt.duplicate,
                "released": receipt.released,
            },
        )
    code = 202 if receipt.status is InboxStatus.DEFERRED and not receipt.duplicate else 200
    return JSONResponse(jsonable_encoder(receipt.as_dict()), status_code=code)


@router.get(
    "/api/v1/bank-inbox",
    tags=["banks"],
    summary="Reports received from banks and what became of them (keyset paging)",
    responses=answers(InboxPage),
)
async def list_inbox(
    request: Request,
    actor: Actor = Depends(current_actor),
    bank: str | None = Query(None, max_length=16, description="bank code, e.g. ICBC"),
    status: InboxStatus | None = None,
    card_number: str | None = Query(None, pattern=r"^[A-Za-z]\d{8}$"),
    after: str | None = Query(None, max_length=512, description="cursor from the previous page"),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    f = InboxFilter(bank, status, card_number, after, limit)

    async def use_case(ctx: Ctx) -> Any:
        items, cursor = await inbox.list_inbox(ctx, f)
        return {"items": items, "next_after": cursor}

    return await read(request, actor, use_case)


@router.get(
    "/api/v1/bank-inbox/{bank}/{message_id}",
    summary="One report received from a bank, with its outcome",
    responses={200: {"model": InboxEntryView}, **PROBLEMS},
)
async def get_inbox_entry(
    request: Request,
    bank: str = Path(max_length=16),
    message_id: str = Path(max_length=64),
    actor: Actor = Depends(current_actor),
) -> Any:
    return await read(request, actor, lambda ctx: inbox.inbox_entry(ctx, bank, message_id))
