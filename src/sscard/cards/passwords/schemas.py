"""Request and response shapes of the hr password (SPEC PWD-1..3).

Passwords arrive as SecretStr: they print as stars, so a stray log line or repr cannot leak them.
No answer ever carries a password.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, SecretStr

from sscard.platform.http.request import Body
from sscard.registry.schemas import DocumentIn

PASSWORD = "6 digits; weak ones are refused with the rule they break (PWD-2)"


class HrPasswordSetIn(Body):
    new_password: SecretStr = Field(max_length=32, description=PASSWORD)
    old_password: SecretStr | None = Field(
        None, max_length=32, description="the current password, to change it (PWD-3 counts it)"
    )
    document: DocumentIn | None = Field(
        None, description="the holder's own ID; required to set the password the first time"
    )


class HrPasswordVerifyIn(Body):
    password: SecretStr = Field(max_length=32, description="the password to check")


class HrPasswordResetIn(Body):
    new_password: SecretStr = Field(max_length=32, description=PASSWORD)
    document: DocumentIn = Field(description="the holder's own ID, shown with the card (PWD-3)")


class HrPasswordStateView(BaseModel):
    card_number: str
    password_set: bool
    set_at: datetime | None = Field(description="when it was last set, changed or reset")
    locked: bool = Field(description="locked after too many wrong tries; reset at an outlet")
    locked_at: datetime | None
    failed_attempts: int = Field(description="wrong tries in a row")
    max_attempts: int = Field(description="the city's limit (policy password_max_attempts)")
    remaining_tries: int


class HrPasswordChangeView(HrPasswordStateView):
    outcome: str = Field(description="set, changed or reset")


class HrPasswordVerdictView(HrPasswordStateView):
    outcome: str = Field(description="verified or wrong; a locked password answers 423")
    verified: bool
