"""The application lists over HTTP (SPEC YRD-2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body
from sscard.scenes.lists.rules import ListScope
from sscard.scenes.lists.service import NewList


class ListEntryIn(Body):
    use: str = Field(max_length=16, description="identity | medical | entry | ticket | library")
    kinds: list[str] = Field(min_length=1, max_length=10, description="kinds of scene")


class ApplicationListIn(Body):
    scope: Literal["delta", "province", "city"]
    city_code: str | None = Field(None, pattern=r"^[0-9]{4}$", description="for a city's list")
    effective_from: date = Field(description="the first day in force (today or later)")
    entries: list[ListEntryIn] = Field(max_length=20, description="what the list includes")
    note: str = Field(min_length=1, max_length=200, description="what changed and why")

    def domain(self) -> NewList:
        entries = [{"use": e.use, "kinds": e.kinds} for e in self.entries]
        return NewList(
            ListScope(self.scope), self.city_code, self.effective_from, entries, self.note
        )


class ListEntryView(BaseModel):
    use: str
    kinds: list[str]


class ApplicationListView(BaseModel):
    scope: str
    scope_zh: str
    city_code: str | None
    version: int
    effective_from: date
    note: str
    entries: list[ListEntryView]


class InForceView(BaseModel):
    city_code: str
    on: date
    lists: list[ApplicationListView] = Field(description="the delta's, the province's, the city's")
    together: list[ListEntryView] = Field(description="what a scene in the city may ask for")


class VersionView(BaseModel):
    version: int
    effective_from: date
    note: str
    published_at: datetime | None = Field(description="none for version 1, shipped")


class PublishedView(BaseModel):
    scope: str
    city_code: str | None
    version: int
    effective_from: date
    note: str
    entries: list[ListEntryView]
