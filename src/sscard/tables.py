"""Imports every context's tables so the shared metadata is complete (for migrations and tests)."""

from sscard.actors import models as actors_models
from sscard.applications import models as applications_models
from sscard.banks import models as banks_models
from sscard.cards import models as cards_models
from sscard.cards.cancellation import models as cancellation_models
from sscard.cards.passwords import repository as cards_password_store
from sscard.kernel.db import metadata
from sscard.platform import models as platform_models
from sscard.platform.notify import models as notification_models
from sscard.registry import models as registry_models
from sscard.registry.credit import models as credit_models

__all__ = [
    "actors_models",
    "applications_models",
    "banks_models",
    "cancellation_models",
    "cards_models",
    "cards_password_store",
    "credit_models",
    "metadata",
    "notification_models",
    "platform_models",
    "registry_models",
]
