"""Benefit payments through the card's bank account (SPEC PAY-1..3, ISS-6, REP-3)."""
