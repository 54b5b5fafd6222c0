"""Deliveries to banks, the bank inbox, reconciliation and notifications at the card centre
(issue 12 item 6): the province's records (issue 11), read and acted on through the use cases
the API's delivery, bank, reconciliation and notification routes call.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile

from sscard.actors.staff.service import StaffSession
from sscard.banks import service as inbox
from sscard.banks.protocol import InboxStatus
from sscard.banks.reconciliation import service as reconciliation
from sscard.banks.reconciliation.rules import Kind
from sscard.banks.reconciliation.service import REPORT_COLUMNS
from sscard.banks.reconciliation.statement import Source, Statement, StatementRefused
from sscard.kernel.errors import DomainError, invalid
from sscard.platform.http.request import PathId
from sscard.platform.notify import service as notifications
from sscard.platform.notify.rules import NotificationFilter, NotificationStatus
from sscard.platform.outbox import service as outbox
from sscard.platform.outbox.protocol import OutboxStatus, Transport
from sscard.platform.outbox.rules import OutboxFilter, ReplayFilter, parse_secret_hex
from sscard.platform.outbox.schemas import EndpointIn
from sscard.registry.reference import service as reference
from sscard.web import forms, i18n
from sscard.web.pages.centre_common import ADMIN, errors_of, in_language, page_context
from sscard.web.pages.names import place_names
from sscard.web.render import render
from sscard.web.route import page_router, redirect
from sscard.web.session import form, run, runtime, unit

router = page_router("/centre")
PAGE = 100
CSV_PAGE = 1000
SPOOL_BYTES = 8 * 1024 * 1024


def _enum(kind: Any, value: str) -> Any:
    """A filter's value as its enum, or None when not chosen or not one of them."""
    try:
        return kind(value) if value else None
    except ValueError:
        return None


# ---- deliveries to banks (platform/outbox) ----


@router.get("/delivery")
async def delivery(
    request: Request,
    recipient: str = Query("", max_length=32),
    status: str = Query("failed", max_length=16),
    after: int = Query(0, ge=0),
    done: str = Query("", max_length=64),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    return await _delivery(request, who, recipient, status, after, done, None)


async def _delivery(
    request: Request,
    who: StaffSession,
    recipient: str,
    status: str,
    after: int,
    done: str,
    refusal: DomainError | None,
    code: int = 200,
    endpoint_form: dict[str, Any] | None = None,
) -> Response:
    f = OutboxFilter(recipient or None, _enum(OutboxStatus, status), None, None, after, PAGE)
    async with unit(request, who.actor) as ctx:
        stats = await outbox.outbox_stats(ctx)
        messages, cursor = await outbox.list_outbox(ctx, f)
        endpoints = await outbox.list_endpoints(ctx)
        banks = await reference.banks(ctx)
    context = page_context(
        request,
        stats=stats["recipients"],
        messages=messages,
        cursor=cursor,
        recipient=recipient,
        status=status,
        statuses=[s.value for s in OutboxStatus],
        notice=_notice(request, done),
        refusal=refusal,
        endpoints=endpoints,
        bank_choices=[
            (b.code, f"{b.code} {in_language(request, b.name_zh, b.name_en)}") for b in banks
        ],
        transport_choices=[(t.value, TRANSPORTS[t]) for t in Transport],
        endpoint=endpoint_form or {"values": {"transport": "http"}, "errors": {}, "secret": None},
    )
    return render(request, "centre/delivery.html", context, status=code)


ENDPOINT_FIELDS = ("recipient", "transport", "url", "statement_url", "secret_hex")
TRANSPORTS = {Transport.HTTP: "HTTP webhook", Transport.NATS: "NATS JetStream"}


@router.post("/delivery/endpoints")
async def set_endpoint(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """Create or change a bank's endpoint, as PUT /api/v1/delivery-endpoints/{recipient}: the
    secret the service generates for a new one is shown on this answer only."""
    data = await form(request)
    values = {k: str(data.get(k) or "").strip() for k in ENDPOINT_FIELDS}
    try:
        body = forms.parse(EndpointIn, {k: v for k, v in values.items() if v and k != "recipient"})
        secret = parse_secret_hex(body.secret_hex)
        answer = await run(
            request,
            who.actor,
            lambda ctx: outbox.set_endpoint(
                ctx, values["recipient"], body.transport, body.url, body.statement_url, secret
            ),
        )
    except DomainError as refusal:
        values["secret_hex"] = ""  # a key typed is not sent back into the page
        shown = {"values": values, "errors": errors_of(request, refusal), "secret": None}
        return await _delivery(request, who, "", "failed", 0, "", None, refusal.status, shown)
    saved = {"values": {"transport": "http"}, "errors": {}, "secret": answer["secret_hex"]}
    done = f"saved-{answer['recipient']}"
    return await _delivery(request, who, "", "failed", 0, done, None, 200, saved)


def _notice(request: Request, done: str) -> str:
    """What the last action did, from the code the redirect after it carried."""
    _ = i18n.translator(request)
    what, _sep, rest = done.partition("-")
    if what == "replayed" and rest.startswith("all-"):
        return _("Failed messages sent again: %(n)s.") % {"n": rest.removeprefix("all-")}
    if what == "replayed":
        return _("Message %(id)s will be sent again now, with the same message id.") % {"id": rest}
    if what == "disabled":
        return _("Delivery to %(r)s is stopped; its messages wait.") % {"r": rest}
    if what == "enabled":
        return _("Delivery to %(r)s resumed.") % {"r": rest}
    if what == "saved":
        return _("The endpoint of %(r)s is saved; delivery to it is tried again now.") % {"r": rest}
    return ""


@router.post("/delivery/messages/{message_id}/replay")
async def replay_message(
    message_id: PathId, request: Request, who: StaffSession = Depends(ADMIN)
) -> Response:
    await run(request, who.actor, lambda ctx: outbox.replay_message(ctx, message_id))
    return redirect(request, f"/centre/delivery?done=replayed-{message_id}")


@router.post("/delivery/replay")
async def replay_failed(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """Every failed message to one recipient (or to all) sent again, as POST /outbox/replay."""
    recipient = str((await form(request)).get("recipient") or "") or None
    f = ReplayFilter(OutboxStatus.FAILED, recipient)
    try:
        answer = await run(request, who.actor, lambda ctx: outbox.replay(ctx, f))
    except DomainError as refusal:
        return await _delivery(request, who, "", "failed", 0, "", refusal, refusal.status)
    return redirect(request, f"/centre/delivery?done=replayed-all-{answer['replayed']}")


@router.post("/delivery/endpoints/{recipient}/{switch}")
async def switch_endpoint(
    recipient: str, switch: str, request: Request, who: StaffSession = Depends(ADMIN)
) -> Response:
    """Pause delivery to a recipient (its messages wait) or resume it (ends any pause)."""
    if switch not in ("enable", "disable"):
        raise invalid("switch", "只能为 enable 或 disable", "must be enable or disable")
    on = switch == "enable"
    await run(request, who.actor, lambda ctx: outbox.set_enabled(ctx, recipient, on))
    return redirect(request, f"/centre/delivery?done={switch}d-{recipient}")


# ---- the bank inbox (banks) ----


@router.get("/inbox")
async def bank_inbox(
    request: Request,
    bank: str = Query("", max_length=16),
    status: str = Query("", max_length=16),
    after: str = Query("", max_length=512),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    f = inbox.InboxFilter(bank or None, _enum(InboxStatus, status), None, after or None, PAGE)
    async with unit(request, who.actor) as ctx:
        reports, cursor = await inbox.list_inbox(ctx, f)
        banks = await reference.banks(ctx)
        names = await place_names(ctx, i18n.language(request))
    context = page_context(
        request,
        reports=reports,
        cursor=cursor,
        bank=bank,
        status=status,
        banks=banks,
        names=names,
        statuses=[s.value for s in InboxStatus],
        refusal_text=lambda r: in_language(request, r.get("detail_zh"), r.get("detail_en", "")),
    )
    return render(request, "centre/inbox.html", context)


# ---- reconciliation (banks/reconciliation) ----


@router.get("/reconciliation")
async def reconciliation_runs(
    request: Request,
    bank: str = Query("", max_length=16),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    return await _runs(request, who, bank, {}, None)


async def _runs(
    request: Request,
    who: StaffSession,
    bank: str,
    errors: dict[str, str],
    problems: list[dict[str, Any]] | None,
    code: int = 200,
) -> Response:
    async with unit(request, who.actor) as ctx:
        banks = await reference.banks(ctx)
        bank = bank or banks[0].code
        runs = await reconciliation.list_runs(ctx, bank, 0, 50)
        names = await place_names(ctx, i18n.language(request))
    context = page_context(
        request,
        banks=banks,
        bank=bank,
        names=names,
        runs=runs["items"],
        errors=errors,
        problems=problems or [],
    )
    return render(request, "centre/reconciliation.html", context, status=code)


@router.post("/reconciliation")
async def upload_statement(request: Request, who: StaffSession = Depends(ADMIN)) -> Response:
    """Reconcile with a bank's statement file (CSV), as POST /banks/{bank}/reconciliations."""
    data = await form(request)
    bank = str(data.get("bank") or "")
    upload = data.get("statement")
    try:
        as_of = _as_of(str(data.get("as_of") or ""))
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise invalid("statement", "请选择对账文件", "choose a statement file")
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            while part := await upload.read(64 * 1024):
                spool.write(part)
            statement = Statement(spool, as_of, Source.FILE)
            done = await reconciliation.reconcile(runtime(request), who.actor, bank, statement)
    except DomainError as refusal:
        problems = (
            [p.as_dict() for p in refusal.problems]
            if isinstance(refusal, StatementRefused)
            else None
        )
        return await _runs(
            request, who, bank, errors_of(request, refusal), problems, refusal.status
        )
    finally:
        await data.close()  # the uploaded file's spool
    return redirect(request, f"/centre/reconciliation/{done['id']}")


def _as_of(text: str) -> datetime | None:
    """The moment the statement describes, as the API takes it (ISO 8601 with its zone)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise invalid(
            "as_of",
            "须为带时区的ISO 8601日期时间，如 2026-11-24T02:00:00+08:00",
            "must be an ISO 8601 date and time with its zone, e.g. 2026-11-24T02:00:00+08:00",
        )
    return moment


@router.get("/reconciliation/{run_id}")
async def reconciliation_run(
    run_id: PathId,
    request: Request,
    kind: str = Query("", max_length=64),
    after: int = Query(0, ge=0),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    chosen = _enum(Kind, kind)
    async with unit(request, who.actor) as ctx:
        body = await reconciliation.report(ctx, run_id, chosen, None, after, PAGE)
        names = await place_names(ctx, i18n.language(request))
    context = page_context(
        request,
        report=body,
        names=names,
        kind=kind,
        kinds=[k.value for k in Kind],
        text=lambda zh, en: in_language(request, zh, en),
    )
    return render(request, "centre/reconciliation_run.html", context)


@router.get("/reconciliation/{run_id}/differences.csv")
async def differences_csv(
    run_id: PathId,
    request: Request,
    kind: str = Query("", max_length=64),
    who: StaffSession = Depends(ADMIN),
) -> StreamingResponse:
    """The run's differences as the API's CSV (UTF-8 with BOM, opens in a spreadsheet)."""
    chosen = _enum(Kind, kind)
    rt = runtime(request)
    first = await run(
        request,
        who.actor,
        lambda ctx: reconciliation.differences(ctx, run_id, chosen, None, 0, CSV_PAGE),
    )

    async def lines() -> AsyncIterator[str]:
        page = first
        yield "\ufeff" + _csv([list(REPORT_COLUMNS)])
        while True:
            yield _csv([[item[c] for c in REPORT_COLUMNS] for item in page["items"]])
            if page["next_after"] is None:
                return
            after = page["next_after"]
            async with rt.unit(who.actor, readonly=True) as ctx:
                page = await reconciliation.differences(ctx, run_id, chosen, None, after, CSV_PAGE)

    name = f"reconciliation-{run_id}.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _csv(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# ---- notifications to people (platform/notify) ----


@router.get("/notifications")
async def notification_list(
    request: Request,
    status: str = Query("", max_length=16),
    after: int = Query(0, ge=0),
    who: StaffSession = Depends(ADMIN),
) -> Response:
    f = NotificationFilter(_enum(NotificationStatus, status), None, after, PAGE)
    items, cursor = await run(
        request, who.actor, lambda ctx: notifications.list_notifications(ctx, f)
    )
    context = page_context(
        request,
        items=items,
        cursor=cursor,
        status=status,
        statuses=[s.value for s in NotificationStatus],
    )
    return render(request, "centre/notifications.html", context)
