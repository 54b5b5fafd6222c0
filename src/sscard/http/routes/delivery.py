"""Outbound delivery to banks: the outbox and the endpoints (administrators)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
