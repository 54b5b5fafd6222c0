"""Imports every context's tables so the shared metadata is complete (for migrations and tests)."""

from sscard.actors import models as actors_models
from sscard.applications import models as applications_models
from sscard.cards import models as cards_models
from sscard.db import metadata
from sscard.platform import models as platform_models
from sscard.registry import models as registry_models

__all__ = [
    "actors_models",
    "applications_models",
    "cards_models",
    "metadata",
    "platform_models",
    "registry_models",
]
