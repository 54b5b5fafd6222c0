"""Composition: the catalogue of every context's operations and hooks, wired explicitly.

Nothing registers itself by being imported: a context's operations, CAN-2 checks, notification
templates, outbox enrichers and event subscribers are listed here, so a context nobody lists is
visible in review (and in the tests that check the catalogue), never silently skipped.
"""

from __future__ import annotations

from sscard.actors import permissions as actors
from sscard.applications import permissions as applications
from sscard.applications.renewal import permissions as renewal
from sscard.applications.temporary_medical import permissions as temporary_medical
from sscard.banks import permissions as banks
from sscard.banks.reconciliation import permissions as reconciliation
from sscard.cards import permissions as cards
from sscard.cards.cancellation import permissions as cancellation
from sscard.cards.expiry import permissions as expiry
from sscard.cards.financial import permissions as financial
from sscard.cards.jurisdiction import permissions as jurisdiction
from sscard.cards.loss import permissions as loss
from sscard.cards.passwords import permissions as passwords
from sscard.kernel.actor import Operation
from sscard.platform import permissions as platform
from sscard.platform.clock import permissions as clock
from sscard.platform.notify import permissions as notify
from sscard.platform.outbox import permissions as outbox
from sscard.registry import permissions as registry
from sscard.registry.calendar import permissions as calendar
from sscard.registry.corrections import permissions as corrections
from sscard.registry.credit import permissions as credit
from sscard.registry.reference import permissions as reference

OPERATIONS: tuple[Operation, ...] = (
    *platform.OPERATIONS,
    *clock.OPERATIONS,
    *notify.OPERATIONS,
    *outbox.OPERATIONS,
    *registry.OPERATIONS,
    *reference.OPERATIONS,
    *calendar.OPERATIONS,
    *corrections.OPERATIONS,
    *credit.OPERATIONS,
    *actors.OPERATIONS,
    *cards.OPERATIONS,
    *loss.OPERATIONS,
    *financial.OPERATIONS,
    *passwords.OPERATIONS,
    *cancellation.OPERATIONS,
    *jurisdiction.OPERATIONS,
    *expiry.OPERATIONS,
    *applications.OPERATIONS,
    *renewal.OPERATIONS,
    *temporary_medical.OPERATIONS,
    *banks.OPERATIONS,
    *reconciliation.OPERATIONS,
)
