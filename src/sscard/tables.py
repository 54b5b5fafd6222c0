"""Every context's tables in the shared metadata, for migrations (alembic) and the tests.

Imports each `models.py` explicitly; tests/unit/test_tables.py checks none is missing.
"""

from sscard.actors import models as actors
from sscard.actors.family import models as family
from sscard.actors.online import models as online
from sscard.actors.staff import models as staff
from sscard.applications import models as applications
from sscard.applications.temporary_medical import models as temporary_medical
from sscard.banks import models as banks
from sscard.banks.reconciliation import models as reconciliation
from sscard.cards import models as cards
from sscard.cards.cancellation import models as cancellation
from sscard.cards.legacy import models as legacy
from sscard.cards.passwords import models as passwords
from sscard.culture import models as culture
from sscard.delta import models as delta
from sscard.ecards import models as ecards
from sscard.ecards.password import models as ecard_password
from sscard.hr_services import models as hr_services
from sscard.kernel import models as kernel
from sscard.kernel.db import metadata
from sscard.medical import models as medical
from sscard.payments import models as payments
from sscard.payments.collections import models as collections
from sscard.platform import models as platform
from sscard.platform.access import models as access
from sscard.platform.notify import models as notify
from sscard.platform.outbox import models as outbox
from sscard.platform.throttle import models as throttle
from sscard.promotions import models as promotions
from sscard.registry import models as registry
from sscard.registry.calendar import models as calendar
from sscard.registry.corrections import models as corrections
from sscard.registry.credit import models as credit
from sscard.registry.reference import models as reference
from sscard.scenes import models as scenes
from sscard.scenes.lists import models as application_lists
from sscard.statistics import models as statistics
from sscard.transport import models as transport
from sscard.transport.offline import models as offline_fares
from sscard.units import models as units
from sscard.units.collection import models as unit_collection

MODELS = (
    kernel,
    platform,
    access,
    outbox,
    throttle,
    notify,
    registry,
    reference,
    calendar,
    corrections,
    credit,
    actors,
    family,
    online,
    staff,
    cards,
    legacy,
    passwords,
    cancellation,
    applications,
    temporary_medical,
    banks,
    reconciliation,
    statistics,
    units,
    ecards,
    delta,
    transport,
    offline_fares,
    payments,
    collections,
    promotions,
    ecard_password,
    scenes,
    application_lists,
    medical,
    culture,
    hr_services,
    unit_collection,
)

__all__ = ["MODELS", "metadata"]
