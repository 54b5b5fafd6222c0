"""Real-name sign-in over HTTP (issue 13 item 1)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from sscard.platform.http.request import Body


class CodeRequestIn(Body):
    social_security_number: str = Field(
        min_length=15,
        max_length=40,
        description="as the holder types it: full-width digits and spaces are taken (ID-1)",
    )
    name: str = Field(min_length=1, max_length=64, description="the name as on the card")


class ChallengeView(BaseModel):
    challenge: str = Field(description="give it back with the code; worth nothing by itself")
    expires_at: datetime = Field(description="a code sent for it is good until then")
    notice_zh: str = Field(description="what to tell the person (never whether anyone matched)")
    notice_en: str


class SignInIn(Body):
    challenge: str = Field(min_length=16, max_length=128)
    code: str = Field(pattern=r"^[0-9]{6}$", description="the six digits of the SMS")


class SessionView(BaseModel):
    token: str = Field(description="bearer token of the session (shown once)")
    person_id: int
    expires_at: datetime = Field(description="at the latest; 30 idle minutes end it sooner")
