"""Names in place of codes on the pages: cities and banks from the reference data, in the page's
language (a clerk reads 苏州市, not 3205)."""

from __future__ import annotations

from dataclasses import dataclass

from sscard.kernel.ctx import Ctx
from sscard.registry.reference import service as reference


@dataclass(frozen=True)
class PlaceNames:
    """Code → name of the cities and the banks; an unknown code stays as it is."""

    cities: dict[str, str]
    banks: dict[str, str]

    def city(self, code: str | None) -> str:
        return self.cities.get(code or "", code or "")

    def bank(self, code: str | None) -> str:
        return self.banks.get(code or "", code or "")


async def place_names(ctx: Ctx, lang: str) -> PlaceNames:
    """The cities' and banks' names in `lang` (the reference data is cached)."""
    english = lang == "en"
    cities = {c.code: c.name_en if english else c.name_zh for c in await reference.cities(ctx)}
    banks = {b.code: b.name_en if english else b.name_zh for b in await reference.banks(ctx)}
    return PlaceNames(cities, banks)
