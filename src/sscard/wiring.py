"""Composition: the catalogue of every context's operations and hooks, wired explicitly.

Nothing registers itself by being imported: a context's operations, CAN-2 checks, notification
templates, outbox enrichers and event subscribers are listed here, so a context nobody lists is
visible in review (and in the tests that check the catalogue), never silently skipped.
"""

from __future__ import annotations

from sscard.actors import permissions as actors
from sscard.actors.family import permissions as family
from sscard.actors.online import hooks as online_hooks
from sscard.actors.online.service import TokensAndSessions
from sscard.actors.staff import permissions as staff
from sscard.applications import hooks as applications_hooks
from sscard.applications import permissions as applications
from sscard.applications import subscribers as applications_subscribers
from sscard.applications.online import hooks as online_application_hooks
from sscard.applications.online import permissions as online
from sscard.applications.renewal import extensions as renewal_extensions
from sscard.applications.renewal import hooks as renewal_hooks
from sscard.applications.renewal import permissions as renewal
from sscard.applications.temporary_medical import permissions as temporary_medical
from sscard.banks import enrichment as bank_enrichment
from sscard.banks import hooks as bank_hooks
from sscard.banks import permissions as banks
from sscard.banks import subscribers as bank_subscribers
from sscard.banks.reconciliation import permissions as reconciliation
from sscard.cards import permissions as cards
from sscard.cards.cancellation import extensions as cancellation_extensions
from sscard.cards.cancellation import permissions as cancellation
from sscard.cards.events import (
    CardCollected,
    CardProduced,
    CardSuperseded,
    ClosureNoticeIssued,
    FinancialStatusChanged,
)
from sscard.cards.expiry import hooks as expiry_hooks
from sscard.cards.expiry import permissions as expiry
from sscard.cards.jurisdiction import hooks as jurisdiction_hooks
from sscard.cards.jurisdiction import permissions as jurisdiction
from sscard.cards.legacy import hooks as legacy_hooks
from sscard.cards.loss import hooks as loss_hooks
from sscard.cards.loss import permissions as loss
from sscard.cards.passwords import permissions as passwords
from sscard.culture import permissions as culture
from sscard.delta import extensions as delta_extensions
from sscard.delta import hooks as delta_hooks
from sscard.delta import permissions as delta
from sscard.delta import subscribers as delta_subscribers
from sscard.ecards import permissions as ecards
from sscard.ecards import subscribers as ecard_subscribers
from sscard.ecards.password import permissions as ecard_password
from sscard.hr_services import permissions as hr_services
from sscard.kernel.actor import Operation
from sscard.kernel.events import BUS
from sscard.medical import hooks as medical_hooks
from sscard.medical import permissions as medical
from sscard.medical import subscribers as medical_subscribers
from sscard.payments import hooks as payment_hooks
from sscard.payments import permissions as payments
from sscard.payments import subscribers as payment_subscribers
from sscard.payments.collections import permissions as collections
from sscard.platform import permissions as platform
from sscard.platform.access import permissions as access
from sscard.platform.clock import permissions as clock
from sscard.platform.http.deps import set_authenticator
from sscard.platform.notify import permissions as notify
from sscard.platform.notify import templates
from sscard.platform.notify.extensions import set_contact_book
from sscard.platform.outbox import permissions as outbox
from sscard.platform.outbox.extensions import HOOKS as OUTBOX_HOOKS
from sscard.promotions import permissions as promotions
from sscard.promotions import subscribers as promotion_subscribers
from sscard.registry import permissions as registry
from sscard.registry import repository as registry_repository
from sscard.registry.calendar import permissions as calendar
from sscard.registry.calendar.events import CalendarYearLoaded
from sscard.registry.corrections import permissions as corrections
from sscard.registry.credit import permissions as credit
from sscard.registry.reference import permissions as reference
from sscard.scenes import permissions as scenes
from sscard.scenes.lists import permissions as application_lists
from sscard.statistics import permissions as statistics
from sscard.statistics import subscribers as statistics_subscribers
from sscard.transport import permissions as transport
from sscard.transport import service as transport_service
from sscard.units import permissions as units
from sscard.units.collection import permissions as unit_collection
from sscard.units.photos import permissions as unit_photos
from sscard.units.production import permissions as unit_production

OPERATIONS: tuple[Operation, ...] = (
    *platform.OPERATIONS,
    *access.OPERATIONS,
    *clock.OPERATIONS,
    *notify.OPERATIONS,
    *outbox.OPERATIONS,
    *registry.OPERATIONS,
    *reference.OPERATIONS,
    *calendar.OPERATIONS,
    *corrections.OPERATIONS,
    *credit.OPERATIONS,
    *actors.OPERATIONS,
    *family.OPERATIONS,
    *staff.OPERATIONS,
    *cards.OPERATIONS,
    *loss.OPERATIONS,
    *passwords.OPERATIONS,
    *cancellation.OPERATIONS,
    *jurisdiction.OPERATIONS,
    *expiry.OPERATIONS,
    *applications.OPERATIONS,
    *renewal.OPERATIONS,
    *temporary_medical.OPERATIONS,
    *online.OPERATIONS,
    *banks.OPERATIONS,
    *reconciliation.OPERATIONS,
    *statistics.OPERATIONS,
    *unit_photos.OPERATIONS,
    *unit_production.OPERATIONS,
    *unit_collection.OPERATIONS,
    *units.OPERATIONS,
    *ecards.OPERATIONS,
    *ecard_password.OPERATIONS,
    *scenes.OPERATIONS,
    *application_lists.OPERATIONS,
    *medical.OPERATIONS,
    *culture.OPERATIONS,
    *delta.OPERATIONS,
    *transport.OPERATIONS,
    *payments.OPERATIONS,
    *collections.OPERATIONS,
    *promotions.OPERATIONS,
    *hr_services.OPERATIONS,
)


def wire() -> None:
    """Register every context's hooks and event subscribers; once per process, idempotent.

    Called by every entry point (the app, the worker, the CLI) and the tests' fixtures before
    any use case runs.
    """
    if BUS.wired:
        return
    outbox = OUTBOX_HOOKS
    outbox.clear()
    outbox.recipients += [
        bank_hooks.RECIPIENT,
        legacy_hooks.RECIPIENT,
        jurisdiction_hooks.RECIPIENT,
        delta_hooks.RECIPIENT,
    ]
    outbox.enrichers += [bank_enrichment.enrich, payment_hooks.enrich_instructions]
    outbox.card_key = bank_hooks.card_key_of
    outbox.card_fields.update(bank_hooks.CARD_FIELDS)
    templates.register(
        *renewal_hooks.TEMPLATES,
        *expiry_hooks.TEMPLATES,
        *payment_hooks.TEMPLATES,
        *loss_hooks.TEMPLATES,
        *online_hooks.TEMPLATES,
        *online_application_hooks.TEMPLATES,
    )
    set_contact_book(registry_repository.phones)
    cancellation_extensions.CHECKS.clear()
    cancellation_extensions.register(applications_hooks.open_applications)  # SPEC CAN-2
    cancellation_extensions.SUPERSESSIONS.clear()
    cancellation_extensions.register_supersession(applications_hooks.superseding_application)
    set_authenticator(TokensAndSessions())
    BUS.clear()
    BUS.subscribe(CalendarYearLoaded, applications_subscribers.on_calendar_year_loaded)
    BUS.subscribe(CardProduced, bank_subscribers.on_card_produced)
    for changed in bank_subscribers.TOLD_TO_THE_BANK:
        BUS.subscribe(changed, bank_subscribers.on_hr_function_changed)
    BUS.subscribe(CardSuperseded, bank_subscribers.on_card_superseded)
    BUS.subscribe(ClosureNoticeIssued, bank_subscribers.on_closure_notice_issued)
    statistics_subscribers.subscribe(BUS)
    ecard_subscribers.subscribe(BUS)
    medical_subscribers.subscribe(BUS)
    for changed in delta_subscribers.TOLD_TO_THE_DELTA:
        BUS.subscribe(changed, delta_subscribers.on_hr_function_changed)
    delta_extensions.clear()
    delta_extensions.register(medical_hooks.filing_for_delta)  # SPEC MED-1, YRD-1
    for followed in payment_subscribers.FOLLOWED:  # SPEC PAY-2
        BUS.subscribe(followed, payment_subscribers.on_card_changed)
    BUS.subscribe(FinancialStatusChanged, promotion_subscribers.on_financial_status_changed)
    BUS.subscribe(CardCollected, promotion_subscribers.on_card_collected)  # SPEC PRM-1
    renewal_extensions.clear()
    renewal_extensions.register(transport_service.refuse_exchange_with_balance)  # SPEC REP-4
    BUS.wired = True
