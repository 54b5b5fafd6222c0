"""Cooperating banks: signed delivery to them, their reports to us, reconciliation (SPEC ISS-2)."""
