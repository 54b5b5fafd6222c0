"""Request bodies of a city transfer (SPEC JUR-1)."""

from __future__ import annotations

from pydantic import Field

from sscard.platform.http.request import Body
from sscard.registry.schemas import DocumentIn


class CityChangeIn(Body):
    to_city_code: str = Field(min_length=2, max_length=8, description="the new management city")
    transfer_certificate_number: str = Field(min_length=1, max_length=64)
    document: DocumentIn = Field(description="the holder's identity document")
