"""Cancelling a card and its financial-account closure notice (SPEC CAN-1..5, JUR-2)."""
