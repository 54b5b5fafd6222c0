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

    def city_and_code(self, code: str | None) -> str:
        """The name with the code beside it, "苏州市 (3205)", for staff who type or match it."""
        return _and_code(self.cities, code)

    def bank_and_code(self, code: str | None) -> str:
        """The name with the code beside it, "中国工商银行 (ICBC)"."""
        return _and_code(self.banks, code)


def _and_code(names: dict[str, str], code: str | None) -> str:
    name = names.get(code or "")
    return f"{name} ({code})" if name else code or ""


async def place_names(ctx: Ctx, lang: str) -> PlaceNames:
    """The cities' and banks' names in `lang` (the reference data is cached)."""
    english = lang == "en"
    cities = {c.code: c.name_en if english else c.name_zh for c in await reference.cities(ctx)}
    banks = {b.code: b.name_en if english else b.name_zh for b in await reference.banks(ctx)}
    return PlaceNames(cities, banks)
