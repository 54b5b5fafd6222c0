"""The ecard password over HTTP (SPEC ECARD-3, PWD-2/3). Passwords arrive as SecretStr; no
answer carries one."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, SecretStr

from sscard.platform.http.request import Body
from sscard.registry.schemas import DocumentIn

PASSWORD = "6 digits; weak ones are refused with the rule they break (PWD-2)"


class EcardPasswordIn(Body):
    new_password: SecretStr = Field(max_length=32, description=PASSWORD)
    old_password: SecretStr | None = Field(
        None, max_length=32, description="the current password, to change it (PWD-3 counts it)"
    )


class EcardPasswordResetIn(Body):
    new_password: SecretStr = Field(max_length=32, description=PASSWORD)
    document: DocumentIn = Field(description="the holder's own ID, shown with the card (PWD-3)")


class MedicalQrIn(Body):
    password: SecretStr = Field(max_length=32, description="the ecard password")
    channel: str | None = Field(
        None, max_length=32, description="the synchronised-application channel showing it "
        "(ECARD-1: needs the holder's consent); absent in sscard's own online hall"
    )  # fmt: skip


class EcardPasswordView(BaseModel):
    outcome: str = Field(description="set")
    password_set: bool


class MedicalQrView(BaseModel):
    outcome: str = Field(description="shown")
    qr: str
    scope: str = Field(description="medical")
    issued_at: datetime
    expires_at: datetime
