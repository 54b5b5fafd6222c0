"""Reconciliation with a bank: its statement compared with our mirror, differences reported and
repaired by rule (SPEC ISS-2)."""
