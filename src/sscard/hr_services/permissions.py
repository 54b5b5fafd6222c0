"""Operations of the HR services through the card (SPEC ECARD-5), and who may do them."""

from __future__ import annotations

from sscard.kernel.actor import Operation, Role

USE_HR_SERVICES = Operation("use_hr_services", "通过社保卡办理人社服务", {Role.CARDHOLDER})

OPERATIONS = (USE_HR_SERVICES,)
