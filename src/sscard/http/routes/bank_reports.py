"""What banks report to us: the inbox (SPEC ISS-2, ISS-4, LOSS-2/3, CAN-3)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
