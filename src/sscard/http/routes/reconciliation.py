"""Reconciliation of card and account status with a bank."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
